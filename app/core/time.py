"""The one clock: naive UTC datetimes, as every timestamp column stores them; shown to people in
the organisation's time zone (TIME_ZONE, default Europe/Amsterdam)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local(moment: datetime) -> datetime:
    """A stored (naive UTC) time as the clock on the wall shows it, with its offset."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(current_app.config["TIME_ZONE"]))


def local_text(moment: datetime | None, seconds: bool = False) -> str:
    """Local time as 05-12-2026 09:14; empty for no time."""
    if moment is None:
        return ""
    return local(moment).strftime("%d-%m-%Y %H:%M:%S" if seconds else "%d-%m-%Y %H:%M")
