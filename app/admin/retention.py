"""Retention (GDPR/AVG): after the retention period, people who left are replaced by a pseudonym.

Aggregate numbers stay right and certificates stay verifiable (valid, revoked, expired), but the
name, email, employee number and job roles are gone.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.models import HrScope, ImportBatch, User, UserJobRole


def due_for_purge(retention_days: int, now: dt.datetime | None = None) -> list[User]:
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.active.is_(False),
                User.deactivated_at < cutoff,
                User.pseudonymised_at.is_(None),
            )
        )
    )


def pseudonymise(user: User) -> None:
    user.name = f"Oud-medewerker {user.id}"
    user.email = f"verwijderd-{user.id}@invalid"
    user.employee_number = None
    user.password_hash = None
    user.renew_session_token()
    user.pseudonymised_at = utcnow()
    db.session.execute(sa.delete(UserJobRole).where(UserJobRole.user_id == user.id))
    db.session.execute(sa.delete(HrScope).where(HrScope.user_id == user.id))


def purge(retention_days: int, now: dt.datetime | None = None) -> int:
    """Pseudonymises everyone due; also drops uploaded import files older than the period."""
    people = due_for_purge(retention_days, now)
    for user in people:
        pseudonymise(user)
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
    db.session.execute(sa.delete(ImportBatch).where(ImportBatch.uploaded_at < cutoff))
    audit.record("privacy.purge", target="users", count=len(people), retention_days=retention_days)
    return len(people)
