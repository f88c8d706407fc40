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
