"""Admin pages: a start page, people and their access (new accounts, password links), API
tokens, and the audit log."""

from __future__ import annotations

import datetime as dt
import smtplib

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import access, audit_log
from app.admin.forms import ApiTokenForm, ConfirmForm, NewAccountForm, UserAccessForm
from app.api import tokens as api_tokens
from app.auth import password_reset
from app.auth.decorators import own_or_404, roles_required
from app.auth.users import AccountError, create_user
from app.core import audit
from app.core.formats import local
from app.core.time import utcnow
from app.extensions import db
from app.hr import snapshots
from app.hr.exports import iterate, stream_table
from app.i18n import role_label, time_zone
from app.models import ApiToken, Organisation, OrgUnit, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")
# Deactivating someone or changing their unit changes the HR figures.
bp.after_request(snapshots.forget_after_a_change)
PAGE_SIZE = 50


def _person(user_id: int) -> User:
    return own_or_404(User, user_id)


@bp.route("/")
@roles_required(Role.ADMIN)
def index() -> str:
    """The admin's start page: what needs looking after, and the way to each admin task."""
    organisation_id = current_user.organisation_id
    today = utcnow().date()
    tokens = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.organisation_id == organisation_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.expires_on)
    ).all()
    recent = db.session.execute(
        audit_log.query(organisation_id, audit_log.Filters()).limit(5)
    ).all()
    describe = audit_log.Describer(recent)
    return render_template(
        "admin/index.html",
        accounts=db.session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.organisation_id == organisation_id, User.active
            )
        ),
        expiring=[
            t
            for t in tokens
            if t.expires_on is not None and t.expires_on <= today + dt.timedelta(days=30)
        ],
        today=today,
        recent=[(event, describe(event, name)) for event, name in recent],
    )


def _unit_choices() -> list[tuple[int, str]]:
    return [(0, _("Geen afdeling"))] + [
        (unit_id, name)
        for unit_id, name in db.session.execute(
            sa.select(OrgUnit.id, OrgUnit.name)
            .where(OrgUnit.organisation_id == current_user.organisation_id)
            .order_by(OrgUnit.name)
        )
    ]


def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, role_label(r.value)) for r in Role if r is not Role.LEARNER]


@bp.route("/mensen/nieuw", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_account() -> str | Response:
    form = NewAccountForm()
    form.unit_id.choices = _unit_choices()
    form.roles.choices = _role_choices()
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, current_user.organisation_id)
        try:
            person = create_user(
                organisation=organisation,
                email=form.email.data,
                name=form.name.data.strip(),
                password=None,
                roles={Role(r) for r in form.roles.data},
                language=form.language.data,
                unit_id=form.unit_id.data or None,
            )
        except AccountError:
            db.session.rollback()
            form.email.errors.append(_("Er is al een account met dit e-mailadres."))
        else:
            audit.record(
                "user.create",
                actor=current_user,
                target=f"user:{person.id}",
                roles=sorted(person.roles),
            )
            db.session.commit()
            flash(_("Het account van %(name)s is gemaakt.", name=person.name), "success")
            if form.send_link.data:
                _send_password_link(person, "welcome")
            return redirect(url_for("admin.person", user_id=person.id))
    return render_template("admin/new_account.html", form=form), 400 if form.errors else 200


def _send_password_link(person: User, kind: str) -> None:
    """Mails the link and says so; says plainly when the mail could not go out."""
    try:
        password_reset.send_link_from_admin(
            person, current_app.config["PUBLIC_BASE_URL"], kind, current_user
        )
        db.session.commit()
    except (smtplib.SMTPException, OSError):
        db.session.rollback()
        current_app.logger.exception("password link not sent")
        flash(
            _(
                "De e-mail aan %(email)s kon niet worden verstuurd. Probeer het later opnieuw; "
                "%(name)s kan ook zelf ‘Wachtwoord vergeten’ gebruiken.",
                email=person.email,
                name=person.name,
            ),
            "error",
        )
        return
    flash(
        _(
            "%(email)s krijgt een e-mail met een link om een wachtwoord te kiezen. De link werkt "
            "een uur.",
            email=person.email,
        ),
        "success",
    )


@bp.route("/mensen/<int:user_id>/wachtwoord-link", methods=["POST"])
@roles_required(Role.ADMIN)
def send_password_link(user_id: int) -> Response:
    person = _person(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not person.active:
        flash(_("Dit account is niet actief: zet het eerst weer op actief."), "warning")
    else:
        _send_password_link(person, "reset")
    return redirect(url_for("admin.person", user_id=person.id))


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
    form.roles.choices = _role_choices()
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
        "admin/person.html", person=person, form=form, link_form=ConfirmForm()
    ), 400 if form.errors else 200


@bp.route("/api-sleutels", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def tokens() -> str | Response:
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, current_user.organisation_id)
        _, new_token = api_tokens.create_token(
            organisation,
            form.name.data.strip(),
            current_user,
            expires_on=form.expires_on.data,
            note=(form.note.data or "").strip(),
        )
        db.session.commit()
        form = ApiTokenForm(formdata=None)
    rows = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.organisation_id == current_user.organisation_id)
        .order_by(ApiToken.id)
    ).all()
    # The new token is shown once, in this response only; it is never stored or logged.
    return render_template(
        "admin/tokens.html",
        form=form,
        tokens=rows,
        new_token=new_token,
        revoke_form=ConfirmForm(),
        today=utcnow().date(),
    ), 400 if form.errors else 200


@bp.route("/api-sleutels/<int:token_id>/intrekken", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke_token(token_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    api_tokens.revoke(own_or_404(ApiToken, token_id), current_user)
    db.session.commit()
    flash(_("De sleutel is ingetrokken."), "success")
    return redirect(url_for("admin.tokens"))


def _audit_filters() -> audit_log.Filters:
    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    return audit_log.Filters(
        person=request.args.get("wie", "").strip(),
        kind=request.args.get("actie", "").strip(),
        since=day("van"),
        until=day("tot"),
    )


@bp.route("/logboek", endpoint="audit_log")
@roles_required(Role.ADMIN)
def audit_log_page() -> str:
    filters = _audit_filters()
    page = max(request.args.get("pagina", 1, type=int), 1)
    rows = db.session.execute(
        audit_log.query(current_user.organisation_id, filters)
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    shown = rows[:PAGE_SIZE]
    describe = audit_log.Describer(shown)
    return render_template(
        "admin/audit.html",
        events=[(event, describe(event, name)) for event, name in shown],
        page=page,
        more=len(rows) > PAGE_SIZE,
        filters=filters,
        kinds=audit_log.KINDS,
        zone=time_zone(),
    )


@bp.route("/logboek.csv")
@roles_required(Role.ADMIN)
def audit_log_csv() -> Response:
    audit.record("audit.export", actor=current_user, target="audit_log")
    db.session.commit()
    statement = audit_log.query(current_user.organisation_id, _audit_filters())
    zone = time_zone()

    def rows():
        for chunk in _chunks(iterate(statement.execution_options(yield_per=500)), 500):
            describe = audit_log.Describer(chunk)
            for event, name in chunk:
                yield [
                    local(event.at, zone).isoformat(timespec="seconds"),
                    name or "",
                    event.action,
                    event.target or "",
                    event.ip or "",
                    str(event.detail or {}),
                    describe(event, name),
                ]

    header = [f"tijd ({zone})", "wie", "actie", "waarop", "vanaf", "details", "beschrijving"]
    return Response(
        stream_with_context(stream_table(header, rows())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="logboek.csv"'},
    )


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
