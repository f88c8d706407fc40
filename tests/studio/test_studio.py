"""The trainer's studio through HTTP: who may enter, the module list and its figures, lesson
previews, the preview of pasted text with its problems per line, and quiz item statistics."""

import html
import re
import shutil

import pytest

from app.content.loader import Loader
from app.content.publish import sync
from app.models import Role
from tests.conftest import FIXTURE_CONTENT, Auth
from tests.content.test_hostile_input import HOSTILE, dangerous_parts
from tests.content.test_validate import LINK_LESSON
from tests.learn.helpers import answer_fields, open_attempt, take_quiz

GOOD_LESSON = """# Een nieuwe les

Een [[model]] doet een voorstel. Lees ook [les 2](02-mens-beslist.md).

/// let-op
Controleer het voorstel.
///
"""

BROKEN_LESSON = """# Een kapotte les

Hier staat een <b>vet</b> woord.

Een [[modell]] en [een link](03-bestaat-niet.md).

![](plaatje.png)
"""


@pytest.fixture
def trainer(make, content):
    return make.user(Role.TRAINER, email="trainer@example.org", name="Tineke Trainer")


@pytest.fixture
def as_trainer(auth, trainer):
    auth.login(trainer)
    return auth


def text_of(response) -> str:
    return response.get_data(as_text=True)


def paste(auth: Auth, text: str, language: str = "nl", module: str = "proef"):
    return auth.post("/studio/voorbeeld", {"text": text, "language": language, "module": module})


def problems_on(page: str) -> list[str]:
    """The "regel N: message" items of the error summary, as the trainer reads them."""
    summary = page.split('id="problems"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", summary, re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


# -- who may enter --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/studio",
        "/studio/modules/proef",
        "/studio/modules/proef/nl/lessons/1",
        "/studio/voorbeeld",
        "/studio/modules/proef/statistieken",
    ],
)
def test_trainers_and_admins_enter_the_studio_learners_and_hr_do_not(app, make, content, path):
    """Can a trainer or admin open every studio page, while a learner or HR person gets 403
    and an anonymous visitor is sent to the login page?"""
    expected = {None: 302, Role.LEARNER: 403, Role.HR: 403, Role.TRAINER: 200, Role.ADMIN: 200}
    for role, status in expected.items():
        client = app.test_client()
        if role is not None:
            Auth(client).login(make.user(role))
        response = client.get(path)
        assert response.status_code == status, (role, path)
        if role is None:
            assert "/login" in response.headers["Location"]


def test_the_studio_is_in_the_navigation_for_trainers_only(app, make, content):
    for role, shown in ((Role.TRAINER, True), (Role.ADMIN, True), (Role.LEARNER, False)):
        auth = Auth(app.test_client())
        auth.login(make.user(role))
        page = text_of(auth.client.get("/mijn-leren"))
        assert ('href="/studio"' in page) is shown, role


# -- the module list ------------------------------------------------------------------------------


def test_the_studio_lists_published_modules_with_version_languages_and_figures(
    app, make, as_trainer
):
    page = text_of(as_trainer.client.get("/studio"))
    assert "Proefmodule over AI" in page and "<code>proef</code>" in page
    assert "nl 1.0.0" in page and "en 1.0.0" in page
    assert "28 november 2026" in page
    row = page.split("<code>proef</code>", 1)[1].split("</tr>", 1)[0]
    assert ">0</a>" in row and "–" in row  # no attempts yet, so no pass rate

    for right in (True, False, False, True):
        learner = make.user()
        session = Auth(app.test_client())
        session.login(learner)
        take_quiz(session, learner.id, "proef", right=right)
    row = text_of(as_trainer.client.get("/studio")).split("<code>proef</code>", 1)[1]
    row = row.split("</tr>", 1)[0]
    assert ">4</a>" in row and "50\u00a0%" in row


def test_the_module_list_is_one_query_however_many_modules(as_trainer, count_queries, tmp_path):
    """The list's figures come from one aggregate query, not one query per module."""
    with count_queries() as few:
        assert as_trainer.client.get("/studio").status_code == 200
    tree = tmp_path / "content"
    for number in range(6):
        target = tree / "modules" / f"extra-{number}"
        shutil.copytree(FIXTURE_CONTENT / "modules/proef", target)
        for language in ("nl", "en"):
            module_file = target / language / "module.md"
            module_file.write_text(
                module_file.read_text().replace(
                    "slug: proef", f"slug: extra-{number}\ncompletion: lessons"
                )
            )
    assert not sync(Loader(tree).load()).problems
    with count_queries() as many:
        page = text_of(as_trainer.client.get("/studio"))
    assert page.count("<code>extra-") == 6
    assert many.count == few.count, (few.statements, many.statements)
    overview = [s for s in many.statements if "quiz_attempts" in s]
    assert len(overview) == 1 and "count(" in overview[0].lower()


