"""Accessible bar charts as server-rendered SVG: no JavaScript, with a text equivalent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    maximum: int
    baseline: float


def bar_chart(series: list[tuple[dt.date, int]], width: int = 640, height: int = 200) -> BarChart:
    """Lays out one bar per (week, count); the template draws it and the table beside it."""
    top, bottom, left = 10, 30, 10
    maximum = max((count for _, count in series), default=0) or 1
    slot = (width - left) / max(len(series), 1)
    usable = height - top - bottom
    bars = []
    for index, (week, count) in enumerate(series):
        bar_height = usable * count / maximum
        bars.append(
            Bar(
                x=left + index * slot + slot * 0.15,
                y=top + usable - bar_height,
                width=slot * 0.7,
                height=bar_height,
                label=week.strftime("%d-%m"),
                value=count,
            )
        )
    return BarChart(width, height, bars, maximum, top + usable)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    #: (y, "50 %") of the horizontal grid lines at 0, 25, 50, 75 and 100 percent.
    grid: list[tuple[float, str]]
    left: float
    baseline: float

    @property
    def path(self) -> str:
        """The line through the points, as an SVG path."""
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points)
        )


def line_chart(series: list[tuple[dt.date, int]], width: int = 640, height: int = 220) -> LineChart:
    """Lays out one point per (week, percent 0-100); the template draws it and the table."""
    top, bottom, left, right = 12, 30, 44, 16
    usable_height = height - top - bottom
    step = (width - left - right) / max(len(series) - 1, 1)

    def y_of(percent: float) -> float:
        return top + usable_height * (1 - percent / 100)

    points = [
        Point(left + i * step, y_of(min(max(percent, 0), 100)), week.strftime("%d-%m"), percent)
        for i, (week, percent) in enumerate(series)
    ]
    grid = [(y_of(percent), f"{percent} %") for percent in (0, 25, 50, 75, 100)]
    return LineChart(width, height, points, grid, left, top + usable_height)
