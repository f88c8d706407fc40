"""A learner's progress through modules and paths: starting, reading, completing.

Every function changes state inside the caller's transaction and never commits; the view (or CLI)
commits once, so a failure half-way leaves nothing half written.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import sqlalchemy as sa

from app.certificates import issuing
from app.content.catalogue import pick_language
from app.content.published import LessonText, PublishedVersion, published, published_many
from app.core.time import utcnow
from app.extensions import db
from app.models import (
    Assignment,
    Certificate,
    Completion,
    LearningPath,
    LessonRead,
    Module,
    ModuleProgress,
    ModuleVersion,
    QuizAttempt,
    User,
)


class Status(enum.StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    REFRESHER_NEEDED = "refresher-needed"


# Built once: every lesson, module and quiz page asks this.
_PROGRESS_ON_MODULE = sa.select(ModuleProgress).where(
    ModuleProgress.user_id == sa.bindparam("user_id"),
    ModuleProgress.module_id == sa.bindparam("module_id"),
)


def find_progress(user_id: int, module_id: int) -> ModuleProgress | None:
    """The learner's progress on a module, if they started it."""
    return db.session.scalar(_PROGRESS_ON_MODULE, {"user_id": user_id, "module_id": module_id})


def get_or_start_progress(user: User, version: PublishedVersion | ModuleVersion) -> ModuleProgress:
    """The learner's progress on this module; created pinned to `version` on first visit.

    A learner keeps the version they started. Once they completed it and a newer version is
    published, opening the module starts a new round on the newer version.
    """
    progress = find_progress(user.id, version.module_id)
    if progress is None:
        progress = ModuleProgress(
            user_id=user.id, module_id=version.module_id, module_version_id=version.id
        )
        db.session.add(progress)
        db.session.flush()
    elif progress.completed_at is not None and progress.module_version_id != version.id:
        progress.module_version_id = version.id
        progress.completed_at = None
        progress.last_lesson_position = 1
        progress.lessons_read.clear()
        db.session.flush()
    return progress


# The learner's progress row on the module in the row, for pages that list modules with it.
_PROGRESS_OF_LEARNER_ON_MODULE = sa.and_(
    ModuleProgress.module_id == Module.id, ModuleProgress.user_id == sa.bindparam("user_id")
)
# One statement, plain rows: the lesson and quiz pages need the module's current versions, the
# version the learner is pinned to and the lessons they read; not the progress objects.
_READING_STATE = (
    sa.select(
        ModuleVersion.language,
        ModuleVersion.id.label("current_id"),
        ModuleProgress.module_version_id.label("pinned_id"),
        ModuleProgress.completed_at,
        LessonRead.lesson_id,
    )
    .join(Module, Module.id == ModuleVersion.module_id)
    .outerjoin(ModuleProgress, _PROGRESS_OF_LEARNER_ON_MODULE)
    .outerjoin(LessonRead, LessonRead.progress_id == ModuleProgress.id)
    .where(
        Module.slug == sa.bindparam("slug"),
        ModuleVersion.is_current,
        Module.visible_to(sa.bindparam("organisation_id")),
    )
)


@dataclass(frozen=True)
class ReadingState:
    """The version a learner reads of a module (the one they started, else the current one in
    their language), and the ids of the lessons they marked read."""

    version: PublishedVersion
    lessons_read: frozenset[int]


def reading_state(user: User, slug: str) -> ReadingState | None:
    """Which version of the module the learner reads (the one they started, else the current one
    in their language) and the lessons they read, from one statement of plain rows when nothing
    needs to change (the common case: they started this module and are not due for a new
    round); otherwise `get_or_start_progress` decides. None when the module does not exist."""
    rows = db.session.execute(
        _READING_STATE,
        {"user_id": user.id, "slug": slug, "organisation_id": user.organisation_id},
    ).all()
    if not rows:
        return None
    current = published(pick_language({r.language: r.current_id for r in rows}, user.language))
    pinned, completed_at = rows[0].pinned_id, rows[0].completed_at
    if pinned is None or (completed_at is not None and pinned != current.id):
        progress = get_or_start_progress(user, current)  # a first visit, or a new round
        read = frozenset(r.lesson_id for r in progress.lessons_read)
        return ReadingState(published(progress.module_version_id), read)
    read = frozenset(r.lesson_id for r in rows if r.lesson_id is not None)
    return ReadingState(current if pinned == current.id else published(pinned), read)


def mark_read(
    user: User, progress: ModuleProgress, version: PublishedVersion, lesson: LessonText
) -> Completion | None:
    """Records `version`'s lesson as read (once), moves the place to resume to the lesson after
    it, and completes the module when that was what it lacked."""
    if version.id != progress.module_version_id:
        raise ValueError("the lesson belongs to another version than the learner's")
    if all(read.lesson_id != lesson.id for read in progress.lessons_read):
        progress.lessons_read.append(LessonRead(lesson_id=lesson.id))
    progress.last_lesson_position = lesson.position + 1
    db.session.flush()
    due = completion_due(user, version)
    return record_completion(user, due) if due else None


