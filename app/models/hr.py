"""What HR manages: people's job roles, assignment rules, uploaded imports awaiting approval."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.time import utcnow
from app.extensions import db
from app.models.content import LearningPath
from app.models.org import OrgUnit


class UserJobRole(db.Model):
    """A job role someone holds (e.g. "beleidsmedewerker"); assignment rules select on it."""

    __tablename__ = "user_job_roles"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "job_role", name="uq_user_job_roles_user_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Lower-cased, as written in the HR export.
    job_role: Mapped[str] = mapped_column(sa.String(100), index=True)

    def __repr__(self) -> str:
        return f"<UserJobRole {self.job_role} of user {self.user_id}>"


class AssignmentRule(db.Model):
    """Assigns a learning path to everyone with a job role and/or in a unit subtree."""

    __tablename__ = "assignment_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    path_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_paths.id"))
    #: Null: any job role.
    job_role: Mapped[str | None] = mapped_column(sa.String(100))
    #: Null: the whole organisation; otherwise this unit and everything below it.
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_units.id"))
    #: A fixed deadline, or ...
    deadline_on: Mapped[date | None]
    #: ... this many days after the person is assigned.
    deadline_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    path: Mapped[LearningPath] = relationship()
    unit: Mapped[OrgUnit | None] = relationship()

    def __repr__(self) -> str:
        return f"<AssignmentRule path {self.path_id} role {self.job_role} unit {self.unit_id}>"


class ImportBatch(db.Model):
    """An uploaded employee file, kept until HR approves the preview (not in process memory,
    so any app server can apply it)."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    deactivate_missing: Mapped[bool] = mapped_column(default=False)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]
    #: What applying it did: {"created": n, "updated": n, "unchanged": n, "deactivated": n,
    #: "rejected": n, "assigned": n}, shown on its page afterwards.
    outcome: Mapped[dict | None] = mapped_column(sa.JSON)

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.filename}>"


class ReminderSent(db.Model):
    """One reminder of a kind to one person on one day: the unique key stops a second one."""

    __tablename__ = "reminders_sent"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "sent_on", name="uq_reminders_sent_user_kind_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "deadline" for a learner, "digest" for an HR person.
    kind: Mapped[str] = mapped_column(sa.String(16))
    sent_on: Mapped[date]

    def __repr__(self) -> str:
        return f"<ReminderSent {self.kind} to {self.user_id} on {self.sent_on}>"


class FigureSnapshot(db.Model):
    """The dashboard's figures for one scope, as computed at `computed_at`: for scopes so large
    that counting them live takes longer than a page should (app/hr/snapshots.py).
    """

    __tablename__ = "figure_snapshots"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "scope", name="uq_figure_snapshots_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    #: Which figures: the dashboard's units, the unit drilled into, the language of the labels.
    scope: Mapped[str] = mapped_column(sa.String(200))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    figures: Mapped[dict] = mapped_column(sa.JSON)
