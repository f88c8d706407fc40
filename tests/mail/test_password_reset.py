"""Password reset by email: the same answer for known and unknown addresses; a link that works
once and expires; all other sessions end."""

import re
import time

from app.auth import password_reset
from tests.conftest import Auth, csrf_token

NEW_PASSWORD = "een lange nieuwe zin als wachtwoord"


def request_reset(client, email: str):
    token = csrf_token(client, "/wachtwoord-vergeten")
    return client.post(
        "/wachtwoord-vergeten", data={"email": email, "csrf_token": token}, follow_redirects=True
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+/wachtwoord-herstellen/\S+", message.get_content()).group(0)


def test_known_and_unknown_addresses_get_the_same_answer(client, smtp, make):
    user = make.user()
    known = request_reset(client, user.email).get_data(as_text=True)
    unknown = request_reset(client, "niemand@example.org").get_data(as_text=True)
    message = "Als dit e-mailadres bij ons bekend is"
    assert message in known and message in unknown
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == user.email


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(app, client, smtp, make):
    user = make.user()
    elsewhere = Auth(app.test_client())
    elsewhere.login(user)
    assert elsewhere.client.get("/mijn-leren").status_code == 200
    request_reset(client, user.email)
    path = "/" + link_in(smtp.messages[0]).split("/", 3)[3]
    token = csrf_token(client, path)
    short = client.post(path, data={"password": "kort", "confirm": "kort", "csrf_token": token})
    assert short.status_code == 400 and "minstens 12 tekens" in short.get_data(as_text=True)
    done = client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    )
    assert done.status_code == 302
    assert elsewhere.client.get("/mijn-leren").status_code == 302  # signed out everywhere
    assert Auth(app.test_client()).login(user, NEW_PASSWORD).status_code == 302
    again = client.get(path)
    assert again.status_code == 400 and "verlopen of al gebruikt" in again.get_data(as_text=True)


def test_an_expired_or_forged_link_does_not_work(client, make, monkeypatch):
    user = make.user()
    token = password_reset.make_token(user)
    assert client.get(f"/wachtwoord-herstellen/{token}").status_code == 200
    assert client.get(f"/wachtwoord-herstellen/{token[:-2]}xx").status_code == 400
    later = time.time() + password_reset.MAX_AGE_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(f"/wachtwoord-herstellen/{token}").status_code == 400
