"""Quiz attempts: drawing questions, saving answers as the learner goes, grading once.

Grading happens here, on the server, only. A submission is counted exactly once: the first one
to set `submitted_at` wins (a conditional UPDATE), every other one sees it already set.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import lazyload
from werkzeug.datastructures import MultiDict

from app.content.published import PublishedVersion, published
from app.content.questions import QUESTION_TYPES
from app.core.time import utcnow
from app.extensions import db
from app.i18n import N_
from app.learn.progress import completion_due, get_or_start_progress, record_completion
from app.models import QuizAnswer, QuizAttempt, User

_ANSWERS_OF_ATTEMPT = sa.select(QuizAnswer.question_id, QuizAnswer.response).where(
    QuizAnswer.attempt_id == sa.bindparam("attempt_id")
)
# A question page shows, and a save replaces, one answer: read that one, not the attempt's all.
_ANSWER_TO_QUESTION = sa.select(QuizAnswer).where(
    QuizAnswer.attempt_id == sa.bindparam("attempt_id"),
    QuizAnswer.question_id == sa.bindparam("question_id"),
)
# Submitting, built once and on the table, not through the ORM: the submission loads no attempt
# object. The claim is the conditional UPDATE that makes a submission count exactly once.
_ATTEMPTS = QuizAttempt.__table__
_OPEN_ATTEMPT = sa.select(_ATTEMPTS.c.module_version_id, _ATTEMPTS.c.draw).where(
    _ATTEMPTS.c.id == sa.bindparam("attempt_id"),
    _ATTEMPTS.c.user_id == sa.bindparam("owner_id"),
    _ATTEMPTS.c.submitted_at.is_(None),
)
_CLAIM_AND_GRADE = (
    sa.update(_ATTEMPTS)
    .where(_ATTEMPTS.c.id == sa.bindparam("attempt_id"), _ATTEMPTS.c.submitted_at.is_(None))
    .values(
        submitted_at=sa.bindparam("claimed_at"),
        score=sa.bindparam("graded_score"),
        passed=sa.bindparam("graded_passed"),
        results=sa.bindparam("graded"),
    )
)


class QuizError(Exception):
    """Why an attempt cannot start or an answer cannot be saved; the message is for the learner."""


@dataclass
class QuizRules:
    """Whether the learner may start an attempt now, and why not."""

    open_attempt: QuizAttempt | None
    submitted: int
    attempts_left: int | None
    wait_until: dt.datetime | None
    passed: bool

    @property
    def can_start(self) -> bool:
        return (
            self.open_attempt is None
            and self.attempts_left != 0
            and (self.wait_until is None or self.wait_until <= utcnow())
        )


# The answers load only on the pages that show them all (the overview, the result): a question
# page and a save read just the one answer they need (saved_answer).
_OWN_ATTEMPT = (
    sa.select(QuizAttempt)
    .options(lazyload(QuizAttempt.answers))
    .where(
        QuizAttempt.id == sa.bindparam("attempt_id"),
        QuizAttempt.user_id == sa.bindparam("user_id"),
    )
)


def own_attempt(attempt_id: int, user_id: int) -> QuizAttempt | None:
    """The attempt if it is this learner's; None for anyone else's."""
    return db.session.scalar(_OWN_ATTEMPT, {"attempt_id": attempt_id, "user_id": user_id})


def attempts_of(user: User, version: PublishedVersion) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            sa.select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.module_version_id == version.id)
            .order_by(QuizAttempt.number)
        )
    )


def rules_for(user: User, version: PublishedVersion) -> QuizRules:
    attempts = attempts_of(user, version)
    quiz = version.quiz or {}
    submitted = [a for a in attempts if a.submitted_at is not None]
    max_attempts = quiz.get("max_attempts", 0)
    wait_until = None
    if quiz.get("wait_minutes") and _due_a_pause(submitted, quiz.get("wait_after_failures", 1)):
        wait_until = submitted[-1].submitted_at + dt.timedelta(minutes=quiz["wait_minutes"])
    return QuizRules(
        open_attempt=next((a for a in attempts if a.submitted_at is None), None),
        submitted=len(submitted),
        attempts_left=max(0, max_attempts - len(submitted)) if max_attempts else None,
        wait_until=wait_until,
        passed=any(a.passed for a in submitted),
    )


def _due_a_pause(submitted: list[QuizAttempt], every: int) -> bool:
    """After every `every`-th failed attempt in a row the learner waits: retrying at once is
    free for a while, but guessing through attempt after attempt is not."""
    failed_in_a_row = 0
    for attempt in reversed(submitted):
        if attempt.passed:
            break
        failed_in_a_row += 1
    return failed_in_a_row > 0 and failed_in_a_row % every == 0


def start_attempt(
    user: User, version: PublishedVersion, rng: random.Random | None = None
) -> QuizAttempt:
    """The open attempt, or a new one with its questions drawn. Raises QuizError."""
    if not version.has_quiz:
        raise QuizError(N_("Deze module heeft geen toets."))
    rules = rules_for(user, version)
    if rules.open_attempt is not None:
        return rules.open_attempt
    if rules.attempts_left == 0:
        raise QuizError(N_("Je hebt alle pogingen voor deze toets gebruikt."))
    if rules.wait_until is not None and rules.wait_until > utcnow():
        raise QuizError(N_("Je kunt de toets later opnieuw maken."))
    get_or_start_progress(user, version)
    attempt = QuizAttempt(
        user_id=user.id,
        module_version_id=version.id,
        number=rules.submitted + 1,
        draw=draw_questions(version.quiz, rng),
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def draw_questions(quiz: dict[str, Any], rng: random.Random | None = None) -> list[dict[str, Any]]:
    """Draws `draw` questions from the pool, each with its options in the order to show."""
    rng = rng or random.SystemRandom()
    pool = quiz["questions"]
    shuffle = quiz.get("shuffle", True)
    chosen = rng.sample(pool, k=min(quiz["draw"], len(pool)))
    if not shuffle:
        chosen.sort(key=pool.index)
    return [
        {"id": q["id"], "options": QUESTION_TYPES[q["type"]].option_order(q, rng, shuffle)}
        for q in chosen
    ]


def questions_by_id(version: PublishedVersion) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in version.quiz["questions"]}


def public_question(version: PublishedVersion, attempt: QuizAttempt, index: int) -> dict[str, Any]:
    """The question at `index` of the attempt as the page may show it: no answers."""
    drawn = attempt.draw[index]
    question = questions_by_id(version)[drawn["id"]]
    return QUESTION_TYPES[question["type"]].public_view(question, drawn["options"])


def save_answer(attempt: QuizAttempt, index: int, form: MultiDict) -> None:
    """Stores (or replaces) the answer to question `index` of an open attempt."""
    if attempt.submitted_at is not None:
        raise QuizError(N_("Deze poging is al ingeleverd."))
    drawn = attempt.draw[index]
    question = questions_by_id(published(attempt.module_version_id))[drawn["id"]]
    response = QUESTION_TYPES[question["type"]].read_response(question, drawn["options"], form)
    answer = saved_answer(attempt, drawn["id"])
    if answer is None:
        answer = QuizAnswer(attempt_id=attempt.id, question_id=drawn["id"], response=response)
        db.session.add(answer)
    else:
        answer.response = response
    db.session.flush()


def saved_answer(attempt: QuizAttempt, question_id: str) -> QuizAnswer | None:
    """The learner's saved answer to one question of `attempt`, if any."""
    return db.session.scalar(
        _ANSWER_TO_QUESTION, {"attempt_id": attempt.id, "question_id": question_id}
    )


