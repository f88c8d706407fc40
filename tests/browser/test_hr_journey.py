"""In a real browser: an HR person imports a CSV, checks the preview, assigns a path and opens the
dashboard; axe-core checks every page in Dutch and English at desktop and phone widths."""

import sqlalchemy as sa

from app.extensions import db
from app.models import HrScope, Role, User
from tests.browser.test_learner_journey import assert_accessible, log_in

CSV = (
    "personeelsnummer;e-mailadres;naam;afdeling;functie\n"
    "5001;sanne@example.org;Sanne Öztürk;TEAM;beleidsmedewerker\n"
    "5002;niet-goed;Fout Adres;TEAM;\n"
)


def test_hr_imports_employees_assigns_a_path_and_reads_the_dashboard(
    page, make, content, tmp_path, run_jobs
):
    organisation = make.organisation()
    unit = make.unit(organisation, "TEAM")
    hr = make.user(Role.HR, email="hr@example.org", name="Hanneke HR", unit=unit)
    db.session.add(HrScope(user_id=hr.id, unit_id=unit.id))
    db.session.commit()
    log_in(page, hr)

    page.get_by_role("link", name="Voortgang (HR)").click()
    assert_accessible(page, "HR dashboard (leeg)")
    page.get_by_role("link", name="Medewerkers importeren").click()
    assert_accessible(page, "import")
    upload = tmp_path / "export.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.get_by_label("Bestand met medewerkers (CSV)").set_input_files(str(upload))
    page.get_by_role("button", name="Bekijk wat er verandert").click()
    main = page.inner_text("main")
    assert "Sanne Öztürk" in main and "Regel 3" in main
    assert_accessible(page, "import preview", screenshot="hr-import-preview")
    page.get_by_role("button", name="Import verwerken").click()
    assert run_jobs() == 1  # the import runs as a background job
    page.get_by_text("De import is verwerkt").wait_for(timeout=15_000)  # the page refreshes
    assert db.session.scalar(sa.select(User).where(User.email == "sanne@example.org"))
    page.get_by_role("link", name="Naar de voortgang").click()

    page.get_by_role("link", name="Leerroutes toewijzen").click()
    assert_accessible(page, "toewijzingen")
    page.get_by_label("Leerroute").select_option(label="Basis voor iedereen")
    page.get_by_label("Functie (leeg: alle functies)").fill("beleidsmedewerker")
    page.get_by_label("Of: aantal dagen na toewijzen").fill("30")
    page.get_by_role("button", name="Toewijzen").click()
    assert "1 medewerkers kregen de leerroute" in page.inner_text("main")

    page.get_by_role("link", name="Voortgang (HR)").click()
    assert "Basis voor iedereen" in page.inner_text("main")
    assert_accessible(page, "HR dashboard", screenshot="hr-dashboard")
    page.get_by_role("button", name="English").click()
    assert "Completed learning paths per week" in page.inner_text("main")
    assert_accessible(page, "HR dashboard (English)")
