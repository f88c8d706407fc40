"""Quiz item statistics for trainers: per question how often it was asked, how often answered
fully right, and for choice questions how often each option was chosen.

Computed by the database (aggregates over the stored results and answers of submitted attempts),
not by loading attempts into Python: a module taken by thousands stays three queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import ModuleVersion, QuizAnswer, QuizAttempt, User
from app.studio.item_analysis import MIN_ATTEMPTS, ItemIndices, item_indices

#: Question types whose answer is one option index, or a list of them.
CHOICE_TYPES = ("single", "true-false", "multiple")
#: Below this share of fully right answers a question is flagged for the trainer to check.
REVIEW_BELOW_PERCENT = 40


@dataclass
class OptionCount:
    html: str
    correct: bool
    chosen: int
    #: Percentage of the times the question was asked.
    percent: int


@dataclass
class ItemStatistics:
    question: dict[str, Any]
    asked: int = 0
    correct: int = 0
    score_total: float = 0.0
    #: Only for choice questions.
    options: list[OptionCount] = field(default_factory=list)
    #: Facility and discrimination (Moodle's); None below MIN_ATTEMPTS attempts.
    indices: ItemIndices | None = None

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.asked) if self.asked else None

    @property
    def mean_score(self) -> int | None:
        """Average credit in percent: differs from percent_correct where partial credit exists."""
        return round(100 * self.score_total / self.asked) if self.asked else None

    @property
    def needs_review(self) -> bool:
        return self.asked > 0 and self.percent_correct < REVIEW_BELOW_PERCENT


@dataclass
class VersionStatistics:
    attempts: int
    passed: int
    items: list[ItemStatistics]

    @property
    def pass_rate(self) -> int | None:
        return round(100 * self.passed / self.attempts) if self.attempts else None


def _submitted(version_id: int, organisation_id: int) -> sa.ColumnElement[bool]:
    """Submitted attempts on the version by people of the organisation: an organisation sees
    the figures of its own people only."""
    return sa.and_(
        QuizAttempt.module_version_id == version_id,
        QuizAttempt.submitted_at.is_not(None),
        QuizAttempt.user_id.in_(sa.select(User.id).where(User.organisation_id == organisation_id)),
    )


def version_statistics(version: ModuleVersion, organisation_id: int) -> VersionStatistics:
    """Figures for every question in the version's pool, in the order of the quiz file, over
    the attempts of the organisation's people."""
    questions = (version.quiz or {}).get("questions", [])
    items = {question["id"]: ItemStatistics(question) for question in questions}
    attempts, passed = _attempt_totals(version.id, organisation_id)
    if attempts >= MIN_ATTEMPTS:
        for question_id, indices in item_indices(_item_scores(version.id, organisation_id)).items():
            if question_id in items:
                items[question_id].indices = indices
    for question_id, asked, correct, score_total in _asked_and_correct(version.id, organisation_id):
        if question_id in items:
            items[question_id].asked = int(asked)
            items[question_id].correct = int(correct or 0)
            items[question_id].score_total = float(score_total or 0)
    chosen = _option_counts(
        version.id, organisation_id, [q["id"] for q in questions if q["type"] in CHOICE_TYPES]
    )
    for item in items.values():
        if item.question["type"] in CHOICE_TYPES:
            item.options = _options_of(item, chosen)
    return VersionStatistics(attempts, passed, list(items.values()))


def _options_of(item: ItemStatistics, chosen: dict[tuple[str, int], int]) -> list[OptionCount]:
    counts = []
    for index, option in enumerate(item.question["options"]):
        times = chosen.get((item.question["id"], index), 0)
        percent = round(100 * times / item.asked) if item.asked else 0
        counts.append(OptionCount(option["html"], bool(option["correct"]), times, percent))
    return counts


def _item_scores(version_id: int, organisation_id: int) -> list[dict[str, float]]:
    """Per submitted attempt, {question id: score}: the correlations need each attempt whole."""
    results = db.session.scalars(
        sa.select(QuizAttempt.results).where(_submitted(version_id, organisation_id))
    )
    return [
        {question: float(result.get("score") or 0) for question, result in (row or {}).items()}
        for row in results
    ]


def _attempt_totals(version_id: int, organisation_id: int) -> tuple[int, int]:
    attempts, passed = db.session.execute(
        sa.select(
            sa.func.count(QuizAttempt.id),
            sa.func.coalesce(sa.func.sum(sa.case((QuizAttempt.passed, 1), else_=0)), 0),
        ).where(_submitted(version_id, organisation_id))
    ).one()
    return int(attempts), int(passed)


def _asked_and_correct(version_id: int, organisation_id: int) -> list[sa.Row]:
    """(question id, times asked, times fully right, summed score) from each attempt's results.

    `results` holds one entry per question drawn, answered or not, so an unanswered question
    counts as asked and wrong, exactly as grading counted it.
    """
    item = sa.func.json_each(QuizAttempt.results).table_valued(
        sa.column("key", sa.String), sa.column("value", sa.JSON), name="item"
    )
    right = item.c.value["correct"].as_boolean()
    return db.session.execute(
        sa.select(
            item.c.key,
            sa.func.count(),
            sa.func.sum(sa.case((right, 1), else_=0)),
            sa.func.sum(item.c.value["score"].as_float()),
        )
        .select_from(QuizAttempt)
        .join(item, sa.true())
        .where(_submitted(version_id, organisation_id))
        .group_by(item.c.key)
    ).all()


def _chosen_options(response: sa.ColumnElement) -> sa.TableValuedAlias:
    """The option indexes in an answer, one row each: a single choice is stored as a number,
    a multiple choice as a list. SQLite's json_each takes both; PostgreSQL needs an array."""
    if db.session.get_bind().dialect.name == "postgresql":
        as_array = sa.case(
            (sa.func.json_typeof(response) == "array", response),
            else_=sa.func.json_build_array(response),
        )
        return (
            sa.func.json_array_elements_text(as_array)
            .table_valued("value")
            .render_derived(name="chosen")
        )
    return sa.func.json_each(response).table_valued("value", name="chosen")


def _option_counts(
    version_id: int, organisation_id: int, question_ids: list[str]
) -> dict[tuple[str, int], int]:
    """{(question id, stored option index): times chosen} over the submitted attempts."""
    if not question_ids:
        return {}
    chosen = _chosen_options(QuizAnswer.response)
    rows = db.session.execute(
        sa.select(QuizAnswer.question_id, chosen.c.value, sa.func.count())
        .select_from(QuizAnswer)
        .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
        .join(chosen, sa.true())
        .where(
            _submitted(version_id, organisation_id),
            QuizAnswer.question_id.in_(question_ids),
            chosen.c.value.is_not(None),
        )
        .group_by(QuizAnswer.question_id, chosen.c.value)
    )
    return {(question_id, int(index)): int(count) for question_id, index, count in rows}