def submit(user: User, attempt_id: int) -> bool:
    """Grades and closes the learner's attempt. False when there is nothing to grade: the attempt
    was already submitted (it then counts once), or it is not this learner's.

    Everything is read and decided first: the open attempt, its answers, the grade, and whether
    it completes the module. Then one conditional UPDATE claims the attempt and records the
    grade; only the submission whose claim succeeds writes anything more. On SQLite the first
    write takes the database-wide lock, so it is held only for the writes. Every answer whose
    save had finished when the submission arrived is graded; one sent at the same moment from
    another tab may be stored but not counted."""
    attempt = db.session.execute(
        _OPEN_ATTEMPT, {"attempt_id": attempt_id, "owner_id": user.id}
    ).first()
    if attempt is None:
        return False
    answers = dict(db.session.execute(_ANSWERS_OF_ATTEMPT, {"attempt_id": attempt_id}).all())
    version = published(attempt.module_version_id)
    score, passed, results = grade(version, attempt.draw, answers)
    due = completion_due(user, version, score) if passed else None
    graded = {"graded_score": score, "graded_passed": passed, "graded": results}
    claim = {"attempt_id": attempt_id, "claimed_at": utcnow(), **graded}
    if db.session.execute(_CLAIM_AND_GRADE, claim).rowcount != 1:
        return False  # another submission of this attempt got there first
    if due is not None:
        record_completion(user, due)
    return True


def grade(
    version: PublishedVersion, draw: list[dict[str, Any]], answers: dict[str, Any]
) -> tuple[float, bool, dict[str, dict[str, Any]]]:
    """(score in percent, passed, per question {score, correct}) of the answers to a draw."""
    questions = questions_by_id(version)
    results = {}
    for drawn in draw:
        question = questions[drawn["id"]]
        score = QUESTION_TYPES[question["type"]].grade(question, answers.get(drawn["id"]))
        results[drawn["id"]] = {"score": score, "correct": score == 1.0}
    score = round(100 * sum(r["score"] for r in results.values()) / len(results), 1)
    return score, score >= version.quiz["pass_mark"], results


def shown_selection(attempt: QuizAttempt, index: int, saved: Any) -> dict[str, Any]:
    """A saved answer translated back to what the page shows (positions, not stored indexes)."""
    drawn = attempt.draw[index]
    shown_of = {stored: shown for shown, stored in enumerate(drawn["options"])}
    question = questions_by_id(published(attempt.module_version_id))[drawn["id"]]
    return QUESTION_TYPES[question["type"]].shown_selection(saved, shown_of)


def review(attempt: QuizAttempt) -> list[dict[str, Any]]:
    """After submission: each question with the learner's answer, the right one and the why."""
    questions = questions_by_id(published(attempt.module_version_id))
    answers = attempt.answers_by_question()
    items = []
    for drawn in attempt.draw:
        question = questions[drawn["id"]]
        response = answers.get(drawn["id"])
        question_type = QUESTION_TYPES[question["type"]]
        items.append(
            {
                "question": question,
                "template": question_type.template,
                "result": (attempt.results or {}).get(drawn["id"], {"score": 0, "correct": False}),
                "order": drawn["options"],
                "chosen": question_type.chosen(response),
                "response": response,
            }
        )
    return items
