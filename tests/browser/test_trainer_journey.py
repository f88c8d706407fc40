"""In a real browser: a trainer opens the studio, previews a lesson, pastes new text and sees it
rendered, then pastes broken text and follows the error summary to the field; axe-core checks
every page in Dutch and English at desktop and phone widths."""

import sqlalchemy as sa
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Certificate, Role
from tests.browser.test_learner_journey import (
    PHONE,
    assert_accessible,
    focused,
    log_in,
    press_and_follow,
    tab_to,
    wait_for_path,
)
from tests.conftest import PASSWORD, Auth
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
    assert_accessible(page, "studio")

    page.get_by_role("link", name="Proefmodule over AI", exact=True).click()
    assert "Lessen van versie 1.0.0" in page.inner_text("main")
    assert_accessible(page, "studio module")

    page.get_by_role("link", name="Wat is een model?").first.click()
    assert "Voorbeeld" in page.inner_text("main")
    assert page.get_by_role("heading", level=1).inner_text() == "Wat is een model?"
    assert_accessible(page, "studio les")
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
    assert_accessible(page, "voorbeeld (goed)")

    page.get_by_label("Markdown-tekst").fill(BROKEN_LESSON)
    page.get_by_role("button", name="Controleer en toon voorbeeld").click()
    summary = page.locator("#problems")
    assert summary.is_visible()
    text = summary.inner_text()
    assert "regel 3: HTML hoort niet in de tekst" in text
    assert 'regel 5: "modell" staat niet in de begrippenlijst van de module' in text
    frame = page.locator(".preview-frame")
    assert frame.locator("script, b, a[href^='javascript']").count() == 0
    assert "<b>vet</b>" in frame.inner_text()  # shown as text, not as markup
    assert_accessible(page, "voorbeeld (fouten)")
    summary.get_by_role("link").first.click()
    assert focused(page)["id"] == "text"  # the summary leads to the field

    page.goto("/studio/modules/proef/statistieken")
    main = page.inner_text("main")
    assert "Ingeleverde pogingen" in main
    assert page.locator(".review-flag").count() == 4  # 1 of 3 right: every question flagged
    assert_accessible(page, "statistieken")

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


# -- writing, review and publication, by keyboard alone at phone width ----------------------------

JOURNEY_LESSON = """# Chatbots in de gemeente

Een chatbot voorspelt het volgende woord.

Een [[modell]] weet niet wat waar is.

![Schema van een chatbot](schema.png)
"""

JOURNEY_QUIZ = """---
module: chatbots
language: nl
pass_mark: 100
draw: 1
---

## Wie controleert wat de chatbot schrijft?

objective: doel-1

- [x] Een medewerker
- [ ] Niemand, de chatbot weet het

explanation: De medewerker blijft verantwoordelijk voor wat de gemeente zegt.
"""

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def keyboard_log_in(page, user) -> None:
    page.goto("/login")
    tab_to(page, lambda e: e["id"] == "email")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    press_and_follow(page, "Enter")
    wait_for_path(page, "/mijn-leren")


def follow_link(page, text: str) -> None:
    tab_to(page, lambda e: e["text"] == text, limit=120)
    press_and_follow(page, "Enter")


def fill_field(page, field_id: str, text: str) -> None:
    """Tabs to the field, empties it and puts the text in (pasted, as a trainer would)."""
    tab_to(page, lambda e: e["id"] == field_id, limit=120)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def new_phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    return context.new_page()


