"""Signing in and out, "next" redirects, session renewal, roles and HR scope."""

import pytest
import sqlalchemy as sa

from app.auth.decorators import can_see_person
from app.auth.routes import safe_next_url
from app.extensions import db
from app.models import AuditEvent, HrScope, Role
from app.security import trust_reverse_proxies
from tests.conftest import PASSWORD, csrf_token


def test_login_page_is_dutch_by_default_with_a_switch_to_english(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl"' in page
    assert "Inloggen" in page
    assert 'value="en"' in page


def test_a_learner_can_log_in_and_lands_on_my_learning(auth, make):
    user = make.user()
    response = auth.login(user)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mijn-leren")
    page = auth.client.get("/mijn-leren").get_data(as_text=True)
    assert "Mijn leren" in page and user.name in page


def test_email_is_matched_case_insensitively(auth, make):
    user = make.user(email="Anna.Jansen@Example.org")
    assert user.email == "anna.jansen@example.org"
    assert auth.login("ANNA.JANSEN@example.ORG").status_code == 302


def test_a_wrong_password_gives_one_message_that_does_not_say_which_part_was_wrong(auth, make):
    user = make.user()
    wrong = auth.login(user, "not the password").get_data(as_text=True)
    unknown = auth.login("nobody@example.org", "whatever").get_data(as_text=True)
    assert "E-mailadres of wachtwoord klopt niet" in wrong
    assert "E-mailadres of wachtwoord klopt niet" in unknown
    failures = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
    ).all()
    assert len(failures) == 2


def test_an_inactive_account_cannot_log_in(auth, make):
    user = make.user()
    user.active = False
    db.session.commit()
    assert auth.login(user).status_code == 400


def test_login_without_csrf_token_is_refused(client, make):
    user = make.user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/mijn-leren").status_code == 302  # still not signed in


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/modules", "/modules"),
        ("/mijn-leren?x=1", "/mijn-leren?x=1"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
        ("/ok\r\nSet-Cookie: x", None),
    ],
)
def test_next_only_redirects_within_our_site(target, expected):
    assert safe_next_url(target) == expected


def test_login_follows_a_safe_next_and_ignores_an_unsafe_one(client, make):
    user = make.user()
    token = csrf_token(client)
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"].endswith("/mijn-leren")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/mijn-leren")})
    token = csrf_token(client)
    response = client.post("/login?next=/modules", data={**data, "csrf_token": token})
    assert response.headers["Location"].endswith("/modules")


def test_the_session_is_renewed_at_login(client, make):
    """Is a value planted in the session before login gone after it (no session fixation)?"""
    user = make.user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    token = csrf_token(client)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:")


def test_logout_ends_the_session(auth, make):
    auth.login(make.user())
    response = auth.post("/logout")
    assert response.status_code == 302
    assert auth.client.get("/mijn-leren").status_code == 302


def test_a_copy_of_the_session_cookie_is_worthless_after_logout(auth, make, app):
    """Can someone who copied the cookie before the owner signed out still get in? (ASVS 7.4.1)"""
    auth.login(make.user())
    stolen = app.test_client()
    cookie = auth.client.get_cookie("session")
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/mijn-leren").status_code == 200
    assert auth.post("/logout").status_code == 302
    assert stolen.get("/mijn-leren").status_code == 302


def test_renewing_the_session_token_signs_out_existing_sessions(auth, make):
    user = make.user()
    auth.login(user)
    assert auth.client.get("/mijn-leren").status_code == 200
    user.renew_session_token()
    db.session.commit()
    assert auth.client.get("/mijn-leren").status_code == 302


def test_language_switch_is_kept_on_the_account(auth, make):
    user = make.user()
    auth.login(user)
    auth.post("/language", {"language": "en", "next": "/mijn-leren"})
    db.session.refresh(user)
    assert user.language == "en"
    page = auth.client.get("/mijn-leren").get_data(as_text=True)
    assert '<html lang="en"' in page and "My learning" in page


def test_language_switch_is_kept_in_the_session_when_logged_out(client):
    token = csrf_token(client)
    client.post("/language", data={"language": "en", "csrf_token": token})
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)


def test_error_pages_speak_the_readers_language(client):
    assert "Pagina niet gevonden" in client.get("/bestaat-niet").get_data(as_text=True)
    token = csrf_token(client)
    client.post("/language", data={"language": "en", "csrf_token": token})
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_hr_sees_only_people_in_their_unit_subtree(make):
    organisation = make.organisation()
    root = make.unit(organisation, "ROOT")
    team_a = make.unit(organisation, "A", parent=root)
    team_a1 = make.unit(organisation, "A1", parent=team_a)
    team_b = make.unit(organisation, "B", parent=root)
    hr = make.user(Role.HR, unit=team_a)
    db.session.add(HrScope(user_id=hr.id, unit_id=team_a.id))
    db.session.commit()
    inside, deeper, outside = (
        make.user(unit=team_a),
        make.user(unit=team_a1),
        make.user(unit=team_b),
    )
    other_organisation = make.organisation("gemeente-b", "Gemeente B")
    stranger = make.user(organisation=other_organisation, unit=make.unit(other_organisation, "A"))
    assert can_see_person(hr, inside) and can_see_person(hr, deeper)
    assert not can_see_person(hr, outside)
    assert not can_see_person(hr, stranger)
    admin = make.user(Role.ADMIN)
    assert can_see_person(admin, outside) and not can_see_person(admin, stranger)