# -- a module and its lessons ---------------------------------------------------------------------


def test_the_module_page_lists_versions_and_lessons_per_language_with_preview_links(as_trainer):
    page = text_of(as_trainer.client.get("/studio/modules/proef"))
    assert "Nederlands" in page and "Engels" in page and "huidige versie" in page
    assert 'href="/studio/modules/proef/nl/lessons/1"' in page
    assert 'href="/studio/modules/proef/en/lessons/2"' in page
    assert "Wat is een model?" in page and "What is a model?" in page
    assert as_trainer.client.get("/studio/modules/bestaat-niet").status_code == 404


def test_an_older_version_stays_previewable(as_trainer, tmp_path):
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    lesson = tree / "modules/proef/nl/01-wat-is-een-model.md"
    lesson.write_text(lesson.read_text().replace("leert van voorbeelden", "leert van data"))
    module_file = tree / "modules/proef/nl/module.md"
    module_file.write_text(module_file.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    assert not sync(Loader(tree).load()).problems

    page = text_of(as_trainer.client.get("/studio/modules/proef"))
    assert "eerdere versie" in page
    assert 'href="/studio/modules/proef/nl/lessons/1?versie=1.0.0"' in page
    current = text_of(as_trainer.client.get("/studio/modules/proef/nl/lessons/1"))
    older = text_of(as_trainer.client.get("/studio/modules/proef/nl/lessons/1?versie=1.0.0"))
    assert "leert van data" in current and "versie 1.1.0" in current
    assert "leert van voorbeelden" in older and "versie 1.0.0" in older


def test_a_trainer_previews_a_lesson_as_the_learner_sees_it(as_trainer, trainer):
    """The trainer is assigned nothing, yet sees the lesson, marked as a preview, and reading
    it records nothing."""
    response = as_trainer.client.get("/studio/modules/proef/nl/lessons/1")
    page = text_of(response)
    assert response.status_code == 200
    assert "Voorbeeld" in page and "telt niets als gelezen" in page
    assert '<h1 class="utrecht-heading-1">Wat is een model?</h1>' in page
    assert "Les 1 van 2" in page
    assert 'class="admonition let-op"' in page  # the stored, rendered HTML
    assert "Begrippen" in page and "Het resultaat van training" in page  # the glossary
    assert 'href="/studio/modules/proef/nl/lessons/2"' in page  # the pager stays in the studio
    assert (
        "Gelezen, naar de volgende les" not in page
        and 'method="post"' not in page.split("<main", 1)[1].split("</main>", 1)[0]
    )
    assert text_of(as_trainer.client.get("/mijn-leren")).count("Proefmodule over AI") == 0

    english = text_of(as_trainer.client.get("/studio/modules/proef/en/lessons/1"))
    assert "What is a model?" in english and 'lang="en"' in english
    for missing in ("/studio/modules/proef/nl/lessons/9", "/studio/modules/proef/de/lessons/1"):
        assert as_trainer.client.get(missing).status_code == 404
    assert (
        as_trainer.client.get("/studio/modules/proef/nl/lessons/1?versie=9.9.9").status_code == 404
    )


# -- preview of new text --------------------------------------------------------------------------


def test_the_preview_form_has_a_csrf_token_and_refuses_a_post_without_one(as_trainer):
    page = text_of(as_trainer.client.get("/studio/voorbeeld"))
    assert 'name="csrf_token"' in page and "<textarea" in page
    refused = as_trainer.client.post(
        "/studio/voorbeeld", data={"text": "# T\n\nx", "language": "nl"}
    )
    assert refused.status_code == 400


def test_good_text_is_rendered_as_sync_would_with_no_problems(as_trainer):
    response = paste(as_trainer, GOOD_LESSON)
    page = text_of(response)
    assert response.status_code == 200
    assert "Geen problemen gevonden" in page and 'id="problems"' not in page
    assert "Een nieuwe les" in page
    assert 'class="admonition let-op"' in page and "Let op" in page
    assert 'href="/modules/proef/02-mens-beslist"' in page  # resolved like the loader does
    assert 'class="glossary-term"' in page and "Het resultaat van training" in page
    assert GOOD_LESSON.split("\n")[0] in page  # the text stays in the textarea


def test_every_problem_is_listed_with_its_line_and_linked_to_the_field(as_trainer):
    response = paste(as_trainer, BROKEN_LESSON)
    page = text_of(response)
    assert response.status_code == 200
    problems = problems_on(page)
    assert problems == [
        "regel 3: HTML hoort niet in de tekst: gebruik Markdown (een kader: /// let-op ... ///)",
        'regel 5: "modell" staat niet in de begrippenlijst van de module (bedoel je "model"?)',
        'regel 5: de link "03-bestaat-niet.md" wijst niet naar een les, module of afbeelding '
        "hier: controleer de naam",
        'regel 7: de afbeelding "plaatje.png" heeft geen beschrijving: schrijf '
        "![wat de afbeelding laat zien](bestand)",
        'regel 7: de link "plaatje.png" wijst niet naar een les, module of afbeelding hier: '
        "controleer de naam",
    ]
    summary = page.split('id="problems"', 1)[1].split("</div>", 1)[0]
    assert summary.count('href="#text"') == len(problems)
    assert 'aria-invalid="true"' in page and 'aria-describedby="text-error"' in page
    # The raw HTML is shown as text, never as markup.
    assert "&lt;b&gt;vet&lt;/b&gt;" in page and "<b>vet</b>" not in page


def test_the_same_problems_as_flask_content_validate(as_trainer, runner, tmp_path):
    """The preview calls the validator's own checks: same lines, same (Dutch) messages."""
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    (tree / "modules/proef/nl/03-kapot.md").write_text(BROKEN_LESSON)
    result = runner.invoke(
        args=["content", "validate", "--lang", "nl", str(tree / "modules/proef/nl")]
    )
    from_cli = sorted(
        re.sub(r"^.*03-kapot\.md:(\d+): ", r"regel \1: ", line)
        for line in result.output.splitlines()
        if "03-kapot.md:" in line
    )
    assert from_cli and sorted(problems_on(text_of(paste(as_trainer, BROKEN_LESSON)))) == from_cli


def test_link_problems_are_on_their_own_line_and_a_mail_autolink_is_fine(as_trainer):
    """A `java<TAB>script:` link and a `data:` reference definition were reported at line 1,
    and <vraag@geletterd.nl> as a broken link."""
    page = text_of(paste(as_trainer, LINK_LESSON))
    assert problems_on(page) == [
        'regel 3: de link "java    script:alert(1)" wijst niet naar een les, module of '
        "afbeelding hier: controleer de naam",
        'regel 9: de link "data:text/html,hallo" wijst niet naar een les, module of afbeelding '
        "hier: controleer de naam",
    ]
    result = page.split('class="preview-frame"', 1)[1].split("</section>", 1)[0]
    assert 'href="mailto:vraag@geletterd.nl"' in html.unescape(result)


def test_a_lesson_without_a_title_and_an_empty_module_choice(as_trainer):
    page = text_of(paste(as_trainer, "Alleen tekst, geen titel.\n\nMet [[model]].", module=""))
    assert problems_on(page) == [
        'regel 1: een les begint met de titel: "# Titel van de les"',
        'regel 3: "model" staat niet in de begrippenlijst van de module',
    ]
    assert "Alleen tekst, geen titel." in page  # still shown, so the trainer sees the result


def test_a_module_file_gets_front_matter_checks_with_line_numbers(as_trainer):
    module_file = (FIXTURE_CONTENT / "modules/proef/nl/module.md").read_text()
    page = text_of(paste(as_trainer, module_file))
    assert "Geen problemen gevonden" in page and "Voorbeeld: inleiding van de module" in page
    assert "Deze module is een proef." in page

    broken = module_file.replace("minutes: 10", "minutes: tien").replace(
        "audience: [everyone]", "doelgroep: [everyone]"
    )
    page = text_of(paste(as_trainer, broken))
    assert problems_on(page) == [
        'regel 1: de sleutel "audience" ontbreekt in de kop',
        "regel 7: minutes moet een heel getal van 1 tot en met 600 zijn",
        'regel 11: onbekende sleutel "doelgroep"; bekende sleutels: slug, title, summary, '
        "language, version, minutes, objectives, audience, prerequisites, tags, sources, "
        "reviewed, glossary, completion",
    ]
    page = text_of(paste(as_trainer, "---\ntitle: [niet goed\n---\n\nTekst"))
    assert problems_on(page)[0].startswith("regel 2: de kop is niet te lezen")


def test_windows_line_ends_give_the_same_line_numbers(as_trainer):
    crlf = BROKEN_LESSON.replace("\n", "\r\n")
    assert problems_on(text_of(paste(as_trainer, crlf))) == problems_on(
        text_of(paste(as_trainer, BROKEN_LESSON))
    )


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_comes_out_sanitised(as_trainer, payload):
    page = text_of(paste(as_trainer, f"# Les\n\n{payload}\n"))
    result = page.split('class="preview-frame"', 1)[1].split("</section>", 1)[0]
    assert dangerous_parts(result) == [], payload
    assert "<script" not in page.split("</header>", 1)[1]


def test_form_errors_go_to_the_summary_linked_to_their_field(as_trainer):
    response = paste(as_trainer, "")
    page = text_of(response)
    assert response.status_code == 400
    assert 'id="error-summary"' in page and 'href="#text"' in page
    assert "Plak de tekst van een les of van module.md." in page

    response = paste(as_trainer, GOOD_LESSON, module="bestaat-niet")
    assert response.status_code == 400 and 'href="#module"' in text_of(response)


def test_a_module_without_the_chosen_language_is_a_clear_error(as_trainer, tmp_path):
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT / "modules/proef/nl", tree / "modules/alleen-nl/nl")
    module_file = tree / "modules/alleen-nl/nl/module.md"
    module_file.write_text(
        module_file.read_text().replace("slug: proef", "slug: alleen-nl\ncompletion: lessons")
    )
    assert not sync(Loader(tree).load()).problems
    response = paste(as_trainer, GOOD_LESSON, language="en", module="alleen-nl")
    assert response.status_code == 400
    assert "Deze module heeft geen gepubliceerde versie in het Engels." in text_of(response)


