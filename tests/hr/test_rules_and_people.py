"""Assignment rules changed and removed (what happens to what they gave), the people list's
filters, the dashboard's count of people without a path, calendar files, import messages."""

import datetime as dt
import io

import sqlalchemy as sa

from app.certificates import issuing
from app.extensions import db
from app.hr import assignments, people
from app.hr.imports.employees import ImportFileError, plan_import
from app.models import Assignment, AssignmentRule, ReminderSent, UserJobRole
from tests.hr.test_pages import session_for


def rule_for(org, **fields) -> AssignmentRule:
    rule = AssignmentRule(organisation_id=org["organisation"].id, path_id=org["path"].id, **fields)
    db.session.add(rule)
    db.session.flush()
    return rule


def given_by(rule) -> set[int]:
    return set(
        db.session.scalars(sa.select(Assignment.user_id).where(Assignment.rule_id == rule.id))
    )


def test_a_rule_made_on_the_page_links_the_assignments_it_gives(app, org, make):
    newcomer = make.user(name="Nieuw", unit=org["a"], email="nieuw@example.org")
    hr = session_for(app, org["hr"])
    assert (
        hr.post("/hr/toewijzingen", {"path_id": org["path"].id, "unit_id": org["a"].id}).status_code
        == 302
    )
    rule = db.session.scalar(sa.select(AssignmentRule))
    assert newcomer.id in given_by(rule)


def test_removing_a_rule_withdraws_open_paths_keeps_completed_ones_and_hands_over_shared_ones(
    org, make
):
    anna, aart, bea = org["Anna"], org["Aart"], org["Bea"]
    db.session.execute(sa.delete(Assignment))
    db.session.commit()
    whole = rule_for(org)
    assignments.apply_rules(org["organisation"].id)
    team_b = rule_for(org, unit_id=org["b"].id)
    db.session.commit()
    assert {anna.id, aart.id, bea.id} <= given_by(whole)

    change = assignments.plan_rule_change(whole, removing=True)
    assignments.carry_out(change)
    db.session.delete(whole)
    db.session.commit()

    left = {a.user_id: a for a in db.session.scalars(sa.select(Assignment))}
    assert anna.id in left and left[anna.id].rule_id is None  # completed: kept
    assert aart.id not in left  # open, nobody else gives it: withdrawn
    assert left[bea.id].rule_id == team_b.id  # team B's rule still gives it


def test_changing_a_rule_moves_deadlines_and_withdraws_from_who_falls_out(org):
    db.session.execute(sa.delete(Assignment))
    db.session.commit()
    rule = rule_for(org, unit_id=org["root"].id, deadline_on=dt.date(2027, 1, 31))
    assignments.apply_rules(org["organisation"].id)
    db.session.commit()
    rule.unit_id = org["a"].id
    rule.deadline_on = dt.date(2027, 3, 1)
    db.session.flush()
    change = assignments.plan_rule_change(rule)
    assignments.carry_out(change)
    db.session.commit()
    deadlines = {a.user_id: a.deadline for a in db.session.scalars(sa.select(Assignment))}
    assert org["Bea"].id not in deadlines  # team B falls out, had not completed
    assert deadlines[org["Aart"].id] == dt.date(2027, 3, 1)
    assert deadlines[org["Anna"].id] == dt.date(2027, 1, 31)  # completed: left as it was


def test_the_rule_pages_say_what_removal_does_and_do_it(app, org):
    db.session.execute(sa.delete(Assignment))
    db.session.commit()
    rule = rule_for(org, unit_id=org["a"].id)
    assignments.apply_rules(org["organisation"].id)
    db.session.commit()
    hr = session_for(app, org["hr"])
    page = hr.client.get(f"/hr/toewijzingen/{rule.id}/verwijderen").get_data(as_text=True)
    assert "Bij 2 medewerkers die de leerroute nog niet hebben afgerond" in page  # Aart, HR A
    assert "1 medewerker heeft de leerroute al afgerond en houdt hem." in page  # Anna
    assert hr.post(f"/hr/toewijzingen/{rule.id}/verwijderen").status_code == 302
    assert db.session.scalar(sa.select(AssignmentRule)) is None


def test_hr_cannot_change_a_rule_for_the_whole_organisation_or_another_unit(app, org):
    whole, team_b = rule_for(org), rule_for(org, unit_id=org["b"].id)
    db.session.commit()
    hr = session_for(app, org["hr"])  # scoped to team A only
    for rule in (whole, team_b):
        assert hr.client.get(f"/hr/toewijzingen/{rule.id}").status_code == 404
        assert hr.post(f"/hr/toewijzingen/{rule.id}/verwijderen").status_code == 404
    page = hr.client.get("/hr/toewijzingen").get_data(as_text=True)
    assert "Hele organisatie" not in page and "De hele organisatie</option>" not in page


def test_job_roles_are_chosen_from_the_known_ones(app, org):
    db.session.add(UserJobRole(user_id=org["Anna"].id, job_role="beleidsmedewerker"))
    db.session.commit()
    hr = session_for(app, org["hr"])
    page = hr.client.get("/hr/toewijzingen").get_data(as_text=True)
    assert '<option value="beleidsmedewerker">beleidsmedewerker</option>' in page
    response = hr.post(
        "/hr/toewijzingen",
        {"path_id": org["path"].id, "unit_id": org["a"].id, "job_role": "verzonnen"},
    )
    assert response.status_code == 400


