"""Question types: each a class behind one interface (check, order, read a response, grade,
show on the question page, show in the review).

Adding a question type is adding one class to QUESTION_TYPES and its template under
app/templates/quiz/types/ (two macros: `field` for the question page and `review` for the
result). Questions are stored as plain dicts (JSON) with the right answers in them;
`public_view` is what a page may show before submission.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

from app.content.problems import Problem

TRUE_FALSE_LABELS = {"waar", "niet waar", "onwaar", "true", "false"}


@dataclass
class RawOption:
    """An option line as written, before a type gives it meaning."""

    line: int
    #: "task" (- [x] / - [ ]), "numbered" (1. ...), "pair" (- left = right) or "plain" (- ...).
    kind: str
    text: str
    checked: bool = False
    feedback: list[str] = field(default_factory=list)


@dataclass
class RawQuestion:
    path: str
    line: int
    id: str
    text: str
    type: str | None
    objective: str | None
    stem: str
    options: list[RawOption]
    explanation: str


class QuestionType:
    """The interface every question type implements."""

    name: ClassVar[str]
    #: The option syntax this type expects, for messages.
    option_kind: ClassVar[str] = "task"
    option_hint: ClassVar[str] = 'write options as a task list: "- [x] right" and "- [ ] wrong"'
    shuffle_options: ClassVar[bool] = True
    always_shuffle: ClassVar[bool] = False
    #: Its macros `field(q, selected)` and `review(item)`, in app/templates/.
    template: ClassVar[str] = "quiz/types/single.html"

    def check(self, raw: RawQuestion) -> list[Problem]:
        """Problems with this question's options, beyond the shared checks."""
        problems = []
        for option in raw.options:
            if option.kind != self.option_kind:
                problems.append(
                    Problem(
                        raw.path, option.line, f"a question of type {self.name}: {self.option_hint}"
                    )
                )
        if len(raw.options) < 2:
            problems.append(Problem(raw.path, raw.line, "a question needs at least two options"))
        return problems

    def option_order(
        self, question: dict[str, Any], rng: random.Random, shuffle: bool
    ) -> list[int]:
        order = list(range(len(question["options"])))
        if self.always_shuffle or (shuffle and self.shuffle_options):
            rng.shuffle(order)
        return order

    def read_response(self, question: dict[str, Any], order: list[int], form: MultiDict) -> Any:
        """The learner's answer from a submitted form, in terms of stored option indexes."""
        raise NotImplementedError

    def grade(self, question: dict[str, Any], response: Any) -> float:
        """0.0 to 1.0."""
        raise NotImplementedError

    def shown_selection(self, saved: Any, shown_of: dict[int, int]) -> dict[str, Any]:
        """A saved answer as the question page shows it: `shown_of` maps a stored option index to
        its place on the page."""
        if isinstance(saved, int):
            return {"chosen": {shown_of.get(saved)}}
        if isinstance(saved, list):
            return {"chosen": {shown_of.get(index) for index in saved}}
        return {}

    def chosen(self, response: Any) -> set[int]:
        """The stored options a response picked, marked as the learner's choice in the review."""
        if isinstance(response, int):
            return {response}
        if isinstance(response, list):
            return set(response)
        return set()

    def public_view(self, question: dict[str, Any], order: list[int]) -> dict[str, Any]:
        """What the page shows before submission: no right answers, feedback or explanation."""
        return {
            "id": question["id"],
            "type": self.name,
            "template": self.template,
            "text": question["text"],
            "stem_html": question["stem_html"],
            "options": [
                {"value": shown, "html": question["options"][stored]["html"]}
                for shown, stored in enumerate(order)
            ],
        }


