"""Admin pages: people and their access, API tokens, and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import access
from app.admin.forms import ApiTokenForm, ConfirmForm, UserAccessForm
from app.api import tokens as api_tokens
from app.auth.decorators import roles_required
from app.core import audit
from app.extensions import db
from app.hr import snapshots
from app.hr.exports import iterate, stream_table
from app.i18n import role_label
from app.models import ApiToken, AuditEvent, Organisation, OrgUnit, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")
# Deactivating someone or changing their unit changes the HR figures.
bp.after_request(snapshots.forget_after_a_change)
PAGE_SIZE = 50


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.organisation_id != current_user.organisation_id:
        abort(404)
    return person


@bp.route("/mensen")
@roles_required(Role.ADMIN)
def people() -> str:
    query = request.args.get("q", "").strip()
    statement = (
        sa.select(User)
        .where(User.organisation_id == current_user.organisation_id)
        .order_by(User.name)
    )
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(
            sa.or_(
                sa.func.lower(User.name).like(like),
                User.email.like(like),
                User.employee_number.like(like),
            )
        )
    page = max(request.args.get("pagina", 1, type=int), 1)
    found = db.session.scalars(statement.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render_template(
        "admin/people.html",
        people=found[:PAGE_SIZE],
        query=query,
        page=page,
        more=len(found) > PAGE_SIZE,
    )


@bp.route("/mensen/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def person(user_id: int) -> str | Response:
    person = _person(user_id)
    form = UserAccessForm()
    form.roles.choices = [(r.value, role_label(r.value)) for r in Role if r is not Role.LEARNER]
    units = db.session.scalars(
        sa.select(OrgUnit)
        .where(OrgUnit.organisation_id == current_user.organisation_id)
        .order_by(OrgUnit.name)
    ).all()
    form.scope_units.choices = [(u.id, u.name) for u in units]
    if request.method == "GET":
        form.roles.data = sorted(r.value for r in person.roles if r is not Role.LEARNER)
        form.scope_units.data = [s.unit_id for s in person.hr_scopes]
        form.active.data = person.active
    elif form.validate_on_submit():
        if person.id == current_user.id and (
            Role.ADMIN.value not in form.roles.data or not form.active.data
        ):
            flash(_("Je kunt je eigen beheerrechten niet intrekken."), "warning")
            return redirect(url_for("admin.person", user_id=person.id))
        changed = access.set_access(
            person,
            roles={Role(r) for r in form.roles.data},
            scope_unit_ids=set(form.scope_units.data),
            active=form.active.data,
            actor=current_user,
        )
        db.session.commit()
        if changed:
            flash(_("De rechten van %(name)s zijn aangepast.", name=person.name), "success")
        return redirect(url_for("admin.person", user_id=person.id))
    return render_template(
        "admin/person.html", person=person, form=form
    ), 400 if form.errors else 200


@bp.route("/api-sleutels", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def tokens() -> str | Response:
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, current_user.organisation_id)
        _, new_token = api_tokens.create_token(organisation, form.name.data.strip(), current_user)
        db.session.commit()
        form = ApiTokenForm(formdata=None)
    rows = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.organisation_id == current_user.organisation_id)
        .order_by(ApiToken.id)
    ).all()
    # The new token is shown once, in this response only; it is never stored or logged.
    return render_template(
        "admin/tokens.html", form=form, tokens=rows, new_token=new_token, revoke_form=ConfirmForm()
    ), 400 if form.errors else 200


@bp.route("/api-sleutels/<int:token_id>/intrekken", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke_token(token_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    row = db.session.get(ApiToken, token_id)
    if row is None or row.organisation_id != current_user.organisation_id:
        abort(404)
    api_tokens.revoke(row, current_user)
    db.session.commit()
    flash(_("De sleutel is ingetrokken."), "success")
    return redirect(url_for("admin.tokens"))


def _audit_query() -> sa.Select:
    """Events by people of this organisation, or about its API tokens; filtered by action."""
    members = sa.select(User.id).where(User.organisation_id == current_user.organisation_id)
    statement = (
        sa.select(AuditEvent, User.name)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(AuditEvent.actor_id.in_(members))
        .order_by(AuditEvent.id.desc())
    )
    action = request.args.get("actie", "").strip()
    if action:
        statement = statement.where(AuditEvent.action.startswith(action))
    return statement


@bp.route("/logboek")
@roles_required(Role.ADMIN)
def audit_log() -> str:
    page = max(request.args.get("pagina", 1, type=int), 1)
    rows = db.session.execute(
        _audit_query().limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "admin/audit.html",
        rows=rows[:PAGE_SIZE],
        page=page,
        more=len(rows) > PAGE_SIZE,
        action=request.args.get("actie", ""),
    )


@bp.route("/logboek.csv")
@roles_required(Role.ADMIN)
def audit_log_csv() -> Response:
    audit.record("audit.export", actor=current_user, target="audit_log")
    db.session.commit()
    rows = (
        [
            event.at.isoformat(timespec="seconds"),
            name or "",
            event.action,
            event.target or "",
            event.ip or "",
            str(event.detail or {}),
        ]
        for event, name in iterate(_audit_query().execution_options(yield_per=500))
    )
    header = ["tijd (UTC)", "wie", "actie", "waarop", "vanaf", "details"]
    return Response(
        stream_with_context(stream_table(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="logboek.csv"'},
    )
