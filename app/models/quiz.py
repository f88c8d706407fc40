"""Quiz attempts and the answers saved in them, as the learner goes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.extensions import db
from app.models.content import ModuleVersion


class QuizAttempt(db.Model):
    """One try at a module's quiz: the questions drawn, in the order shown, and the result."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        sa.UniqueConstraint(
            "user_id", "module_version_id", "number", name="uq_quiz_attempts_number"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id"), index=True)
    #: 1 for the first attempt at this version, 2 for the second, ...
    number: Mapped[int]
    #: [{"id": question id, "options": [option indexes in the order shown]}, ...]
    draw: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set exactly once, by the submission that wins; a second submission finds it set.
    submitted_at: Mapped[datetime | None]
    #: Percentage 0-100.
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    #: Per question id: {"score": 0..1, "correct": bool}.
    results: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    module_version: Mapped[ModuleVersion] = relationship()
    answers: Mapped[list[QuizAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<QuizAttempt {self.number} user {self.user_id} version {self.module_version_id}>"

    def answers_by_question(self) -> dict[str, Any]:
        return {answer.question_id: answer.response for answer in self.answers}


class QuizAnswer(db.Model):
    """The learner's latest answer to one question of an attempt, saved as they go."""

    __tablename__ = "quiz_answers"
    __table_args__ = (
        sa.UniqueConstraint("attempt_id", "question_id", name="uq_quiz_answers_attempt_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(sa.String(150))
    response: Mapped[Any] = mapped_column(sa.JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
