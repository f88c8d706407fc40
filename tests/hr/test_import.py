"""`flask users import` and `flask units import`: messy real-world files, row-level errors,
idempotence, deactivation, and assignments for new and moved people."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, AssignmentRule, AuditEvent, LearningPath, OrgUnit, User

UNITS = "code;naam;bovenliggende eenheid\nGEM;Gemeente;\nSD;Sociaal Domein;GEM\nIW;Inkomen;SD\n"
EMPLOYEES = (
    "Personeelsnummer;E-mailadres;Naam;Afdeling;Functie;Taal;Actief\n"
    "1001;anna@example.org;Anna de Vries;IW;beleidsmedewerker;nl;ja\n"
    "1002;bram@example.org;Bram Çelik;SD;inkoper,beleidsmedewerker;en;ja\n"
    "1003;kees@example.org;Kees;IW;;;\n"
)


@pytest.fixture
def organisation(make, runner, tmp_path):
    organisation = make.organisation("gemeente-a")
    units = tmp_path / "units.csv"
    units.write_text(UNITS)
    result = runner.invoke(args=["units", "import", str(units), "--organisation", "gemeente-a"])
    assert result.exit_code == 0, result.output
    return organisation


def import_file(runner, tmp_path, content: str | bytes, *options: str, name: str = "hr.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return runner.invoke(
        args=["users", "import", str(path), "--organisation", "gemeente-a", *options]
    )


def people() -> dict[str, User]:
    db.session.expire_all()
    return {u.employee_number: u for u in db.session.scalars(sa.select(User))}


def test_units_import_builds_the_tree(organisation):
    units = {u.code: u for u in db.session.scalars(sa.select(OrgUnit))}
    assert units["IW"].parent.code == "SD" and units["SD"].parent.code == "GEM"
    assert units["GEM"].parent is None


def test_import_creates_people_with_units_roles_and_language(runner, tmp_path, organisation):
    result = import_file(runner, tmp_path, EMPLOYEES)
    assert result.exit_code == 0, result.output
    assert "created 3, updated 0, unchanged 0" in result.output
    found = people()
    assert found["1002"].name == "Bram Çelik" and found["1002"].language == "en"
    assert found["1002"].job_role_names == ["beleidsmedewerker", "inkoper"]
    assert found["1001"].unit.code == "IW" and found["1003"].language == "nl"
    assert all(u.password_hash is None for u in found.values())
    # Bulk-inserted rows still get their per-row defaults: each a session token of its own.
    assert len({u.session_token for u in found.values()}) == 3
    assert all(u.created_at and u.roles == {"learner"} for u in found.values())
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "users.import"))
    assert event.detail["created"] == 3


def test_importing_the_same_file_twice_changes_nothing(runner, tmp_path, organisation):
    import_file(runner, tmp_path, EMPLOYEES)
    before = {n: (u.email, u.name, u.unit_id, u.job_role_names) for n, u in people().items()}
    result = import_file(runner, tmp_path, EMPLOYEES)
    assert "created 0, updated 0, unchanged 3" in result.output
    after = {n: (u.email, u.name, u.unit_id, u.job_role_names) for n, u in people().items()}
    assert after == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separator", [";", ","])
def test_messy_exports_are_read(runner, tmp_path, organisation, encoding, separator):
    header = ["Employee number", "Email", "Name", "Unit", "Job roles"]
    row = ["2001", "zoë@example.org", "Zoë Müller", "IW", "jurist|inkoper"]
    text = separator.join(header) + "\n" + separator.join(row) + "\n"
    result = import_file(runner, tmp_path, text.encode(encoding))
    assert result.exit_code == 0, result.output
    person = people()["2001"]
    assert person.name == "Zoë Müller"
    assert person.job_role_names == ["inkoper", "jurist"]


def test_bad_rows_are_reported_by_number_and_good_rows_still_land(runner, tmp_path, organisation):
    text = (
        "personeelsnummer;e-mailadres;naam;afdeling\n"
        "3001;goed@example.org;Goed;IW\n"
        "3002;geen-adres;Fout Adres;IW\n"
        ";leeg@example.org;Geen Nummer;IW\n"
        "3004;onbekend@example.org;Onbekende Afdeling;XYZ\n"
        "3001;dubbel@example.org;Dubbel Nummer;IW\n"
        "3006;ook-goed@example.org;Ook Goed;SD\n"
    )
    result = import_file(runner, tmp_path, text)
    assert result.exit_code == 1
    output = result.output
    assert "row 3: email 'geen-adres' is not a valid address" in output
    assert "row 4: the employee number is empty" in output
    assert "row 5: unit 'XYZ' does not exist" in output
    assert "row 6: employee number 3001 is also on row 2" in output
    assert "created 2" in output and "rejected 4 row(s)" in output
    assert set(people()) == {"3001", "3006"}


def test_a_file_without_the_required_columns_says_which_are_missing(runner, tmp_path, organisation):
    result = import_file(runner, tmp_path, "naam;afdeling\nAnna;IW\n")
    assert result.exit_code != 0
    assert "lacks the column(s) employee_number, email" in result.output


def test_deactivate_missing_deactivates_and_never_deletes(runner, tmp_path, organisation):
    import_file(runner, tmp_path, EMPLOYEES)
    shorter = "\n".join(EMPLOYEES.splitlines()[:3]) + "\n"
    result = import_file(runner, tmp_path, shorter, "--deactivate-missing")
    assert "deactivated 1" in result.output
    found = people()
    assert len(found) == 3 and found["1003"].active is False and found["1001"].active


def test_an_update_and_a_move_are_applied_and_assign_by_rule(
    runner, tmp_path, organisation, content
):
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    sociaal = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.code == "SD"))
    db.session.add(
        AssignmentRule(
            organisation_id=organisation.id, path_id=path.id, unit_id=sociaal.id, deadline_days=30
        )
    )
    db.session.add(
        AssignmentRule(
            organisation_id=organisation.id,
            path_id=path.id,
            job_role="inkoper",
            deadline_on=dt.date(2027, 1, 31),
        )
    )
    db.session.commit()
    import_file(runner, tmp_path, EMPLOYEES)
    assigned = {a.user_id for a in db.session.scalars(sa.select(Assignment))}
    found = people()
    assert assigned == {found["1001"].id, found["1002"].id, found["1003"].id}  # all below SD
    moved = EMPLOYEES.replace("1003;kees@example.org;Kees;IW", "1003;kees@example.org;Kees;GEM")
    result = import_file(runner, tmp_path, moved)
    assert "updated 1" in result.output
    assert people()["1003"].unit.code == "GEM"
