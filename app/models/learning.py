"""A learner's progress: assignments, modules started, lessons read, completions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.extensions import db
from app.models.content import LearningPath, Module, ModuleVersion
from app.models.user import User


class Assignment(db.Model):
    """A learning path someone must complete, by a deadline."""

    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("user_id", "path_id", name="uq_assignments_user_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_paths.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[date | None]
    #: The assignment rule that gave it, while that rule still selects the person: editing or
    #: removing the rule changes or withdraws the open assignments it made (app/hr/assignments.py).
    #: Null for assignments made by hand, or kept (completed) after their rule went.
    rule_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assignment_rules.id", ondelete="SET NULL"), index=True
    )

    path: Mapped[LearningPath] = relationship()

    def __repr__(self) -> str:
        return f"<Assignment path {self.path_id} to user {self.user_id}>"


class ModuleProgress(db.Model):
    """One learner working through one module, pinned to the version they started."""

    __tablename__ = "module_progress"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "module_id", name="uq_module_progress_user_module"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    #: The version being worked on; it changes only when the learner starts over on a newer one.
    module_version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The lesson to continue with ("continue where I left off").
    last_lesson_position: Mapped[int] = mapped_column(default=1)
    completed_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship()
    module_version: Mapped[ModuleVersion] = relationship()
    lessons_read: Mapped[list[LessonRead]] = relationship(
        back_populates="progress", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<ModuleProgress user {self.user_id} module {self.module_id}>"


class LessonRead(db.Model):
    __tablename__ = "lesson_reads"
    __table_args__ = (
        sa.UniqueConstraint("progress_id", "lesson_id", name="uq_lesson_reads_progress_lesson"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    progress_id: Mapped[int] = mapped_column(
        sa.ForeignKey("module_progress.id", ondelete="CASCADE"), index=True
    )
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lessons.id"))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)

    progress: Mapped[ModuleProgress] = relationship(back_populates="lessons_read")


class Completion(db.Model):
    """A module completed, with the version taken: what certificates and HR reports read."""

    __tablename__ = "completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Best passing quiz score in percent; null when the module has no quiz.
    score: Mapped[float | None]

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()
    module_version: Mapped[ModuleVersion] = relationship()

    def __repr__(self) -> str:
        return f"<Completion user {self.user_id} version {self.module_version_id}>"
