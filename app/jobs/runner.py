"""Runs one job in a worker: claim it, keep a heartbeat, do the work, record the outcome."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app

from app.core.time import utcnow
from app.extensions import db
from app.jobs import results
from app.jobs.kinds import KINDS, JobFailed
from app.jobs.progress import Heartbeat, Progress
from app.jobs.queue import huey_for
from app.jobs.service import _fail
from app.models import Job, JobStatus

log = logging.getLogger(__name__)


def claim(job_id: int) -> bool:
    """Moves the job from queued to running, once: a message delivered twice (or left over from
    an earlier try) finds it no longer queued and does nothing."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=Job.attempts + 1,
        )
    ).rowcount
    db.session.commit()
    return claimed == 1


def run(job_id: int) -> None:
    if not claim(job_id):
        return
    job = db.session.get(Job, job_id)
    kind = KINDS[job.kind]
    progress = Progress(job.id)
    try:
        with (
            Heartbeat(
                huey_for(current_app._get_current_object()),
                job.id,
                current_app.config["JOB_HEARTBEAT_SECONDS"],
            ),
            results.writing(job.public_id) as path,
        ):
            summary = kind.run(job, progress, path)
            if kind.mimetype is None:
                path.write_bytes(b"")  # no file: writing() still wants one to rename
    except JobFailed as failure:
        _record_failure(job_id, failure.code, failure.detail)
        return
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _record_failure(job_id, "error")
        return
    _record_success(job, summary)


def _record_success(job: Job, summary: dict | None) -> None:
    """Marks the job done, in the same transaction as the work itself (an import's changes),
    and only if it is still ours: a job already failed as abandoned stays failed, and its
    work is undone."""
    now = utcnow()
    kind = KINDS[job.kind]
    has_file = kind.mimetype is not None
    if not has_file:
        results.remove(job.public_id)
    finished = db.session.execute(
        sa.update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.RUNNING)
        .values(
            status=JobStatus.DONE,
            summary=summary,
            done=sa.func.coalesce(Job.total, Job.done),
            finished_at=now,
            expires_at=now + dt.timedelta(hours=current_app.config["JOB_RESULT_HOURS"]),
            result_name=kind.filename(job) if has_file else None,
            result_size=results.path_of(job.public_id).stat().st_size if has_file else None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if finished != 1:
        db.session.rollback()
        results.remove(job.public_id)
        log.warning("job %s finished after it was given up; its result is dropped", job.id)
        return
    db.session.commit()


def _record_failure(job_id: int, code: str, detail: str = "") -> None:
    db.session.rollback()
    job = db.session.get(Job, job_id)
    _fail(job, code, utcnow(), detail)
    db.session.commit()
    results.remove(job.public_id)
