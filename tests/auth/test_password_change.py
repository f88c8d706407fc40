"""Changing one's password while signed in, and the list of common and breached passwords."""

import sqlalchemy as sa

from app.auth.common_passwords import is_common
from app.extensions import db
from app.models import AuditEvent
from tests.conftest import PASSWORD, Auth, csrf_token

NEW = "een nieuwe zin om te onthouden"


def change(auth: Auth, current: str, new: str, confirm: str | None = None):
    token = csrf_token(auth.client, "/account/wachtwoord")
    return auth.client.post(
        "/account/wachtwoord",
        data={
            "current": current,
            "password": new,
            "confirm": new if confirm is None else confirm,
            "csrf_token": token,
        },
    )


def test_a_signed_in_person_changes_their_password_and_other_sessions_end(app, make):
    user = make.user()
    here, elsewhere = Auth(app.test_client()), Auth(app.test_client())
    here.login(user)
    elsewhere.login(user)
    response = change(here, PASSWORD, NEW)
    assert response.status_code == 302 and response.location == "/account"
    assert here.client.get("/mijn-leren").status_code == 200  # this session carries on
    assert elsewhere.client.get("/mijn-leren").status_code == 302  # the other one ended
    assert Auth(app.test_client()).login(user, NEW).status_code == 302
    assert Auth(app.test_client()).login(user, PASSWORD).status_code == 400
    changed = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.password_change")
    ).all()
    assert [event.actor_id for event in changed] == [user.id]


def test_the_current_password_is_required(app, make):
    user = make.user()
    auth = Auth(app.test_client())
    auth.login(user)
    response = change(auth, "not my password at all", NEW)
    assert response.status_code == 400
    assert "Dit is niet je huidige wachtwoord" in response.get_data(as_text=True)
    assert Auth(app.test_client()).login(user, NEW).status_code == 400
    failed = db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == "auth.password_change_failed")
    )
    assert failed == 1


def test_wrong_current_passwords_are_throttled(app, make):
    user = make.user()
    auth = Auth(app.test_client())
    auth.login(user)
    for _ in range(10):
        assert change(auth, "a wrong guess, again", NEW).status_code == 400
    assert change(auth, PASSWORD, NEW).status_code == 429


def test_a_short_or_mismatched_or_common_new_password_is_refused(app, make):
    user = make.user()
    auth = Auth(app.test_client())
    auth.login(user)
    assert change(auth, PASSWORD, "kort").status_code == 400
    assert change(auth, PASSWORD, NEW, confirm="iets anders dan dat").status_code == 400
    response = change(auth, PASSWORD, "Qwertyuiop123")
    assert response.status_code == 400
    assert "veelgebruikte en gelekte wachtwoorden" in response.get_data(as_text=True)
    assert Auth(app.test_client()).login(user).status_code == 302  # unchanged


def test_the_reset_link_refuses_a_common_password_too(app, make):
    from app.auth.password_reset import make_token

    user = make.user()
    path = f"/wachtwoord-herstellen/{make_token(user)}"
    client = app.test_client()
    token = csrf_token(client, path)
    response = client.post(
        path, data={"password": "jamesbond007", "confirm": "jamesbond007", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "gelekte wachtwoorden" in response.get_data(as_text=True)


def test_the_shipped_list_holds_common_passwords_and_not_a_good_sentence():
    for common in ("password", "123456", "QwertyUiop123", " 1q2w3e4r5t6y ", "jamesbond007"):
        assert is_common(common), common
    assert not is_common(NEW)
    assert not is_common(PASSWORD)
