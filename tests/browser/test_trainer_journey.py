"""In a real browser: a trainer opens the studio, previews a lesson, pastes new text and sees it
rendered, then pastes broken text and follows the error summary to the field; axe-core checks
every page in Dutch and English at desktop and phone widths."""

from flask.testing import FlaskClient

from app.models import Role
from tests.browser.test_learner_journey import assert_accessible, focused, log_in
from tests.conftest import Auth
from tests.learn.helpers import take_quiz

NEW_LESSON = """# Een model controleren

Een [[model]] doet een voorstel. Een mens beslist.

/// praktijk
Vraag altijd: wie controleert de uitkomst?
///
"""

BROKEN_LESSON = """# Een kapotte les

Hier staat een <b>vet</b> woord en een <script>alert(1)</script>.

Een [[modell]] en [een link](javascript:alert(1)).
"""


def quiz_taken_by_three_learners(app, make) -> None:
    for right in (True, False, False):
        learner = make.user()
        client: FlaskClient = app.test_client()
        session = Auth(client)
        session.login(learner)
        take_quiz(session, learner.id, "proef", right=right)


def test_a_trainer_previews_lessons_and_new_text_and_reads_item_statistics(
    app, page, make, content
):
    quiz_taken_by_three_learners(app, make)
    trainer = make.user(Role.TRAINER, email="trainer@example.org", name="Tineke Trainer")
    log_in(page, trainer)

    page.get_by_role("link", name="Studio").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Studio"
    assert "Proefmodule over AI" in page.inner_text("main")
    assert_accessible(page, "studio", screenshot="studio-overzicht")

    page.get_by_role("link", name="Proefmodule over AI", exact=True).click()
    assert "Lessen van versie 1.0.0" in page.inner_text("main")
    assert_accessible(page, "studio module", screenshot="studio-module")

    page.get_by_role("link", name="Wat is een model?").first.click()
    assert "Voorbeeld" in page.inner_text("main")
    assert page.get_by_role("heading", level=1).inner_text() == "Wat is een model?"
    assert_accessible(page, "studio les", screenshot="studio-les")
    page.get_by_role("link", name="Volgende: De mens beslist →").click()
    assert page.get_by_role("heading", level=1).inner_text() == "De mens beslist"

    page.goto("/studio/modules/proef")
    page.get_by_role("link", name="Voorbeeld van nieuwe tekst").click()
    assert_accessible(page, "voorbeeld (leeg)")
    page.get_by_label("Module (voor begrippen, links en afbeeldingen)").select_option("proef")
    page.get_by_label("Markdown-tekst").fill(NEW_LESSON)
    page.get_by_role("button", name="Controleer en toon voorbeeld").click()
    main = page.inner_text("main")
    assert "Geen problemen gevonden" in main and "Een model controleren" in main
    assert "In de praktijk" in main  # the callout, rendered as sync renders it
    assert_accessible(page, "voorbeeld (goed)", screenshot="studio-voorbeeld")

    page.get_by_label("Markdown-tekst").fill(BROKEN_LESSON)
    page.get_by_role("button", name="Controleer en toon voorbeeld").click()
    summary = page.locator("#problems")
    assert summary.is_visible()
    text = summary.inner_text()
    assert "regel 3: raw HTML is not part of the format" in text
    assert 'regel 5: "modell" is not in the module\'s glossary' in text
    frame = page.locator(".preview-frame")
    assert frame.locator("script, b, a[href^='javascript']").count() == 0
    assert "<b>vet</b>" in frame.inner_text()  # shown as text, not as markup
    assert_accessible(page, "voorbeeld (fouten)", screenshot="studio-voorbeeld-fouten")
    summary.get_by_role("link").first.click()
    assert focused(page)["id"] == "text"  # the summary leads to the field

    page.goto("/studio/modules/proef/statistieken")
    main = page.inner_text("main")
    assert "Ingeleverde pogingen" in main
    assert page.locator(".review-flag").count() == 4  # 1 of 3 right: every question flagged
    assert_accessible(page, "statistieken", screenshot="studio-statistieken")

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    for path in (
        "/studio",
        "/studio/modules/proef",
        "/studio/modules/proef/en/lessons/1",
        "/studio/voorbeeld",
        "/studio/modules/proef/statistieken",
    ):
        page.goto(path)
        assert_accessible(page, f"English {path}")
    page.goto("/studio/voorbeeld")
    # By id, not by label: the English labels arrive with the translations.
    page.locator("#language").select_option("en")
    page.locator("#text").fill(BROKEN_LESSON)
    page.locator("form.preview-form button[type=submit]").click()
    assert page.locator("#problems li").count() == 3
    assert_accessible(page, "English preview with problems")
