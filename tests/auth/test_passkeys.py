"""Passkeys as a second factor, with a software authenticator whose answers the server's real
WebAuthn verification checks: adding one, signing in with it, and what is refused."""

import json
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.auth import mfa
from app.extensions import db
from app.models import AuditEvent, PasskeyCredential, Role, WebauthnChallenge
from tests.auth.soft_authenticator import SoftAuthenticator
from tests.conftest import PASSWORD, Auth, csrf_token

PAGE = "/account/toegangssleutels"


def actions(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def new_key(app):
    """Makes authenticators for the site as configured (PUBLIC_BASE_URL in the tests)."""
    base = urlsplit(app.config["PUBLIC_BASE_URL"])

    def make() -> SoftAuthenticator:
        return SoftAuthenticator(f"{base.scheme}://{base.netloc}", base.hostname)

    return make


def add_passkey(auth: Auth, key: SoftAuthenticator, name: str = "Laptop werk", **answer):
    token = csrf_token(auth.client, PAGE)
    options = auth.client.post(f"{PAGE}/opties", data={"csrf_token": token})
    assert options.status_code == 200, options.status_code
    credential = key.register(options.get_json(), **answer)
    form = {"csrf_token": token, "name": name, "credential": credential}
    return auth.client.post(PAGE, data=form)


def last_refusal() -> str:
    return actions("auth.mfa_failed")[-1].detail["reason"]


def password_step(client, user) -> None:
    token = csrf_token(client)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.location == "/login/code"


def sign_in_options(client) -> tuple[str, dict]:
    token = csrf_token(client, "/login/code")
    response = client.post("/login/toegangssleutel/opties", data={"csrf_token": token})
    assert response.status_code == 200
    return token, response.get_json()


def answer_with(client, token: str, credential: str):
    form = {"csrf_token": token, "credential": credential}
    return client.post("/login/toegangssleutel", data=form)


def sign_in_with_passkey(client, user, key: SoftAuthenticator, **answer):
    password_step(client, user)
    token, options = sign_in_options(client)
    return answer_with(client, token, key.sign_in(options, **answer))


def signed_in(client) -> bool:
    return client.get("/mijn-leren").status_code == 200


@pytest.fixture
def learner_with_passkey(app, make, new_key):
    user = make.user(second_factor=True)
    key = new_key()
    owner = Auth(app.test_client())
    owner.login(user)
    assert add_passkey(owner, key).status_code == 302
    return user, key


def test_a_learner_with_an_app_adds_a_passkey_and_signs_in_with_it(auth, make, new_key, app):
    user = make.user(second_factor=True)
    auth.login(user)
    page = auth.client.get(PAGE).get_data(as_text=True)
    assert "Je hebt nog geen toegangssleutels." in page
    assert "js/passkeys.js" in page
    # Without JavaScript the form stays hidden and the page says why.
    assert 'data-passkey-form="register"' in page and "data-passkey-unsupported" in page

    key = new_key()
    response = add_passkey(auth, key, name="Laptop werk")
    assert response.status_code == 302 and response.location == PAGE
    page = auth.client.get(PAGE).get_data(as_text=True)
    assert "Laptop werk" in page and "Nog niet gebruikt" in page
    stored = db.session.scalar(sa.select(PasskeyCredential))
    assert stored.user_id == user.id and stored.transports == ["usb"]
    assert [e.detail["name"] for e in actions("auth.passkey_added")] == ["Laptop werk"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebauthnChallenge)) == 0

    client = app.test_client()
    password_step(client, user)
    code_page = client.get("/login/code").get_data(as_text=True)
    assert "Gebruik je toegangssleutel" in code_page and "js/passkeys.js" in code_page
    token, options = sign_in_options(client)
    assert options["rpId"] == key.rp_id
    assert [c["id"] for c in options["allowCredentials"]] == [stored.credential_id]
    response = answer_with(client, token, key.sign_in(options))
    assert response.status_code == 302 and response.location == "/mijn-leren"
    assert signed_in(client)
    db.session.refresh(stored)
    assert stored.sign_count == 1 and stored.last_used_at is not None
    passed = actions("auth.mfa_passed")
    assert passed[-1].detail["method"] == "passkey" and passed[-1].actor_id == user.id


def test_the_code_page_offers_no_passkey_to_someone_without_one(client, make):
    user = make.user(second_factor=True)
    password_step(client, user)
    page = client.get("/login/code").get_data(as_text=True)
    assert "Gebruik je toegangssleutel" not in page and "passkeys.js" not in page
    token = csrf_token(client, "/login/code")
    response = client.post("/login/toegangssleutel/opties", data={"csrf_token": token})
    assert response.status_code == 404


