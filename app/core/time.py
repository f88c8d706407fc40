"""The one clock: naive UTC datetimes, as every timestamp column stores them."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
