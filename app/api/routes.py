"""Read-only JSON API for HR systems: employees' completion status, completions, certificates.

Every route needs `Authorization: Bearer <token>`; a token sees only its own organisation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from app.api import records, tokens
from app.api.errors import json_error
from app.api.openapi import MAX_PAGE, openapi_document
from app.core import audit
from app.core.time import utcnow
from app.extensions import csrf, db, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
MAX_PER_PAGE = 500


def _rate_limit_key() -> str:
    """Per token, so a leaked token reads no faster from many addresses than from one (only a
    hash of it goes to the counter store); requests without a token count per address."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "api-token:" + hashlib.sha256(token.strip().encode()).hexdigest()
    return "api-address:" + get_remote_address()


# Over the limit: 429 with Retry-After (RATELIMIT_HEADERS_ENABLED), as JSON by json_error.
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_rate_limit_key)(bp)


bp.register_error_handler(HTTPException, json_error)


def token_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        found = tokens.find_active(token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            abort(401, "a valid bearer token is required: Authorization: Bearer <token>")
        found.last_used_at = utcnow()
        audit.record("api.use", target=f"api_token:{found.id}", path=request.path)
        db.session.commit()
        g.api_organisation_id = found.organisation_id
        return view(*args, **kwargs)

    return wrapped


def _date_arg(name: str) -> dt.date | None:
    value = request.args.get(name)
    if value is None:
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


def _filters() -> records.Filters:
    """The organisation of the token, and ?unit=<code> (with everything below it), ?since=,
    ?until= as the request gives them."""
    organisation_id = g.api_organisation_id
    code = request.args.get("unit")
    try:
        unit_ids = records.unit_subtree(organisation_id, code) if code else None
    except records.UnknownUnit:
        abort(404, f"no unit with code {code!r}")
    return records.Filters(organisation_id, unit_ids, _date_arg("since"), _date_arg("until"))


def _listing(read: Callable[..., records.Page], *args: Any) -> Any:
    """One page of what `read` finds, with the link to the next page."""
    filters = _filters()
    page, per_page = _paging()
    found = read(filters, page, per_page, *args)
    next_args = {**request.args.to_dict(), "page": page + 1, "per_page": per_page}
    return jsonify(
        {
            "items": found.items,
            "page": page,
            "per_page": per_page,
            "total": found.total,
            "next": url_for(request.endpoint, _external=True, **next_args)
            if found.has_next
            else None,
        }
    )


@bp.route("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document(current_app.config["PUBLIC_BASE_URL"]))


@bp.route("/employees")
@token_required
def employees() -> Any:
    """People with, per assigned path, its deadline and whether it is completed."""
    return _listing(records.employees)


@bp.route("/completions")
@token_required
def completions() -> Any:
    """Modules completed, with the version taken; filter by unit and date."""
    return _listing(records.completions)


@bp.route("/certificates")
@token_required
def certificate_list() -> Any:
    """Certificates with their status; filter by unit and issue date."""
    return _listing(records.certificates, current_app.config["PUBLIC_BASE_URL"])
