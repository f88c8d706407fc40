"""Facility and discrimination per question, as Moodle's quiz statistics report defines them.

- Facility index: the mean score on the question, as a percentage of its maximum (1 here).
  High means easy.
- Discrimination index: the correlation (Pearson's r, as a percentage) between the score on
  the question and the score on the rest of the test (the attempt's total without this
  question). Positive means people who did well overall did well here too; negative means the
  question rewards the wrong people, so it is probably wrong or misleading.

Questions are drawn at random from a pool, so each question is analysed over the attempts it
was drawn in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Below this number of attempts the figures mean little, and a small group could be recognised.
MIN_ATTEMPTS = 20
TOO_EASY_ABOVE = 90
TOO_HARD_BELOW = 20


@dataclass(frozen=True)
class ItemIndices:
    #: Attempts the question was drawn in.
    attempts: int
    #: 0-100.
    facility: float
    #: -100..100; None when every score was the same (no correlation exists).
    discrimination: float | None

    @property
    def too_easy(self) -> bool:
        return self.facility > TOO_EASY_ABOVE

    @property
    def too_hard(self) -> bool:
        return self.facility < TOO_HARD_BELOW

    @property
    def negative(self) -> bool:
        return self.discrimination is not None and self.discrimination < 0


def pearson(xs: list[float], ys: list[float]) -> float | None:
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    spread = math.sqrt(sum(d * d for d in dx) * sum(d * d for d in dy))
    if spread == 0:
        return None
    return sum(a * b for a, b in zip(dx, dy, strict=True)) / spread


def item_indices(attempts: list[dict[str, float]]) -> dict[str, ItemIndices]:
    """{question id: indices} from each attempt's {question id: score 0..1}."""
    questions = sorted({question for attempt in attempts for question in attempt})
    found = {}
    for question in questions:
        taken = [attempt for attempt in attempts if question in attempt]
        scores = [attempt[question] for attempt in taken]
        rest = [sum(attempt.values()) - attempt[question] for attempt in taken]
        r = pearson(scores, rest) if len(taken) > 1 else None
        found[question] = ItemIndices(
            attempts=len(taken),
            facility=100 * sum(scores) / len(scores),
            discrimination=None if r is None else 100 * r,
        )
    return found
