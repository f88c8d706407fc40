"""Question types: grading rules, partial credit, and drawing options."""

import random

import pytest

from app.content.questions import QUESTION_TYPES


def question(kind: str, correct: list[bool]) -> dict:
    return {
        "type": kind,
        "options": [{"correct": c, "html": str(i)} for i, c in enumerate(correct)],
    }


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [([0, 1], 1.0), ([0], 0.5), ([0, 2], 0.0), ([0, 1, 2], 0.5), ([2, 3], 0.0), ([], 0.0)],
)
def test_multiple_response_gives_partial_credit_and_never_below_zero(chosen, expected):
    multiple = QUESTION_TYPES["multiple"]
    assert multiple.grade(question("multiple", [True, True, False, False]), chosen) == expected


def test_single_choice_grades_only_the_right_option():
    single = QUESTION_TYPES["single"]
    q = question("single", [False, True, False])
    assert single.grade(q, 1) == 1.0
    assert single.grade(q, 0) == 0.0
    assert single.grade(q, 7) == 0.0 and single.grade(q, None) == 0.0


def test_order_is_all_or_nothing_and_match_counts_pairs():
    order, match = QUESTION_TYPES["order"], QUESTION_TYPES["match"]
    q = question("order", [False] * 3)
    assert order.grade(q, [0, 1, 2]) == 1.0 and order.grade(q, [1, 0, 2]) == 0.0
    pairs = question("match", [False] * 4)
    assert match.grade(pairs, {"0": 0, "1": 1, "2": 3, "3": 2}) == 0.5


def test_order_and_match_are_always_shuffled_even_when_the_quiz_says_no():
    rng = random.Random(1)
    for kind in ("order", "match"):
        orders = {
            tuple(QUESTION_TYPES[kind].option_order(question(kind, [False] * 5), rng, False))
            for _ in range(20)
        }
        assert len(orders) > 1
    single = QUESTION_TYPES["single"]
    assert single.option_order(question("single", [True, False, False]), rng, False) == [0, 1, 2]
    true_false = QUESTION_TYPES["true-false"]
    assert true_false.option_order(question("true-false", [True, False]), rng, True) == [0, 1]
