"""Course content as published: modules, their immutable versions per language, lessons and paths.

A ModuleVersion is never changed after it is written: progress, attempts and certificates point at
the version the learner actually took. Markdown is rendered and sanitised once, at sync time,
and the HTML is stored here, so no request renders Markdown.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.extensions import db


class Module(db.Model):
    """A module across its languages and versions, identified by its slug."""

    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    #: Null for the shared course from the repository (every organisation sees it); otherwise
    #: the one organisation whose learners, HR and trainers may see this module.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )

    versions: Mapped[list[ModuleVersion]] = relationship(
        back_populates="module", order_by="ModuleVersion.id"
    )

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"

    @property
    def is_shared(self) -> bool:
        return self.organisation_id is None

    @staticmethod
    def visible_to(organisation_id: int | None) -> sa.ColumnElement[bool]:
        """The modules a person of `organisation_id` may see: the shared course and their own."""
        return sa.or_(Module.organisation_id.is_(None), Module.organisation_id == organisation_id)


class ModuleVersion(db.Model):
    __tablename__ = "module_versions"
    __table_args__ = (
        sa.UniqueConstraint(
            "module_id", "language", "version", name="uq_module_versions_module_lang_version"
        ),
        sa.Index("ix_module_versions_current", "module_id", "language", "is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    language: Mapped[str] = mapped_column(sa.String(2))
    #: Semantic version from the front matter, e.g. "1.2.0".
    version: Mapped[str] = mapped_column(sa.String(32))
    #: Major part of the version: a higher major makes earlier completions need a refresher.
    major: Mapped[int]
    #: The newest published version for this module and language.
    is_current: Mapped[bool] = mapped_column(default=True)
    #: Hash of every source file, to tell whether content changed.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    minutes: Mapped[int]
    objectives: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    audience: Mapped[list[str]] = mapped_column(sa.JSON)
    prerequisites: Mapped[list[str]] = mapped_column(sa.JSON)
    tags: Mapped[list[str]] = mapped_column(sa.JSON)
    sources: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON)
    glossary: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    reviewed: Mapped[date]
    #: "lessons-and-quiz", "lessons" or "quiz": what completes the module.
    completion_rule: Mapped[str] = mapped_column(sa.String(32))
    intro_html: Mapped[str] = mapped_column(sa.Text)
    glossary_html: Mapped[str] = mapped_column(sa.Text, default="")
    #: Quiz settings and the question pool, right answers included (never sent before submission).
    quiz: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: The source files as written, keyed by path relative to the content root: export reads these.
    #: Deferred, as are the assets: they are large and only export and the asset route need them.
    source_files: Mapped[dict[str, str]] = mapped_column(sa.JSON, deferred=True)
    #: Images and other assets beside the lessons, base64-encoded, keyed by file name.
    assets: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict, deferred=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: What changed in this version, written when it was sent for review in the studio.
    change_note: Mapped[str | None] = mapped_column(sa.Text)

    module: Mapped[Module] = relationship(back_populates="versions")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module_version", order_by="Lesson.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<ModuleVersion {self.module_id} {self.language} {self.version}>"

    @property
    def has_quiz(self) -> bool:
        return bool(self.quiz and self.quiz.get("questions"))


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (
        sa.UniqueConstraint("module_version_id", "position", name="uq_lessons_version_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("module_versions.id", ondelete="CASCADE"), index=True
    )
    #: 1-based order within the module, from the file name's number prefix.
    position: Mapped[int]
    #: The file name without ".md", e.g. "01-regels-of-leren"; used in URLs.
    slug: Mapped[str] = mapped_column(sa.String(150))
    title: Mapped[str] = mapped_column(sa.String(300))
    html: Mapped[str] = mapped_column(sa.Text)

    module_version: Mapped[ModuleVersion] = relationship(back_populates="lessons")

    def __repr__(self) -> str:
        return f"<Lesson {self.slug} of version {self.module_version_id}>"


class LearningPath(db.Model):
    """A list of modules for a job role, with a recommended deadline and a validity period."""

    __tablename__ = "learning_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    module_slugs: Mapped[list[str]] = mapped_column(sa.JSON)
    audience: Mapped[list[str]] = mapped_column(sa.JSON)
    deadline_days: Mapped[int]
    validity_months: Mapped[int]
    #: Per language: {"title": ..., "description_html": ...}.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON)
    #: Deferred: only sync and export read the source text.
    source_files: Mapped[dict[str, str]] = mapped_column(sa.JSON, deferred=True)

    def __repr__(self) -> str:
        return f"<LearningPath {self.slug}>"

    def title(self, language: str) -> str:
        return self.translated(language)["title"]

    def translated(self, language: str) -> dict[str, str]:
        return self.translations.get(language) or next(iter(self.translations.values()))
