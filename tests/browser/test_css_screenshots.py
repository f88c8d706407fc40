"""Screenshots of a set of pages at 1280 and 390 px, to compare before and after a change to the
CSS (scripts/prune_vendor_css.py): `CSS_SCREENSHOTS=tmp/css CSS_BEFORE=main pytest tests/browser/
test_css_screenshots.py` takes each page with the checkout's CSS into tmp/css and, on the same
page (the same quiz question), with the vendor CSS of git revision main into tmp/css-before;
`python bench/compare_screenshots.py tmp/css-before tmp/css` then compares them. Skipped unless
asked."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.browser.test_readme_screenshots import demo, sign_in  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(
    not os.environ.get("CSS_SCREENSHOTS"), reason="taken on purpose: set CSS_SCREENSHOTS"
)
SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
REPOSITORY = Path(__file__).resolve().parents[2]
VENDOR_CSS = ("vendor/utrecht/component-library.css", "vendor/voorbeeld-tokens/theme.css")
SWAP = """([from, to]) => Promise.all([...document.querySelectorAll('link[rel=stylesheet]')]
  .filter(link => link.href.includes(from))
  .map(link => new Promise(done => { link.onload = done; link.href = to; })))"""


@pytest.fixture
def before_css(page):
    """Serves the vendor CSS of revision CSS_BEFORE under /css-before/ on this page."""
    revision = os.environ.get("CSS_BEFORE")
    if not revision:
        return False
    for name in VENDOR_CSS:
        text = subprocess.run(
            ["git", "show", f"{revision}:app/static/{name}"],
            cwd=REPOSITORY,
            capture_output=True,
            check=True,
        ).stdout
        page.route(f"**/css-before/{name}", serving(text))
    return True


def serving(body: bytes):
    def fulfil(route):  # one argument: Playwright passes the request too to a second one
        route.fulfill(body=body, content_type="text/css")

    return fulfil


def take(page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for width, size in SIZES.items():
        page.set_viewport_size(size)
        page.evaluate("document.fonts.ready.then(() => true)")
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(SIZES["1280"])


def shoot(page, before: bool, name: str) -> None:
    folder = Path(os.environ["CSS_SCREENSHOTS"])
    if not name.endswith("-hover"):
        page.mouse.move(0, 0)
    take(page, folder, name)
    if before:
        for css in VENDOR_CSS:
            page.evaluate(SWAP, [css, f"/css-before/{css}"])
        take(page, folder.with_name(folder.name + "-before"), name)
        for css in VENDOR_CSS:
            page.evaluate(SWAP, [f"/css-before/{css}", f"/static/{css}"])


def visit(page, before: bool, path: str, name: str) -> None:
    page.goto(path)
    shoot(page, before, name)


def test_pages(page, demo, before_css):  # noqa: F811 (the fixture)
    visit(page, before_css, "/", "start")
    page.goto("/login")
    page.get_by_label("E-mailadres").fill("iemand@example.org")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    shoot(page, before_css, "login-error")
    page.get_by_label("Wachtwoord").focus()
    shoot(page, before_css, "login-field-focus")
    page.keyboard.press("Tab")  # keyboard focus: the focus ring on the button
    shoot(page, before_css, "login-button-focus")
    page.get_by_role("button", name="Inloggen").hover()
    shoot(page, before_css, "login-button-hover")
    sign_in(page, "leerling@example.org")
    visit(page, before_css, "/modules/wat-is-ai", "module")
    page.get_by_role("link", name="Begin met de eerste les").click()
    shoot(page, before_css, "lesson")
    page.get_by_role("button", name="Gelezen, naar de volgende les").click()
    shoot(page, before_css, "lesson-2")
    visit(page, before_css, "/mijn-leren", "mijn-leren")
    visit(page, before_css, "/modules", "catalogue")
    visit(page, before_css, "/modules/wat-is-ai/toets", "quiz-home")
    page.get_by_role("button", name="Start de toets").click()
    shoot(page, before_css, "quiz-question")
    choices = page.locator('input[name="answer"]')
    if choices.count():
        choices.first.check()
    shoot(page, before_css, "quiz-question-chosen")
    page.get_by_role("button", name="Uitloggen").click()
    sign_in(page, "hr@example.org")
    visit(page, before_css, "/hr/", "hr-dashboard")
    visit(page, before_css, "/hr/mensen", "hr-people")
    visit(page, before_css, "/hr/toewijzingen", "hr-rules")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    shoot(page, before_css, "hr-rules-errors")
    visit(page, before_css, "/hr/import", "hr-import")
