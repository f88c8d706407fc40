"""Figures kept for scopes too large to count per view: shown with their age, recounted by
`flask figures refresh`, dropped when HR changes something, never shared across scopes."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.certificates import issuing
from app.extensions import db
from app.hr import snapshots as figure_snapshots
from app.models import FigureSnapshot, Role
from tests.hr.test_pages import session_for

COMPLETED_ONE = "<dt>Afgerond</dt><dd>1 (50\u00a0%)</dd>"  # team A: Anna of Anna and Aart
COMPLETED_TWO = "<dt>Afgerond</dt><dd>2 (100\u00a0%)</dd>"
AGE_NOTE = "geleden geteld"


def snapshots() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(FigureSnapshot))


def age(minutes: int) -> None:
    """Makes the kept figures older."""
    for snapshot in db.session.scalars(sa.select(FigureSnapshot)):
        snapshot.computed_at -= dt.timedelta(minutes=minutes)
    db.session.commit()


@pytest.fixture
def large_scopes(monkeypatch):
    """Every scope counts as too large to count per view (here they take milliseconds)."""
    monkeypatch.setattr(figure_snapshots, "LIVE_BUDGET_SECONDS", -1.0)


def test_a_scope_that_counts_quickly_is_counted_live_every_time(app, org):
    hr = session_for(app, org["hr"])
    assert COMPLETED_ONE in hr.client.get("/hr/").get_data(as_text=True)
    assert snapshots() == 0
    issuing.issue_for_path(org["Aart"], org["path"])
    db.session.commit()
    page = hr.client.get("/hr/").get_data(as_text=True)
    assert COMPLETED_TWO in page and AGE_NOTE not in page


def test_a_large_scope_shows_kept_figures_with_their_age_until_they_expire(app, org, large_scopes):
    hr = session_for(app, org["hr"])
    page = hr.client.get("/hr/").get_data(as_text=True)
    assert COMPLETED_ONE in page and AGE_NOTE not in page  # counted now, and kept
    assert snapshots() == 1

    issuing.issue_for_path(org["Aart"], org["path"])  # a learner completes meanwhile
    db.session.commit()
    page = hr.client.get("/hr/").get_data(as_text=True)
    assert COMPLETED_ONE in page
    assert "Deze cijfers zijn minder dan een minuut geleden geteld." in page

    age(minutes=4)
    assert "Deze cijfers zijn 4 min. geleden geteld." in hr.client.get("/hr/").get_data(
        as_text=True
    )

    age(minutes=10)
    page = hr.client.get("/hr/").get_data(as_text=True)
    assert COMPLETED_TWO in page and AGE_NOTE not in page  # expired: counted again


def test_flask_figures_refresh_counts_every_kept_scope_again(app, org, large_scopes):
    hr = session_for(app, org["hr"])
    hr.client.get("/hr/")
    issuing.issue_for_path(org["Aart"], org["path"])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["figures", "refresh"])
    assert result.exit_code == 0 and "for 1 scope(s)" in result.output
    page = hr.client.get("/hr/").get_data(as_text=True)
    assert COMPLETED_TWO in page and "minder dan een minuut geleden geteld" in page


def test_a_change_hr_makes_shows_at_once(app, org, large_scopes):
    hr = session_for(app, org["hr"])
    hr.client.get("/hr/")
    assert snapshots() == 1
    held = issuing.for_user(org["Anna"].id)[0]
    reply = hr.post(f"/hr/certificaten/{held.id}/intrekken", {"reason": "Verkeerd toegekend"})
    assert reply.status_code == 302
    assert snapshots() == 0
    page = hr.client.get("/hr/").get_data(as_text=True)
    assert "<dt>Afgerond</dt><dd>0 (0\u00a0%)</dd>" in page and AGE_NOTE not in page


def test_a_refused_change_keeps_the_figures(app, org, large_scopes):
    hr = session_for(app, org["hr"])
    hr.client.get("/hr/")
    held = issuing.for_user(org["Anna"].id)[0]
    assert hr.post(f"/hr/certificaten/{held.id}/intrekken", {"reason": ""}).status_code == 400
    assert snapshots() == 1


def test_kept_figures_are_never_shown_to_another_scope(app, org, make, large_scopes):
    admin = session_for(app, make.user(Role.ADMIN, email="admin@example.org", unit=org["root"]))
    page = admin.client.get("/hr/").get_data(as_text=True)
    assert "Unit GEM" in page
    hr = session_for(app, org["hr"])
    page = hr.client.get("/hr/").get_data(as_text=True)
    assert "Unit A" in page and "Unit B" not in page and "Unit GEM" not in page
    assert snapshots() == 2  # the admin's whole organisation and HR's team A
    org["hr"].language = "en"  # labels are kept per language
    db.session.commit()
    assert "Completed" in hr.client.get("/hr/").get_data(as_text=True)
    assert snapshots() == 3


def test_an_import_from_the_command_line_shows_at_once(app, org, large_scopes, tmp_path):
    hr = session_for(app, org["hr"])
    assert "<dt>Medewerkers</dt><dd>3</dd>" in hr.client.get("/hr/").get_data(as_text=True)
    export = tmp_path / "hr.csv"
    export.write_text(
        "Personeelsnummer;E-mailadres;Naam;Afdeling;Functie;Taal;Actief\n"
        "2001;nieuw@example.org;Nieuwe Collega;A;;;\n"
    )
    result = app.test_cli_runner().invoke(
        args=["users", "import", str(export), "--organisation", "gemeente-a"]
    )
    assert result.exit_code == 0, result.output
    page = hr.client.get("/hr/").get_data(as_text=True)
    assert "<dt>Medewerkers</dt><dd>4</dd>" in page and AGE_NOTE not in page
