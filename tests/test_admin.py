"""Admin: people and their access (audit-logged, sessions renewed), API tokens, the audit log."""

import csv
import io

import sqlalchemy as sa

from app.extensions import db
from app.models import ApiToken, AuditEvent, Role
from tests.conftest import Auth


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
    assert "auth.login" in page and "Ad Min" in page
    response = auth.client.get("/admin/logboek.csv")
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0][:3] == ["tijd (UTC)", "wie", "actie"]
    assert any(row[2] == "auth.login" and row[1] == "Ad Min" for row in rows[1:])
