"""A person's own second factor: new recovery codes for anyone, switching it off for learners
(for whom it is optional), never for the roles that need it."""

import re

import pytest
import sqlalchemy as sa

from app.auth import mfa
from app.extensions import db
from app.models import AuditEvent, PasskeyCredential, RecoveryCode, Role
from tests.auth.soft_authenticator import SoftAuthenticator
from tests.conftest import PASSWORD, Auth, csrf_token

SWITCH_OFF = "/account/tweestapsverificatie/uitzetten"
RENEW = "/account/herstelcodes"


def actions(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def codes_on(response) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9-]{19})</code></li>", response.get_data(as_text=True))


def sign_in_with_recovery_code(app, user, code: str):
    client = app.test_client()
    token = csrf_token(client)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    token = csrf_token(client, "/login/herstelcode")
    return client.post("/login/herstelcode", data={"code": code, "csrf_token": token})


def test_a_learner_switches_the_second_factor_off_with_their_password(app, auth, make):
    user = make.user(second_factor=True)
    auth.login(user)
    status = auth.client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert SWITCH_OFF in status

    response = auth.post(SWITCH_OFF, {"password": "not my password"})
    assert response.status_code == 400
    assert "Dit is niet je wachtwoord." in response.get_data(as_text=True)
    assert mfa.is_enrolled(user)
    assert actions("auth.password_confirm_failed")[-1].detail == {"purpose": "mfa_off"}

    response = auth.post(SWITCH_OFF, {"password": PASSWORD})
    assert response.status_code == 302 and response.location == "/account"
    assert not mfa.is_enrolled(user)
    assert db.session.scalar(sa.select(RecoveryCode)) is None
    assert [e.actor_id for e in actions("auth.mfa_disabled")] == [user.id]

    # The password alone signs in now.
    later = Auth(app.test_client())
    response = later.login(user)
    assert response.status_code == 302 and response.location == "/mijn-leren"


def test_switching_off_removes_the_passkeys_too(app, auth, make):
    user = make.user(second_factor=True)
    auth.login(user)
    token = csrf_token(auth.client, "/account/toegangssleutels")
    options = auth.client.post("/account/toegangssleutels/opties", data={"csrf_token": token})
    key = SoftAuthenticator("http://127.0.0.1:5000", "127.0.0.1")
    form = {"csrf_token": token, "name": "Sleutel", "credential": key.register(options.get_json())}
    assert auth.client.post("/account/toegangssleutels", data=form).status_code == 302
    assert auth.post(SWITCH_OFF, {"password": PASSWORD}).status_code == 302
    assert db.session.scalar(sa.select(PasskeyCredential)) is None


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN, Role.TRAINER])
def test_roles_that_need_a_second_factor_cannot_switch_it_off(auth, make, role):
    user = make.user(role)
    auth.login(user)
    status = auth.client.get("/account/tweestapsverificatie").get_data(as_text=True)
    assert SWITCH_OFF not in status and "verplicht" in status
    assert auth.client.get(SWITCH_OFF).status_code == 403
    assert auth.post(SWITCH_OFF, {"password": PASSWORD}).status_code == 403
    assert mfa.is_enrolled(user)
    with pytest.raises(PermissionError):
        mfa.switch_off(user)


def test_new_recovery_codes_replace_the_old_ones(app, make):
    user = make.user(Role.HR, second_factor=False)
    first = Auth(app.test_client())
    first.client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(first.client)},
    )
    old_codes = codes_on(first.enrol_second_factor())
    assert len(old_codes) == 10

    response = first.post(RENEW, {"password": "wrong"})
    assert response.status_code == 400
    response = first.post(RENEW, {"password": PASSWORD})
    assert response.status_code == 200
    new_codes = codes_on(response)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "De oude werken niet meer." in response.get_data(as_text=True)
    assert [e.actor_id for e in actions("auth.recovery_codes_renewed")] == [user.id]
    # Shown once: the page that led there does not show them again.
    assert codes_on(first.client.get(RENEW)) == []

    assert sign_in_with_recovery_code(app, user, old_codes[0]).status_code == 400
    assert sign_in_with_recovery_code(app, user, new_codes[0]).status_code == 302
    assert sign_in_with_recovery_code(app, user, new_codes[0]).status_code == 400


def test_without_a_second_factor_there_is_nothing_to_renew_or_switch_off(auth, make):
    auth.login(make.user())
    assert auth.client.get(RENEW).location == "/account/tweestapsverificatie"
    assert auth.post(RENEW, {"password": PASSWORD}).location == "/account/tweestapsverificatie"
    assert auth.post(SWITCH_OFF, {"password": PASSWORD}).status_code == 302
    assert actions("auth.recovery_codes_renewed") == []
