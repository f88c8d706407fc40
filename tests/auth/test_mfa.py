"""The second factor of password accounts: enrolment at sign-in, codes, replay, recovery codes,
throttling, an admin's reset, and optional enrolment for learners."""

import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from app.auth import mfa
from app.extensions import db
from app.models import AuditEvent, RecoveryCode, Role, TotpCredential
from tests.conftest import PASSWORD, Auth, csrf_token, next_code


def actions(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def password_step(auth: Auth, user):
    token = csrf_token(auth.client)
    return auth.client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )


def secret_on_page(page: str) -> str:
    match = re.search(r'<code class="secret" lang="en">([A-Z2-7 ]+)</code>', page)
    assert match, "the enrolment page shows the key to type over"
    return match.group(1).replace(" ", "")


def enrol_through_the_page(auth: Auth, path: str = "/login/tweestapsverificatie"):
    page = auth.client.get(path).get_data(as_text=True)
    secret = secret_on_page(page)
    token = csrf_token(auth.client, path)
    response = auth.client.post(path, data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    return secret, response


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN, Role.TRAINER])
def test_hr_admin_and_trainers_must_enrol_an_app_at_their_next_sign_in(auth, make, role):
    user = make.user(role, second_factor=False)
    response = password_step(auth, user)
    assert response.status_code == 302
    assert response.location == "/login/tweestapsverificatie"
    assert auth.client.get("/mijn-leren").status_code == 302  # not signed in yet

    page = auth.client.get("/login/tweestapsverificatie").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, allowed by the CSP
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert 'aria-describedby="code-hint"' in page

    secret, response = enrol_through_the_page(auth)
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]{19})</code></li>", response.get_data(as_text=True))
    assert len(codes) == 10
    assert auth.client.get("/mijn-leren").status_code == 200  # signed in now
    # Only hashes are kept: no code appears in the database.
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert [e.actor_id for e in actions("auth.mfa_enrolled")] == [user.id]


