"""Admin: people and their access (audit-logged, sessions renewed), API tokens, the audit log."""

import ast
import csv
import datetime as dt
import io
from pathlib import Path

import sqlalchemy as sa

from app.admin.audit_log import _sentences
from app.extensions import db
from app.models import ApiToken, AuditEvent, Role, User
from tests.conftest import Auth
from tests.mail.conftest import smtp  # noqa: F401 - the fixture: a real SMTP server


def admin_session(app, make) -> tuple[Auth, object]:
    admin = make.user(Role.ADMIN, email="admin@example.org", name="Ad Min")
    auth = Auth(app.test_client())
    auth.login(admin)
    return auth, admin


def test_an_admin_grants_hr_with_a_scope_and_the_persons_sessions_end(app, make):
    auth, _ = admin_session(app, make)
    organisation = make.organisation()
    unit = make.unit(organisation, "TEAM")
    person = make.user(email="p@example.org", unit=unit)
    theirs = Auth(app.test_client())
    theirs.login(person)
    assert theirs.client.get("/hr/").status_code == 403
    response = auth.post(
        f"/admin/mensen/{person.id}", {"roles": ["hr"], "scope_units": [unit.id], "active": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert Role.HR in person.roles and [s.unit_id for s in person.hr_scopes] == [unit.id]
    assert theirs.client.get("/hr/").status_code == 302  # signed out: new rights at next login
    # HR needs a second factor: the next sign-in sets up the app first.
    assert theirs.login(person).location == "/login/tweestapsverificatie"
    assert theirs.enrol_second_factor().status_code == 200
    assert theirs.client.get("/hr/").status_code == 200
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "user.access_change")
    )
    assert event.detail["roles_after"] == ["hr", "learner"]


def test_an_admin_cannot_remove_their_own_admin_role(app, make):
    auth, admin = admin_session(app, make)
    auth.post(f"/admin/mensen/{admin.id}", {"roles": [], "active": "y"})
    db.session.expire_all()
    assert Role.ADMIN in admin.roles


def test_an_admin_of_another_organisation_sees_nobody_here(app, make):
    person = make.user(email="p@example.org")
    stranger = make.user(
        Role.ADMIN,
        organisation=make.organisation("gemeente-b", "Gemeente B"),
        email="s@example.org",
    )
    auth = Auth(app.test_client())
    auth.login(stranger)
    assert auth.client.get(f"/admin/mensen/{person.id}").status_code == 404
    assert "p@example.org" not in auth.client.get("/admin/mensen").get_data(as_text=True)


