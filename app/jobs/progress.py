"""Progress and heartbeat of a running job, written beside the job's own transaction.

Both go through their own short connection: an import holds one long transaction, and the
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


class Heartbeat:
    """A thread that stamps the job's heartbeat every few seconds while the worker lives, so a
    long single step (one big query) does not look like a dead worker."""

    def __init__(self, job_id: int, every_seconds: float) -> None:
        self.job_id = job_id
        self.engine = db.engine
        self.every_seconds = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"job-{job_id}")

    def _beat(self) -> None:
        while not self._stop.wait(self.every_seconds):
            _write(self.engine, self.job_id, heartbeat_at=utcnow())

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