def test_nothing_is_saved_by_a_preview(as_trainer, count_queries):
    with count_queries() as counter:
        paste(as_trainer, GOOD_LESSON)
    writes = [s for s in counter.statements if s.split()[0].upper() in {"INSERT", "UPDATE"}]
    assert writes == []


# -- quiz item statistics -------------------------------------------------------------------------


def take(app, make, right: bool) -> None:
    learner = make.user()
    session = Auth(app.test_client())
    session.login(learner)
    take_quiz(session, learner.id, "proef", right=right)


def row_of(page: str, question: str) -> str:
    return page.split(question, 1)[1].split("</tr>", 1)[0]


def test_item_statistics_count_answers_right_answers_and_chosen_options(app, make, as_trainer):
    """One learner right, two wrong, and one who never handed in: the open attempt counts
    nowhere."""
    take(app, make, right=True)
    take(app, make, right=False)
    take(app, make, right=False)
    idle = make.user()
    idle_session = Auth(app.test_client())
    idle_session.login(idle)
    idle_session.post("/modules/proef/toets/start")
    attempt = open_attempt(idle.id)
    idle_session.post(
        f"/toets/{attempt.id}/1", {**answer_fields(attempt, 0, right=True), "action": "next"}
    )

    response = as_trainer.client.get("/studio/modules/proef/statistieken")
    page = text_of(response)
    assert response.status_code == 200
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    nl = page.split('id="stats-nl"', 1)[1].split('id="stats-en"', 1)[0]
    assert "Ingeleverde pogingen</dt><dd>3</dd>" in nl and "1 (33\u00a0%)" in nl

    single = row_of(nl, "Waarvan leert een model?")
    cells = re.findall(r'--numeric">([^<]*)</td>', single)
    assert cells == ["3", "33\u00a0%", "33\u00a0%"]
    options = re.findall(r"<li>(.*?)</li>", single)
    assert "Van voorbeelden" in options[0] and "(goed antwoord)" in options[0]
    assert "1 keer (33\u00a0%)" in options[0]
    assert "Van regels die een mens opschrijft" in options[1] and "2 keer (67\u00a0%)" in options[1]
    assert "0 keer (0\u00a0%)" in options[2]
    assert "controleer deze vraag" in single

    multiple = row_of(nl, "Welke zijn taken van de mens?")
    assert re.findall(r'--numeric">([^<]*)</td>', multiple) == ["3", "33\u00a0%", "33\u00a0%"]
    counts = re.findall(r"(\d+) keer", multiple)
    assert counts == ["1", "1", "2"]

    ordering = row_of(nl, "Zet de stappen in de goede volgorde.")
    assert re.findall(r'--numeric">([^<]*)</td>', ordering) == ["3", "33\u00a0%", "33\u00a0%"]
    assert "keer" not in ordering  # no options to count for an ordering question

    english = page.split('id="stats-en"', 1)[1]
    assert "Ingeleverde pogingen</dt><dd>0</dd>" in english and "controleer" not in english


def test_a_question_answered_well_is_not_flagged(app, make, as_trainer):
    take(app, make, right=True)
    take(app, make, right=True)
    take(app, make, right=False)
    page = text_of(as_trainer.client.get("/studio/modules/proef/statistieken"))
    single = row_of(page, "Waarvan leert een model?")
    assert re.findall(r'--numeric">([^<]*)</td>', single)[:2] == ["3", "67\u00a0%"]
    assert 'class="review-flag"' not in page


def test_statistics_of_an_unknown_module_are_404(as_trainer):
    assert as_trainer.client.get("/studio/modules/bestaat-niet/statistieken").status_code == 404
