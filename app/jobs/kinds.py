"""What each kind of job does, what its result is called, and how a failure is worded.

A kind's `run(job, progress, path)` writes the result to `path` (a temporary name: see
app/jobs/results.py) or, for a job without a file, returns a summary.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.certificates.pdf import certificate_pdf
from app.core.planner import refresh_statistics
from app.core.zipstream import stream_zip
from app.extensions import db
from app.hr import exports
from app.hr.scope import descendant_unit_ids
from app.jobs.progress import Progress
from app.models import Certificate, ImportBatch, Job, Organisation, OrgUnit, User


class JobFailed(Exception):
    """A failure the person can understand: `code` is a key of FAILURES, `detail` shown after."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


#: Why a job failed, as the job page says it.
FAILURES = {
    "interrupted": _l(
        "De verwerking is onderbroken, waarschijnlijk doordat de server opnieuw is gestart. "
        "Er is geen half bestand bewaard. Probeer het opnieuw."
    ),
    "error": _l(
        "Er ging iets mis bij het maken van het bestand. Probeer het opnieuw; lukt het dan nog "
        "niet, meld het dan bij de beheerder."
    ),
    "import_file": _l("Het bestand kan niet worden gelezen:"),
    "import_applied": _l("Deze import is al verwerkt."),
    "gone": _l("De gegevens voor deze taak bestaan niet meer."),
}


@dataclass(frozen=True)
class Kind:
    title: object  # a lazy string
    mimetype: str | None
    run: Callable[[Job, Progress, Path], dict | None]
    filename: Callable[[Job], str] = lambda job: "resultaat"


def _unit_ids(job: Job) -> set[int]:
    return descendant_unit_ids(job.organisation_id, set(job.unit_roots or []))


def run_export_csv(job: Job, progress: Progress, path: Path) -> None:
    unit_ids = _unit_ids(job)
    progress.set_total(exports.count_rows(unit_ids))
    exports.write_csv(path, _counted(exports.completion_rows(unit_ids), progress))


def run_export_xlsx(job: Job, progress: Progress, path: Path) -> None:
    unit_ids = _unit_ids(job)
    progress.set_total(exports.count_rows(unit_ids))
    rows = exports.completion_rows(unit_ids, language=job.params.get("language", "nl"))
    exports.write_xlsx(path, exports.HEADER, _counted(rows, progress))


def _counted(rows, progress: Progress):
    for row in rows:
        yield row
        progress.advance()


def _certificates_of(unit_ids: set[int]) -> sa.Select:
    return (
        sa.select(Certificate)
        .join(Certificate.user)
        .where(
            User.unit_id.in_(unit_ids),
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
        )
    )


def run_certificates_zip(job: Job, progress: Progress, path: Path) -> None:
    """Every valid certificate of the people in the unit and below it, one PDF each; the ZIP is
    written as it grows (app/core/zipstream.py), so memory stays flat at 10,000 certificates."""
    unit_ids = _unit_ids(job)
    statement = _certificates_of(unit_ids)
    progress.set_total(
        db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
    )
    organisation_name = job.organisation.name
    base_url = current_app.config["PUBLIC_BASE_URL"]
    language = job.params.get("language", "nl")
    ordered = (
        statement.order_by(User.name, Certificate.id)
        .options(joinedload(Certificate.user), joinedload(Certificate.module_version))
        .execution_options(yield_per=200)
    )

    def files():
        for (certificate,) in exports.iterate(ordered):
            name = re.sub(r"[^\w.-]+", "_", certificate.user.name)
            pdf = certificate_pdf(certificate, organisation_name, base_url, language)
            yield f"{name}/{certificate.serial}.pdf", pdf
            progress.advance()

    with open(path, "wb") as out:
        for chunk in stream_zip(files()):
            out.write(chunk)


def run_evidence_pdf(job: Job, progress: Progress, path: Path) -> None:
    from app.evidence import report as evidence_report
    from app.evidence.documents import evidence_pdf

    progress.set_total(2)
    viewer = job.requested_by or User(name="?")
    unit_ids = _unit_ids(job)
    language = job.params.get("language", "nl")
    report = evidence_report.build(job.organisation, unit_ids, viewer, language=language)
    progress.advance()
    path.write_bytes(evidence_pdf(report, language))
    progress.advance()


#: An import that changes at least this many people refreshes the planner's statistics.
BULK_ROWS = 1000


def run_employee_import(job: Job, progress: Progress, path: Path) -> dict:
    """Plans the confirmed upload again (the database may have changed since the preview) and
    applies it in one transaction: all of it lands, or (on a crash) none of it."""
    from app.core.time import utcnow
    from app.hr.imports import employees

    batch = db.session.get(ImportBatch, job.params["batch_id"])
    if batch is None or batch.organisation_id != job.organisation_id:
        raise JobFailed("gone")
    if batch.applied_at is not None:
        raise JobFailed("import_applied")
    organisation = db.session.get(Organisation, batch.organisation_id)
    progress.set_total(3)
    try:
        plan = employees.plan_import(
            organisation, batch.data, deactivate_missing=batch.deactivate_missing
        )
    except employees.ImportFileError as error:
        raise JobFailed("import_file", str(error)) from None
    progress.advance()
    # No progress written from here on: on SQLite the import's own transaction holds the file.
    batch.outcome = employees.apply_import(organisation, plan, job.requested_by)
    batch.applied_at = utcnow()
    if len(plan.create) + len(plan.update) + len(plan.deactivate) >= BULK_ROWS:
        refresh_statistics("users", "user_job_roles", "assignments")
    return {
        "created": len(plan.create),
        "updated": len(plan.update),
        "unchanged": plan.unchanged,
        "deactivated": len(plan.deactivate),
        "rejected": len(plan.errors),
    }


def _scope_slug(job: Job) -> str:
    roots = job.unit_roots or []
    if len(roots) == 1:
        unit = db.session.get(OrgUnit, roots[0])
        if unit is not None:
            return re.sub(r"[^A-Za-z0-9-]+", "-", unit.code)
    return "alles"


def _dated(stem: str, extension: str) -> Callable[[Job], str]:
    return lambda job: f"{stem}-{_scope_slug(job)}-{dt.date.today():%Y-%m-%d}.{extension}"


KINDS: dict[str, Kind] = {
    "export_csv": Kind(
        _l("Voortgang per medewerker (CSV)"), "text/csv", run_export_csv, _dated("voortgang", "csv")
    ),
    "export_xlsx": Kind(
        _l("Voortgang per medewerker (Excel)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        run_export_xlsx,
        _dated("voortgang", "xlsx"),
    ),
    "certificates_zip": Kind(
        _l("Certificaten van een afdeling (ZIP)"),
        "application/zip",
        run_certificates_zip,
        _dated("certificaten", "zip"),
    ),
    "evidence_pdf": Kind(
        _l("Art. 4-verantwoording (PDF)"),
        "application/pdf",
        run_evidence_pdf,
        _dated("art4-verantwoording", "pdf"),
    ),
    "employee_import": Kind(_l("Medewerkers importeren"), None, run_employee_import),
}
