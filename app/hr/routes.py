"""HR pages: dashboards, imports, assignment rules, exports, a person's record, certificates."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import (
    own_or_404,
    person_in_scope,
    roles_required,
    visible_certificate_or_404,
)
from app.certificates import issuing
from app.extensions import db
from app.hr import assignments, charts, people, reminders, scope, snapshots
from app.hr.forms import ConfirmForm, ImportUploadForm, RevokeForm
from app.hr.imports import employees
from app.hr.imports.problems import FIELD_LABELS
from app.i18n import current_language
from app.jobs import service as job_service
from app.jobs.kinds import KINDS
from app.models import (
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
    certificate = visible_certificate_or_404(certificate_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _person_page(certificate.user, form, revoking=certificate.id), 400
    issuing.revoke(certificate, form.reason.data.strip(), current_user)
    db.session.commit()
    flash(_("Certificaat %(serial)s is ingetrokken.", serial=certificate.serial), "success")
    return redirect(url_for("hr.person", user_id=certificate.user_id))


def _unit_or_404(unit_id: int) -> OrgUnit:
    return scope.unit_in_scope(current_user, unit_id) or abort(404)


@bp.route("/eenheden/<int:unit_id>/certificaten.zip", methods=["GET", "POST"])
@roles_required(*HR_ROLES)
def unit_certificates_zip(unit_id: int) -> Response | str:
    """Every valid certificate of the people in the unit and below it, as one ZIP made in the
    background: GET explains and offers the button, POST starts the job."""
    unit = _unit_or_404(unit_id)
    return _start_job_page(
        "certificates_zip",
        {unit.id},
        _(
            "Alle certificaten van %(unit)s en de afdelingen eronder, als één ZIP-bestand.",
            unit=unit.name,
        ),
        back=url_for("hr.unit", unit_id=unit.id),
    )


def _start_job_page(kind: str, unit_roots: set[int], scope_text: str, back: str):
    """The page that starts a background job (GET) and starts it (POST, with CSRF)."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        job = job_service.start(
            kind, current_user, unit_roots=unit_roots, params={"language": current_language()}
        )
        return redirect(url_for("jobs.show", public_id=job.public_id), 303)
    return render_template(
        "jobs/start.html", title=KINDS[kind].title, scope_text=scope_text, form=form, back=back
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


def _export_roots() -> tuple[set[int], str]:
    """The viewer's scope, or one unit of it with everything below (?unit=<id>): its top units,
    and words for the page."""
    unit_id = request.args.get("unit", type=int)
    if unit_id:
        unit = _unit_or_404(unit_id)
        return {unit.id}, _(
            "Alle medewerkers van %(unit)s en de afdelingen eronder.", unit=unit.name
        )
    return scope.scope_root_ids(current_user), _("Alle medewerkers die je mag zien.")


@bp.route("/export.csv", methods=["GET", "POST"])
@roles_required(*HR_ROLES)
def export_csv() -> Response | str:
    """Completion per employee in scope as CSV, made in the background."""
    roots, scope_text = _export_roots()
    return _start_job_page("export_csv", roots, scope_text, back=url_for("hr.dashboard"))


@bp.route("/export.xlsx", methods=["GET", "POST"])
@roles_required(*HR_ROLES)
def export_xlsx() -> Response | str:
    """The same export as an Excel workbook."""
    roots, scope_text = _export_roots()
    return _start_job_page("export_xlsx", roots, scope_text, back=url_for("hr.dashboard"))


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
    return own_or_404(ImportBatch, batch_id)


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
    started = job_service.active_for(f"import:{batch.id}", batch.organisation_id)
    if started is not None and batch.applied_at is None:
        # Confirmed already (perhaps in another tab): show that job, never start a second one.
        return redirect(url_for("jobs.show", public_id=started.public_id), 303)
    if batch.applied_at is None and form.validate_on_submit():
        job = job_service.start(
            "employee_import",
            current_user,
            unit_roots=None,
            params={"batch_id": batch.id},
            subject=f"import:{batch.id}",
        )
        return redirect(url_for("jobs.show", public_id=job.public_id), 303)
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
