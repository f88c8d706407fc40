"""HR pages: a person's record, revoking certificates, all certificates of a unit as a ZIP."""

import re

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import can_see_person, person_in_scope, roles_required
from app.extensions import db
from app.hr.forms import RevokeForm
from app.i18n import current_language
from app.models import Certificate, OrgUnit, Role, User
from app.services import audit, certificates
from app.services.certificate_pdf import certificate_pdf
from app.services.scope import descendant_unit_ids, units_in_scope
from app.services.zipstream import stream_zip

bp = Blueprint("hr", __name__, url_prefix="/hr")
HR_ROLES = (Role.HR, Role.ADMIN)


@bp.route("/mensen/<int:user_id>")
@roles_required(*HR_ROLES)
@person_in_scope(lambda user_id: db.session.get(User, user_id))
def person(person: User) -> str:
    return render_template(
        "hr/person.html",
        person=person,
        certificates=certificates.for_user(person.id),
        validity=certificates.validity,
        form=RevokeForm(),
    )


@bp.route("/certificaten/<int:certificate_id>/intrekken", methods=["POST"])
@roles_required(*HR_ROLES)
def revoke(certificate_id: int) -> Response | str:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not can_see_person(current_user, certificate.user):
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        return render_template(
            "hr/person.html",
            person=certificate.user,
            certificates=certificates.for_user(certificate.user_id),
            validity=certificates.validity,
            form=form,
            revoking=certificate.id,
        ), 400
    certificates.revoke(certificate, form.reason.data.strip(), current_user)
    db.session.commit()
    flash(_("Certificaat %(serial)s is ingetrokken.", serial=certificate.serial), "success")
    return redirect(url_for("hr.person", user_id=certificate.user_id))


def _unit_in_scope(unit_id: int) -> OrgUnit:
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None or unit.organisation_id != current_user.organisation_id:
        abort(404)
    if not current_user.has_role(Role.ADMIN) and unit.id not in units_in_scope(current_user):
        abort(404)
    return unit


@bp.route("/eenheden/<int:unit_id>/certificaten.zip")
@roles_required(*HR_ROLES)
def unit_certificates_zip(unit_id: int) -> Response:
    """Every valid certificate of the people in the unit and below it, streamed as one ZIP."""
    unit = _unit_in_scope(unit_id)
    unit_ids = descendant_unit_ids(unit.organisation_id, {unit.id})
    organisation_name = unit.organisation.name
    base_url = current_app.config["PUBLIC_BASE_URL"]
    language = current_language()
    audit.record("certificate.export_zip", actor=current_user, target=f"unit:{unit.code}")
    db.session.commit()
    statement = (
        sa.select(Certificate)
        .join(Certificate.user)
        .where(
            User.unit_id.in_(unit_ids),
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
        )
        .order_by(User.name, Certificate.id)
        .execution_options(yield_per=100)
    )

    def files():
        for certificate in db.session.scalars(statement):
            name = re.sub(r"[^\w.-]+", "_", certificate.user.name)
            pdf = certificate_pdf(certificate, organisation_name, base_url, language)
            yield f"{name}/{certificate.serial}.pdf", pdf

    filename = f"certificaten-{re.sub(r'[^A-Za-z0-9-]+', '-', unit.code)}.zip"
    return Response(
        stream_with_context(stream_zip(files())),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
