"""Starting, retrying and finding jobs; who may see them; failing the ones whose worker died
and deleting old results. Views, tasks and the CLI all come here."""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
from flask import current_app

from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.hr.scope import units_in_scope
from app.jobs import queue, results
from app.jobs.kinds import KINDS
from app.jobs.progress import last_heartbeat
from app.models import Job, JobStatus, Role, User


def start(
    kind: str,
    requester: User,
    *,
    unit_roots: set[int] | None,
    params: dict | None = None,
    subject: str | None = None,
) -> Job:
    """Records the job, logs who asked, commits, and puts it on the queue."""
    assert kind in KINDS, kind
    job = Job(
        kind=kind,
        organisation_id=requester.organisation_id,
        requested_by_id=requester.id,
        unit_roots=sorted(unit_roots) if unit_roots is not None else None,
        params=params or {},
        subject=subject,
        status=JobStatus.QUEUED,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(f"job.start.{kind}", actor=requester, target=f"job:{job.public_id}")
    db.session.commit()
    queue.enqueue("run_job", job.id)
    return job


def retry(job: Job, actor: User) -> None:
    """Queues a failed job again from the start."""
    if job.status != JobStatus.FAILED:
        return
    results.remove(job.public_id)
    job.status = JobStatus.QUEUED
    job.done, job.total = 0, None
    job.error = job.error_detail = None
    job.started_at = job.finished_at = job.heartbeat_at = job.expires_at = None
    audit.record(f"job.retry.{job.kind}", actor=actor, target=f"job:{job.public_id}")
    db.session.commit()
    queue.enqueue("run_job", job.id)


def active_for(subject: str, organisation_id: int) -> Job | None:
    """A queued, running or finished job about `subject` (an import batch, say)."""
    return db.session.scalar(
        sa.select(Job)
        .where(
            Job.subject == subject,
            Job.organisation_id == organisation_id,
            Job.status != JobStatus.FAILED,
        )
        .order_by(Job.id.desc())
        .limit(1)
    )


def visible_to(job: Job, viewer: User) -> bool:
    """The person who asked; otherwise HR and admins of the same organisation whose scope
    covers the job's units (a whole-organisation job: admins, and HR for an import)."""
    if job.requested_by_id == viewer.id:
        return True
    if job.organisation_id != viewer.organisation_id:
        return False
    if viewer.has_role(Role.ADMIN):
        return True
    if not viewer.has_role(Role.HR):
        return False
    if job.unit_roots is None:
        return job.kind == "employee_import"
    return set(job.unit_roots) <= units_in_scope(viewer)


def for_requester(user: User, limit: int = 20) -> list[Job]:
    return list(
        db.session.scalars(
            sa.select(Job)
            .where(Job.requested_by_id == user.id)
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )


def fail_abandoned(now: dt.datetime | None = None) -> int:
    """Marks running jobs whose worker stopped sending heartbeats (in the queue's store) as
    failed: the worker was killed or the machine went down. Their half file is never
    offered; they can be retried."""
    now = now or utcnow()
    lease = current_app.config["JOB_LEASE_SECONDS"]
    limit = now - dt.timedelta(seconds=lease)
    huey = queue.huey_for(current_app._get_current_object())
    abandoned = [
        job
        for job in db.session.scalars(
            sa.select(Job).where(Job.status == JobStatus.RUNNING, Job.started_at < limit)
        )
        if (last_heartbeat(huey, job.id) or 0) < time.time() - lease
    ]
    for job in abandoned:
        _fail(job, "interrupted", now)
        results.remove(job.public_id)
    db.session.commit()
    return len(abandoned)


def _fail(job: Job, code: str, now: dt.datetime, detail: str = "") -> None:
    job.status = JobStatus.FAILED
    job.error = code
    job.error_detail = detail or None
    job.finished_at = now
    job.expires_at = now + dt.timedelta(hours=current_app.config["JOB_RESULT_HOURS"])


def remove_expired(now: dt.datetime | None = None) -> int:
    """Deletes jobs (and their files) past their expiry, and files no job claims any more."""
    now = now or utcnow()
    expired = list(db.session.scalars(sa.select(Job).where(Job.expires_at < now)))
    for job in expired:
        results.remove(job.public_id)
        db.session.delete(job)
    db.session.commit()
    kept = set(db.session.scalars(sa.select(Job.public_id)))
    results.remove_orphans(kept, older_than_seconds=current_app.config["JOB_LEASE_SECONDS"])
    return len(expired)
