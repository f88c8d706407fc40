"""In a real browser: an HR person lands on their dashboard, finds who is late, opens a person,
adds a deadline to a calendar, revokes a certificate, imports a CSV (told in Dutch what to fix
where), assigns a path by job role, changes and removes that assignment; axe-core checks every
page at desktop and phone widths, in Dutch and English."""

import datetime as dt

import sqlalchemy as sa
from babel.dates import format_date

from app.certificates import issuing
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRule,
    HrScope,
    ImportBatch,
    LearningPath,
    ReminderSent,
    Role,
    User,
)
from tests.browser.test_learner_journey import PHONE, assert_accessible
from tests.conftest import PASSWORD, next_code

CSV = (
    "personeelsnummer;e-mailadres;naam;afdeling;functie\n"
    "5001;sanne@example.org;Sanne Öztürk;TEAM;beleidsmedewerker\n"
    "5002;niet-goed;Fout Adres;TEAM;\n"
    "5003;nieuw@example.org;Onbekende Afdeling;XYZ;\n"
    "5004;zonder@example.org;Zonder Route;TEAM;\n"
)


def sign_in(page, user, lands_on: str) -> None:
    """Signs in through the form and waits for the start page of the person's role."""
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    if "/login/code" in page.url:  # HR and admins: the code from their app
        page.get_by_label("Code uit de app").fill(next_code(user.id))
        page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"**{lands_on}")


def fits_the_phone(page) -> bool:
    """Nothing sticks out sideways at phone width (a table may scroll inside its own box)."""
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    return width <= PHONE["width"]


