"""Single sign-on against a real OpenID Connect provider (oidc-provider-mock) on this machine:
the browser's part is played by the Flask test client and HTTP requests to the provider."""

from __future__ import annotations

import base64
import secrets
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa
from joserfc.errors import BadSignatureError, InvalidClaimError, JoseError

from app.auth import oidc, sso
from app.core.time import utcnow
from app.extensions import db
from app.models import AuditEvent, IdentityProvider, Role, User

# The provider runs in a thread of this process, so pytest's "warnings are errors" reaches it too:
# its own use of Authlib's deprecated parts must not fail our tests.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

SECRET_ENV = "GELETTERD_TEST_SSO_SECRET"
CLIENT_ID = "geletterd"


@pytest.fixture(scope="module")
def idp():
    """A real OpenID Connect provider: discovery, authorization code flow, RS256 ID tokens."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # its imports of Authlib's old parts
        from oidc_provider_mock import run_server_in_thread
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def provider(idp, make, monkeypatch) -> IdentityProvider:
    monkeypatch.setenv(SECRET_ENV, "not-a-real-secret")
    organisation = make.organisation()
    saved, _ = sso.save_provider(
        organisation,
        issuer=idp,
        client_id=CLIENT_ID,
        client_secret_env=SECRET_ENV,
        name="Gemeente A",
    )
    db.session.commit()
    return saved


def person_at_idp(idp: str, **claims) -> str:
    """Registers a person with these claims at the provider; returns their subject."""
    sub = "sub-" + secrets.token_hex(6)
    response = requests.put(f"{idp}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204
    return sub


def to_provider(client, org_slug: str = "gemeente-a", **params) -> str:
    """Clicks "Inloggen met …": the authorization URL at the provider we were sent to."""
    response = client.get(f"/login/sso/{org_slug}", query_string=params)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def authorize(authorization_url: str, sub: str) -> str:
    """The person signs in at the provider; returns the callback path+query it sends them to."""
    response = requests.post(authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    callback = urlsplit(response.headers["Location"])
    return f"{callback.path}?{callback.query}"


def sign_in(client, idp: str, org_slug: str = "gemeente-a", **claims):
    sub = person_at_idp(idp, **claims)
    return client.get(authorize(to_provider(client, org_slug), sub))


def audit_rows(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def failure_reasons() -> list[str]:
    return [row.detail["reason"] for row in audit_rows("auth.sso_login_failed")]


def test_the_login_page_offers_each_enabled_provider(client, provider, make):
    other = make.organisation("gemeente-b", "Gemeente B")
    hidden, _ = sso.save_provider(
        other,
        issuer="https://login.gemeente-b.example",
        client_id="x",
        client_secret_env="B_SECRET",
        enabled=False,
    )
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    assert "Inloggen met Gemeente A" in page
    assert 'href="/login/sso/gemeente-a"' in page
    assert "gemeente-b" not in page
    assert client.get("/login/sso/gemeente-b").status_code == 404  # disabled
    assert client.get("/login/sso/nergens").status_code == 404


def test_an_existing_account_is_matched_by_email_and_gets_a_working_session(
    client, idp, provider, make
):
    user = make.user(email="anna.jansen@gemeente-a.nl", name="Anna Jansen")
    with client.session_transaction() as planted:
        planted["planted"] = "by an attacker"
    response = sign_in(client, idp, email="Anna.Jansen@Gemeente-A.nl")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mijn-leren"
    page = client.get("/mijn-leren")
    assert page.status_code == 200 and "Anna Jansen" in page.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "planted" not in session  # a fresh session, as with the password login
        assert session["_user_id"] == f"{user.id}:{user.session_token}"
        assert "signed_in_at" in session
    [row] = audit_rows("auth.sso_login")
    assert row.actor_id == user.id and row.detail["organisation"] == "gemeente-a"
    assert client.get("/login/sso/gemeente-a").headers["Location"] == "/mijn-leren"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_an_account_is_matched_by_the_employee_number_claim(client, idp, provider, make):
    provider.match_claim = "employee_number"
    db.session.commit()
    user = make.user(email="p.de.vries@gemeente-a.nl")
    user.employee_number = "E-1234"
    db.session.commit()
    # The IdP knows another address: the employee number decides.
    response = sign_in(client, idp, email="piet@elders.example", employee_number="E-1234")
    assert response.headers["Location"] == "/mijn-leren"
    assert audit_rows("auth.sso_login")[0].actor_id == user.id


def test_a_new_learner_is_created_on_first_sign_in_when_the_organisation_allows_it(
    client, idp, provider
):
    provider.create_accounts = True
    db.session.commit()
    response = sign_in(client, idp, email="Nieuw@Gemeente-A.nl", name="Nina Nieuw", locale="en-GB")
    assert response.headers["Location"] == "/mijn-leren"
    user = db.session.scalar(sa.select(User).where(User.email == "nieuw@gemeente-a.nl"))
    assert user.organisation_id == provider.organisation_id
    assert user.roles == {Role.LEARNER}
    assert user.language == "en" and user.name == "Nina Nieuw"
    assert user.password_hash is None
    assert [row.actor_id for row in audit_rows("auth.sso_account_created")] == [user.id]
    page = client.get("/mijn-leren").get_data(as_text=True)
    assert '<html lang="en"' in page


def test_no_account_is_created_when_the_organisation_does_not_allow_it(client, idp, provider):
    response = sign_in(client, idp, email="onbekend@gemeente-a.nl")
    assert response.status_code == 403
    assert "Er is geen account voor je gevonden" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert failure_reasons() == ["no_account"]
    assert audit_rows("auth.sso_login_failed")[0].detail["identity"] == "onbekend@gemeente-a.nl"
    assert client.get("/mijn-leren").status_code == 302  # not signed in


def test_a_deactivated_account_cannot_sign_in(client, idp, provider, make):
    user = make.user(email="weg@gemeente-a.nl")
    user.deactivate()
    db.session.commit()
    response = sign_in(client, idp, email="weg@gemeente-a.nl")
    assert response.status_code == 403
    assert "niet meer actief" in response.get_data(as_text=True)
    assert failure_reasons() == ["account_inactive"]
    assert client.get("/mijn-leren").status_code == 302


@pytest.mark.parametrize("create_accounts", [False, True])
def test_an_account_in_another_organisation_is_never_matched(
    client, idp, provider, make, create_accounts
):
    provider.create_accounts = create_accounts
    db.session.commit()
    elsewhere = make.user(
        organisation=make.organisation("gemeente-b", "Gemeente B"), email="zelfde@example.nl"
    )
    response = sign_in(client, idp, email="zelfde@example.nl")
    assert response.status_code == 403
    # Says no more than "no account": it must not reveal that the address exists elsewhere.
    assert "Er is geen account voor je gevonden" in response.get_data(as_text=True)
    assert failure_reasons() == ["email_in_use" if create_accounts else "no_account"]
    assert audit_rows("auth.sso_login") == []
    assert db.session.scalars(sa.select(User.id)).all() == [elsewhere.id]
    assert client.get("/mijn-leren").status_code == 302


def test_a_tampered_state_is_refused(client, idp, provider, make):
    make.user(email="anna@gemeente-a.nl")
    sub = person_at_idp(idp, email="anna@gemeente-a.nl")
    callback = authorize(to_provider(client), sub)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    response = client.get(callback.replace(state, state[:-2] + "xx"))
    assert response.status_code == 400
    assert "Begin opnieuw" in response.get_data(as_text=True)
    assert failure_reasons() == ["bad_state"]
    assert client.get("/mijn-leren").status_code == 302


def test_an_id_token_for_another_sign_in_attempt_fails_on_its_nonce(client, idp, provider, make):
    """Two attempts in one browser: the code of the first, brought back with the second's state,
    yields an ID token whose nonce belongs to the first attempt."""
    make.user(email="anna@gemeente-a.nl")
    sub = person_at_idp(idp, email="anna@gemeente-a.nl")
    first = to_provider(client)
    second = to_provider(client)
    first_callback = authorize(first, sub)
    code = parse_qs(urlsplit(first_callback).query)["code"][0]
    second_state = parse_qs(urlsplit(second).query)["state"][0]
    assert parse_qs(urlsplit(first).query)["nonce"] != parse_qs(urlsplit(second).query)["nonce"]
    response = client.get(
        "/login/sso/gemeente-a/callback", query_string={"code": code, "state": second_state}
    )
    assert response.status_code == 400
    [failure] = audit_rows("auth.sso_login_failed")
    assert failure.detail["reason"] == "id_token_invalid"
    assert "nonce" in failure.detail["detail"]
    assert client.get("/mijn-leren").status_code == 302


def test_a_callback_url_replayed_later_or_elsewhere_is_refused(app, client, idp, provider, make):
    make.user(email="anna@gemeente-a.nl")
    sub = person_at_idp(idp, email="anna@gemeente-a.nl")
    callback = authorize(to_provider(client), sub)
    assert client.get(callback).headers["Location"] == "/mijn-leren"

    assert client.get(callback).status_code == 400  # the same browser, a second time
    thief = app.test_client()  # someone who copied the URL
    assert thief.get(callback).status_code == 400
    assert thief.get("/mijn-leren").status_code == 302
    assert failure_reasons() == ["bad_state", "bad_state"]
    assert len(audit_rows("auth.sso_login")) == 1


def test_an_authorization_code_used_once_cannot_be_used_again(app, client, idp, provider, make):
    """Even brought back with a fresh, valid state of another browser."""
    make.user(email="anna@gemeente-a.nl")
    sub = person_at_idp(idp, email="anna@gemeente-a.nl")
    callback = authorize(to_provider(client), sub)
    assert client.get(callback).headers["Location"] == "/mijn-leren"
    code = parse_qs(urlsplit(callback).query)["code"][0]
    other = app.test_client()
    state = parse_qs(urlsplit(to_provider(other)).query)["state"][0]
    response = other.get(
        "/login/sso/gemeente-a/callback", query_string={"code": code, "state": state}
    )
    assert response.status_code == 400
    assert failure_reasons() == ["token_refused"]
    assert other.get("/mijn-leren").status_code == 302


def test_cancelling_at_the_provider_is_refused_with_a_message(client, idp, provider):
    response = requests.post(
        to_provider(client), data={"action": "deny"}, allow_redirects=False, timeout=5
    )
    callback = urlsplit(response.headers["Location"])
    page = client.get(f"{callback.path}?{callback.query}")
    assert page.status_code == 400
    assert "afgebroken of geweigerd" in page.get_data(as_text=True)
    assert failure_reasons() == ["provider_refused"]


def test_the_next_page_survives_the_trip_to_the_provider(client, idp, provider, make):
    make.user(email="anna@gemeente-a.nl")
    sub = person_at_idp(idp, email="anna@gemeente-a.nl")
    callback = authorize(to_provider(client, next="/modules"), sub)
    assert client.get(callback).headers["Location"] == "/modules"


def test_an_unreachable_provider_gives_a_clear_page_not_a_crash(client, provider):
    provider.issuer = "http://localhost:9"  # discard port: nothing listens
    db.session.commit()
    response = client.get("/login/sso/gemeente-a")
    assert response.status_code == 502
    assert "niet bereikbaar" in response.get_data(as_text=True)
    assert failure_reasons() == ["provider_unreachable"]


@pytest.fixture
def impostor(idp):
    """A discovery document naming the real provider as its issuer, served from elsewhere."""
    document = requests.get(f"{idp}/.well-known/openid-configuration", timeout=5).content

    class Discovery(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Discovery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_discovery_document_for_another_issuer_is_not_trusted(client, provider, impostor):
    provider.issuer = impostor
    db.session.commit()
    response = client.get("/login/sso/gemeente-a")
    assert response.status_code == 502
    assert "niet bereikbaar" in response.get_data(as_text=True)
    assert failure_reasons() == ["issuer_mismatch"]


def test_a_missing_client_secret_is_reported_not_crashed_on(client, provider, monkeypatch):
    monkeypatch.delenv(SECRET_ENV)
    response = client.get("/login/sso/gemeente-a")
    assert response.status_code == 503
    assert "niet goed ingesteld" in response.get_data(as_text=True)
    assert failure_reasons() == ["secret_missing"]


def raw_token(idp: str, client_id: str, nonce: str, sub: str) -> dict:
    """An authorization-code exchange done by hand, for checking ID-token validation."""
    redirect_uri = "http://127.0.0.1:5000/callback"
    response = requests.post(
        f"{idp}/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email",
            "state": "s",
            "nonce": nonce,
        },
        data={"sub": sub},
        allow_redirects=False,
        timeout=5,
    )
    code = parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{idp}/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        auth=(client_id, "x"),
        timeout=5,
    )
    return token.json()


def test_an_id_token_with_a_broken_signature_is_refused(app, idp, provider):
    token = raw_token(idp, CLIENT_ID, "n1", person_at_idp(idp, email="a@gemeente-a.nl"))
    header, payload, signature = token["id_token"].split(".")
    flipped = bytearray(base64.urlsafe_b64decode(signature + "=="))
    flipped[0] ^= 1
    token["id_token"] = ".".join(
        [header, payload, base64.urlsafe_b64encode(flipped).rstrip(b"=").decode()]
    )
    with app.test_request_context():
        client = oidc.client_for(provider)
        with pytest.raises(BadSignatureError):
            client.parse_id_token(token, "n1", claims_options=oidc.id_token_rules(provider))


def test_only_rs256_signatures_are_accepted_whatever_the_provider_advertises(app, idp, provider):
    token = raw_token(idp, CLIENT_ID, "n1", person_at_idp(idp, email="a@gemeente-a.nl"))
    _, payload, _ = token["id_token"].split(".")
    unsigned = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    token["id_token"] = f"{unsigned}.{payload}."
    with app.test_request_context():
        client = oidc.client_for(provider)
        assert client.load_server_metadata()["id_token_signing_alg_values_supported"] == ["RS256"]
        with pytest.raises(JoseError):
            client.parse_id_token(token, "n1", claims_options=oidc.id_token_rules(provider))


def test_an_id_token_meant_for_another_client_is_refused(app, idp, provider):
    token = raw_token(idp, "another-app", "n1", person_at_idp(idp, email="a@gemeente-a.nl"))
    with app.test_request_context():
        client = oidc.client_for(provider)
        with pytest.raises(InvalidClaimError, match="aud"):
            client.parse_id_token(token, "n1", claims_options=oidc.id_token_rules(provider))
        # The same token passes for its own audience: the test can tell the difference.
        provider.client_id = "another-app"
        claims = oidc.client_for(provider).parse_id_token(
            token, "n1", claims_options=oidc.id_token_rules(provider)
        )
        assert claims["email"] == "a@gemeente-a.nl"
    db.session.rollback()


def test_failed_callbacks_are_audited_and_rate_limited(client, provider, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ADDRESS", "3 per minute")
    codes = [
        client.get("/login/sso/gemeente-a/callback?code=x&state=y").status_code for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    assert failure_reasons() == ["bad_state"] * 3


# The service, with plain arguments.


@pytest.mark.parametrize(
    ("locale", "language"),
    [("nl", "nl"), ("nl-NL", "nl"), ("en", "en"), ("en_GB", "en"), ("de-DE", "nl"), (None, "nl")],
)
def test_the_language_follows_the_locale_claim_when_it_is_dutch_or_english(locale, language):
    assert sso.language_from_locale(locale) == language


def test_a_pseudonymised_account_is_refused_even_if_marked_active(provider, make):
    user = make.user(email="oud@gemeente-a.nl")
    user.pseudonymised_at = utcnow()
    db.session.commit()
    with pytest.raises(sso.SsoRefused) as refused:
        sso.sign_in(provider, {"sub": "x", "email": "oud@gemeente-a.nl"})
    assert refused.value.reason == "account_inactive"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"sub": "x"}, "claim_missing"),
        ({"sub": "x", "email": "geen-adres"}, "claim_invalid"),
        ({"sub": "x", "email": "a@gemeente-a.nl", "email_verified": False}, "email_unverified"),
    ],
)
def test_claims_that_do_not_identify_someone_are_refused(provider, claims, reason):
    provider.create_accounts = True
    with pytest.raises(sso.SsoRefused) as refused:
        sso.sign_in(provider, claims)
    assert refused.value.reason == reason


def test_the_employee_number_claim_is_required_when_it_is_the_match_claim(provider):
    provider.match_claim = "employee_number"
    with pytest.raises(sso.SsoRefused) as refused:
        sso.sign_in(provider, {"sub": "x", "email": "a@gemeente-a.nl"})
    assert refused.value.detail == {"claim": "employee_number"}


# The CLI.


def test_flask_sso_add_and_list(runner, make, monkeypatch):
    make.organisation()
    monkeypatch.setenv("GA_SSO_SECRET", "x")
    result = runner.invoke(
        args=[
            "sso", "add", "gemeente-a",
            "--issuer", "https://login.gemeente-a.nl/realms/medewerkers/",
            "--client-id", "geletterd",
            "--client-secret-env", "GA_SSO_SECRET",
            "--name", "Gemeente A (medewerkers)",
            "--match-claim", "employee_number",
            "--create-accounts",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "/login/sso/gemeente-a/callback" in result.output
    provider = db.session.scalar(sa.select(IdentityProvider))
    assert provider.issuer == "https://login.gemeente-a.nl/realms/medewerkers"
    assert provider.match_claim == "employee_number" and provider.create_accounts
    listing = runner.invoke(args=["sso", "list"]).output
    assert "gemeente-a" in listing and "GA_SSO_SECRET (set)" in listing
    assert "x" not in listing.split("GA_SSO_SECRET")[1].split("\t")[0]  # never the secret


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--issuer", "http://login.example.nl"], "must be an https URL"),
        (["--client-secret-env", "geheim wachtwoord"], "NAME of an environment variable"),
    ],
)
def test_flask_sso_add_refuses_bad_settings(runner, make, args, message):
    make.organisation()
    defaults = {
        "--issuer": "https://login.example.nl",
        "--client-id": "geletterd",
        "--client-secret-env": "GA_SSO_SECRET",
    }
    defaults.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = runner.invoke(
        args=["sso", "add", "gemeente-a", *[item for pair in defaults.items() for item in pair]]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(IdentityProvider)) is None
