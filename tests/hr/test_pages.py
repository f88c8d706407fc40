"""HR pages: dashboard figures in scope, drill-down, upload with preview, rules, CSV export."""

import csv
import datetime as dt
import io
import re

import sqlalchemy as sa
from babel.dates import format_date

from app.extensions import db
from app.models import Assignment, AssignmentRule, OrgUnit, Role, User
from tests.conftest import Auth
from tests.jobs.helpers import run_and_download


def session_for(app, user) -> Auth:
    auth = Auth(app.test_client())
    auth.login(user)
    return auth


def test_hr_sees_figures_for_their_scope_only(app, org, count_queries):
    hr = session_for(app, org["hr"])
    with count_queries() as counter:
        page = hr.client.get("/hr/").get_data(as_text=True)
    assert "Unit A" in page and "Unit B" not in page and "Vreemde" not in page
    assert "<dt>Medewerkers</dt><dd>3</dd>" in page  # Anna, Aart and HR A herself
    assert "<dt>Afgerond</dt><dd>1 (50\u00a0%)</dd>" in page
    assert "<dt>Te laat</dt><dd>1</dd>" in page
    assert '<svg role="img"' in page and "Afgeronde leerroutes per week" in page
    assert counter.count <= 14


def test_admin_drills_down_from_the_organisation_to_a_team(app, org, make):
    admin = session_for(app, make.user(Role.ADMIN, email="admin@example.org"))
    page = admin.client.get("/hr/").get_data(as_text=True)
    assert "Unit GEM" in page
    page = admin.client.get(f"/hr/eenheden/{org['root'].id}").get_data(as_text=True)
    assert f'href="/hr/eenheden/{org["a"].id}"' in page and "Unit B" in page
    assert admin.client.get(f"/hr/eenheden/{org['b'].id}").status_code == 200


def test_hr_cannot_open_a_unit_outside_their_scope(app, org):
    hr = session_for(app, org["hr"])
    assert hr.client.get(f"/hr/eenheden/{org['b'].id}").status_code == 404
    assert hr.client.get(f"/hr/mensen/{org['Bea'].id}").status_code == 404
    assert hr.client.get(f"/hr/export.csv?unit={org['b'].id}").status_code == 404


def test_a_learner_cannot_open_hr_pages(app, org):
    learner = session_for(app, org["Anna"])
    for path in ("/hr/", "/hr/import", "/hr/toewijzingen", "/hr/export.csv"):
        assert learner.client.get(path).status_code == 403


def test_the_csv_export_is_made_in_the_background_scoped_and_safe_in_a_spreadsheet(
    app, org, run_jobs
):
    org["Aart"].name = '=HYPERLINK("http://evil")'
    db.session.commit()
    hr = session_for(app, org["hr"])
    response = run_and_download(hr, "/hr/export.csv", run_jobs)
    assert response.mimetype == "text/csv"
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:3] == ["personeelsnummer", "naam", "e-mailadres"]
    names = {row[1]: row for row in rows[1:]}
    assert set(names) == {"Anna", '\'=HYPERLINK("http://evil")'}
    assert names["Anna"][6] == "afgerond" and names["Anna"][8].startswith("GL-")
    assert names['\'=HYPERLINK("http://evil")'][6] == "te laat"


