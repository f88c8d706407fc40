"""What the API hands out, read for one organisation: employees with their assignments,
completions and certificates. Plain arguments only; the views parse the request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.certificates import issuing
from app.extensions import db
from app.hr.scope import descendant_unit_ids
from app.models import (
    Assignment,
    Certificate,
    Completion,
    LearningPath,
    Module,
    ModuleVersion,
    OrgUnit,
    User,
)


class UnknownUnit(LookupError):
    """A unit code the organisation does not have."""


@dataclass(frozen=True)
class Filters:
    """Which records a request asks for: a unit subtree (None for all) and a date range."""

    organisation_id: int
    unit_ids: set[int] | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    has_next: bool


def unit_subtree(organisation_id: int, code: str) -> set[int]:
    """The unit with this code and every unit below it. Raises UnknownUnit."""
    unit = db.session.scalar(
        sa.select(OrgUnit).where(OrgUnit.organisation_id == organisation_id, OrgUnit.code == code)
    )
    if unit is None:
        raise UnknownUnit(code)
    return descendant_unit_ids(organisation_id, {unit.id})


def employees(filters: Filters, page: int, per_page: int) -> Page:
    """People with, per assigned path, its deadline and whether it is completed."""
    query = (
        sa.select(User, OrgUnit.code)
        .outerjoin(OrgUnit, User.unit_id == OrgUnit.id)
        .where(User.organisation_id == filters.organisation_id)
        .order_by(User.id)
    )
    if filters.unit_ids is not None:
        query = query.where(User.unit_id.in_(filters.unit_ids))
    rows = _page_of(query, page, per_page)
    assigned = _assignments_of([user.id for user, _ in rows.items])
    return Page(
        [_employee(user, unit, assigned.get(user.id, [])) for user, unit in rows.items],
        rows.total,
        rows.has_next,
    )


def completions(filters: Filters, page: int, per_page: int) -> Page:
    """Modules completed, with the version taken."""
    query = (
        sa.select(
            Completion,
            User.employee_number,
            Module.slug,
            ModuleVersion.version,
            ModuleVersion.language,
        )
        .join(User, Completion.user_id == User.id)
        .join(Module, Completion.module_id == Module.id)
        .join(ModuleVersion, Completion.module_version_id == ModuleVersion.id)
        .where(User.organisation_id == filters.organisation_id)
        .order_by(Completion.id)
    )
    query = _filtered(query, filters, Completion.completed_at)
    return _serialised(_page_of(query, page, per_page), _completion)


def certificates(filters: Filters, page: int, per_page: int, base_url: str) -> Page:
    """Certificates with their status and public verification link."""
    query = (
        sa.select(Certificate, User.employee_number)
        .join(User, Certificate.user_id == User.id)
        .where(User.organisation_id == filters.organisation_id)
        .order_by(Certificate.id)
    )
    query = _filtered(query, filters, Certificate.issued_at)
    base = base_url.rstrip("/")
    return _serialised(_page_of(query, page, per_page), lambda row: _certificate(row, base))


def _filtered(query: sa.Select, filters: Filters, moment) -> sa.Select:
    if filters.since:
        query = query.where(moment >= dt.datetime.combine(filters.since, dt.time()))
    if filters.until:
        day_after = filters.until + dt.timedelta(days=1)
        query = query.where(moment < dt.datetime.combine(day_after, dt.time()))
    if filters.unit_ids is not None:
        query = query.where(User.unit_id.in_(filters.unit_ids))
    return query


def _page_of(query: sa.Select, page: int, per_page: int) -> Page:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(rows), total, page * per_page < total)


def _serialised(rows: Page, serialise: Callable[[Any], dict]) -> Page:
    return Page([serialise(row) for row in rows.items], rows.total, rows.has_next)


def _assignments_of(user_ids: list[int]) -> dict[int, list[dict]]:
    """Each person's assignments with their status, in two queries for the whole page."""
    in_force = {
        (c.user_id, c.path_id): c
        for c in db.session.scalars(
            sa.select(Certificate).where(
                Certificate.user_id.in_(user_ids), Certificate.kind == "path", Certificate.in_force
            )
        )
    }
    assigned: dict[int, list[dict]] = {}
    rows = db.session.execute(
        sa.select(Assignment, LearningPath.slug)
        .join(LearningPath)
        .where(Assignment.user_id.in_(user_ids))
        .order_by(LearningPath.slug)
    )
    for assignment, slug in rows:
        certificate = in_force.get((assignment.user_id, assignment.path_id))
        assigned.setdefault(assignment.user_id, []).append(
            {
                "path": slug,
                "deadline": assignment.deadline.isoformat() if assignment.deadline else None,
                "status": issuing.validity(certificate).value if certificate else "open",
                "completed_on": certificate.issued_at.date().isoformat() if certificate else None,
                "certificate_serial": certificate.serial if certificate else None,
            }
        )
    return assigned


def _employee(user: User, unit_code: str | None, assignments: list[dict]) -> dict:
    return {
        "employee_number": user.employee_number,
        "name": user.name,
        "email": user.email,
        "unit": unit_code,
        "active": user.active,
        "assignments": assignments,
    }


def _completion(row) -> dict:
    completion, employee_number, slug, version, language = row
    return {
        "employee_number": employee_number,
        "module": slug,
        "version": version,
        "language": language,
        "completed_at": completion.completed_at.isoformat(timespec="seconds") + "Z",
        "score": completion.score,
    }


def _certificate(row, base: str) -> dict:
    certificate, employee_number = row
    return {
        "serial": certificate.serial,
        "employee_number": employee_number,
        "kind": certificate.kind,
        "title": certificate.title,
        "version": certificate.version,
        "issued_on": certificate.issued_at.date().isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "status": issuing.validity(certificate).value,
        "verify_url": f"{base}/verify/{certificate.code}",
    }
