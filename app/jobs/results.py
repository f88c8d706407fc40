"""Result files on disk (JOB_RESULTS_DIR), written under a temporary name and renamed when whole.

Files, not database rows: a ZIP of 10,000 certificates or a 100,000-row workbook is tens to
hundreds of megabytes, which would bloat the database and its backups for a file kept a day.
The job's state (done or not, who may fetch it) is in the database, so every app server agrees;
with app servers on several machines the folder must be shared storage (NFS, a mounted volume).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

PART = ".part"


def folder() -> Path:
    path = Path(current_app.config["JOB_RESULTS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(public_id: str) -> Path:
    return folder() / public_id


@contextmanager
def writing(public_id: str) -> Iterator[Path]:
    """Yields a temporary path to write the result to; when the block ends without an error
    the file is flushed to disk and renamed to its final name in one step (os.replace), so a
    half-written file never carries the name a download looks for."""
    final = path_of(public_id)
    temporary = final.with_name(final.name + PART)
    temporary.unlink(missing_ok=True)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)


def remove(public_id: str) -> None:
    path_of(public_id).unlink(missing_ok=True)
    path_of(public_id + PART).unlink(missing_ok=True)


def remove_orphans(known: set[str], older_than_seconds: float) -> int:
    """Deletes files no job names any more (and old leftovers of killed workers)."""
    removed = 0
    limit = time.time() - older_than_seconds
    for path in folder().iterdir():
        public_id = path.name.removesuffix(PART)
        stale = path.stat().st_mtime < limit
        if stale and (public_id not in known or path.name.endswith(PART)):
            path.unlink(missing_ok=True)
            removed += 1
    return removed