def test_a_wrong_signature_is_refused_and_logged(client, learner_with_passkey):
    user, key = learner_with_passkey
    response = sign_in_with_passkey(client, user, key, tamper=True)
    assert response.status_code == 400
    assert "Inloggen met je toegangssleutel is niet gelukt" in response.get_data(as_text=True)
    assert not signed_in(client)
    failed = actions("auth.mfa_failed")
    assert failed[-1].detail["method"] == "passkey"
    assert "signature" in failed[-1].detail["reason"].lower(), failed[-1].detail


def test_a_challenge_serves_once(client, learner_with_passkey):
    user, key = learner_with_passkey
    password_step(client, user)
    token, options = sign_in_options(client)
    first = key.sign_in(options)
    assert answer_with(client, token, first).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/mijn-leren")})

    # The same signed answer again, in a new sign-in: its challenge is used up.
    password_step(client, user)
    token = csrf_token(client, "/login/code")
    assert answer_with(client, token, first).status_code == 400
    assert last_refusal() == "unknown or used challenge"
    assert not signed_in(client)


def test_a_refused_answer_uses_up_its_challenge_too(client, learner_with_passkey):
    user, key = learner_with_passkey
    password_step(client, user)
    token, options = sign_in_options(client)
    assert answer_with(client, token, key.sign_in(options, tamper=True)).status_code == 400
    assert answer_with(client, token, key.sign_in(options)).status_code == 400
    assert last_refusal() == "unknown or used challenge"
    assert not signed_in(client)


def test_an_expired_challenge_is_refused(client, learner_with_passkey, app, monkeypatch):
    user, key = learner_with_passkey
    monkeypatch.setitem(app.config, "WEBAUTHN_CHALLENGE_SECONDS", -1)
    response = sign_in_with_passkey(client, user, key)
    assert response.status_code == 400
    assert last_refusal() == "challenge not valid here"
    assert not signed_in(client)


def test_another_persons_passkey_is_refused(app, client, make, new_key, learner_with_passkey):
    owner, owners_key = learner_with_passkey
    other = make.user(second_factor=True)
    other_key = new_key()
    other_session = Auth(app.test_client())
    other_session.login(other)
    assert add_passkey(other_session, other_key).status_code == 302

    # Halfway through signing in as `other`, answering with the owner's passkey.
    password_step(client, other)
    token, options = sign_in_options(client)
    response = answer_with(client, token, owners_key.sign_in(options))
    assert response.status_code == 400
    assert not signed_in(client)
    assert last_refusal() == "not a passkey of this person"


def test_a_sign_count_that_does_not_go_up_is_refused(client, learner_with_passkey):
    user, key = learner_with_passkey
    key.sign_count = 5
    assert sign_in_with_passkey(client, user, key, count_up=False).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/mijn-leren")})
    key.sign_count = 3  # a copy of the key, behind the original
    assert sign_in_with_passkey(client, user, key, count_up=False).status_code == 400
    assert "sign count" in last_refusal().lower()
    assert not signed_in(client)
    stored = db.session.scalar(sa.select(PasskeyCredential))
    db.session.refresh(stored)
    assert stored.sign_count == 5


def test_an_answer_for_another_origin_or_site_is_refused(client, learner_with_passkey):
    user, key = learner_with_passkey
    response = sign_in_with_passkey(client, user, key, origin="https://phishing.example")
    assert response.status_code == 400
    assert "origin" in last_refusal().lower()
    response = sign_in_with_passkey(client, user, key, rp_id="phishing.example")
    assert response.status_code == 400
    assert "rp id" in last_refusal().lower()
    assert not signed_in(client)


def test_the_site_and_origins_come_from_the_configuration(auth, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBAUTHN_RP_ID", "geletterd.example.nl")
    monkeypatch.setitem(
        app.config, "WEBAUTHN_ORIGINS", "https://geletterd.example.nl, https://leren.example.nl"
    )
    auth.login(make.user(second_factor=True))
    key = SoftAuthenticator("https://leren.example.nl", "geletterd.example.nl")
    assert add_passkey(auth, key).status_code == 302
    stranger = SoftAuthenticator("http://127.0.0.1:5000", "geletterd.example.nl")
    response = add_passkey(auth, stranger)
    assert response.status_code == 400
    assert "niet toegevoegd" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasskeyCredential)) == 1


