"""The studio's working copies: drafts of an organisation's own modules, their reviews, and the
learners' feedback on lessons.

A draft holds the module in the repository's file format (module.md, numbered lessons, the
quiz file and images), so the validator, publishing and export read it exactly as they read files.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.extensions import db
from app.models.org import Organisation
from app.models.user import User


class DraftStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    #: The working copy is the newest published version; editing it makes it a draft again.
    PUBLISHED = "published"


class ModuleDraft(db.Model):
    """One language of an organisation's module, as being written in the studio."""

    __tablename__ = "module_drafts"
    __table_args__ = (
        sa.UniqueConstraint("slug", "language", name="uq_module_drafts_slug_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    #: Reserved when the draft is made, so a published module can take it unchanged.
    slug: Mapped[str] = mapped_column(sa.String(100))
    language: Mapped[str] = mapped_column(sa.String(2))
    status: Mapped[str] = mapped_column(sa.String(16), default=DraftStatus.DRAFT)
    #: The text of module.md, front matter included.
    module_text: Mapped[str] = mapped_column(sa.Text)
    #: The lessons in order: [{"slug": "inleiding", "text": "# Inleiding ..."}]; the file names
    #: (01-inleiding.md) follow from the order.
    lessons: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    #: The quiz file's text; empty when the module has no quiz.
    quiz_text: Mapped[str] = mapped_column(sa.Text, default="")
    #: Images, base64-encoded, keyed by their (safe) file name.
    assets: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    #: Raised by every save: a save that read an older number is refused (two trainers editing).
    revision: Mapped[int] = mapped_column(default=1)
    #: Version bump and change note, chosen when sent for review.
    bump: Mapped[str | None] = mapped_column(sa.String(8))
    change_note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    reviews: Mapped[list[DraftReview]] = relationship(
        back_populates="draft", order_by="DraftReview.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<ModuleDraft {self.slug} {self.language} {self.status}>"

    def lesson_file_names(self) -> list[str]:
        return [f"{i:02d}-{lesson['slug']}.md" for i, lesson in enumerate(self.lessons, start=1)]


class DraftReview(db.Model):
    """A second trainer's decision on a draft sent for review."""

    __tablename__ = "draft_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        sa.ForeignKey("module_drafts.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: "approved" or "returned".
    decision: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: The version the approval published.
    version: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[ModuleDraft] = relationship(back_populates="reviews")
    reviewer: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<DraftReview {self.decision} of draft {self.draft_id}>"


class LessonFeedback(db.Model):
    """ "Was deze les duidelijk?": one answer per learner and lesson of a version. Trainers see
    counts and comments, never who gave them; the user is kept only so one person counts once."""

    __tablename__ = "lesson_feedback"
    __table_args__ = (
        sa.UniqueConstraint("lesson_id", "user_id", name="uq_lesson_feedback_lesson_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lessons.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    clear: Mapped[bool]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LessonFeedback lesson {self.lesson_id} clear={self.clear}>"
