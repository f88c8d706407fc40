"""HR pages: dashboards, imports, assignment rules, exports, a person's record, certificates."""

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
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.auth.decorators import can_see_person, person_in_scope, roles_required
from app.certificates import issuing
from app.certificates.pdf import certificate_pdf
from app.core import audit
from app.core.time import utcnow
from app.core.zipstream import stream_zip
from app.extensions import db
from app.hr import assignments, charts, exports, people, reminders, scope, snapshots
from app.hr.forms import ConfirmForm, ImportUploadForm, RevokeForm
from app.hr.imports import employees
from app.hr.imports.problems import FIELD_LABELS
from app.hr.scope import descendant_unit_ids
from app.i18n import current_language
from app.models import (
    Certificate,
    ImportBatch,
    Organisation,
    OrgUnit,
    Role,
    User,
)

bp = Blueprint("hr", __name__, url_prefix="/hr")
HR_ROLES = (Role.HR, Role.ADMIN)


@bp.route("/mensen/<int:user_id>")
@roles_required(*HR_ROLES)
@person_in_scope(lambda user_id: db.session.get(User, user_id))
def person(person: User) -> str:
    return _person_page(person, RevokeForm())


def _person_page(person: User, form: RevokeForm, revoking: int | None = None) -> str:
    """A person's record for HR: their learning paths and reminders, their certificates."""
    return render_template(
        "hr/person.html",
        person=person,
        line=people.lines_for([person])[0],
        window_days=reminders.WINDOW.days,
        certificates=issuing.for_user(person.id),
        validity=issuing.validity,
        form=form,
        revoking=revoking,
    )


@bp.route("/certificaten/<int:certificate_id>/intrekken", methods=["POST"])
@roles_required(*HR_ROLES)
def revoke(certificate_id: int) -> Response | str:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not can_see_person(current_user, certificate.user):
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _person_page(certificate.user, form, revoking=certificate.id), 400
    issuing.revoke(certificate, form.reason.data.strip(), current_user)
    db.session.commit()
    flash(_("Certificaat %(serial)s is ingetrokken.", serial=certificate.serial), "success")
    return redirect(url_for("hr.person", user_id=certificate.user_id))


def _unit_or_404(unit_id: int) -> OrgUnit:
    return scope.unit_in_scope(current_user, unit_id) or abort(404)