def test_registration_excludes_the_passkeys_one_has(auth, learner_with_passkey):
    user, key = learner_with_passkey
    auth.login(user)
    token = csrf_token(auth.client, PAGE)
    options = auth.client.post(f"{PAGE}/opties", data={"csrf_token": token}).get_json()
    stored = db.session.scalar(sa.select(PasskeyCredential))
    assert [c["id"] for c in options["excludeCredentials"]] == [stored.credential_id]
    # Registering the same authenticator twice is refused.
    assert add_passkey(auth, key).status_code == 400


def test_a_passkey_is_removed_by_its_owner_only(app, auth, make, learner_with_passkey):
    user, _key = learner_with_passkey
    passkey_id = db.session.scalar(sa.select(PasskeyCredential.id))
    auth.login(make.user(second_factor=True))
    assert auth.post(f"{PAGE}/{passkey_id}/verwijderen").status_code == 404

    owner = Auth(app.test_client())
    owner.login(user)
    response = owner.post(f"{PAGE}/{passkey_id}/verwijderen")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(PasskeyCredential)) is None
    assert [e.detail["passkey"] for e in actions("auth.passkey_removed")] == [passkey_id]
    assert "Gebruik je toegangssleutel" not in owner.client.get(PAGE).get_data(as_text=True)


def test_a_passkey_needs_the_app_first(auth, make):
    auth.login(make.user())
    page = auth.client.get(PAGE).get_data(as_text=True)
    assert "Zet eerst tweestapsverificatie met een app aan" in page
    assert 'data-passkey-form="register"' not in page
    assert auth.post(f"{PAGE}/opties").status_code == 403


def test_an_answer_that_is_not_webauthn_is_refused(auth, make):
    auth.login(make.user(second_factor=True))
    response = auth.post(PAGE, {"name": "x", "credential": '{"id": 1}'})
    assert response.status_code == 400
    response = auth.post(PAGE, {"name": "x", "credential": "not json"})
    assert response.status_code == 400


def test_an_admins_reset_removes_passkeys_too(learner_with_passkey):
    user, _key = learner_with_passkey
    mfa.reset(user, actor=None)
    db.session.commit()
    assert db.session.scalar(sa.select(PasskeyCredential)) is None


def test_staff_sign_in_with_a_passkey_too(client, app, make, new_key):
    user = make.user(Role.HR)
    key = new_key()
    session = Auth(app.test_client())
    session.login(user)
    assert add_passkey(session, key).status_code == 302
    response = sign_in_with_passkey(client, user, key)
    assert response.status_code == 302 and response.location == "/hr/"


def test_the_audit_log_says_what_happened_with_passkeys(app, make, learner_with_passkey):
    user, key = learner_with_passkey
    client = app.test_client()
    assert sign_in_with_passkey(client, user, key).status_code == 302
    passkey_id = db.session.scalar(sa.select(PasskeyCredential.id))
    Auth(client).post(f"{PAGE}/{passkey_id}/verwijderen")
    admin = Auth(app.test_client())
    admin.login(make.user(Role.ADMIN))
    page = admin.client.get("/admin/logboek?actie=auth.").get_data(as_text=True)
    assert f"{user.name} voegde toegangssleutel ‘Laptop werk’ toe" in page
    assert f"{user.name} deed de tweede stap van het inloggen, met een toegangssleutel" in page
    assert f"{user.name} verwijderde toegangssleutel ‘Laptop werk’" in page


@pytest.mark.parametrize(
    "field", ["clientDataJSON", "authenticatorData", "signature", "userHandle", "id"]
)
def test_a_mangled_answer_is_refused_not_an_error(client, learner_with_passkey, field):
    user, key = learner_with_passkey
    password_step(client, user)
    token, options = sign_in_options(client)
    answer = json.loads(key.sign_in(options))
    if field == "id":
        answer["id"] = "%%%"
    else:
        answer["response"][field] = "bm90IHdoYXQgaXQgc2hvdWxkIGJl"
    assert answer_with(client, token, json.dumps(answer)).status_code == 400
    assert not signed_in(client)


@pytest.mark.parametrize("field", ["clientDataJSON", "attestationObject"])
def test_a_mangled_registration_is_refused_not_an_error(auth, make, new_key, field):
    auth.login(make.user(second_factor=True))
    token = csrf_token(auth.client, PAGE)
    options = auth.client.post(f"{PAGE}/opties", data={"csrf_token": token}).get_json()
    answer = json.loads(new_key().register(options))
    answer["response"][field] = "bm90IHdoYXQgaXQgc2hvdWxkIGJl"
    form = {"csrf_token": token, "name": "x", "credential": json.dumps(answer)}
    assert auth.client.post(PAGE, data=form).status_code == 400
    assert db.session.scalar(sa.select(PasskeyCredential)) is None