def test_hr_finds_who_is_late_imports_assigns_and_changes_an_assignment(
    page, make, content, tmp_path, run_jobs
):
    organisation = make.organisation()
    root = make.unit(organisation, "GEM")
    team = make.unit(organisation, "TEAM", parent=root)
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    late = make.user(name="Bea Bakker", unit=team, email="bea@example.org")
    done = make.user(name="Carla de Bruin", unit=team, email="carla@example.org")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    for person, deadline in ((late, yesterday), (done, dt.date.today())):
        db.session.add(Assignment(user_id=person.id, path_id=path.id, deadline=deadline))
    db.session.add(ReminderSent(user_id=late.id, kind="deadline", sent_on=yesterday))
    db.session.commit()
    certificate = issuing.issue_for_path(done, path)
    hr = make.user(Role.HR, email="hr@example.org", name="Hanneke HR", unit=root)
    db.session.add(HrScope(user_id=hr.id, unit_id=root.id))
    db.session.commit()

    sign_in(page, hr, "/hr/")
    main = page.inner_text("main")
    assert "Afgerond per afdeling" in main and "Voortgang in de tijd" in main
    assert page.locator("main").get_by_role("link", name="Mijn leren").count() == 1
    assert fits_the_phone(page)
    assert_accessible(page, "HR dashboard", screenshot="hr-dashboard")

    page.get_by_role("link", name="Bekijk wie te laat is").click()
    assert page.get_by_label("Toon").input_value() == "te-laat"
    assert "Bea Bakker" in page.inner_text("main") and "Carla" not in page.inner_text("main")
    assert format_date(yesterday, "d MMMM y", locale="nl") in page.inner_text(
        "main"
    )  # last reminded
    assert fits_the_phone(page)
    assert_accessible(page, "medewerkers (te laat)")
    page.get_by_role("link", name="Bea Bakker").click()
    assert "Laatst herinnerd" in page.inner_text("main")
    assert_accessible(page, "persoon")
    with page.expect_download() as download:
        page.get_by_role("link", name="Zet in agenda").click()
    calendar = download.value.path().read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in calendar and f"DTSTART;VALUE=DATE:{yesterday:%Y%m%d}" in calendar

    page.get_by_role("link", name="Medewerkers: Unit TEAM").click()
    page.get_by_label("Toon").select_option("afgerond")
    page.get_by_role("button", name="Toon medewerkers").click()
    page.get_by_role("link", name="Carla de Bruin").click()
    page.get_by_label("Reden van intrekken").fill("Per vergissing uitgereikt")
    page.get_by_role("button", name="Certificaat intrekken").click()
    assert f"Certificaat {certificate.serial} is ingetrokken." in page.inner_text("main")

    page.get_by_role("link", name="Voortgang (HR)").click()
    page.get_by_role("link", name="Medewerkers importeren").click()
    assert_accessible(page, "import")
    upload = tmp_path / "export.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.get_by_label("Bestand met medewerkers (CSV)").set_input_files(str(upload))
    page.get_by_role("button", name="Bekijk wat er verandert").click()
    problems = page.locator(".import-problems").inner_text()
    assert "Regel 3" in problems and "B (e-mailadres)" in problems
    assert "‘niet-goed’ is geen geldig e-mailadres" in problems
    assert "Regel 4" in problems and "D (afdeling)" in problems and "flask" not in problems
    page.get_by_text("Afdelingscodes die je kunt gebruiken").click()
    assert "TEAM" in page.locator("details").last.inner_text()
    assert_accessible(page, "import preview", screenshot="hr-import-preview")
    page.get_by_role("button", name="Import verwerken").click()
    assert run_jobs() == 1  # the import runs as a background job
    page.get_by_text("De import is verwerkt").wait_for(timeout=15_000)  # the page refreshes
    db.session.expire_all()
    batch = db.session.scalar(sa.select(ImportBatch))
    page.goto(f"/hr/import/{batch.id}")  # the import's own page says what it did
    assert "Import verwerkt" in page.inner_text("main")
    # Sanne and Zonder Route are new and no rule gives them a path; Hanneke has none either.
    assert "3 medewerkers hebben geen leerroute" in page.inner_text("main")
    assert_accessible(page, "import verwerkt")
    assert db.session.scalar(sa.select(User).where(User.email == "sanne@example.org"))

    page.get_by_role("link", name="Maak een toewijzing").click()
    assert page.get_by_label("Voor wie").locator("option:checked").inner_text() == (
        "De hele organisatie"
    )
    assert_accessible(page, "toewijzingen")
    page.get_by_label("Leerroute").select_option(label="Basis voor iedereen")
    page.get_by_label("Functie").select_option("beleidsmedewerker")
    page.get_by_label("Of: aantal dagen na toewijzen").fill("30")
    page.get_by_role("button", name="Toewijzen").click()
    assert "1 medewerkers kregen de leerroute" in page.inner_text("main")
    rule = db.session.scalar(sa.select(AssignmentRule))

    page.get_by_role("link", name="Wijzigen Basis voor iedereen").click()
    assert "Wat er gebeurt als je opslaat" in page.inner_text("main")
    assert_accessible(page, "toewijzing wijzigen")
    page.get_by_label("Functie").select_option("")  # everyone in the organisation
    page.get_by_role("button", name="Wijziging opslaan").click()
    assert "medewerkers kregen de leerroute erbij" in page.inner_text("main")
    db.session.expire_all()
    given = db.session.scalars(sa.select(Assignment).where(Assignment.rule_id == rule.id)).all()
    assert len(given) == 3  # Sanne, Zonder Route, Hanneke; Bea and Carla had it already

    page.get_by_role("link", name="Verwijderen Basis voor iedereen").click()
    assert "Bij 3 medewerkers die de leerroute nog niet hebben afgerond" in page.inner_text("main")
    assert_accessible(page, "toewijzing verwijderen")
    page.get_by_role("button", name="Toewijzing verwijderen").click()
    assert "Bij 3 medewerkers is de leerroute ingetrokken" in page.inner_text("main")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 2  # Bea's and Carla's

    page.goto("/hr/verantwoording/")
    assert page.get_by_label("Risicoklasse").input_value() == ""

    page.get_by_role("link", name="Voortgang (HR)").click()
    page.get_by_role("button", name="English").click()
    main = page.inner_text("main")
    assert "Completed learning paths per week" in main and "Progress over time" in main
    assert_accessible(page, "HR dashboard (English)")
    page.get_by_role("link", name="Employees", exact=True).click()
    assert_accessible(page, "employees (English)")
