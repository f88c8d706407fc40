"""Read-only JSON API for HR systems: employees' completion status, completions, certificates.

Every route needs `Authorization: Bearer <token>`; a token sees only its own organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from app.api import tokens
from app.api.openapi import MAX_PAGE, openapi_document
from app.certificates import issuing
from app.core import audit
from app.core.time import utcnow
from app.extensions import csrf, db
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

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
MAX_PER_PAGE = 500


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException):
    response = jsonify({"error": error.name, "message": error.description, "status": error.code})
    response.status_code = error.code or 500
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="geletterd"'
    return response


def token_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        found = tokens.find_unrevoked(token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            abort(401, "a valid bearer token is required: Authorization: Bearer <token>")
        if found.expired(utcnow().date()):
            abort(
                401,
                f"this token expired on {found.expires_on.isoformat()}: ask an administrator "
                "of your organisation for a new one",
            )
        found.last_used_at = utcnow()
        audit.record("api.use", target=f"api_token:{found.id}", path=request.path)
        db.session.commit()
        g.api_organisation_id = found.organisation_id
        return view(*args, **kwargs)

    return wrapped


def _date_arg(name: str) -> dt.date | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        abort(400, f"{name} must be a date written as YYYY-MM-DD, not {value!r}")


def _paging() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 100))
    except ValueError:
        abort(400, "page and per_page must be whole numbers")
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
        abort(400, f"page must be from 1 to {MAX_PAGE}; per_page from 1 to {MAX_PER_PAGE}")
    return page, per_page


def _unit_filter() -> set[int] | None:
    """Units selected by ?unit=<code> (with everything below it), or None for all."""
    code = request.args.get("unit")
    if not code:
        return None
    unit = db.session.scalar(
        sa.select(OrgUnit).where(
            OrgUnit.organisation_id == g.api_organisation_id, OrgUnit.code == code
        )
    )
    if unit is None:
        abort(404, f"no unit with code {code!r}")
    return descendant_unit_ids(g.api_organisation_id, {unit.id})


def _page_of(query: sa.Select, serialise: Callable[[Any], dict]) -> dict:
    page, per_page = _paging()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    args = {**request.args.to_dict(), "page": page + 1, "per_page": per_page}
    has_next = page * per_page < total
    return {
        "items": [serialise(row) for row in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "next": url_for(request.endpoint, _external=True, **args) if has_next else None,
    }


@bp.route("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document(current_app.config["PUBLIC_BASE_URL"]))


@bp.route("/employees")
@token_required
def employees() -> Any:
    """People with, per assigned path, its deadline and whether it is completed."""
    query = (
        sa.select(User, OrgUnit.code)
        .outerjoin(OrgUnit, User.unit_id == OrgUnit.id)
        .where(User.organisation_id == g.api_organisation_id)
        .order_by(User.id)
    )
    units = _unit_filter()
    if units is not None:
        query = query.where(User.unit_id.in_(units))
    result = _page_of(query, lambda row: {"user": row[0], "unit": row[1]})
    _add_assignments(result["items"])
    return jsonify(result)


def _add_assignments(items: list[dict]) -> None:
    """Fills in each person's assignments with two queries for the whole page."""
    ids = [item["user"].id for item in items]
    valid = {
        (c.user_id, c.path_id): c
        for c in db.session.scalars(
            sa.select(Certificate).where(
                Certificate.user_id.in_(ids),
                Certificate.kind == "path",
                Certificate.revoked_at.is_(None),
                Certificate.superseded_by_id.is_(None),
            )
        )
    }
    assigned: dict[int, list[dict]] = {}
    rows = db.session.execute(
        sa.select(Assignment, LearningPath.slug)
        .join(LearningPath)
        .where(Assignment.user_id.in_(ids))
        .order_by(LearningPath.slug)
    )
    for assignment, slug in rows:
        certificate = valid.get((assignment.user_id, assignment.path_id))
        status = issuing.validity(certificate).value if certificate else "open"
        assigned.setdefault(assignment.user_id, []).append(
            {
                "path": slug,
                "deadline": assignment.deadline.isoformat() if assignment.deadline else None,
                "status": status,
                "completed_on": certificate.issued_at.date().isoformat() if certificate else None,
                "certificate_serial": certificate.serial if certificate else None,
            }
        )
    for index, item in enumerate(items):
        user = item["user"]
        items[index] = {
            "employee_number": user.employee_number,
            "name": user.name,
            "email": user.email,
            "unit": item["unit"],
            "active": user.active,
            "assignments": assigned.get(user.id, []),
        }


@bp.route("/completions")
@token_required
def completions() -> Any:
    """Modules completed, with the version taken; filter by unit and date."""
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
        .where(User.organisation_id == g.api_organisation_id)
        .order_by(Completion.id)
    )
    query = _filtered(query, Completion.completed_at, User.unit_id)
    return jsonify(
        _page_of(
            query,
            lambda row: {
                "employee_number": row[1],
                "module": row[2],
                "version": row[3],
                "language": row[4],
                "completed_at": row[0].completed_at.isoformat(timespec="seconds") + "Z",
                "score": row[0].score,
            },
        )
    )


@bp.route("/certificates")
@token_required
def certificate_list() -> Any:
    """Certificates with their status; filter by unit and issue date."""
    query = (
        sa.select(Certificate, User.employee_number)
        .join(User, Certificate.user_id == User.id)
        .where(User.organisation_id == g.api_organisation_id)
        .order_by(Certificate.id)
    )
    query = _filtered(query, Certificate.issued_at, User.unit_id)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return jsonify(
        _page_of(
            query,
            lambda row: {
                "serial": row[0].serial,
                "employee_number": row[1],
                "kind": row[0].kind,
                "title": row[0].title,
                "version": row[0].version,
                "issued_on": row[0].issued_at.date().isoformat(),
                "expires_on": row[0].expires_on.isoformat() if row[0].expires_on else None,
                "status": issuing.validity(row[0]).value,
                "verify_url": f"{base}/verify/{row[0].code}",
            },
        )
    )


def _filtered(query: sa.Select, moment, unit_column) -> sa.Select:
    since, until = _date_arg("since"), _date_arg("until")
    if since:
        query = query.where(moment >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(moment < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    units = _unit_filter()
    if units is not None:
        query = query.where(unit_column.in_(units))
    return query
