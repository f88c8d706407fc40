"""Progress and heartbeat of a running job, written beside the job's own transaction.

Progress goes through its own short connection: an import holds one long transaction, and the
status page must see progress before that commits. On SQLite such a write can find the file
locked by the job itself; progress is advisory, so that write is skipped, never waited for long.
"""

from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.core.time import utcnow
from app.extensions import db
from app.models import Job

log = logging.getLogger(__name__)


def _write(engine: sa.Engine, job_id: int, **values) -> None:
    try:
        with engine.begin() as connection:
            connection.execute(sa.update(Job).where(Job.id == job_id).values(**values))
    except OperationalError as error:  # "database is locked" while the job itself writes
        log.info("job %s: progress not written (%s)", job_id, error)


class Progress:
    """What a job's kind reports as it works: a total, then steps done."""

    def __init__(self, job_id: int, every_seconds: float = 1.0) -> None:
        self.job_id = job_id
        self.engine = db.engine
        self.every_seconds = every_seconds
        self.done = 0
        self.total: int | None = None
        self._written_at = 0.0

    def set_total(self, total: int) -> None:
        self.total = total
        _write(self.engine, self.job_id, total=total, done=self.done, heartbeat_at=utcnow())

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        now = time.monotonic()
        if now - self._written_at >= self.every_seconds:
            self._written_at = now
            _write(self.engine, self.job_id, done=self.done, heartbeat_at=utcnow())


def heartbeat_key(job_id: int) -> str:
    return f"heartbeat:job:{job_id}"


def last_heartbeat(huey, job_id: int) -> float | None:
    """When the job's worker last said "still here" (a Unix time), or None."""
    return huey.get(heartbeat_key(job_id), peek=True)


class Heartbeat:
    """A thread that stamps "still here" every few seconds while the worker lives, so a long
    single step (one big query) does not look like a dead worker.

    The stamp goes to the queue's store (Redis, or the queue's own SQLite file), not to the
    database: an import holds the database's write lock for its whole transaction on SQLite,
    and a heartbeat waiting behind it would make a busy worker look dead."""

    def __init__(self, huey, job_id: int, every_seconds: float) -> None:
        self.huey = huey
        self.job_id = job_id
        self.every_seconds = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"job-{job_id}")

    def _stamp(self) -> None:
        try:
            self.huey.put(heartbeat_key(self.job_id), time.time())
        except Exception:  # a store hiccup: the next beat tries again
            log.exception("job %s: heartbeat not written", self.job_id)

    def _beat(self) -> None:
        while not self._stop.wait(self.every_seconds):
            self._stamp()

    def __enter__(self) -> Heartbeat:
        self._stamp()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.huey.get(heartbeat_key(self.job_id))  # reading without peek removes it
