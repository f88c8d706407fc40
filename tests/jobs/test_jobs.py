"""Job pages: progress, download, who may see a result, failures, retries and expiry."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import sqlalchemy as sa

from app.core.time import utcnow
from app.extensions import db
from app.jobs import results
from app.models import AuditEvent, Job, Role
from tests.jobs.conftest import session_for
from tests.jobs.helpers import download_link, fetched, run_and_download, start_job


def job_of(job_page: str) -> Job:
    return db.session.scalar(sa.select(Job).where(Job.public_id == job_page.rsplit("/", 1)[1]))


def test_a_queued_job_shows_a_progress_bar_and_refreshes_itself(app, team, run_jobs):
    """Does the page answer at once, with a <progress> and a refresh, and no download yet?"""
    team["certify"](3)
    hr = session_for(app, team["hr"])
    job_page = start_job(hr, f"/hr/eenheden/{team['unit'].id}/certificaten.zip")
    html = hr.client.get(job_page).get_data(as_text=True)
    assert (
        "<progress" in html
        and '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    )
    assert "js/job-progress.js" in html and "Niet automatisch verversen" in html
    assert "http-equiv" not in hr.client.get(job_page + "?vernieuwen=nee").get_data(as_text=True)
    assert "wachtrij" in html and download_link(html) is None
    assert hr.client.get(job_page + "/download").status_code == 404


def test_the_certificate_zip_holds_one_pdf_per_valid_certificate(app, team, run_jobs):
    team["certify"](4)
    hr = session_for(app, team["hr"])
    job_page = start_job(hr, f"/hr/eenheden/{team['unit'].id}/certificaten.zip")
    assert run_jobs() == 1
    html = hr.client.get(job_page).get_data(as_text=True)
    assert "Klaar" in html and 'http-equiv="refresh"' not in html
    response = fetched(hr, download_link(html))
    assert response.mimetype == "application/zip"
    assert "certificaten-T-" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert len(names) == 4 and all(name.endswith(".pdf") for name in names)
    assert archive.read(names[0]).startswith(b"%PDF")
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"job.start.certificates_zip", "job.download.certificates_zip"} <= actions


def test_only_the_requester_and_hr_over_the_same_units_see_a_result(app, team, make, run_jobs):
    """Can HR of another organisation, HR of another unit or a learner reach the result? No."""
    team["certify"](1)
    hr = session_for(app, team["hr"])
    job_page = start_job(hr, "/hr/export.csv")
    run_jobs()
    download = download_link(hr.client.get(job_page).get_data(as_text=True))
    other_unit = make.unit(team["unit"].organisation, "Z")
    other_hr = make.user(Role.HR, email="hr-z@example.org", unit=other_unit)
    learner = make.user(email="leerling@example.org", unit=team["unit"])
    admin = make.user(Role.ADMIN, email="admin@example.org")
    for visitor, status in ((team["stranger"], 404), (other_hr, 404), (learner, 403), (admin, 200)):
        auth = session_for(app, visitor)
        got = auth.client.get(job_page)
        assert got.status_code == status, (visitor, got.headers.get("Location"))
        assert fetched(auth, download).status_code == status
    assert app.test_client().get(job_page).status_code == 302  # to the sign-in page


def test_a_job_whose_worker_died_fails_clearly_and_can_be_retried(app, team, run_jobs):
    team["certify"](2)
    hr = session_for(app, team["hr"])
    job_page = start_job(hr, "/hr/export.xlsx")
    job = job_of(job_page)
    huey_message_lost = run_jobs  # the worker took the message off the queue, then died:
    job.status, job.heartbeat_at = "running", utcnow() - dt.timedelta(minutes=5)
    job.started_at = job.heartbeat_at
    db.session.commit()
    huey_message_lost()
    results.path_of(job.public_id + results.PART).write_bytes(b"PK half a workbook")
    html = hr.client.get(job_page).get_data(as_text=True)
    assert "onderbroken" in html and "Opnieuw proberen" in html
    assert download_link(html) is None
    assert not results.path_of(job.public_id + results.PART).exists()
    retried = hr.post(job_page + "/opnieuw")
    assert retried.status_code == 303
    assert run_jobs() == 1
    html = hr.client.get(job_page).get_data(as_text=True)
    assert fetched(hr, download_link(html)).data.startswith(b"PK")
    db.session.refresh(job)
    assert job.attempts == 1 and job.status == "done"


def test_a_failing_job_says_why_in_dutch(app, team, run_jobs):
    """An import whose upload vanished before the worker got to it."""
    from app.models import ImportBatch

    batch = ImportBatch(
        organisation_id=team["unit"].organisation_id,
        uploaded_by_id=team["hr"].id,
        filename="x.csv",
        data=b"personeelsnummer;e-mailadres;naam\n1;a@example.org;A\n",
    )
    db.session.add(batch)
    db.session.commit()
    hr = session_for(app, team["hr"])
    confirmed = hr.post(f"/hr/import/{batch.id}")
    assert confirmed.status_code == 303
    db.session.delete(batch)
    db.session.commit()
    run_jobs()
    html = hr.client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Dit is niet gelukt." in html and "bestaan niet meer" in html


def test_results_are_removed_after_they_expire(app, team, run_jobs, runner):
    team["certify"](1)
    hr = session_for(app, team["hr"])
    job_page = start_job(hr, "/hr/export.csv")
    run_jobs()
    job = job_of(job_page)
    assert results.path_of(job.public_id).exists()
    assert job.expires_at - job.finished_at == dt.timedelta(hours=24)
    job.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["jobs", "cleanup"])
    assert result.exit_code == 0 and "expired jobs removed: 1" in result.output
    assert not results.path_of(job.public_id).exists()
    assert hr.client.get(job_page).status_code == 404


def test_the_job_list_shows_ones_own_jobs(app, team, run_jobs):
    hr = session_for(app, team["hr"])
    start_job(hr, "/hr/export.csv")
    html = hr.client.get("/taken/").get_data(as_text=True)
    assert "Voortgang per medewerker (CSV)" in html and "In de wachtrij" in html
    stranger = session_for(app, team["stranger"])
    assert "Voortgang per medewerker" not in stranger.client.get("/taken/").get_data(as_text=True)


def test_starting_a_job_needs_the_form_token(app, team):
    hr = session_for(app, team["hr"])
    assert hr.client.post("/hr/export.csv").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_the_evidence_pdf_of_a_large_scope_is_made_in_the_background(app, team, run_jobs):
    """Small scopes get the PDF at once; above the threshold it becomes a job."""
    from pypdf import PdfReader

    team["certify"](3)
    hr = session_for(app, team["hr"])
    direct = hr.client.get("/hr/verantwoording/rapport.pdf")
    assert direct.mimetype == "application/pdf"
    app.config["EVIDENCE_PDF_JOB_THRESHOLD"] = 2
    try:
        response = run_and_download(hr, "/hr/verantwoording/rapport.pdf", run_jobs)
    finally:
        app.config["EVIDENCE_PDF_JOB_THRESHOLD"] = 2000
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Gemeente A" in text
