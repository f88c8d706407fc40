"""Read-only helpers for the trainer's studio: published modules with their figures, versions,
lessons, and what a pasted text may refer to. Nothing here changes content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.content.catalogue import current_versions, pick_language
from app.content.preview import PreviewContext
from app.extensions import db
from app.models import Lesson, Module, ModuleDraft, ModuleVersion, QuizAttempt, User


@dataclass
class Translation:
    """One language of a module as the studio lists it: the current version and its attempts."""

    language: str
    version: str
    title: str
    reviewed: dt.date
    attempts: int
    passed: int


@dataclass
class ModuleSummary:
    slug: str
    #: The course from the repository (read-only here), not the organisation's own module.
    shared: bool = True
    translations: list[Translation] = field(default_factory=list)

    def title(self, language: str) -> str:
        chosen = next((t for t in self.translations if t.language == language), None)
        return (chosen or self.translations[0]).title

    @property
    def attempts(self) -> int:
        return sum(t.attempts for t in self.translations)

    @property
    def pass_rate(self) -> int | None:
        """Percentage of submitted attempts that passed, or None when there are none."""
        if not self.attempts:
            return None
        return round(100 * sum(t.passed for t in self.translations) / self.attempts)


def submitted_attempts_join(organisation_id: int) -> sa.ColumnElement[bool]:
    """Attempts count once they are handed in (open ones say nothing about the questions yet),
    and only those of the organisation's own people."""
    return sa.and_(
        QuizAttempt.module_version_id == ModuleVersion.id,
        QuizAttempt.submitted_at.is_not(None),
        QuizAttempt.user_id.in_(sa.select(User.id).where(User.organisation_id == organisation_id)),
    )


def module_overview(organisation_id: int) -> list[ModuleSummary]:
    """Every module the organisation sees (shared and own) with its current version per
    language, number of submitted attempts and how many passed: one aggregate query."""
    rows = db.session.execute(
        sa.select(
            Module.slug,
            Module.organisation_id,
            ModuleVersion.language,
            ModuleVersion.version,
            ModuleVersion.title,
            ModuleVersion.reviewed,
            sa.func.count(QuizAttempt.id),
            sa.func.coalesce(sa.func.sum(sa.case((QuizAttempt.passed, 1), else_=0)), 0),
        )
        .join(ModuleVersion.module)
        .outerjoin(QuizAttempt, submitted_attempts_join(organisation_id))
        .where(ModuleVersion.is_current, Module.visible_to(organisation_id))
        .group_by(
            Module.id,
            Module.slug,
            Module.organisation_id,
            ModuleVersion.id,
            ModuleVersion.language,
            ModuleVersion.version,
            ModuleVersion.title,
            ModuleVersion.reviewed,
        )
        .order_by(Module.id, ModuleVersion.language.desc())  # "nl" before "en"
    )
    modules: dict[str, ModuleSummary] = {}
    for slug, owner, language, version, title, reviewed, attempts, passed in rows:
        summary = modules.setdefault(slug, ModuleSummary(slug, shared=owner is None))
        summary.translations.append(
            Translation(language, version, title, reviewed, int(attempts), int(passed))
        )
    return list(modules.values())


@dataclass
class VersionInfo:
    id: int
    language: str
    version: str
    title: str
    is_current: bool
    reviewed: dt.date
    published_at: dt.datetime
    #: (position, title) of each lesson.
    lessons: list[tuple[int, str]] = field(default_factory=list)


def module_versions(slug: str, organisation_id: int) -> dict[str, list[VersionInfo]] | None:
    """{language: versions, newest first, each with its lessons}; None when no such module.

    Two queries, whatever the number of versions; the big columns (HTML, sources) stay unread.
    """
    rows = db.session.execute(
        sa.select(
            ModuleVersion.id,
            ModuleVersion.language,
            ModuleVersion.version,
            ModuleVersion.title,
            ModuleVersion.is_current,
            ModuleVersion.reviewed,
            ModuleVersion.published_at,
        )
        .join(ModuleVersion.module)
        .where(Module.slug == slug, Module.visible_to(organisation_id))
        .order_by(ModuleVersion.language.desc(), ModuleVersion.id.desc())
    ).all()
    if not rows:
        return None
    versions = {row.id: VersionInfo(*row) for row in rows}
    lessons = db.session.execute(
        sa.select(Lesson.module_version_id, Lesson.position, Lesson.title)
        .where(Lesson.module_version_id.in_(versions))
        .order_by(Lesson.position)
    )
    for version_id, position, title in lessons:
        versions[version_id].lessons.append((position, title))
    found: dict[str, list[VersionInfo]] = {}
    for version in versions.values():
        found.setdefault(version.language, []).append(version)
    return found


def published_version(
    slug: str, language: str, version: str | None, organisation_id: int
) -> ModuleVersion | None:
    """The current version of the module in `language`, or the named one (older ones too);
    None when there is none or the organisation may not see the module."""
    query = (
        sa.select(ModuleVersion)
        .join(ModuleVersion.module)
        .where(
            Module.slug == slug,
            ModuleVersion.language == language,
            Module.visible_to(organisation_id),
        )
    )
    if version:
        query = query.where(ModuleVersion.version == version)
    else:
        query = query.where(ModuleVersion.is_current)
    return db.session.scalar(query)


def lesson_at(version: ModuleVersion, position: int) -> Lesson | None:
    return db.session.scalar(
        sa.select(Lesson).where(Lesson.module_version_id == version.id, Lesson.position == position)
    )


def module_choices(language: str, organisation_id: int) -> list[tuple[str, str]]:
    """(slug, title) of every module the organisation sees, for the preview form's list."""
    return [
        (slug, pick_language(translations, language).title)
        for slug, translations in current_versions(organisation_id).items()
    ]


def preview_context(
    language: str, module_slug: str | None, organisation_id: int
) -> PreviewContext | None:
    """What a pasted text in `language` may link to: the chosen module's lessons, images and
    glossary, and every module. None when the module has no current version in `language`."""
    all_slugs = set(
        db.session.scalars(sa.select(Module.slug).where(Module.visible_to(organisation_id)))
    )
    if not module_slug:
        return PreviewContext(language=language, module_slugs=all_slugs)
    version = published_version(module_slug, language, None, organisation_id)
    if version is None:
        return None
    return PreviewContext(
        language=language,
        module_slug=module_slug,
        lesson_slugs=list(
            db.session.scalars(sa.select(Lesson.slug).where(Lesson.module_version_id == version.id))
        ),
        asset_names=set(version.assets or {}),
        asset_base=f"/bestanden/{version.content_hash}/",
        module_slugs=all_slugs,
        glossary=dict(version.glossary or {}),
        glossary_html=version.glossary_html,
    )


def drafts_of(organisation_id: int) -> list[ModuleDraft]:
    """The organisation's drafts, newest change first."""
    return list(
        db.session.scalars(
            sa.select(ModuleDraft)
            .where(ModuleDraft.organisation_id == organisation_id)
            .order_by(ModuleDraft.updated_at.desc(), ModuleDraft.id.desc())
        )
    )


def is_shared(slug: str) -> bool:
    owner = db.session.execute(sa.select(Module.organisation_id).where(Module.slug == slug)).first()
    return owner is not None and owner[0] is None