def test_a_new_api_token_is_shown_once_and_can_be_revoked(app, make):
    auth, _ = admin_session(app, make)
    page = auth.post("/admin/api-sleutels", {"name": "AFAS"}).get_data(as_text=True)
    token = page.split('<code class="utrecht-code token">')[1].split("<")[0]
    assert token.startswith("glt_")
    assert (
        app.test_client()
        .get("/api/v1/employees", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 200
    )
    assert token not in auth.client.get("/admin/api-sleutels").get_data(as_text=True)
    row = db.session.scalar(sa.select(ApiToken))
    assert auth.post(f"/admin/api-sleutels/{row.id}/intrekken").status_code == 302
    assert (
        app.test_client()
        .get("/api/v1/employees", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 401
    )


def test_the_audit_log_shows_and_exports_who_did_what(app, make):
    auth, _ = admin_session(app, make)
    make.user(email="x@example.org")
    Auth(app.test_client()).login("x@example.org", "wrong password")
    page = auth.client.get("/admin/logboek?actie=auth").get_data(as_text=True)
    assert "Ad Min logde in" in page and "<code>auth.login" not in page  # words, not codes
    response = auth.client.get("/admin/logboek.csv")
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:3] == ["tijd (Europe/Amsterdam)", "wie", "actie"]
    assert any(row[2] == "auth.login" and row[1] == "Ad Min" for row in rows[1:])


def test_hr_and_admins_land_on_their_own_start_page(app, make):
    for roles, start in (
        ((Role.HR,), "/hr/"),
        ((Role.ADMIN,), "/admin/"),
        ((Role.HR, Role.ADMIN), "/hr/"),
        ((Role.TRAINER,), "/mijn-leren"),
        ((), "/mijn-leren"),
    ):
        person = make.user(*roles)
        auth = Auth(app.test_client())
        assert auth.login(person).headers["Location"] == start, roles
        assert auth.client.get("/").headers["Location"] == start


def test_an_api_token_has_an_expiry_date_and_the_api_refuses_it_after_that(app, make):
    auth, _ = admin_session(app, make)
    page = auth.post(
        "/admin/api-sleutels",
        {"name": "AFAS", "note": "Voortgang naar AFAS", "expires_on": "2099-01-01"},
    )
    assert page.status_code == 400 and "hoogstens drie jaar" in page.get_data(as_text=True)
    page = auth.post("/admin/api-sleutels", {"name": "AFAS", "note": "Voortgang naar AFAS"})
    token = page.get_data(as_text=True).split('<code class="utrecht-code token">')[1].split("<")[0]
    row = db.session.scalar(sa.select(ApiToken))
    assert row.note == "Voortgang naar AFAS"
    assert row.expires_on == dt.date.today() + dt.timedelta(days=365)
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/employees", headers=headers).status_code == 200
    row.expires_on = dt.date.today() - dt.timedelta(days=1)
    db.session.commit()
    refused = app.test_client().get("/api/v1/employees", headers=headers)
    assert refused.status_code == 401 and "expired" in refused.get_json()["message"]
    assert "verlopen" in auth.client.get("/admin/api-sleutels").get_data(as_text=True)


def test_an_admin_makes_an_account_and_sends_a_password_link(app, make, smtp):  # noqa: F811
    auth, admin = admin_session(app, make)
    response = auth.post(
        "/admin/mensen/nieuw",
        {
            "name": "Nieuwe Collega",
            "email": "Nieuw@Example.org",
            "unit_id": 0,
            "roles": ["hr"],
            "language": "en",
            "send_link": "y",
        },
    )
    assert response.status_code == 302
    person = db.session.scalar(sa.select(User).where(User.email == "nieuw@example.org"))
    assert person.roles == {"learner", "hr"} and person.language == "en"
    (mail,) = smtp.to("nieuw@example.org")
    assert mail["Subject"] == "Your account at Geletterd" and "/wachtwoord-herstellen/" in str(mail)
    again = auth.post(
        "/admin/mensen/nieuw",
        {"name": "Dubbel", "email": "nieuw@example.org", "unit_id": 0, "language": "nl"},
    )
    assert again.status_code == 400 and "al een account" in again.get_data(as_text=True)
    assert auth.post(f"/admin/mensen/{person.id}/wachtwoord-link").status_code == 302
    assert len(smtp.to("nieuw@example.org")) == 2
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"user.create", "user.password_link_sent"} <= actions


def test_the_audit_log_says_events_in_words_at_local_time_and_filters_them(app, make):
    auth, admin = admin_session(app, make)
    person = make.user(email="jan@example.org", name="Jan Jansen")
    auth.post(f"/admin/mensen/{person.id}", {"roles": ["hr"], "active": "y"})
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "user.access_change")
    )
    event.at = dt.datetime(2026, 7, 1, 10, 0)  # 12:00 in Amsterdam (summer time)
    db.session.commit()
    page = auth.client.get("/admin/logboek").get_data(as_text=True)
    assert "Rollen van Jan Jansen gewijzigd door Ad Min: nu HR, leerling" in page
    assert "1 juli 2026 om 12:00" in page
    by_person = auth.client.get("/admin/logboek?wie=jansen").get_data(as_text=True)
    assert "Rollen van Jan Jansen" in by_person and "Ad Min logde in" not in by_person
    by_day = auth.client.get("/admin/logboek?van=2026-07-01&tot=2026-07-01")
    assert "Rollen van Jan Jansen" in by_day.get_data(as_text=True)
    assert "logde in" not in by_day.get_data(as_text=True)
    by_kind = auth.client.get("/admin/logboek?actie=auth.").get_data(as_text=True)
    assert "Ad Min logde in" in by_kind and "Rollen van" not in by_kind
    rows = list(
        csv.reader(
            io.StringIO(
                auth.client.get("/admin/logboek.csv?wie=jansen")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    assert rows[1][0] == "2026-07-01T12:00:00+02:00" and rows[1][-1].startswith("Rollen van Jan")


def recorded_actions(root: Path) -> set[str]:
    """The first argument of every `audit.record("...")` in the app's code."""
    found = set()
    for source in root.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_the_audit_log_says_each_recorded_action_in_words(app):
    """Every action the app records has a sentence (the page showed "auth.mfa_passed door …")."""
    with app.test_request_context():
        sentences = set(_sentences())
    missing = recorded_actions(Path(app.root_path)) - sentences - {"demo.generate"}
    assert missing == set()