def _small_number(value: str | None) -> int | None:
    """A form value as a small whole number, else None. str.isdigit() alone is not enough: it
    accepts "²", which int() refuses, and thousands of digits, which int() refuses too."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 6:
        return None
    return int(value)


def _stored_index(order: list[int], value: str | None) -> int | None:
    number = _small_number(value)
    if number is None or number >= len(order):
        return None
    return order[number]


class SingleChoice(QuestionType):
    name = "single"

    def check(self, raw: RawQuestion) -> list[Problem]:
        problems = super().check(raw)
        right = sum(option.checked for option in raw.options)
        if right == 0:
            problems.append(
                Problem(
                    raw.path, raw.line, 'the question has no right answer: mark it with "- [x]"'
                )
            )
        elif right > 1:
            problems.append(
                Problem(
                    raw.path,
                    raw.line,
                    f"a single-choice question has {right} right "
                    'answers: keep one "- [x]", or add "type: multiple"',
                )
            )
        return problems

    def read_response(self, question, order, form):
        return _stored_index(order, form.get("answer"))

    def grade(self, question, response):
        if not isinstance(response, int) or not 0 <= response < len(question["options"]):
            return 0.0
        return 1.0 if question["options"][response]["correct"] else 0.0


class TrueFalse(SingleChoice):
    name = "true-false"
    shuffle_options = False

    def check(self, raw: RawQuestion) -> list[Problem]:
        problems = super().check(raw)
        labels = {option.text.strip().lower() for option in raw.options}
        if len(raw.options) != 2 or not labels <= TRUE_FALSE_LABELS:
            problems.append(
                Problem(
                    raw.path,
                    raw.line,
                    "a true-false question has exactly two "
                    'options: "- [x] Waar" and "- [ ] Niet waar" (or True/False)',
                )
            )
        return problems


class MultipleResponse(QuestionType):
    """Partial credit: (right chosen − wrong chosen) ÷ number right, never below zero."""

    name = "multiple"
    template = "quiz/types/multiple.html"

    def check(self, raw: RawQuestion) -> list[Problem]:
        problems = super().check(raw)
        if not any(option.checked for option in raw.options):
            problems.append(
                Problem(
                    raw.path,
                    raw.line,
                    'the question has no right answer: mark one or more with "- [x]"',
                )
            )
        return problems

    def read_response(self, question, order, form):
        chosen = {_stored_index(order, value) for value in form.getlist("answer")}
        return sorted(index for index in chosen if index is not None)

    def grade(self, question, response):
        if not isinstance(response, list):
            return 0.0
        options = question["options"]
        right = sum(option["correct"] for option in options)
        chosen = {
            index for index in response if isinstance(index, int) and 0 <= index < len(options)
        }
        hits = sum(options[index]["correct"] for index in chosen)
        return max(0.0, (hits - (len(chosen) - hits)) / right) if right else 0.0


class Ordering(QuestionType):
    """Options are written in the right order; the learner gives each a position. All or nothing."""

    name = "order"
    option_kind = "numbered"
    #: Shown in the written order, the items would give the answer away.
    always_shuffle = True
    option_hint = 'write the items as a numbered list in the right order: "1. first", "2. second"'
    template = "quiz/types/order.html"

    def shown_selection(self, saved, shown_of):
        if not isinstance(saved, list):
            return {}
        # saved is the sequence of stored indexes; the page asks a position per shown item
        return {"positions": {shown_of[stored]: pos + 1 for pos, stored in enumerate(saved)}}

    def chosen(self, response):
        return set()

    def read_response(self, question, order, form):
        positions = []
        for shown in range(len(order)):
            value = form.get(f"position-{shown}", "")
            positions.append(_small_number(value))
        if None in positions:
            return None
        # The learner's sequence of stored indexes, sorted by the position they gave each item.
        return [order[shown] for shown in sorted(range(len(order)), key=lambda s: positions[s])]

    def grade(self, question, response):
        return 1.0 if response == list(range(len(question["options"]))) else 0.0


class Matching(QuestionType):
    """Pairs "left = right"; the learner picks a right for each left. Score: share matched."""

    name = "match"
    option_kind = "pair"
    #: Unshuffled, each right-hand choice would sit beside its own left-hand item.
    always_shuffle = True
    option_hint = 'write each pair as "- left = right"'
    template = "quiz/types/match.html"

    def shown_selection(self, saved, shown_of):
        if not isinstance(saved, dict):
            return {}
        return {"matches": {int(left): shown_of.get(right) for left, right in saved.items()}}

    def chosen(self, response):
        return set()

    def public_view(self, question, order):
        view = super().public_view(question, order)
        view["lefts"] = [
            {"index": index, "html": option["left_html"]}
            for index, option in enumerate(question["options"])
        ]
        view["options"] = [
            {"value": shown, "html": question["options"][stored]["right_html"]}
            for shown, stored in enumerate(order)
        ]
        return view

    def read_response(self, question, order, form):
        response = {}
        for left in range(len(question["options"])):
            stored = _stored_index(order, form.get(f"match-{left}"))
            if stored is not None:
                response[str(left)] = stored
        return response or None

    def grade(self, question, response):
        if not isinstance(response, dict):
            return 0.0
        count = len(question["options"])
        hits = sum(1 for left in range(count) if response.get(str(left)) == left)
        return hits / count


QUESTION_TYPES: dict[str, QuestionType] = {
    question_type.name: question_type
    for question_type in (SingleChoice(), MultipleResponse(), TrueFalse(), Ordering(), Matching())
}


def infer_type(raw: RawQuestion) -> str:
    kinds = {option.kind for option in raw.options}
    if kinds == {"numbered"}:
        return "order"
    if kinds == {"pair"}:
        return "match"
    return "single"
