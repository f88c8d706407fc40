"""Helpers that act as a learner would: read lessons, answer quiz questions right or wrong."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import QuizAttempt
from app.quiz.attempts import questions_by_id


def open_attempt(user_id: int) -> QuizAttempt:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(QuizAttempt).where(
            QuizAttempt.user_id == user_id, QuizAttempt.submitted_at.is_(None)
        )
    )


def answer_fields(attempt: QuizAttempt, index: int, right: bool) -> dict:
    """The form fields a learner would submit for question `index`, rightly or wrongly."""
    drawn = attempt.draw[index]
    question = questions_by_id(attempt.module_version)[drawn["id"]]
    order = drawn["options"]
    shown = {stored: position for position, stored in enumerate(order)}
    options = question["options"]
    kind = question["type"]
    if kind in ("single", "true-false", "multiple"):
        chosen = [i for i, o in enumerate(options) if o["correct"] == right]
        if kind != "multiple":
            chosen = chosen[:1]
        return {"answer": [str(shown[i]) for i in chosen]}
    if kind == "order":
        sequence = list(range(len(options))) if right else list(reversed(range(len(options))))
        return {
            f"position-{shown[stored]}": str(place + 1) for place, stored in enumerate(sequence)
        }
    if kind == "match":
        return {
            f"match-{left}": str(shown[left if right else (left + 1) % len(options)])
            for left in range(len(options))
        }
    raise AssertionError(kind)


def read_all_lessons(auth, slug: str) -> None:
    page = auth.client.get(f"/modules/{slug}").get_data(as_text=True)
    lessons = re.findall(rf'href="/modules/{slug}/([0-9][^"/]*)"', page)
    assert lessons, page
    for lesson in dict.fromkeys(lessons):
        assert auth.client.get(f"/modules/{slug}/{lesson}").status_code == 200
        assert auth.post(f"/modules/{slug}/{lesson}/gelezen").status_code == 302


def take_quiz(auth, user_id: int, slug: str, right: bool):
    """Starts (or resumes) the attempt, answers every question, submits. Returns the result page."""
    response = auth.post(f"/modules/{slug}/toets/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt = open_attempt(user_id)
    for index in range(len(attempt.draw)):
        fields = answer_fields(attempt, index, right)
        response = auth.post(f"/toets/{attempt.id}/{index + 1}", {**fields, "action": "next"})
        assert response.status_code == 302
    response = auth.post(f"/toets/{attempt.id}/inleveren")
    assert response.headers["Location"].endswith(f"/toets/{attempt.id}/resultaat")
    return auth.client.get(f"/toets/{attempt.id}/resultaat")