def test_a_trainer_writes_a_module_a_colleague_approves_it_and_only_its_learners_find_it(
    browser, live_server, make, tmp_path
):
    organisation = make.organisation()
    writer = make.user(Role.TRAINER, organisation=organisation, email="schrijver@example.org")
    reviewer = make.user(Role.TRAINER, organisation=organisation, email="lezer@example.org")
    learner = make.user(organisation=organisation, email="cursist@example.org")
    elsewhere = make.user(
        organisation=make.organisation("gemeente-b", "Gemeente B"), email="ander@example.org"
    )

    page = new_phone_page(browser, live_server)
    keyboard_log_in(page, writer)
    page.goto("/studio")
    assert_accessible(page, "studio (leeg)")
    follow_link(page, "Nieuwe module schrijven")
    assert_accessible(page, "nieuwe module")
    fill_field(page, "title", "Chatbots in de gemeente")
    fill_field(page, "slug", "chatbots")
    fill_field(page, "summary", "Wat een chatbot kan en wat niet.")
    fill_field(page, "minutes", "15")
    tab_to(page, lambda e: e["id"] == "audience-0")
    page.keyboard.press("Space")
    fill_field(page, "objectives", "Je weet wie controleert wat een chatbot schrijft.")
    fill_field(page, "sources", "AI-verordening https://eur-lex.europa.eu/eli/reg/2024/1689/oj")
    fill_field(page, "intro", "Deze module gaat over chatbots.")
    tab_to(page, lambda e: e["text"] == "Module aanmaken")
    press_and_follow(page, "Enter")
    wait_for_path(page, "/studio/concepten/*")
    assert_accessible(page, "concept zonder lessen")

    fill_field(page, "title-1" if page.locator("#title-1").count() else "title", "Chatbots")
    press_and_follow(page, "Enter")
    image = tmp_path / "Schema chatbot.png"
    image.write_bytes(PNG)
    tab_to(page, lambda e: e["name"] == "image", limit=120)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(image))
    tab_to(page, lambda e: e["text"] == "Afbeelding uploaden")
    press_and_follow(page, "Enter")
    assert "schema-chatbot.png" in page.inner_text("main")

    fill_field(page, "lessons-0", JOURNEY_LESSON.replace("schema.png", "schema-chatbot.png"))
    fill_field(page, "quiz_text", JOURNEY_QUIZ)
    tab_to(page, lambda e: e["text"] == "Opslaan", limit=120)
    press_and_follow(page, "Enter")
    summary = page.locator("#problems")
    assert summary.is_visible()
    assert (
        'Les 1, regel 5: "modell" staat niet in de begrippenlijst van de module'
        in summary.inner_text()
    )
    assert_accessible(page, "concept met een fout")
    tab_to(page, lambda e: e["text"].startswith("Les 1, regel 5"))
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "lessons-0"  # the summary leads to the lesson's text
    selected = page.evaluate(
        "() => { const t = document.activeElement;"
        " return t.value.substring(t.selectionStart, t.selectionEnd); }"
    )
    assert selected == "Een [[modell]] weet niet wat waar is."  # and selects line 5
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(
        JOURNEY_LESSON.replace("[[modell]]", "model").replace("schema.png", "schema-chatbot.png")
    )
    tab_to(page, lambda e: e["text"] == "Opslaan", limit=120)
    press_and_follow(page, "Enter")
    assert "Geen problemen gevonden." in page.inner_text("main")
    follow_link(page, "Voorbeeld van les 1 (opgeslagen versie)")
    image = page.locator("img[alt='Schema van een chatbot']")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")  # served from the draft
    assert_accessible(page, "voorbeeld van het concept")
    page.go_back()

    follow_link(page, "Insturen voor beoordeling")
    assert_accessible(page, "insturen")
    assert "opnieuw doen (opfrissen)" in page.inner_text("main")  # what major means
    fill_field(page, "change_note", "Eerste versie over chatbots.")
    tab_to(page, lambda e: e["text"] == "Insturen")
    press_and_follow(page, "Enter")
    wait_for_path(page, "/studio")
    assert "wacht op beoordeling" in page.inner_text("main")
    page.context.close()

    page = new_phone_page(browser, live_server)
    keyboard_log_in(page, reviewer)
    page.goto("/studio")
    follow_link(page, "chatbots")
    wait_for_path(page, "/studio/concepten/*/beoordelen")
    main = page.inner_text("main")
    assert "Eerste versie over chatbots." in main and "Versie na goedkeuring" in main
    added = " ".join(page.locator(".diff-text ins").all_inner_texts())
    assert "Een medewerker" in added and "Chatbots in de gemeente" in added  # a new module
    assert_accessible(page, "beoordelen")
    fill_field(page, "comment", "Helder geschreven.")
    tab_to(page, lambda e: e["text"] == "Goedkeuren en publiceren")
    press_and_follow(page, "Enter")
    assert "gepubliceerd als versie 1.0.0" in page.inner_text("main")
    for path in (
        "/studio/modules/chatbots",
        "/studio/modules/chatbots/nl/verschil?van=1.0.0&naar=1.0.0",
        "/studio/modules/chatbots/statistieken",
        "/studio/modules/chatbots/reacties",
        "/studio/importeren",
        "/studio/leerroutes/nieuw",
        "/studio",
    ):
        page.goto(path)
        assert_accessible(page, path)
    page.context.close()

    page = new_phone_page(browser, live_server)
    keyboard_log_in(page, learner)
    page.goto("/modules")
    follow_link(page, "Chatbots in de gemeente")
    follow_link(page, "Begin met de eerste les")
    assert page.locator("img[alt='Schema van een chatbot']").count() == 1
    assert_accessible(page, "eigen les met feedback")
    tab_to(page, lambda e: e["text"] == "Gelezen, les afronden")
    press_and_follow(page, "Enter")
    follow_link(page, "Naar de toets")
    follow_link(page, "Start de toets")
    tab_to(page, lambda e: e["name"] == "answer")
    for _ in range(3):
        text = page.evaluate("() => document.activeElement.labels[0].innerText")
        if "medewerker" in text:
            page.keyboard.press("Space")
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, lambda e: e["text"] == "Opslaan en naar het overzicht")
    press_and_follow(page, "Enter")
    tab_to(page, lambda e: e["text"] == "Toets inleveren")
    press_and_follow(page, "Enter")
    wait_for_path(page, "/toets/*/resultaat")
    certificate = db.session.scalar(
        sa.select(Certificate).where(
            Certificate.user_id == learner.id, Certificate.kind == "module"
        )
    )
    assert certificate is not None and certificate.title == "Chatbots in de gemeente"
    page.goto("/mijn-leren")
    assert certificate.serial in page.inner_text("main")
    page.context.close()

    page = new_phone_page(browser, live_server)
    keyboard_log_in(page, elsewhere)
    page.goto("/modules")
    assert "Chatbots in de gemeente" not in page.inner_text("main")
    response = page.goto("/modules/chatbots")
    assert response.status == 404
    page.context.close()