def _best_passed(user_id: sa.ColumnElement, version_id: sa.ColumnElement) -> sa.Select:
    """The best score among a learner's passed attempts on a version."""
    return sa.select(sa.func.max(QuizAttempt.score)).where(
        QuizAttempt.user_id == user_id,
        QuizAttempt.module_version_id == version_id,
        QuizAttempt.passed.is_(True),
    )


def rule_met(
    version: PublishedVersion, lessons_read: set[int], best_passed: Callable[[], float | None]
) -> tuple[bool, float | None]:
    """Whether the learner has done what the module's completion rule asks, and the score a
    completion records: their best passed score on the version, which `best_passed` gives (asked
    only when the lessons do not already decide it); None without a quiz."""
    rule = version.completion_rule if version.has_quiz else "lessons"
    if rule in ("lessons-and-quiz", "lessons") and any(
        lesson.id not in lessons_read for lesson in version.lessons
    ):
        return False, None
    score = best_passed() if version.has_quiz else None
    return rule == "lessons" or score is not None, score


# The learner's progress on a module with the lessons they read and their best passed score on
# the version, as rows: what a submission needs to decide on completion, in one statement.
_BEST_PASSED_ON_PINNED = (
    _best_passed(ModuleProgress.user_id, ModuleProgress.module_version_id)
    .correlate(ModuleProgress)
    .scalar_subquery()
)
_PROGRESS_WITH_READS = (
    sa.select(
        ModuleProgress.id,
        ModuleProgress.module_version_id,
        ModuleProgress.completed_at,
        _BEST_PASSED_ON_PINNED.label("best_passed"),
        LessonRead.lesson_id,
    )
    .outerjoin(LessonRead, LessonRead.progress_id == ModuleProgress.id)
    .where(
        ModuleProgress.user_id == sa.bindparam("user_id"),
        ModuleProgress.module_id == sa.bindparam("module_id"),
    )
)


_PROGRESS = ModuleProgress.__table__
_MARK_COMPLETED = (
    sa.update(_PROGRESS)
    .where(_PROGRESS.c.id == sa.bindparam("progress_id"), _PROGRESS.c.completed_at.is_(None))
    .values(completed_at=sa.bindparam("now"))
)


@dataclass(frozen=True)
class DueCompletion:
    """A completion a passing submission earns, decided before anything is written."""

    version: PublishedVersion
    progress_id: int
    score: float | None
    paths: list[LearningPath]  # the assigned paths it completes


def completion_due(
    user: User, version: PublishedVersion, score: float | None = None
) -> DueCompletion | None:
    """Reads only: whether the learner's last step on `version` completes the module (their
    progress is on that version and its rule is met), and what that earns. The one way a module
    is completed, whether that step was a lesson read (already flushed) or passing the quiz with
    `score` (not yet written).

    A submission decides this before it claims the attempt: on SQLite the first write takes the
    database-wide write lock, which is then held only for the writes."""
    rows = db.session.execute(
        _PROGRESS_WITH_READS, {"user_id": user.id, "module_id": version.module_id}
    ).all()
    if not rows or rows[0].module_version_id != version.id or rows[0].completed_at is not None:
        return None
    read = {r.lesson_id for r in rows if r.lesson_id is not None}
    earlier = rows[0].best_passed  # an attempt handed in now is not written yet: count it too
    passed = [s for s in (earlier, score) if s is not None]
    met, best = rule_met(version, read, lambda: max(passed, default=None))
    if not met:
        return None
    return DueCompletion(version, rows[0].id, best, _paths_completed_with(user, version))


def record_completion(user: User, due: DueCompletion) -> Completion | None:
    """Writes a completion decided by `completion_due`, and issues its certificates. None when a
    lesson marked read at the same moment completed the module first (the UPDATE is
    conditional, so it is completed once)."""
    marked = db.session.execute(
        _MARK_COMPLETED, {"progress_id": due.progress_id, "now": utcnow()}
    ).rowcount
    if marked != 1:
        return None
    return _record_completion(user, due.version, due.score, due.paths)


def _paths_completed_with(user: User, version: PublishedVersion) -> list[LearningPath]:
    """The learner's assigned paths that completing `version` completes."""
    paths = paths_containing(version.slug, user.id)
    if not paths:
        return []
    overview = LearnerOverview(user)  # read once for every path
    overview.count_completed(version)
    return [path for path in paths if path_status(overview, path) is Status.COMPLETED]


