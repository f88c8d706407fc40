"""Cues that let a guesser pass a quiz without reading the course: warnings, not errors.

A test-wise reader picks the longest option, answers "niet waar" to every statement, and skips
options with absolute words ("altijd", "nooit") in them. Each rule below looks for one of those
patterns across a quiz, so that a trainer writing questions in files or in the studio gets the
same help an examiner would give.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.content.problems import Problem
from app.content.questions import RawQuestion

#: The right option may be this much longer than the longest wrong one before it stands out.
LENGTH_RATIO = 1.5
#: A quiz needs this many single-choice questions before "longest is right" is judged.
MIN_SINGLE_FOR_LONGEST = 4
#: And this many true/false statements before their balance is judged.
MIN_TRUE_FALSE = 4
#: Wrong options with an absolute word (and no right option with one) before it is a pattern.
MIN_ABSOLUTE_WRONG = 3

ABSOLUTE_WORDS = {
    "nl": [
        "altijd",
        "nooit",
        "alleen",
        "uitsluitend",
        "geen enkele",
        "iedereen",
        "niemand",
        "alle",
        "elke",
    ],
    "en": [
        "always",
        "never",
        "only",
        "solely",
        "no one",
        "nobody",
        "everyone",
        "all",
        "every",
        "none",
    ],
}
TRUE_LABELS = {"waar", "true"}


def _words_pattern(language: str) -> re.Pattern[str]:
    words = ABSOLUTE_WORDS.get(language) or ABSOLUTE_WORDS["nl"] + ABSOLUTE_WORDS["en"]
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def _plain(text: str) -> str:
    """Option text without Markdown marks, as its length appears to a reader."""
    return re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", r"\1", text).strip()


def cue_warnings(path: str, questions: Iterable[tuple[str, RawQuestion]], language: str):
    """Warnings for a quiz, given (type name, raw question) pairs in file order."""
    questions = list(questions)
    single = [raw for kind, raw in questions if kind == "single"]
    true_false = [raw for kind, raw in questions if kind == "true-false"]
    return (
        _right_option_much_longer(path, single)
        + _right_option_usually_longest(path, single)
        + _true_false_balance(path, true_false, language)
        + _absolute_words_only_in_wrong_options(
            path, [raw for kind, raw in questions if kind in ("single", "multiple")], language
        )
    )


def _lengths(raw: RawQuestion) -> tuple[list[int], list[int]]:
    right = [len(_plain(o.text)) for o in raw.options if o.checked]
    wrong = [len(_plain(o.text)) for o in raw.options if not o.checked]
    return right, wrong


def _right_option_much_longer(path: str, single: list[RawQuestion]) -> list[Problem]:
    found = []
    for raw in single:
        right, wrong = _lengths(raw)
        if right and wrong and right[0] > LENGTH_RATIO * max(wrong):
            right_option = next(o for o in raw.options if o.checked)
            found.append(
                Problem(
                    path,
                    right_option.line,
                    f"the right option is {right[0] / max(wrong):.1f} times as long as the "
                    "longest wrong one: a guesser picks it without reading; make the options "
                    "of similar length",
                )
            )
    return found


def _right_option_usually_longest(path: str, single: list[RawQuestion]) -> list[Problem]:
    if len(single) < MIN_SINGLE_FOR_LONGEST:
        return []
    longest = sum(
        1
        for raw in single
        if (lengths := _lengths(raw))[0] and lengths[1] and lengths[0][0] >= max(lengths[1])
    )
    if longest * 2 <= len(single):
        return []
    return [
        Problem(
            path,
            single[0].line,
            f"in {longest} of {len(single)} single-choice questions the right option is the "
            "longest: a guesser who picks the longest option passes; vary which option is longest",
        )
    ]


def _true_false_balance(path: str, true_false: list[RawQuestion], language: str) -> list[Problem]:
    if len(true_false) < MIN_TRUE_FALSE:
        return []
    true_right = sum(
        1
        for raw in true_false
        for option in raw.options
        if option.checked and _plain(option.text).lower() in TRUE_LABELS
    )
    share = true_right / len(true_false)
    if 1 / 3 <= share <= 2 / 3:
        return []
    true_word = "Waar" if language == "nl" else "True"
    return [
        Problem(
            path,
            true_false[0].line,
            f'{true_right} of {len(true_false)} true/false statements are "{true_word}": a '
            "guesser who always gives the other answer passes; balance true and false statements",
        )
    ]


def _absolute_words_only_in_wrong_options(
    path: str, questions: list[RawQuestion], language: str
) -> list[Problem]:
    pattern = _words_pattern(language)
    wrong_with = [
        (raw, option)
        for raw in questions
        for option in raw.options
        if not option.checked and pattern.search(option.text)
    ]
    right_with = any(o.checked and pattern.search(o.text) for raw in questions for o in raw.options)
    if right_with or len(wrong_with) < MIN_ABSOLUTE_WRONG:
        return []
    words = sorted({pattern.search(option.text).group(1).lower() for _, option in wrong_with})
    return [
        Problem(
            path,
            wrong_with[0][1].line,
            f"{len(wrong_with)} wrong options use absolute words ({', '.join(words)}) and no right "
            "option does: a guesser skips such options; use them in right options too, or rephrase",
        )
    ]
