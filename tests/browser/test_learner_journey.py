"""In a real browser: a learner's journey, by mouse and by keyboard alone, with axe-core checking
WCAG 2.0/2.1 A and AA on every page, in Dutch and English, at desktop and phone widths."""

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.extensions import db
from app.models import Certificate
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PASSWORD, next_code
from tests.learn.helpers import answer_fields, open_attempt

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def assert_accessible(page, label: str, screenshot: str | None = None) -> None:
    """Runs axe-core at desktop and phone width; fails listing rule, element and page."""
    from axe_playwright_python.sync_playwright import Axe

    problems = []
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        for violation in result.response["violations"]:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            problems.append(
                f"{label} ({name}) {page.url}: {violation['id']} "
                f"({violation['impact']}): {violation['help']} at {targets[:3]}"
            )
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{screenshot}-{name}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    assert problems == [], "\n".join(problems)


def log_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    if "/login/code" in page.url:  # trainers, HR and admins: the code from their app
        page.get_by_label("Code uit de app").fill(next_code(user.id))
        page.get_by_role("button", name="Inloggen").click()
    # Learners land on Mijn leren, HR on /hr/, admins on /admin/.
    page.wait_for_url(lambda url: "/login" not in url)


def answer_in_browser(page, fields: dict) -> None:
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        if name == "answer":
            for one in values:
                page.locator(f'input[name="answer"][value="{one}"]').check()
        else:
            page.locator(f'select[name="{name}"]').select_option(values[0])


def test_a_learner_reads_a_module_passes_the_quiz_and_gets_a_certificate(page, learner):
    page.goto("/")
    assert_accessible(page, "start", screenshot="start")
    page.get_by_role("link", name="Bekijk alle modules").click()
    page.get_by_label("Zoek een module").fill("model")
    page.get_by_label("Zoek een module").press("Enter")
    page.wait_for_url("**/modules?q=model")
    assert "1 module gevonden" in page.inner_text("main")
    assert_accessible(page, "catalogus (zoeken)")
    page.get_by_role("link", name="Inloggen").first.click()
    page.wait_for_url("**/login")
    assert page.title().startswith("Inloggen")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert_accessible(page, "login", screenshot="login")

    log_in(page, learner)
    assert_accessible(page, "mijn leren (leeg)", screenshot="mijn-leren")
    page.get_by_role("link", name="Alle modules").click()
    assert_accessible(page, "catalogus", screenshot="catalogus")

    page.get_by_role("link", name="Proefmodule over AI").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Proefmodule over AI"
    assert_accessible(page, "module")
    page.get_by_role("link", name="Begin met de eerste les").click()
    assert_accessible(page, "les", screenshot="les")
    page.get_by_role("button", name="Gelezen, naar de volgende les").click()
    page.get_by_role("button", name="Gelezen, les afronden").click()
    page.wait_for_url("**/modules/proef#afronden")

    page.get_by_role("link", name="Maak de toets").click()
    assert_accessible(page, "toets")
    page.get_by_role("button", name="Start de toets").click()
    attempt = open_attempt(learner.id)
    for index in range(len(attempt.draw)):
        assert_accessible(page, f"vraag {index + 1}", screenshot="vraag" if index == 0 else None)
        answer_in_browser(page, answer_fields(attempt, index, right=True))
        last = index + 1 == len(attempt.draw)
        name = "Opslaan en naar het overzicht" if last else "Opslaan en volgende"
        page.get_by_role("button", name=name).click()
    assert_accessible(page, "overzicht")
    page.get_by_role("button", name="Toets inleveren").click()
    assert "Je score: 100\u00a0%" in page.inner_text("main")
    assert_accessible(page, "uitslag", screenshot="uitslag")
    # The next steps: the path is complete, so its certificate comes first.
    assert page.get_by_role("link", name="Download je certificaat").is_visible()
    assert page.get_by_role(
        "link", name="Download het certificaat van Basis voor iedereen"
    ).is_visible()
    page.get_by_role("link", name="Terug naar de module").click()
    assert "Je hebt deze module afgerond op" in page.inner_text("main")
    assert_accessible(page, "module (afgerond)")

    page.get_by_role("link", name="Mijn leren", exact=True).click()
    assert "Afgerond" in page.inner_text("main")
    with page.expect_download() as english:
        page.locator('section[aria-labelledby="certs"]').get_by_role(
            "link", name="English"
        ).first.click()
    assert english.value.suggested_filename.startswith("certificate-")
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "path"))
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Basis voor iedereen ({certificate.serial}, PDF)").click()
    assert download.value.suggested_filename == f"certificaat-{certificate.serial}.pdf"
    assert_accessible(page, "mijn leren (afgerond)")

    page.goto(f"/verify/{certificate.code}")
    assert "Geldig" in page.inner_text("main")
    assert_accessible(page, "verificatie", screenshot="verificatie")
    page.goto("/mijn-gegevens")
    assert_accessible(page, "mijn gegevens")

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    for path in (
        "/mijn-leren",
        "/modules",
        "/modules/proef",
        "/modules/proef/01-what-is-a-model",
        f"/verify/{certificate.code}",
        "/mijn-gegevens",
        "/bestaat-niet",
    ):
        page.goto(path)
        assert_accessible(page, f"English {path}")


