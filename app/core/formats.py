"""Dates, times and numbers as a reader of each language expects them, in one place.

Dates are written out ("5 december 2026", "5 December 2026"); times are shown in the
organisation's time zone (timestamps are stored as naive UTC); numbers and percentages use the
language's decimal sign ("62,5 %" in Dutch, "62.5%" in English).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from babel.numbers import format_decimal

DEFAULT_ZONE = "Europe/Amsterdam"
_DAY = "d MMMM y"
#: Dutch puts a (non-breaking) space before the percent sign, English does not.
_PERCENT = {"nl": "{}\u00a0%", "en": "{}%"}
_AT = {"nl": "{} om {}", "en": "{} at {}"}


def zone(name: str | None) -> ZoneInfo:
    """The time zone called `name`; the default one when it is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def local(moment: dt.datetime, time_zone: str | None) -> dt.datetime:
    """A stored (naive UTC, or aware) timestamp as the wall clock of `time_zone` shows it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone(time_zone))


def day(
    value: dt.date | dt.datetime | str | None, language: str, time_zone: str | None = None
) -> str:
    """Like "5 december 2026": a date (or an ISO date), or the local date of a timestamp.
    Empty for None."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = local(value, time_zone).date()
    return format_date(value, _DAY, locale=language)


def clock(value: dt.datetime, time_zone: str | None) -> str:
    """Like "14:23": the local time of a timestamp."""
    return local(value, time_zone).strftime("%H:%M")


def moment(value: dt.datetime | None, language: str, time_zone: str | None) -> str:
    """Like "5 december 2026 om 14:23": the local date and time of a timestamp. Empty for None."""
    if value is None:
        return ""
    return _AT.get(language, _AT["nl"]).format(
        day(value, language, time_zone), clock(value, time_zone)
    )


def when(value: dt.datetime, language: str, time_zone: str | None) -> str:
    """Like "14:23" for a moment later today (local time), else "6 december 2026 om 14:23"."""
    today = local(dt.datetime.now(dt.UTC), time_zone).date()
    if local(value, time_zone).date() == today:
        return clock(value, time_zone)
    return moment(value, language, time_zone)


def number(value: float | int, language: str) -> str:
    """62.5 as "62,5" (Dutch) or "62.5" (English); at most one decimal, none when whole."""
    return format_decimal(value, format="#,##0.#", locale=language)


def percent(value: float | int | None, language: str) -> str:
    """A percentage given as a number of percent (62.5): "62,5 %" or "62.5%"."""
    if value is None:
        return ""
    return _PERCENT.get(language, _PERCENT["nl"]).format(number(value, language))
