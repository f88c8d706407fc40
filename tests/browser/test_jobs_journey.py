"""In a real browser, with a real worker process: HR uploads a large export, then exports Excel
and a unit's certificate ZIP, watches the progress page and downloads the results."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.certificates import issuing
from app.extensions import db
from app.models import AssignmentRule, HrScope, LearningPath, Role, User
from tests.browser.test_learner_journey import assert_accessible, log_in
from tests.jobs.conftest import worker_process

PEOPLE = 2_000
CERTIFIED = 15


def export_file(path) -> None:
    lines = ["personeelsnummer;e-mailadres;naam;afdeling;functie"]
    lines += [
        f"{7000 + n};collega{n}@example.org;Collega {n:05d};TEAM;adviseur" for n in range(PEOPLE)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def start_and_download(page, link_name: str):
    """From a start page: press the button, watch the job page, download the file."""
    page.get_by_role("link", name=link_name).click()
    page.get_by_role("button", name="Bestand maken").click()
    page.wait_for_url("**/taken/*")
    assert page.locator("progress").count() == 1
    download_link = page.get_by_role("link", name="downloaden")
    download_link.wait_for(timeout=120_000)  # the page refreshes itself until the job is done
    with page.expect_download() as download:
        download_link.click()
    return download.value


@pytest.mark.slow
def test_hr_uploads_exports_and_downloads_through_background_jobs(page, make, content, tmp_path):
    organisation = make.organisation()
    unit = make.unit(organisation, "TEAM")
    hr = make.user(Role.HR, email="hr@example.org", name="Hanneke HR", unit=unit)
    db.session.add(HrScope(user_id=hr.id, unit_id=unit.id))
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    db.session.add(
        AssignmentRule(organisation_id=organisation.id, path_id=path.id, deadline_days=30)
    )
    db.session.commit()
    upload = tmp_path / "export.csv"
    export_file(upload)

    log = tmp_path / "worker.log"
    with worker_process(log):
        log_in(page, hr)
        page.goto("/hr/import")
        page.get_by_label("Bestand met medewerkers (CSV)").set_input_files(str(upload))
        page.get_by_role("button", name="Bekijk wat er verandert").click()
        page.get_by_role("button", name="Import verwerken").click()
        page.wait_for_url("**/taken/*")
        assert_accessible(page, "taak (bezig)")
        try:
            page.get_by_text("De import is verwerkt").wait_for(timeout=120_000)
        except Exception:
            print(page.inner_text("main"), log.read_text())
            raise
        assert "2.000 nieuw" in page.inner_text("main")  # the Dutch thousands separator

        for user in db.session.scalars(
            sa.select(User).where(User.email.like("collega%")).order_by(User.id).limit(CERTIFIED)
        ):
            issuing.issue_for_path(user, path)
        db.session.commit()

        page.goto("/hr/")
        workbook = start_and_download(page, "Voortgang per medewerker (Excel)")
        assert_accessible(page, "taak (klaar)")
        assert workbook.suggested_filename.endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(workbook.path().read_bytes()), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "personeelsnummer"
        assert sum(str(row[2]).startswith("collega") for row in rows[1:]) == PEOPLE
        assert sum(row[6] == "afgerond" for row in rows[1:]) == CERTIFIED

        page.goto(f"/hr/eenheden/{unit.id}")
        archive = start_and_download(page, "Alle certificaten van deze afdeling (ZIP)")
        with zipfile.ZipFile(io.BytesIO(archive.path().read_bytes())) as opened:
            assert opened.testzip() is None and len(opened.namelist()) == CERTIFIED
    assert archive.suggested_filename.startswith("certificaten-TEAM-")
