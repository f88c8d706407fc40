"""Admin pages for account security: the access review (page and CSV) and resetting someone's
second factor after they lost their device; on the admin blueprint."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import access_review
from app.admin.forms import ConfirmForm
from app.admin.routes import _person, bp
from app.auth import mfa
from app.auth.decorators import roles_required
from app.core import audit
from app.extensions import db
from app.hr.exports import stream_table
from app.i18n import role_label
from app.models import Role


@bp.app_template_global("has_second_factor")
def has_second_factor(person) -> bool:
    """For the admin's person page: whether to offer the reset."""
    return mfa.is_enrolled(person)


@bp.route("/toegangscontrole")
@roles_required(Role.ADMIN)
def access_review_page() -> str:
    organisation_id = current_user.organisation_id
    return render_template(
        "admin/access_review.html",
        rows=access_review.privileged(organisation_id),
        unused_count=access_review.unused_count(organisation_id),
        unused_after_days=access_review.UNUSED_AFTER_DAYS,
    )


def _when(moment) -> str:
    return moment.isoformat(timespec="minutes") if moment else ""


@bp.route("/toegangscontrole.csv")
@roles_required(Role.ADMIN)
def access_review_csv() -> Response:
    audit.record("access_review.export", actor=current_user, target="users")
    db.session.commit()
    rows = (
        [
            row.user.name,
            row.user.email,
            row.user.employee_number or "",
            _("ja") if row.user.active else _("nee"),
            ", ".join(role_label(role) for role in row.roles),
            ", ".join(row.scope),
            _("ja") if row.second_factor else _("nee"),
            _when(row.user.last_sign_in_at),
            _("ja") if row.unused else _("nee"),
        ]
        for row in access_review.everyone(current_user.organisation_id)
    )
    header = [
        _("naam"),
        _("e-mailadres"),
        _("personeelsnummer"),
        _("actief"),
        _("rollen"),
        _("HR ziet"),
        _("tweestapsverificatie"),
        _("laatst ingelogd (UTC)"),
        _("%(days)d dagen niet gebruikt", days=access_review.UNUSED_AFTER_DAYS),
    ]
    return Response(
        stream_with_context(stream_table(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="toegangscontrole.csv"'},
    )


@bp.route("/mensen/<int:user_id>/tweestapsverificatie-herstellen", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_mfa(user_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    person = _person(user_id)
    mfa.reset(person, actor=current_user)
    db.session.commit()
    flash(
        _(
            "De tweestapsverificatie van %(name)s is verwijderd. Bij de volgende keer inloggen "
            "stelt deze persoon een nieuwe app in.",
            name=person.name,
        ),
        "success",
    )
    return redirect(url_for("admin.person", user_id=person.id))