def test_a_wrong_code_at_enrolment_keeps_the_same_secret_and_signs_nobody_in(auth, make):
    user = make.user(Role.HR, second_factor=False)
    password_step(auth, user)
    first = secret_on_page(auth.client.get("/login/tweestapsverificatie").get_data(as_text=True))
    token = csrf_token(auth.client, "/login/tweestapsverificatie")
    response = auth.client.post(
        "/login/tweestapsverificatie", data={"code": "000000", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "Deze code klopt niet" in response.get_data(as_text=True)
    again = secret_on_page(auth.client.get("/login/tweestapsverificatie").get_data(as_text=True))
    assert again == first  # a reload does not undo what the app has scanned
    assert auth.client.get("/hr/").status_code == 302
    assert not mfa.is_enrolled(user)


def test_an_enrolled_account_signs_in_with_a_code_from_the_app(auth, make):
    user = make.user(Role.HR)
    response = password_step(auth, user)
    assert response.location == "/login/code"
    assert auth.client.get("/hr/").status_code == 302  # the password alone is not enough
    response = auth.second_step(next_code(user.id))
    assert (
        response.status_code == 302 and response.location == "/hr/"
    )  # HR starts on their own page
    assert auth.client.get("/hr/").status_code == 200
    assert actions("auth.mfa_passed")[0].detail == {"method": "totp"}


def test_the_second_step_keeps_the_next_page(auth, make):
    user = make.user(Role.HR)
    token = csrf_token(auth.client)
    auth.client.post(
        "/login?next=/hr/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert auth.second_step(next_code(user.id)).location == "/hr/"


def test_a_used_code_is_refused_the_second_time(app, make):
    user = make.user(Role.ADMIN)
    code = next_code(user.id)
    first, second = Auth(app.test_client()), Auth(app.test_client())
    password_step(first, user)
    password_step(second, user)
    assert first.second_step(code).status_code == 302
    refused = second.second_step(code)
    assert refused.status_code == 400
    assert "klopt niet of is al gebruikt" in refused.get_data(as_text=True)
    assert second.client.get("/admin/mensen").status_code == 302


def test_the_code_field_is_accessible_and_offers_a_recovery_code(auth, make):
    user = make.user(Role.HR)
    password_step(auth, user)
    page = auth.client.get("/login/code").get_data(as_text=True)
    assert '<label class="utrecht-form-label" for="code">Code uit de app</label>' in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert "6 cijfers" in page and 'aria-describedby="code-hint"' in page
    assert 'href="/login/herstelcode"' in page


def test_a_recovery_code_works_once_when_the_phone_is_lost(app, make):
    user = make.user(Role.HR, second_factor=False)
    auth = Auth(app.test_client())
    password_step(auth, user)
    _, response = enrol_through_the_page(auth)
    code = re.findall(r"<li><code>([a-z0-9-]{19})</code></li>", response.get_data(as_text=True))[0]

    later = Auth(app.test_client())
    password_step(later, user)
    token = csrf_token(later.client, "/login/herstelcode")
    # Typed in capitals and without dashes: still the same code.
    typed = code.upper().replace("-", " ")
    response = later.client.post("/login/herstelcode", data={"code": typed, "csrf_token": token})
    assert response.status_code == 302
    assert later.client.get("/hr/").status_code == 200
    assert actions("auth.mfa_passed")[-1].detail == {
        "method": "recovery_code",
        "recovery_codes_left": 9,
    }

    again = Auth(app.test_client())
    password_step(again, user)
    token = csrf_token(again.client, "/login/herstelcode")
    response = again.client.post("/login/herstelcode", data={"code": code, "csrf_token": token})
    assert response.status_code == 400


def test_wrong_codes_are_throttled_per_account(app, make):
    user = make.user(Role.HR)
    for _ in range(5):
        attempt = Auth(app.test_client())
        password_step(attempt, user)
        assert attempt.second_step("123456").status_code == 400
    # From another browser, with the right code: the account's limit holds.
    late = Auth(app.test_client())
    password_step(late, user)
    assert late.second_step(next_code(user.id)).status_code == 429
    assert len(actions("auth.mfa_failed")) == 5


def test_without_the_password_step_the_code_page_sends_you_back(client, make):
    make.user(Role.HR)
    response = client.get("/login/code")
    assert response.status_code == 302 and response.location == "/login"


def test_the_half_finished_sign_in_expires(auth, make, monkeypatch):
    user = make.user(Role.HR)
    password_step(auth, user)
    token = csrf_token(auth.client, "/login/code")
    monkeypatch.setattr("app.auth.second_step.MAX_AGE_SECONDS", 0)  # the minutes have passed
    time.sleep(1.1)
    response = auth.client.post(
        "/login/code", data={"code": next_code(user.id), "csrf_token": token}
    )
    assert response.status_code == 302 and response.location == "/login"
    assert auth.client.get("/hr/").status_code == 302


def test_an_admin_resets_a_lost_device_and_the_person_enrols_again(app, make):
    admin = make.user(Role.ADMIN)
    person = make.user(Role.HR)
    their_session = Auth(app.test_client())
    assert their_session.login(person).status_code == 302
    admin_session = Auth(app.test_client())
    admin_session.login(admin)
    page = admin_session.client.get(f"/admin/mensen/{person.id}").get_data(as_text=True)
    assert "Tweestapsverificatie verwijderen" in page

    response = admin_session.post(f"/admin/mensen/{person.id}/tweestapsverificatie-herstellen")
    assert response.status_code == 302
    assert not mfa.is_enrolled(person)
    [reset] = actions("auth.mfa_reset")
    assert (reset.actor_id, reset.target) == (admin.id, f"user:{person.id}")
    assert their_session.client.get("/hr/").status_code == 302  # their sessions ended
    assert password_step(Auth(app.test_client()), person).location == "/login/tweestapsverificatie"


def test_an_admin_cannot_reset_someone_of_another_organisation(app, make):
    admin = make.user(Role.ADMIN)
    stranger = make.user(Role.HR, organisation=make.organisation("gemeente-b", "Gemeente B"))
    session = Auth(app.test_client())
    session.login(admin)
    response = session.post(f"/admin/mensen/{stranger.id}/tweestapsverificatie-herstellen")
    assert response.status_code == 404
    assert mfa.is_enrolled(stranger)


def test_a_learner_may_turn_the_second_factor_on_and_then_needs_it(app, make):
    learner = make.user()
    session = Auth(app.test_client())
    assert session.login(learner).location == "/mijn-leren"  # no second step by default
    assert "Staat uit" in session.client.get("/account").get_data(as_text=True)
    _, response = enrol_through_the_page(session, "/account/tweestapsverificatie")
    assert response.status_code == 200 and "Je herstelcodes" in response.get_data(as_text=True)
    assert "Staat aan" in session.client.get("/account").get_data(as_text=True)
    assert password_step(Auth(app.test_client()), learner).location == "/login/code"


def test_codes_count_in_a_window_of_one_step_either_side_and_only_once(make):
    user = make.user(Role.TRAINER)
    credential = db.session.scalar(
        sa.select(TotpCredential).where(TotpCredential.user_id == user.id)
    )
    totp = pyotp.TOTP(mfa.secret_of(credential))
    now = time.time()
    assert not mfa.verify(user, totp.at(now - 90), now=now)  # three steps old
    assert mfa.verify(user, totp.at(now - 30), now=now)
    assert not mfa.verify(user, totp.at(now - 30), now=now)  # replayed
    assert mfa.verify(user, totp.at(now + 30), now=now)
    assert not mfa.verify(user, totp.at(now), now=now)  # older than the last one used


def test_the_chosen_language_carries_through_the_second_step(auth, make):
    user = make.user(Role.HR)
    auth.client.post("/language", data={"language": "en", "csrf_token": csrf_token(auth.client)})
    password_step(auth, user)
    page = auth.client.get("/login/code").get_data(as_text=True)
    assert '<html lang="en"' in page and "Code from the app" in page