def wait_for_path(page, path: str) -> None:
    """Waits until the address is `path` ("*" matches one segment), whatever the fragment."""
    pattern = re.compile("^" + re.escape(path).replace(r"\*", "[^/]+") + "$")
    page.wait_for_url(lambda url: bool(pattern.match(urlsplit(url).path)))


def press_and_follow(page, key: str) -> None:
    """Presses a key that submits a form or follows a link, and waits for the new page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def focused(page) -> dict:
    return page.evaluate(
        "() => ({tag: document.activeElement.tagName, id: document.activeElement.id,"
        " text: (document.activeElement.innerText || document.activeElement.value || '').trim(),"
        " name: document.activeElement.name || ''})"
    )


def tab_to(page, matches, limit: int = 60) -> dict:
    """Presses Tab until the focused element satisfies `matches`; fails if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"focus never reached the element; last: {focused(page)}")


def test_the_same_journey_works_with_the_keyboard_alone(page, learner):
    page.goto("/login")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Naar de inhoud"  # the skip link comes first
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    tab_to(page, lambda e: e["id"] == "email")
    page.keyboard.type(learner.email)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    press_and_follow(page, "Enter")
    wait_for_path(page, "/mijn-leren")

    tab_to(page, lambda e: e["text"].startswith("Beginnen"))
    press_and_follow(page, "Enter")
    wait_for_path(page, "/modules/proef")
    tab_to(page, lambda e: e["text"] == "Begin met de eerste les")
    press_and_follow(page, "Enter")
    wait_for_path(page, "/modules/proef/01-wat-is-een-model")
    tab_to(page, lambda e: e["text"] == "Gelezen, naar de volgende les")
    press_and_follow(page, "Space")
    wait_for_path(page, "/modules/proef/02-mens-beslist")
    tab_to(page, lambda e: e["text"] == "Gelezen, les afronden")
    press_and_follow(page, "Enter")
    wait_for_path(page, "/modules/proef")

    tab_to(page, lambda e: e["text"] == "Maak de toets")
    press_and_follow(page, "Enter")
    tab_to(page, lambda e: e["text"] == "Start de toets")
    press_and_follow(page, "Enter")
    wait_for_path(page, "/toets/*/1")
    attempt = open_attempt(learner.id)
    for index in range(len(attempt.draw)):
        fields = answer_fields(attempt, index, right=True)
        answer_by_keyboard(page, fields)
        last = index + 1 == len(attempt.draw)
        label = "Opslaan en naar het overzicht" if last else "Opslaan en volgende"
        tab_to(page, lambda e, label=label: e["text"] == label)
        press_and_follow(page, "Enter")
    tab_to(page, lambda e: e["text"] == "Toets inleveren")
    press_and_follow(page, "Enter")
    wait_for_path(page, "/toets/*/resultaat")
    assert "Je score: 100\u00a0%" in page.inner_text("main")


def answer_by_keyboard(page, fields: dict) -> None:
    """Radios with arrow keys, checkboxes with Space, selects by typing the option."""
    for name, value in fields.items():
        if name != "answer":
            tab_to(page, lambda e, name=name: e["name"] == name)
            page.keyboard.type(str(value))
            continue
        wanted = {str(v) for v in (value if isinstance(value, list) else [value])}
        first = tab_to(page, lambda e: e["name"] == "answer")
        kind = page.evaluate("() => document.activeElement.type")
        if kind == "radio":
            for _ in range(10):
                current = page.evaluate("() => document.activeElement.value")
                if current in wanted:
                    page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
            assert page.evaluate("() => document.activeElement.checked")
        else:
            element = first
            while element["name"] == "answer":
                if page.evaluate("() => document.activeElement.value") in wanted:
                    page.keyboard.press("Space")
                page.keyboard.press("Tab")
                element = focused(page)
            page.keyboard.press("Shift+Tab")
