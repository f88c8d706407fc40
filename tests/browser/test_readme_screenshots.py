"""`make screenshots`: the README's pictures, taken of the real course and the demo organisation
that `make run` loads. Skipped by `make test`, which must not change tracked files; this writes
into docs/screenshots (SCREENSHOT_DIR) on purpose."""

import os
from pathlib import Path

import pytest

from app.content.loader import Loader
from app.content.publish import sync
from app.demo import DEMO_PASSWORD
from app.demo.seed import load_demo_data
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_learner_journey import DESKTOP, PHONE

pytestmark = pytest.mark.skipif(
    not os.environ.get("GELETTERD_README_SCREENSHOTS"),
    reason="the README's screenshots are refreshed on purpose: make screenshots",
)
REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(app):
    """The real course and the demo organisation, as `make run` has them."""
    sync(Loader(REPOSITORY).load())
    load_demo_data()


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def shoot(page, name: str, size: dict) -> None:
    page.set_viewport_size(size)
    page.evaluate("document.fonts.ready.then(() => true)")  # the bundled fonts, not fallbacks
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=size is PHONE)


def test_the_readme_screenshots(page, demo):
    page.goto("/")
    shoot(page, "start-desktop", DESKTOP)
    sign_in(page, "leerling@example.org")
    page.goto("/modules/wat-is-ai")
    page.get_by_role("link", name="Begin met de eerste les").click()
    page.get_by_role("button", name="Gelezen, naar de volgende les").click()
    shoot(page, "les-desktop", DESKTOP)
    page.goto("/mijn-leren")
    shoot(page, "mijn-leren-desktop", DESKTOP)
    page.goto("/modules")
    shoot(page, "catalogus-desktop", DESKTOP)
    page.goto("/modules/wat-is-ai/toets")
    page.get_by_role("button", name="Start de toets").click()
    choices = page.locator('input[name="answer"]')
    if choices.count():
        choices.first.check()  # the chosen answer shows as chosen
    page.mouse.move(0, 0)
    shoot(page, "vraag-phone", PHONE)
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Uitloggen").click()
    sign_in(page, "hr@example.org")
    page.goto("/hr/")
    shoot(page, "hr-dashboard-desktop", DESKTOP)