def test_users_create_command_makes_an_account_that_can_log_in(runner, auth, make):
    make.organisation("gemeente-a")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "New.Person@example.org",
            "--name",
            "Nieuwe Persoon",
            "--organisation",
            "gemeente-a",
            "--role",
            "hr",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "hr" in result.output and "learner" in result.output
    assert auth.login("new.person@example.org", "long enough password").status_code == 302


def test_users_create_refuses_a_short_password_and_a_duplicate_email(runner, make):
    make.user(email="taken@example.org")
    args = ["users", "create", "--name", "X", "--organisation", "gemeente-a"]
    short = runner.invoke(args=[*args, "--email", "x@example.org", "--password", "short"])
    assert short.exit_code != 0 and "at least 12" in short.output
    taken = runner.invoke(args=[*args, "--email", "TAKEN@example.org", "--password", "x" * 12])
    assert taken.exit_code != 0 and "already exists" in taken.output


def test_failed_logins_are_throttled_per_account(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ACCOUNT", "3 per 15 minutes")
    user = make.user()
    statuses = []
    for _ in range(5):
        token = csrf_token(client)
        statuses.append(
            client.post(
                "/login", data={"email": user.email, "password": "wrong", "csrf_token": token}
            ).status_code
        )
    assert statuses == [400, 400, 400, 429, 429]
    token = csrf_token(client)
    blocked = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429  # even the right password waits
    other = make.user()
    token = csrf_token(client)
    assert (
        client.post(
            "/login", data={"email": other.email, "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )


def test_failed_logins_are_throttled_per_address(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ADDRESS", "4 per 15 minutes")
    statuses = []
    for number in range(6):
        token = csrf_token(client)
        statuses.append(
            client.post(
                "/login",
                data={"email": f"x{number}@example.org", "password": "wrong", "csrf_token": token},
            ).status_code
        )
    assert statuses[:4] == [400] * 4 and statuses[4:] == [429, 429]


def test_successful_logins_do_not_count(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ACCOUNT", "2 per 15 minutes")
    user = make.user()
    for _ in range(4):
        token = csrf_token(client)
        assert (
            client.post(
                "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
            ).status_code
            == 302
        )
        client.post("/logout", data={"csrf_token": csrf_token(client, "/mijn-leren")})


def test_an_idle_session_is_signed_out(auth, make, monkeypatch):
    import time

    auth.login(make.user())
    assert auth.client.get("/mijn-leren").status_code == 200
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = auth.client.get("/mijn-leren")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "niet actief" in auth.client.get("/login").get_data(as_text=True)


def test_a_session_ends_after_the_absolute_limit_even_when_active(auth, make, monkeypatch):
    import time

    auth.login(make.user())
    # A second on: the clock never runs behind the cookie's own timestamp, and the session is
    # then at most a second younger than the minutes below say.
    start = time.time() + 1
    for minutes in range(0, 10 * 60, 25):  # a request every 25 minutes, never idle
        monkeypatch.setattr(time, "time", lambda minutes=minutes: start + minutes * 60)
        assert auth.client.get("/mijn-leren").status_code == 200, minutes
    monkeypatch.setattr(time, "time", lambda: start + (10 * 60 + 5) * 60)
    assert auth.client.get("/mijn-leren").status_code == 302  # past the 10-hour limit


def _fail_login_from(client, address: str, number: int) -> int:
    token = csrf_token(client)
    return client.post(
        "/login",
        data={"email": f"y{number}@example.org", "password": "wrong", "csrf_token": token},
        headers={"X-Forwarded-For": address},
    ).status_code


def test_behind_a_trusted_proxy_throttling_and_audit_use_the_forwarded_address(
    client, app, monkeypatch
):
    """Behind nginx, is each visitor throttled and logged by their own address, not nginx's?"""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ADDRESS", "4 per 15 minutes")
    monkeypatch.setitem(app.config, "TRUSTED_PROXY_COUNT", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # restored after the test
    trust_reverse_proxies(app)
    statuses = [_fail_login_from(client, "198.51.100.7", n) for n in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert _fail_login_from(client, "203.0.113.9", 9) == 400  # another visitor is not blocked
    addresses = set(db.session.scalars(sa.select(AuditEvent.ip)))
    assert addresses == {"198.51.100.7", "203.0.113.9"}


def test_without_a_trusted_proxy_a_forged_forwarded_for_header_is_ignored(client, app, monkeypatch):
    """Can a visitor dodge the per-address limit by sending X-Forwarded-For themselves?"""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ADDRESS", "4 per 15 minutes")
    statuses = [_fail_login_from(client, f"192.0.2.{n}", n) for n in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
