"""Job pages: a job's progress and download, a retry, and the list of one's own jobs."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from app.auth.decorators import roles_required
from app.core import audit
from app.extensions import db
from app.hr.forms import ConfirmForm
from app.jobs import results, service
from app.jobs.kinds import FAILURES, KINDS
from app.models import Job, JobStatus, Role

bp = Blueprint("jobs", __name__, url_prefix="/taken")
JOB_ROLES = (Role.HR, Role.ADMIN)
#: Seconds between the status page's refreshes while the job runs.
REFRESH_SECONDS = 2


def _visible_job(public_id: str) -> Job:
    """The job, when the viewer may see it; 404 otherwise (nobody learns what others asked)."""
    job = db.session.scalar(db.select(Job).where(Job.public_id == public_id))
    if job is None or not service.visible_to(job, current_user):
        abort(404)
    return job


@bp.route("/")
@roles_required(*JOB_ROLES)
def index() -> str:
    service.fail_abandoned()
    return render_template("jobs/index.html", jobs=service.for_requester(current_user), kinds=KINDS)


@bp.route("/<public_id>")
@roles_required(*JOB_ROLES)
def show(public_id: str) -> str:
    job = _visible_job(public_id)
    if job.status == JobStatus.RUNNING and service.fail_abandoned():
        db.session.refresh(job)  # its worker died: say so now, not at the next scheduled check
    return render_template(
        "jobs/job.html",
        job=job,
        kind=KINDS[job.kind],
        failure=FAILURES.get(job.error or "", ""),
        form=ConfirmForm(),
        refresh_seconds=REFRESH_SECONDS,
        # WCAG 2.2.1: whoever reads the page without JavaScript can stop the reloading.
        refresh=request.args.get("vernieuwen") != "nee",
    )


@bp.route("/<public_id>/download")
@roles_required(*JOB_ROLES)
def download(public_id: str) -> Response:
    job = _visible_job(public_id)
    path = results.path_of(job.public_id)
    if job.status != JobStatus.DONE or not job.result_name or not path.exists():
        abort(404)
    audit.record(f"job.download.{job.kind}", actor=current_user, target=f"job:{job.public_id}")
    db.session.commit()
    return send_file(
        path,
        mimetype=KINDS[job.kind].mimetype,
        as_attachment=True,
        download_name=job.result_name,
        max_age=0,
    )


@bp.route("/<public_id>/opnieuw", methods=["POST"])
@roles_required(*JOB_ROLES)
def retry(public_id: str) -> Response:
    job = _visible_job(public_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.retry(job, current_user)
    return redirect(url_for("jobs.show", public_id=job.public_id), 303)