def _record_completion(
    user: User, version: PublishedVersion, score: float | None, paths: list[LearningPath]
) -> Completion:
    issuing.issue_for_module(user, version, score)
    completion = Completion(
        user_id=user.id, module_id=version.module_id, module_version_id=version.id, score=score
    )
    db.session.add(completion)
    for path in paths:
        issuing.issue_for_path(user, path)
    return completion


_ASSIGNED_PATHS_ONLY = (
    sa.select(LearningPath)
    .join(Assignment, Assignment.path_id == LearningPath.id)
    .where(Assignment.user_id == sa.bindparam("user_id"))
)


def paths_containing(module_slug: str, user_id: int) -> list[LearningPath]:
    """Assigned paths of this learner that include the module."""
    paths = db.session.scalars(_ASSIGNED_PATHS_ONLY, {"user_id": user_id})
    return [path for path in paths if module_slug in path.module_slugs]


@dataclass
class ModuleState:
    """What "Mijn leren" shows for one module."""

    slug: str
    version: PublishedVersion | None
    status: Status
    lessons_read: int = 0
    lessons_total: int = 0
    next_lesson: int = 1
    completed_on: dt.datetime | None = None

    @property
    def percent(self) -> int:
        if self.status is Status.COMPLETED:
            return 100
        return round(100 * self.lessons_read / self.lessons_total) if self.lessons_total else 0


@dataclass
class PathState:
    path: LearningPath
    deadline: dt.date | None
    modules: list[ModuleState] = field(default_factory=list)
    certificate: Certificate | sa.Row | None = None  # a row of _CERTIFICATES_SHOWN will do

    @property
    def status(self) -> Status:
        return combine([m.status for m in self.modules], self.certificate)

    @property
    def overdue(self) -> bool:
        return (
            self.deadline is not None
            and self.deadline < dt.date.today()
            and self.status is not Status.COMPLETED
        )

    @property
    def percent(self) -> int:
        done = sum(m.status is Status.COMPLETED for m in self.modules)
        return round(100 * done / len(self.modules)) if self.modules else 0

    @property
    def next_module(self) -> ModuleState | None:
        return next((m for m in self.modules if m.status is not Status.COMPLETED), None)


def combine(statuses: list[Status], certificate: Certificate | sa.Row | None = None) -> Status:
    """A path's status from its modules' (and its certificate's expiry)."""
    if statuses and all(s is Status.COMPLETED for s in statuses):
        if certificate is not None and issuing.nearing_expiry(certificate):
            return Status.REFRESHER_NEEDED
        return Status.COMPLETED
    if Status.REFRESHER_NEEDED in statuses:
        return Status.REFRESHER_NEEDED
    if any(s is not Status.NOT_STARTED for s in statuses):
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


# Built once: "Mijn leren" runs these for every visit. Plain rows, not objects: the page only
# reads them, and building ORM objects was most of its cost.
# The count is a subquery per progress row, not a join and GROUP BY: PostgreSQL planned the join
# as a scan of every learner's lesson reads; per row it reads the (progress, lesson) index.
_LESSONS_READ_COUNT = (
    sa.select(sa.func.count())
    .where(LessonRead.progress_id == ModuleProgress.id)
    .correlate(ModuleProgress)
    .scalar_subquery()
)


# The learner's completions, newest first per module: rank 1 is the one that counts.
_COMPLETIONS_RANKED = (
    sa.select(
        Completion.module_id,
        Completion.module_version_id,
        Completion.completed_at,
        sa.func.row_number()
        .over(
            partition_by=Completion.module_id,
            order_by=(Completion.completed_at.desc(), Completion.id.desc()),
        )
        .label("rank"),
    )
    .where(Completion.user_id == sa.bindparam("user_id"))
    .subquery()
)


# Every current version (a row per module and language) with the learner's place in that module:
# their progress (the version they are pinned to, where to resume, lessons read) and their newest
# completion. One statement for what were three (current versions, progress, completions).
_MODULES_OF_LEARNER = (
    sa.select(
        Module.id.label("module_id"),
        Module.slug,
        ModuleVersion.language,
        ModuleVersion.id.label("current_id"),
        ModuleProgress.id.label("progress_id"),
        ModuleProgress.module_version_id,
        ModuleProgress.last_lesson_position,
        ModuleProgress.completed_at,
        _LESSONS_READ_COUNT.label("lessons_read"),
        _COMPLETIONS_RANKED.c.module_version_id.label("completed_version_id"),
        _COMPLETIONS_RANKED.c.completed_at.label("completed_on"),
    )
    .join(Module, Module.id == ModuleVersion.module_id)
    .outerjoin(ModuleProgress, _PROGRESS_OF_LEARNER_ON_MODULE)
    .outerjoin(
        _COMPLETIONS_RANKED,
        sa.and_(_COMPLETIONS_RANKED.c.module_id == Module.id, _COMPLETIONS_RANKED.c.rank == 1),
    )
    .where(ModuleVersion.is_current, Module.visible_to(sa.bindparam("organisation_id")))
    .order_by(Module.id)
)
_CERTIFICATES_SHOWN = (
    sa.select(
        Certificate.id,
        Certificate.kind,
        Certificate.path_id,
        Certificate.title,
        Certificate.serial,
        Certificate.expires_on,
        Certificate.revoked_at,
        Certificate.superseded_by_id,
    )
    .where(Certificate.user_id == sa.bindparam("user_id"))
    .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
)
_ASSIGNED_PATHS = (
    sa.select(Assignment, LearningPath)
    .join(Assignment.path)
    .where(Assignment.user_id == sa.bindparam("user_id"))
)


