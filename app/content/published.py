"""Published module versions as immutable snapshots, cached in each worker's memory.

A published version never changes (a change publishes a new version with a new id), so what is
read from it can be kept for the life of the process without any invalidation: two app servers
can never disagree about version 42. What does change, *which* version is current, is not cached
here; the catalogue asks the database for that on every request (one light query).

The snapshot leaves out what only export and the asset route need (the source files and the
images, which are large) and parses the quiz once instead of on every question page.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa

from app.extensions import db
from app.models import Lesson, Module, ModuleVersion

#: A bound, so a process that lives through many publications cannot grow without limit. Far
#: above what a course holds (200 modules × 2 languages × a few versions each).
MAX_CACHED = 4096
#: Lessons are bigger (their HTML, some kB each): a bound of about 20 MB per worker, more than
#: the lessons of the versions people read at any one time.
MAX_CACHED_LESSONS = 2048


class ModuleRef(NamedTuple):
    """`version.module.slug` works on a snapshot as it does on the model."""

    id: int
    slug: str


class LessonEntry(NamedTuple):
    id: int
    position: int
    slug: str
    title: str


class LessonText(NamedTuple):
    """One lesson as the reader shows it: the outline entry and its sanitised HTML."""

    id: int
    position: int
    slug: str
    title: str
    html: str


@dataclass(frozen=True, eq=False)
class PublishedVersion:
    """What the learner's pages and the quiz read of one published version. Treat as read-only."""

    id: int
    module: ModuleRef
    language: str
    version: str
    major: int
    title: str
    summary: str
    minutes: int
    objectives: dict[str, str]
    audience: list[str]
    tags: list[str]
    sources: list[dict[str, str]]
    reviewed: dt.date
    completion_rule: str
    intro_html: str
    glossary_html: str
    quiz: dict[str, Any] | None
    lessons: tuple[LessonEntry, ...] = field(repr=False)

    @property
    def module_id(self) -> int:
        return self.module.id

    @property
    def slug(self) -> str:
        return self.module.slug

    @property
    def has_quiz(self) -> bool:
        return bool(self.quiz and self.quiz.get("questions"))


_cache: dict[int, PublishedVersion] = {}
_lessons: dict[tuple[int, str], LessonText] = {}
_lock = threading.Lock()


def published(version_id: int) -> PublishedVersion | None:
    """The snapshot of one version; None when no such version exists."""
    return published_many([version_id]).get(version_id)


def published_many(version_ids: list[int]) -> dict[int, PublishedVersion]:
    """Snapshots by id; the ones not cached yet are read in one pair of queries."""
    missing = [i for i in version_ids if i not in _cache]
    if missing:
        _remember(_load(missing))
    return {i: _cache[i] for i in version_ids if i in _cache}


def lesson_text(version_id: int, slug: str) -> LessonText | None:
    """A lesson of a published version by its slug; None when it has no such lesson. Read once
    per worker, like the version: the lesson page then costs no query for its text."""
    key = (version_id, slug)
    if key not in _lessons:
        row = db.session.execute(
            _LESSON_BY_SLUG, {"version_id": version_id, "slug": slug}
        ).one_or_none()
        if row is None:
            return None  # not remembered: a wrong URL must not fill the memory
        with _lock:
            if len(_lessons) >= MAX_CACHED_LESSONS:
                _lessons.clear()
            _lessons[key] = LessonText(*row)
    return _lessons[key]


def clear() -> None:
    """Forgets every snapshot. Only needed when versions are deleted, which the app never does
    (tests empty their tables between tests, and SQLite then hands out the same ids again)."""
    with _lock:
        _cache.clear()
        _lessons.clear()


def _remember(snapshots: list[PublishedVersion]) -> None:
    with _lock:
        if len(_cache) + len(snapshots) > MAX_CACHED:
            _cache.clear()
        for snapshot in snapshots:
            _cache[snapshot.id] = snapshot


_LESSON_BY_SLUG = sa.select(
    Lesson.id, Lesson.position, Lesson.slug, Lesson.title, Lesson.html
).where(Lesson.module_version_id == sa.bindparam("version_id"), Lesson.slug == sa.bindparam("slug"))

_COLUMNS = (
    ModuleVersion.id,
    ModuleVersion.module_id,
    Module.slug,
    ModuleVersion.language,
    ModuleVersion.version,
    ModuleVersion.major,
    ModuleVersion.title,
    ModuleVersion.summary,
    ModuleVersion.minutes,
    ModuleVersion.objectives,
    ModuleVersion.audience,
    ModuleVersion.tags,
    ModuleVersion.sources,
    ModuleVersion.reviewed,
    ModuleVersion.completion_rule,
    ModuleVersion.intro_html,
    ModuleVersion.glossary_html,
    ModuleVersion.quiz,
)


def _load(version_ids: list[int]) -> list[PublishedVersion]:
    lessons: dict[int, list[LessonEntry]] = {}
    for version_id, *entry in db.session.execute(
        sa.select(Lesson.module_version_id, Lesson.id, Lesson.position, Lesson.slug, Lesson.title)
        .where(Lesson.module_version_id.in_(version_ids))
        .order_by(Lesson.module_version_id, Lesson.position)
    ):
        lessons.setdefault(version_id, []).append(LessonEntry(*entry))
    rows = db.session.execute(
        sa.select(*_COLUMNS).join(Module).where(ModuleVersion.id.in_(version_ids))
    )
    return [
        PublishedVersion(
            id=row.id,
            module=ModuleRef(row.module_id, row.slug),
            language=row.language,
            version=row.version,
            major=row.major,
            title=row.title,
            summary=row.summary,
            minutes=row.minutes,
            objectives=row.objectives,
            audience=row.audience or [],
            tags=row.tags or [],
            sources=row.sources,
            reviewed=row.reviewed,
            completion_rule=row.completion_rule,
            intro_html=row.intro_html,
            glossary_html=row.glossary_html,
            quiz=row.quiz,
            lessons=tuple(lessons.get(row.id, ())),
        )
        for row in rows
    ]
