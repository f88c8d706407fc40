"""Background jobs a person started from a page: their state, progress and result file."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.extensions import db
from app.models.org import Organisation
from app.models.user import User


def new_public_id() -> str:
    return secrets.token_urlsafe(18)


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    ACTIVE = (QUEUED, RUNNING)


class Job(db.Model):
    """One piece of long work: an export, a certificate ZIP, an import.

    The state lives here, not in a worker's memory, so every app server and every worker agree
    on it; the result file lives in JOB_RESULTS_DIR under `public_id`.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unguessable: it is the job's address (/taken/<public_id>) and its result file's name.
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: A key of app.jobs.kinds.KINDS.
    kind: Mapped[str] = mapped_column(sa.String(32))
    #: What the kind needs: unit roots, language, an import batch id.
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The units the result covers (their subtrees), None for the whole organisation: who may
    #: see the result besides the person who asked is decided from this.
    unit_roots: Mapped[list[int] | None] = mapped_column(sa.JSON)
    #: What the job is about, to find a running one again (e.g. "import:12").
    subject: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    #: Why it failed: a key of app.jobs.kinds.FAILURES, and a detail (e.g. a file's problem).
    error: Mapped[str | None] = mapped_column(sa.String(32))
    error_detail: Mapped[str | None] = mapped_column(sa.Text)
    #: What a job without a file reports (an import's counts).
    summary: Mapped[dict | None] = mapped_column(sa.JSON)
    result_name: Mapped[str | None] = mapped_column(sa.String(200))
    result_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: When the worker last wrote progress. (Whether the worker still lives is told by its
    #: heartbeat in the queue's store: app/jobs/progress.py.)
    heartbeat_at: Mapped[datetime | None]
    #: After this the result is deleted (JOB_RESULT_HOURS after it was finished).
    expires_at: Mapped[datetime | None] = mapped_column(index=True)

    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_jobs_status_heartbeat", "status", "heartbeat_at"),)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"

    @property
    def active(self) -> bool:
        return self.status in JobStatus.ACTIVE

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
