"""The AI Act Art. 4 evidence report ("Art. 4-verantwoording") and the list of AI systems in use.

HR sees the report for their scope, admins for the whole organisation; both may narrow it to a
unit with ?unit=<id>. Another organisation's units answer 404, as on the other HR pages.
"""

import datetime as dt

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
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import own_or_404, roles_required
from app.certificates.issuing import REFRESH_WINDOW
from app.core import audit
from app.evidence import ai_systems
from app.evidence import report as evidence_report
from app.evidence.documents import evidence_csv, evidence_pdf
from app.evidence.forms import RISK_CLASS_LABELS, AiSystemForm
from app.extensions import db
from app.hr import scope
from app.hr.forms import ConfirmForm
from app.hr.routes import HR_ROLES
from app.hr.scope import descendant_unit_ids
from app.i18n import current_language
from app.jobs import service as job_service
from app.jobs.kinds import KINDS
from app.models import AiSystem, OrgUnit, User

bp = Blueprint("evidence", __name__, url_prefix="/hr/verantwoording")


def _scope() -> tuple[OrgUnit | None, set[int]]:
    """The unit asked for with ?unit= (404 outside the viewer's scope), or the whole scope."""
    unit_id = request.args.get("unit", type=int)
    if unit_id:
        unit = scope.unit_in_scope(current_user, unit_id) or abort(404)
        return unit, descendant_unit_ids(unit.organisation_id, {unit.id})
    return None, scope.scope_unit_ids(current_user)


def _report(unit_ids: set[int]) -> evidence_report.EvidenceReport:
    return evidence_report.build(
        current_user.organisation, unit_ids, current_user, language=current_language()
    )


def _page(form: AiSystemForm, status: int = 200) -> tuple[str, int]:
    unit, unit_ids = _scope()
    scope_ids = scope.scope_unit_ids(current_user) if unit else unit_ids
    units = scope.unit_choices(current_user.organisation_id, scope_ids)
    return render_template(
        "evidence/report.html",
        report=_report(unit_ids),
        unit=unit,
        units=units,
        form=form,
        delete_form=ConfirmForm(),
        risk_labels=RISK_CLASS_LABELS,
        refresh_days=REFRESH_WINDOW.days,
    ), status


@bp.route("/")
@roles_required(*HR_ROLES)
def report() -> tuple[str, int]:
    return _page(AiSystemForm())


@bp.route("/systemen", methods=["POST"])
@roles_required(*HR_ROLES)
def add_system() -> Response | tuple[str, int]:
    form = AiSystemForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    system = ai_systems.add(
        current_user.organisation_id,
        name=form.name.data,
        purpose=form.purpose.data,
        risk_class=form.risk_class.data,
        job_roles=ai_systems.parse_job_roles(form.job_roles.data),
        register_url=form.register_url.data,
        actor=current_user,
    )
    db.session.commit()
    flash(_("%(name)s staat nu op de lijst van AI-systemen.", name=system.name), "success")
    return redirect(url_for("evidence.report", _anchor="ai-systemen"))


@bp.route("/systemen/<int:system_id>/verwijderen", methods=["POST"])
@roles_required(*HR_ROLES)
def delete_system(system_id: int) -> Response:
    system = own_or_404(AiSystem, system_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = system.name
    ai_systems.remove(system, current_user)
    db.session.commit()
    flash(_("%(name)s staat niet meer op de lijst van AI-systemen.", name=name), "success")
    return redirect(url_for("evidence.report", _anchor="ai-systemen"))


def _export(kind: str) -> tuple[evidence_report.EvidenceReport, str]:
    """The report for the requested scope, with the export audit-logged; and a file name."""
    unit, unit_ids = _scope()
    report = _report(unit_ids)
    target = f"unit:{unit.code}" if unit else f"organisation:{current_user.organisation.slug}"
    audit.record(
        f"evidence.export_{kind}",
        actor=current_user,
        target=target,
        units=len(unit_ids),
        language=current_language(),
    )
    db.session.commit()
    return report, f"art4-verantwoording-{dt.date.today():%Y-%m-%d}.{kind}"


@bp.route("/rapport.pdf", methods=["GET", "POST"])
@roles_required(*HR_ROLES)
def report_pdf() -> Response | str:
    """The PDF at once for a small scope; for a large one (more than
    EVIDENCE_PDF_JOB_THRESHOLD people) a page that makes it in the background."""
    unit, unit_ids = _scope()
    if _people_in(unit_ids) > current_app.config["EVIDENCE_PDF_JOB_THRESHOLD"]:
        return _pdf_job(unit, unit_ids)
    report, filename = _export("pdf")
    return Response(
        evidence_pdf(report, current_language()),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/rapport.csv")
@roles_required(*HR_ROLES)
def report_csv() -> Response:
    report, filename = _export("csv")
    return Response(
        evidence_csv(report, current_language()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _people_in(unit_ids: set[int]) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .where(
            User.organisation_id == current_user.organisation_id,
            User.unit_id.in_(unit_ids),
            User.active,
        )
    )


def _pdf_job(unit: OrgUnit | None, unit_ids: set[int]) -> Response | str:
    roots = {unit.id} if unit else scope.scope_root_ids(current_user)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        job = job_service.start(
            "evidence_pdf", current_user, unit_roots=roots, params={"language": current_language()}
        )
        return redirect(url_for("jobs.show", public_id=job.public_id), 303)
    words = (
        _("De verantwoording van %(unit)s en de afdelingen eronder.", unit=unit.name)
        if unit
        else _("De verantwoording van alle medewerkers die je mag zien.")
    )
    return render_template(
        "jobs/start.html",
        title=KINDS["evidence_pdf"].title,
        scope_text=words,
        form=form,
        back=url_for("evidence.report", unit=unit.id if unit else None),
    )
