"""Read-only helpers for published content: which version a learner sees, in which language.

Which version is current is asked of the database on every call (it changes when content is
published); what a version holds comes from the per-process snapshot cache (it never changes).
"""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa

from app.content.published import PublishedVersion, published, published_many
from app.extensions import db
from app.models import Module, ModuleVersion

V = TypeVar("V")


def current_version_ids(organisation_id: int | None = None) -> dict[str, dict[str, int]]:
    """{slug: {language: id of the current version}}, in module order, from one light query:
    the shared course and the own modules of `organisation_id` (None: the shared course only)."""
    rows = db.session.execute(
        sa.select(Module.slug, ModuleVersion.language, ModuleVersion.id)
        .join(ModuleVersion.module)
        .where(ModuleVersion.is_current, Module.visible_to(organisation_id))
        .order_by(Module.id)
    )
    found: dict[str, dict[str, int]] = {}
    for slug, language, version_id in rows:
        found.setdefault(slug, {})[language] = version_id
    return found


def current_versions(
    organisation_id: int | None = None,
) -> dict[str, dict[str, PublishedVersion]]:
    """{slug: {language: current version}} for every module `organisation_id` may see."""
    ids = current_version_ids(organisation_id)
    snapshots = published_many([i for by_language in ids.values() for i in by_language.values()])
    return {
        slug: {language: snapshots[i] for language, i in by_language.items() if i in snapshots}
        for slug, by_language in ids.items()
    }


def pick_language(translations: dict[str, V], language: str) -> V | None:
    """The translation in `language`, else the other one (the page then says so)."""
    return translations.get(language) or next(iter(translations.values()), None)


def lesson_titles(version_id: int) -> list[tuple[int, str, str]]:
    """(position, slug, title) of a version's lessons."""
    version = published(version_id)
    return [(e.position, e.slug, e.title) for e in version.lessons] if version else []


TocEntry = tuple[int, str, str]


def lesson_neighbours(toc: list[TocEntry], position: int) -> tuple[TocEntry | None, ...]:
    """The contents entries before and after the lesson at `position`; None at either end."""
    index = next(i for i, item in enumerate(toc) if item[0] == position)
    before = toc[index - 1] if index > 0 else None
    after = toc[index + 1] if index + 1 < len(toc) else None
    return before, after