class Completed(NamedTuple):
    """A learner's newest completion of a module, and the language and major version taken."""

    completed_at: dt.datetime
    language: str
    major: int


class LearnerOverview:
    """Everything "Mijn leren" needs for one learner, read in a fixed handful of queries."""

    def __init__(self, user: User):
        self.user = user
        rows = db.session.execute(
            _MODULES_OF_LEARNER, {"user_id": user.id, "organisation_id": user.organisation_id}
        ).all()
        snapshots = published_many(
            [row.current_id for row in rows]
            + [row.module_version_id for row in rows if row.progress_id is not None]
            + [row.completed_version_id for row in rows if row.completed_version_id is not None]
        )
        #: {slug: {language: current version}}, in module order.
        self.versions: dict[str, dict[str, PublishedVersion]] = {}
        #: Per module: the learner's progress (`module_version_id`, `last_lesson_position`,
        #: `completed_at` and `lessons_read`, a count).
        self.progress: dict[int, sa.Row] = {}
        #: Per module: the newest completion.
        self.completions: dict[int, Completed] = {}
        for row in rows:
            if row.current_id in snapshots:
                self.versions.setdefault(row.slug, {})[row.language] = snapshots[row.current_id]
            if row.progress_id is not None:
                self.progress[row.module_id] = row
            if row.completed_version_id is not None:
                taken = snapshots[row.completed_version_id]
                self.completions[row.module_id] = Completed(
                    row.completed_on, taken.language, taken.major
                )
        #: Every version the rows name: current, pinned to (which need not be current), completed.
        self.snapshots = snapshots

    def count_completed(self, version: PublishedVersion) -> None:
        """Counts a completion of `version` that this request records but has not written yet."""
        self.completions[version.module_id] = Completed(utcnow(), version.language, version.major)

    @cached_property
    def certificates(self) -> list[sa.Row]:
        """The learner's certificates, newest first: what the page and the path status read."""
        return db.session.execute(_CERTIFICATES_SHOWN, {"user_id": self.user.id}).all()

    def module_state(self, slug: str) -> ModuleState:
        translations = self.versions.get(slug, {})
        current = pick_language(translations, self.user.language)
        if current is None:
            return ModuleState(slug, None, Status.NOT_STARTED)
        progress = self.progress.get(current.module_id)
        completed = self.completions.get(current.module_id)
        state = ModuleState(slug, current, Status.NOT_STARTED, lessons_total=len(current.lessons))
        if progress is not None:
            state.version = self.snapshots.get(progress.module_version_id, current)
            state.lessons_total = len(state.version.lessons)
            state.lessons_read = progress.lessons_read
            state.next_lesson = min(progress.last_lesson_position, max(state.lessons_total, 1))
            state.status = Status.IN_PROGRESS
        if completed is not None:
            completed_at, language, major = completed
            state.completed_on = completed_at
            # A major version in the language it was taken in means the law or substance changed.
            newest = translations.get(language, current)
            if major >= newest.major:
                state.status = Status.COMPLETED
            elif progress is not None and progress.completed_at is None:
                state.status = Status.IN_PROGRESS
            else:
                state.status = Status.REFRESHER_NEEDED
        return state

    def paths(self) -> list[PathState]:
        rows = db.session.execute(_ASSIGNED_PATHS, {"user_id": self.user.id}).all()
        path_certificates = issuing.current_path_certificates(self.certificates)
        states = [
            PathState(
                path,
                assignment.deadline,
                [self.module_state(s) for s in path.module_slugs],
                path_certificates.get(path.id),
            )
            for assignment, path in rows
        ]
        # Overdue first, then by deadline; completed paths last.
        return sorted(
            states,
            key=lambda s: (s.status is Status.COMPLETED, not s.overdue, s.deadline or dt.date.max),
        )


def path_status(overview: LearnerOverview, path: LearningPath) -> Status:
    return combine([overview.module_state(slug).status for slug in path.module_slugs])
