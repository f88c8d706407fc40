"""Passkeys in a real Chromium with its virtual authenticator (DevTools WebAuthn domain): adding
one on the account page and signing in with it, and the page without JavaScript."""

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_learner_journey import PASSWORD, assert_accessible, log_in


@pytest.fixture
def site(live_server, app, monkeypatch):
    """The live server as http://localhost:port: a passkey's site (RP id) must be a host name,
    Chromium refuses an IP address."""
    origin = live_server.replace("127.0.0.1", "localhost")
    monkeypatch.setitem(app.config, "WEBAUTHN_RP_ID", "localhost")
    monkeypatch.setitem(app.config, "WEBAUTHN_ORIGINS", origin)
    return origin


@pytest.fixture
def passkey_page(browser, site):
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield page
    context.close()


def test_a_learner_adds_a_passkey_and_signs_in_with_it(passkey_page, make):
    page = passkey_page
    user = make.user(name="Özlem Çelik-de Vries", second_factor=True)
    log_in(page, user)
    page.goto("/account/toegangssleutels")
    assert not page.get_by_text("Toevoegen kan alleen in een browser").is_visible()
    page.get_by_label("Naam van de toegangssleutel").fill("Beveiligingssleutel werk")
    page.get_by_role("button", name="Toegangssleutel toevoegen").click()
    page.get_by_text("Je toegangssleutel is toegevoegd.").wait_for()
    listed = page.locator(".passkey-list").get_by_text("Beveiligingssleutel werk", exact=True)
    assert listed.is_visible()
    assert_accessible(page, "passkeys", screenshot="passkeys")

    page.get_by_role("button", name="Uitloggen").click()
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/login/code")
    assert_accessible(page, "second step with a passkey", screenshot="passkey-sign-in")
    page.get_by_role("button", name="Gebruik je toegangssleutel").click()
    page.wait_for_url("**/mijn-leren")


def test_without_javascript_the_page_says_why_adding_is_not_possible(browser, live_server, make):
    context = browser.new_context(
        base_url=live_server, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        log_in(page, make.user(second_factor=True))
        page.goto("/account/toegangssleutels")
        assert page.get_by_text("Toevoegen kan alleen in een browser").is_visible()
        assert not page.get_by_role("button", name="Toegangssleutel toevoegen").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "passkeys-no-js-phone.png"), full_page=True)
    finally:
        context.close()


def test_a_learner_renews_recovery_codes_and_switches_the_second_factor_off(page, make):
    user = make.user(second_factor=True)
    log_in(page, user)
    page.goto("/account/tweestapsverificatie")
    assert_accessible(page, "second factor status", screenshot="mfa-status")
    page.get_by_role("link", name="Nieuwe herstelcodes maken").click()
    page.get_by_label("Je wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Nieuwe herstelcodes maken").click()
    page.get_by_text("De oude werken niet meer.").wait_for()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
    page.get_by_role("link", name="Tweestapsverificatie uitzetten").click()
    assert_accessible(page, "switch off", screenshot="mfa-switch-off")
    page.get_by_label("Je wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Tweestapsverificatie uitzetten").click()
    page.get_by_text("Tweestapsverificatie staat uit.").first.wait_for()
    assert page.url.endswith("/account")
