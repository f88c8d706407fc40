"""Read-only helpers for published content: which version a learner sees, in which language."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Lesson, Module, ModuleVersion


def current_versions() -> dict[str, dict[str, ModuleVersion]]:
    """{slug: {language: current version}} for every published module, in one query."""
    rows = db.session.execute(
        sa.select(Module.slug, ModuleVersion)
        .join(ModuleVersion.module)
        .where(ModuleVersion.is_current)
        .order_by(Module.id)
    )
    found: dict[str, dict[str, ModuleVersion]] = {}
    for slug, version in rows:
        found.setdefault(slug, {})[version.language] = version
    return found


def pick_language(translations: dict[str, ModuleVersion], language: str) -> ModuleVersion | None:
    """The translation in `language`, else the other one (the page then says so)."""
    return translations.get(language) or next(iter(translations.values()), None)


def current_version(slug: str, language: str) -> ModuleVersion | None:
    versions = db.session.scalars(
        sa.select(ModuleVersion)
        .join(ModuleVersion.module)
        .where(Module.slug == slug, ModuleVersion.is_current)
    ).all()
    return pick_language({v.language: v for v in versions}, language)


def module_by_slug(slug: str) -> Module | None:
    return db.session.scalar(sa.select(Module).where(Module.slug == slug))


def lesson_titles(version_id: int) -> list[tuple[int, str, str]]:
    """(position, slug, title) of a version's lessons, without loading their HTML."""
    return list(
        db.session.execute(
            sa.select(Lesson.position, Lesson.slug, Lesson.title)
            .where(Lesson.module_version_id == version_id)
            .order_by(Lesson.position)
        ).all()
    )


def version_with_lessons(version_id: int) -> ModuleVersion | None:
    return db.session.scalar(
        sa.select(ModuleVersion)
        .where(ModuleVersion.id == version_id)
        .options(selectinload(ModuleVersion.lessons))
    )