def test_the_people_filters(org, make):
    org_id = org["organisation"].id
    nobody = make.user(name="Zonder", unit=org["a"], email="zonder@example.org")

    def names(filter_name):
        page = people.people_page(org_id, None, filter_name=filter_name)
        return {line.person.name for line in page.lines}

    assert names("te-laat") == {"Aart"}
    assert names("afgerond") == {"Anna"}
    assert names("niet-begonnen") == {"Aart", "Bea"}
    assert names("geen-leerroute") == {"HR A", nobody.name}
    assert len(names("")) == 5  # everyone active, Gemeente B's person not among them


def test_the_people_list_is_scoped_and_shows_the_last_reminder(app, org):
    db.session.add(
        ReminderSent(user_id=org["Aart"].id, kind="deadline", sent_on=dt.date(2026, 3, 2))
    )
    db.session.commit()
    hr = session_for(app, org["hr"])
    page = hr.client.get("/hr/mensen").get_data(as_text=True)
    assert "Aart" in page and "Anna" in page and "Bea" not in page and "Vreemde" not in page
    assert "2 maart 2026" in page
    assert hr.client.get(f"/hr/mensen?afdeling={org['b'].id}").status_code == 404


def test_the_dashboard_counts_people_without_a_path(app, org, make):
    make.user(name="Zonder", unit=org["a"], email="zonder@example.org")
    page = session_for(app, org["hr"]).client.get("/hr/").get_data(as_text=True)
    assert "<dt>Zonder leerroute</dt><dd>2</dd>" in page  # Zonder and HR A herself


def test_a_deadline_downloads_as_a_calendar_file_for_the_learner_and_hr(app, org):
    own = session_for(app, org["Aart"]).client.get("/agenda/basis.ics")
    assert own.status_code == 200 and own.mimetype == "text/calendar"
    text = own.get_data(as_text=True)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert f"DTSTART;VALUE=DATE:{yesterday:%Y%m%d}" in text and "\r\nEND:VCALENDAR\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    hr = session_for(app, org["hr"]).client
    assert hr.get(f"/agenda/basis.ics?medewerker={org['Aart'].id}").status_code == 200
    assert hr.get(f"/agenda/basis.ics?medewerker={org['Bea'].id}").status_code == 404


def test_import_problems_are_said_per_row_and_column_in_dutch_and_english(app, org):
    data = (
        b"personeelsnummer;naam;e-mailadres;afdeling\n"
        b"1;Goed;goed@example.org;A\n2;Fout;geen-adres;A\n3;Onbekend;o@example.org;XYZ\n"
    )
    plan = plan_import(org["organisation"], data, deactivate_missing=False)
    (row_3, bad_email), (row_4, bad_unit) = plan.errors
    assert (row_3, str(bad_email)) == (3, "email 'geen-adres' is not a valid address")
    assert bad_email.column == "C (e-mailadres)" and bad_unit.column == "D (afdeling)"
    with app.test_request_context():
        assert "is geen geldig e-mailadres" in bad_email.explain()
        assert "flask" not in bad_unit.explain("Gemeente A")
    hr = session_for(app, org["hr"])
    hr.post("/language", {"language": "en", "next": "/hr/"})
    response = hr.post(
        "/hr/import",
        {"file": (io.BytesIO(data), "x.csv")},
        content_type="multipart/form-data",
    )
    page = hr.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is not a valid email address" in page and "C (e-mailadres)" in page


def test_a_file_without_the_columns_is_explained_without_a_command_line(app, org):
    try:
        plan_import(org["organisation"], b"naam;afdeling\nAnna;A\n", deactivate_missing=False)
    except ImportFileError as error:
        assert "lacks the column(s) employee_number, email" in str(error)
        with app.test_request_context():
            assert "ontbreekt: personeelsnummer, e-mailadres" in error.problem.explain()
    else:
        raise AssertionError("the file was accepted")


def test_a_completed_path_certificate_counts_in_progress_over_time(app, org):
    issuing.issue_for_path(org["Aart"], org["path"])
    db.session.commit()
    page = session_for(app, org["hr"]).client.get("/hr/").get_data(as_text=True)
    assert "Voortgang in de tijd" in page and 'class="chart__line"' in page


def test_the_migration_links_existing_assignments_to_the_rule_that_selects_them(app, org):
    """Assignments made before they remembered their rule get the oldest rule selecting them."""
    from flask_migrate import downgrade, upgrade

    rule = rule_for(org, unit_id=org["a"].id)
    db.session.commit()
    rule_id = rule.id
    db.session.remove()
    downgrade(revision="0009")
    upgrade()
    linked = dict(db.session.execute(sa.select(Assignment.user_id, Assignment.rule_id)).all())
    assert linked == {org["Anna"].id: rule_id, org["Aart"].id: rule_id, org["Bea"].id: None}