def test_upload_shows_a_preview_and_changes_nothing_until_confirmed(app, org, run_jobs):
    hr = session_for(app, org["hr"])
    data = (
        b"personeelsnummer;e-mailadres;naam;afdeling\n"
        b"9001;nieuw@example.org;Nieuwe Collega;A\n9002;fout;Fout;A\n"
    )
    response = hr.post(
        "/hr/import", {"file": (io.BytesIO(data), "export.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    preview = hr.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nieuwe Collega" in preview and "Regel 3" in preview
    assert db.session.scalar(sa.select(User).where(User.email == "nieuw@example.org")) is None
    confirmed = hr.post(response.headers["Location"])
    assert confirmed.status_code == 303  # to the import's job page
    job_page = confirmed.headers["Location"]
    assert db.session.scalar(sa.select(User).where(User.email == "nieuw@example.org")) is None
    assert run_jobs() == 1
    assert db.session.scalar(sa.select(User).where(User.email == "nieuw@example.org")) is not None
    done = hr.client.get(job_page).get_data(as_text=True)
    assert "1 nieuw" in done and "1 regels zijn overgeslagen" in done
    # A second confirmation starts nothing new: the import's page now says what it did.
    again = hr.post(response.headers["Location"])
    assert again.status_code == 200 and "Import verwerkt" in again.get_data(as_text=True)
    assert run_jobs() == 0


def test_an_assignment_rule_assigns_the_path_to_everyone_it_selects(app, org):
    hr = session_for(app, org["hr"])
    db.session.execute(sa.delete(Assignment))
    db.session.commit()
    response = hr.post(
        "/hr/toewijzingen",
        {"path_id": org["path"].id, "unit_id": org["a"].id, "deadline_days": "60", "job_role": ""},
    )
    assert response.status_code == 302
    assigned = set(db.session.scalars(sa.select(Assignment.user_id)))
    assert assigned == {org["Anna"].id, org["Aart"].id, org["hr"].id}
    rule = db.session.scalar(sa.select(AssignmentRule))
    assert rule.deadline_days == 60 and rule.unit_id == org["a"].id


def test_a_rule_with_both_a_date_and_days_is_refused_with_a_message(app, org):
    hr = session_for(app, org["hr"])
    response = hr.post(
        "/hr/toewijzingen",
        {
            "path_id": org["path"].id,
            "unit_id": org["a"].id,
            "deadline_on": "2027-01-01",
            "deadline_days": "30",
        },
    )
    assert response.status_code == 400
    assert "niet allebei" in response.get_data(as_text=True)


def test_hr_cannot_pick_a_unit_outside_their_scope_for_a_rule(app, org):
    hr = session_for(app, org["hr"])
    response = hr.post(
        "/hr/toewijzingen",
        {"path_id": org["path"].id, "unit_id": org["b"].id, "deadline_days": "30"},
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(AssignmentRule.id))) == 0


def test_units_in_other_organisations_are_never_shown(app, org):
    hr = session_for(app, org["hr"])
    other_unit = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.code == "X"))
    assert hr.client.get(f"/hr/eenheden/{other_unit.id}").status_code == 404


def test_the_xlsx_export_has_the_same_rows_and_neutralises_formulas(app, org, run_jobs):
    from openpyxl import load_workbook

    org["Aart"].name = "=1+1"
    db.session.commit()
    hr = session_for(app, org["hr"])
    response = run_and_download(hr, "/hr/export.xlsx", run_jobs)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["personeelsnummer", "naam"]
    assert sorted(row[1] for row in rows[1:]) == ["'=1+1", "Anna"]


def test_the_weekly_table_counts_the_path_certificate_issued_this_week(app, org):
    hr = session_for(app, org["hr"])
    page = hr.client.get("/hr/").get_data(as_text=True)
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    shown = format_date(monday, "d MMMM y", locale="nl")  # the house format, as on other pages
    row = re.search(rf"<tr[^>]*>\s*<th[^>]*>{shown}</th>(.*?)</tr>", page, re.S)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
    # Anna's, this week; by its end Anna's and Aart's paths were assigned, Anna's completed.
    assert cells == ["1", "2", "1", "50\u00a0%"]


def test_a_drill_down_counts_the_people_placed_in_the_unit_itself(app, org, make):
    """Someone placed in GEM itself, not in a team below it, still counts on GEM's page."""
    make.user(name="Directeur", unit=org["root"], email="directeur@example.org")
    admin = session_for(app, make.user(Role.ADMIN, email="admin@example.org"))
    page = admin.client.get(f"/hr/eenheden/{org['root'].id}").get_data(as_text=True)
    assert "<dt>Medewerkers</dt><dd>5</dd>" in page  # Anna, Aart, HR A, Bea, the director
    assert f'href="/hr/eenheden/{org["root"].id}">Unit GEM</a>' in page


def test_a_drill_down_costs_the_same_queries_however_many_units_it_shows(
    app, org, make, count_queries
):
    admin = session_for(app, make.user(Role.ADMIN, email="admin@example.org"))
    url = f"/hr/eenheden/{org['root'].id}"
    admin.client.get(url)
    with count_queries() as two_units:
        admin.client.get(url)
    for code in ("C", "D", "E", "F"):
        team = make.unit(org["organisation"], code, parent=org["root"])
        make.user(name=f"Lid {code}", unit=team, email=f"lid-{code.lower()}@example.org")
    with count_queries() as six_units:
        page = admin.client.get(url).get_data(as_text=True)
    assert "Unit F" in page
    assert six_units.count == two_units.count <= 14
