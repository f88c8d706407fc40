"""In a real browser: an admin lands on the admin start page, makes an account (the new person
gets a mail to choose a password), sends a password link, makes an API token with an expiry
date and a note, and reads the audit log in words, filtered by person, kind and date; axe-core
checks every page at desktop and phone widths."""

import datetime as dt
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from babel.dates import format_date

from app.extensions import db
from app.models import ApiToken, Role, User
from tests.browser.test_hr_journey import fits_the_phone, sign_in
from tests.browser.test_learner_journey import assert_accessible
from tests.mail.conftest import smtp  # noqa: F401 - the fixture: a real SMTP server for the test


def test_an_admin_makes_an_account_a_token_and_reads_the_audit_log(page, make, smtp):  # noqa: F811
    organisation = make.organisation()
    make.unit(organisation, "TEAM")
    admin = make.user(Role.ADMIN, email="admin@example.org", name="Ad Min")

    sign_in(page, admin, "/admin/")
    assert page.get_by_role("heading", level=1).inner_text() == "Beheer"
    assert page.locator("main").get_by_role("link", name="Mijn leren").count() == 1
    assert_accessible(page, "beheer start")

    page.get_by_role("link", name="Nieuw account").first.click()
    assert_accessible(page, "nieuw account")
    page.get_by_label("Naam", exact=True).fill("Tineke Trainer")
    page.get_by_label("E-mailadres").fill("Tineke@Example.org")
    page.get_by_label("Afdeling").select_option(label="Unit TEAM")
    page.get_by_label("trainer").check()
    page.get_by_role("button", name="Account maken").click()
    main = page.inner_text("main")
    assert "Het account van Tineke Trainer is gemaakt." in main
    assert "tineke@example.org krijgt een e-mail met een link" in main
    person = db.session.scalar(sa.select(User).where(User.email == "tineke@example.org"))
    assert person.roles == {"learner", "trainer"} and person.password_hash is None
    welcome = smtp.to("tineke@example.org")[0]
    assert welcome["Subject"] == "Je account bij Geletterd"
    link = re.search(r"http\S+/wachtwoord-herstellen/\S+", welcome.get_content()).group(0)
    assert_accessible(page, "account")

    page.get_by_role("button", name="Stuur link om een wachtwoord te kiezen").click()
    assert "krijgt een e-mail met een link" in page.inner_text("main")
    assert len(smtp.to("tineke@example.org")) == 2

    page.get_by_role("link", name="API-sleutels").click()
    page.get_by_label("Naam van de sleutel").fill("AFAS")
    page.get_by_label("Waarvoor is de sleutel").fill("Leest de voortgang voor AFAS; beheer: ICT")
    expires = dt.date.today() + dt.timedelta(days=90)
    page.get_by_label("Geldig tot en met").fill(expires.isoformat())
    page.get_by_role("button", name="Sleutel maken").click()
    assert "glt_" in page.locator("code.token").inner_text()
    token = db.session.scalar(sa.select(ApiToken))
    assert token.expires_on == expires and token.note.startswith("Leest de voortgang")
    assert format_date(expires, "d MMMM y", locale="nl") in page.inner_text("main")
    assert_accessible(page, "api-sleutels")

    page.get_by_role("link", name="Logboek").click()
    log = page.locator(".audit-list").inner_text()
    assert "Account van Tineke Trainer gemaakt door Ad Min" in log
    assert "Ad Min stuurde Tineke Trainer een link om een wachtwoord te kiezen" in log
    assert "API-sleutel ‘AFAS’ gemaakt door Ad Min" in log
    assert fits_the_phone(page)
    assert_accessible(page, "logboek")

    page.get_by_label("Wie (naam of e-mailadres)").fill("tineke")
    page.get_by_label("Soort actie").select_option(label="Accounts en rechten")
    page.get_by_label("Vanaf").fill(dt.date.today().isoformat())
    page.get_by_label("Tot en met").fill(dt.date.today().isoformat())
    page.get_by_role("button", name="Filteren").click()
    log = page.locator(".audit-list").inner_text()
    assert "Account van Tineke Trainer gemaakt" in log and "API-sleutel" not in log
    assert "logde in" not in log
    assert_accessible(page, "logboek gefilterd")
    page.get_by_label("Vanaf").fill((dt.date.today() + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Tot en met").fill("")
    page.get_by_role("button", name="Filteren").click()
    assert "Geen gebeurtenissen gevonden." in page.inner_text("main")

    page.get_by_role("button", name="Uitloggen").click()
    page.goto(urlsplit(link).path)  # the mail names PUBLIC_BASE_URL; the test server runs elsewhere
    page.get_by_label("Nieuw wachtwoord (minstens 12 tekens)").fill("een lang nieuw wachtwoord")
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill("een lang nieuw wachtwoord")
    page.locator("main form button[type=submit]").click()
    assert "Je wachtwoord is gewijzigd" in page.inner_text("main")
