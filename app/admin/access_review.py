"""The periodic review of access rights (BIO 5.18): who holds which role and HR scope, when they
last signed in, and which accounts have gone unused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core.time import utcnow
from app.extensions import db
from app.models import HrScope, Role, RoleGrant, TotpCredential, User

UNUSED_AFTER_DAYS = 90
PRIVILEGED = (Role.TRAINER, Role.HR, Role.ADMIN)


@dataclass(frozen=True)
class ReviewRow:
    user: User
    roles: list[str]
    scope: list[str]
    second_factor: bool
    unused: bool


def _unused_since(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Active, and no sign-in (or, never signed in, no account) within the last 90 days."""
    cutoff = now - dt.timedelta(days=UNUSED_AFTER_DAYS)
    return sa.and_(
        User.active.is_(True),
        sa.func.coalesce(User.last_sign_in_at, User.created_at) < cutoff,
    )


def _rows(statement: sa.Select, now: dt.datetime) -> Iterator[ReviewRow]:
    cutoff = now - dt.timedelta(days=UNUSED_AFTER_DAYS)
    enrolled = sa.select(TotpCredential.user_id).where(TotpCredential.confirmed_at.is_not(None))
    statement = statement.add_columns(User.id.in_(enrolled)).options(
        selectinload(User.hr_scopes).joinedload(HrScope.unit)
    )
    for user, second_factor in db.session.execute(statement):
        yield ReviewRow(
            user=user,
            roles=sorted(role.value for role in user.roles if role is not Role.LEARNER),
            scope=sorted(scope.unit.name for scope in user.hr_scopes),
            second_factor=bool(second_factor),
            unused=user.active and (user.last_sign_in_at or user.created_at) < cutoff,
        )


def privileged(organisation_id: int, now: dt.datetime | None = None) -> list[ReviewRow]:
    """Everyone in the organisation holding more than the learner role, by name."""
    holders = sa.select(RoleGrant.user_id).where(RoleGrant.role.in_([r.value for r in PRIVILEGED]))
    statement = (
        sa.select(User)
        .where(User.organisation_id == organisation_id, User.id.in_(holders))
        .order_by(User.name, User.id)
    )
    return list(_rows(statement, now or utcnow()))


def unused_count(organisation_id: int, now: dt.datetime | None = None) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .where(User.organisation_id == organisation_id, _unused_since(now or utcnow()))
    )


def everyone(organisation_id: int, now: dt.datetime | None = None) -> Iterator[ReviewRow]:
    """Every account of the organisation, for the CSV; streamed."""
    statement = (
        sa.select(User)
        .where(User.organisation_id == organisation_id)
        .order_by(User.name, User.id)
        .execution_options(yield_per=500)
    )
    return _rows(statement, now or utcnow())
