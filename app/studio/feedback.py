"""Lesson feedback: "Was deze les duidelijk?" from learners, and the counts and comments trainers
read per lesson and version. Trainers never see who answered, and see only the answers of their
own organisation's people (a comment may say more about a person than its author meant)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.core.time import utcnow
from app.extensions import db
from app.models import Lesson, LessonFeedback, Module, ModuleVersion, User

MAX_COMMENT = 2000


def give_feedback(user: User, lesson_id: int, clear: bool, comment: str) -> None:
    """Records the learner's answer; a second answer on the same lesson replaces the first."""
    feedback = db.session.scalar(
        sa.select(LessonFeedback).where(
            LessonFeedback.lesson_id == lesson_id, LessonFeedback.user_id == user.id
        )
    )
    if feedback is None:
        feedback = LessonFeedback(lesson_id=lesson_id, user_id=user.id)
        db.session.add(feedback)
    feedback.clear = clear
    feedback.comment = comment.strip()[:MAX_COMMENT]
    feedback.created_at = utcnow()


@dataclass
class LessonFeedbackSummary:
    version: str
    language: str
    position: int
    title: str
    clear: int = 0
    unclear: int = 0
    comments: list[str] = field(default_factory=list)


def feedback_of_module(slug: str, organisation_id: int) -> list[LessonFeedbackSummary]:
    """Per version and lesson that has feedback from the organisation's people: the counts of
    yes and no and the comments, newest version first. Two queries; no names."""
    people = sa.select(User.id).where(User.organisation_id == organisation_id)
    lessons = (
        sa.select(
            Lesson.id,
            ModuleVersion.version,
            ModuleVersion.language,
            Lesson.position,
            Lesson.title,
        )
        .join(ModuleVersion, ModuleVersion.id == Lesson.module_version_id)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(Module.slug == slug, Module.visible_to(organisation_id))
        .order_by(ModuleVersion.id.desc(), Lesson.position)
    )
    summaries = {row.id: LessonFeedbackSummary(*row[1:]) for row in db.session.execute(lessons)}
    if not summaries:
        return []
    answers = db.session.execute(
        sa.select(LessonFeedback.lesson_id, LessonFeedback.clear, LessonFeedback.comment)
        .where(LessonFeedback.lesson_id.in_(summaries), LessonFeedback.user_id.in_(people))
        .order_by(LessonFeedback.created_at.desc())
    )
    for lesson_id, clear, comment in answers:
        summary = summaries[lesson_id]
        if clear:
            summary.clear += 1
        else:
            summary.unclear += 1
        if comment:
            summary.comments.append(comment)
    return [s for s in summaries.values() if s.clear or s.unclear]