@bp.route("/eenheden/<int:unit_id>/certificaten.zip")
@roles_required(*HR_ROLES)
def unit_certificates_zip(unit_id: int) -> Response:
    """Every valid certificate of the people in the unit and below it, streamed as one ZIP."""
    unit = _unit_or_404(unit_id)
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
            Certificate.in_force,
        )
        .order_by(User.name, Certificate.id)
        .options(joinedload(Certificate.user), joinedload(Certificate.module_version))
        .execution_options(yield_per=100)
    )

    def files():
        for (certificate,) in exports.iterate(statement):
            name = re.sub(r"[^\w.-]+", "_", certificate.user.name)
            pdf = certificate_pdf(certificate, organisation_name, base_url, language)
            yield f"{name}/{certificate.serial}.pdf", pdf

    filename = f"certificaten-{re.sub(r'[^A-Za-z0-9-]+', '-', unit.code)}.zip"
    return Response(
        stream_with_context(stream_zip(files())),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


bp.after_request(snapshots.forget_after_a_change)


@bp.route("/")
@roles_required(*HR_ROLES)
def dashboard() -> str:
    roots = scope.scope_root_ids(current_user)
    shown = snapshots.dashboard(current_user.organisation_id, roots, current_language())
    return _dashboard_page(shown, unit=None)


@bp.route("/eenheden/<int:unit_id>")
@roles_required(*HR_ROLES)
def unit(unit_id: int) -> str:
    unit = _unit_or_404(unit_id)
    children = {child.id for child in unit.children} or {unit.id}
    shown = snapshots.dashboard(
        unit.organisation_id, children, current_language(), own_unit_id=unit.id
    )
    shown.figures.total.label = unit.name
    return _dashboard_page(shown, unit)


def _dashboard_page(shown: snapshots.ShownFigures, unit: OrgUnit | None) -> str:
    return render_template(
        "hr/dashboard.html",
        figures=shown.figures,
        shown=shown,
        unit=unit,
        chart=charts.bar_chart(shown.figures.weeks),
        progress_chart=charts.line_chart(shown.figures.progress_rates),
    )


def _export_units() -> set[int]:
    """The viewer's scope, or one unit of it with everything below (?unit=<id>)."""
    unit_id = request.args.get("unit", type=int)
    if unit_id:
        return descendant_unit_ids(current_user.organisation_id, {_unit_or_404(unit_id).id})
    return scope.scope_unit_ids(current_user)


@bp.route("/export.csv")
@roles_required(*HR_ROLES)
def export_csv() -> Response:
    """Completion per employee in scope, streamed as CSV."""
    unit_ids = _export_units()
    audit.record("report.export_csv", actor=current_user, target=f"units:{len(unit_ids)}")
    db.session.commit()
    return Response(
        stream_with_context(exports.stream_csv(exports.completion_rows(unit_ids))),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="voortgang.csv"'},
    )


@bp.route("/export.xlsx")
@roles_required(*HR_ROLES)
def export_xlsx() -> Response:
    """The same export as an Excel workbook."""
    unit_ids = _export_units()
    audit.record("report.export_xlsx", actor=current_user, target=f"units:{len(unit_ids)}")
    db.session.commit()
    rows = exports.completion_rows(unit_ids)
    return Response(
        stream_with_context(exports.stream_xlsx(exports.HEADER, rows)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="voortgang.xlsx"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*HR_ROLES)
def import_upload() -> str | Response:
    form = ImportUploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        batch = ImportBatch(
            organisation_id=current_user.organisation_id,
            uploaded_by_id=current_user.id,
            filename=(form.file.data.filename or "")[:255],  # the column's length
            data=data,
            deactivate_missing=form.deactivate_missing.data,
        )
        db.session.add(batch)
        db.session.commit()
        return redirect(url_for("hr.import_preview", batch_id=batch.id))
    return render_template(
        "hr/import.html",
        form=form,
        field_labels=FIELD_LABELS,
        header_names=employees.HEADER_NAMES,
        required=employees.REQUIRED,
    ), 400 if form.errors else 200


def _own_batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.organisation_id != current_user.organisation_id:
        abort(404)
    return batch


@bp.route("/import/<int:batch_id>", methods=["GET", "POST"])
@roles_required(*HR_ROLES)
def import_preview(batch_id: int) -> str | Response:
    """Shows what the upload would change; applies it when HR confirms."""
    batch = _own_batch(batch_id)
    organisation = db.session.get(Organisation, batch.organisation_id)
    try:
        plan = employees.plan_import(
            organisation, batch.data, deactivate_missing=batch.deactivate_missing
        )
    except employees.ImportFileError as error:
        reason = error.problem.explain() if error.problem else str(error)
        flash(_("Het bestand kan niet worden gelezen. %(reason)s", reason=reason), "error")
        return redirect(url_for("hr.import_upload"))
    form = ConfirmForm()
    if batch.applied_at is None and form.validate_on_submit():
        batch.outcome = employees.apply_import(organisation, plan, current_user)
        batch.applied_at = utcnow()
        db.session.commit()
        flash(
            _(
                "De import is verwerkt: %(created)s nieuw, %(updated)s gewijzigd, %(off)s op "
                "inactief.",
                created=len(plan.create),
                updated=len(plan.update),
                off=len(plan.deactivate),
            ),
            "success",
        )
        return redirect(url_for("hr.import_preview", batch_id=batch.id))
    return render_template(
        "hr/import_preview.html",
        batch=batch,
        plan=plan,
        form=form,
        organisation=organisation,
        field_labels={**FIELD_LABELS, "unit_id": FIELD_LABELS["unit"]},
        **_import_outcome(batch),
    )


def _import_outcome(batch: ImportBatch) -> dict:
    """For an applied import: how many people in the viewer's scope have no learning path, and
    the unit codes (to fix a row naming an unknown one)."""
    visible = scope.scope_unit_ids(current_user)
    whole = scope.sees_whole_organisation(current_user, visible)
    return {
        "without_path": assignments.people_without_a_path(
            batch.organisation_id, None if whole else visible
        )
        if batch.applied_at
        else None,
        "unit_codes": db.session.execute(
            sa.select(OrgUnit.code, OrgUnit.name)
            .where(OrgUnit.organisation_id == batch.organisation_id, OrgUnit.id.in_(visible))
            .order_by(OrgUnit.code)
        ).all(),
    }
