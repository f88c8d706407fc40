"""What a learner meets around the lessons: the catalogue (audience, own status, path order,
search), terms explained where they are used, a next step after every finish, and numbers and
times as a Dutch reader expects them."""

import datetime as dt
import re
import shutil

import pytest
import sqlalchemy as sa

from app.content.loader import Loader
from app.content.publish import sync
from app.extensions import db
from app.models import Assignment, Certificate, LearningPath, Organisation
from tests.conftest import FIXTURE_CONTENT
from tests.content.test_validate import edit
from tests.learn.helpers import read_all_lessons, take_quiz

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 200" width="800" height="200">'
    '<script>alert("no")</script><rect width="800" height="200" fill="#154273"/></svg>'
)


@pytest.fixture
def course(app, tmp_path):
    """The fixture course and a second module, "inleiding" (no quiz, a glossary written in
    words), in one path that starts with "proef": the path order is not the alphabetical one."""
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    for language in ("nl", "en"):
        folder = tree / "modules" / "inleiding" / language
        shutil.copytree(tree / "modules" / "proef" / language, folder)
        module = folder / "module.md"
        edit(module, "slug: proef", "slug: inleiding")
        title = "Proefmodule over AI" if language == "nl" else "Trial module about AI"
        edit(module, f"title: {title}", "title: Inleiding voor beleid")
        text = module.read_text().replace("tags: [basis]\n", "")
        module.write_text(text)
        edit(
            module,
            "audience: [everyone]",
            "audience: [policy, management]\ntags: [basis, algoritmeregister]\ncompletion: lessons",
        )
        glossary = module.read_text().split("glossary:\n")[1].split("---")[0]
        edit(
            module,
            "glossary:\n" + glossary,
            "glossary:\n  machine learning: Leren van voorbeelden.\n"
            "  AI-systeem: Een systeem dat zelf afleidt.\n",
        )
        lessons = sorted(p for p in folder.glob("0*.md"))
        lessons[0].write_text(
            lessons[0].read_text().split("\n", 1)[0]
            + "\n\nDit is [[machine-learning]]. Nog eens [[machine-learning|leren]].\n"
        )
        lessons[1].write_text(
            lessons[1].read_text().split("\n", 1)[0]
            + "\n\nGeen begrippen.\n\n![Vier stappen van invoer naar besluit](stappen.svg)\n"
        )
        (folder / "stappen.svg").write_text(SVG)
    for language in ("nl", "en"):
        edit(
            tree / "paths" / f"basis.{language}.md",
            "modules: [proef]",
            "modules: [proef, inleiding]",
        )
    report = sync(Loader(tree).load())
    assert not report.problems, report.problems
    return tree


@pytest.fixture
def learner(make, course):
    user = make.user(name="Sanne de Jong")
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    deadline = dt.date.today() + dt.timedelta(days=30)
    db.session.add(Assignment(user_id=user.id, path_id=path.id, deadline=deadline))
    db.session.commit()
    return user


def titles(page: str) -> list[str]:
    return re.findall(r'<h2 class="utrecht-heading-3"><a [^>]*>([^<]+)</a>', page)


def test_the_catalogue_shows_audience_status_and_the_path_order(auth, learner):
    page = auth.client.get("/modules").get_data(as_text=True)
    assert titles(page) == ["Proefmodule over AI", "Inleiding voor beleid"]
    assert "<dt>Voor</dt><dd>beleid, management en bestuur</dd>" in page
    assert "<dt>Voor</dt><dd>iedereen</dd>" in page
    assert "Niet begonnen" not in page  # nobody signed in: no status

    auth.login(learner)
    read_all_lessons(auth, "inleiding")
    page = auth.client.get("/modules").get_data(as_text=True)
    assert page.count("Niet begonnen") == 1 and "Afgerond" in page


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("beleid", ["Inleiding voor beleid"]),  # the title
        ("MANAGEMENT", ["Inleiding voor beleid"]),  # the audience, in any case
        ("algoritmeregister", ["Inleiding voor beleid"]),  # a topic
        ("model uitleggen", ["Proefmodule over AI", "Inleiding voor beleid"]),  # objectives
        ("niets dergelijks", []),
    ],
)
def test_the_catalogue_search_works_without_javascript(client, course, query, found):
    page = client.get("/modules", query_string={"q": query}).get_data(as_text=True)
    assert titles(page) == found
    assert f'value="{query}"' in page  # the box keeps what was searched for
    assert 'role="search"' in page and 'method="get"' in page


def test_a_lesson_explains_the_terms_it_uses_in_words(auth, learner):
    auth.login(learner)
    first = auth.client.get("/modules/inleiding/01-wat-is-een-model").get_data(as_text=True)
    assert '<a class="glossary-term" href="#begrip-machine-learning">machine learning</a>' in first
    assert "Begrippen in deze les" in first
    assert '<dt id="begrip-machine-learning">machine learning</dt>' in first
    assert "AI-systeem" not in first  # a term the lesson does not use is not listed
    second = auth.client.get("/modules/inleiding/02-mens-beslist").get_data(as_text=True)
    assert "Begrippen" not in second


def test_every_finish_has_a_next_step(auth, learner):
    auth.login(learner)
    read_all_lessons(auth, "proef")
    module = auth.client.get("/modules/proef").get_data(as_text=True)
    assert re.search(r"primary-action\" href=\"/modules/proef/toets\">Maak de toets<", module)
    assert "Begin met de eerste les" not in module and "Verder waar ik was" not in module

    passed = take_quiz(auth, learner.id, "proef", right=True).get_data(as_text=True)
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "module"))
    assert f'href="/certificaten/{certificate.id}.pdf">Download je certificaat' in passed
    assert 'href="/modules/inleiding">Volgende module: ' in passed
    module = auth.client.get("/modules/proef").get_data(as_text=True)
    assert "Je hebt deze module afgerond op" in module
    assert 'href="/modules/proef/toets">Je toetspogingen en de uitleg' in module
    assert "Volgende module" in module

    read_all_lessons(auth, "inleiding")  # the last module of the path
    module = auth.client.get("/modules/inleiding").get_data(as_text=True)
    path_certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "path"))
    assert (
        f'href="/certificaten/{path_certificate.id}.pdf">'
        "Download het certificaat van Basis voor iedereen" in module
    )
    assert "Je hebt je hele leerroute afgerond." in module
    assert "Volgende module" not in module


def test_scores_and_waits_read_as_dutch(auth, learner):
    auth.login(learner)
    failed = take_quiz(auth, learner.id, "proef", right=False).get_data(as_text=True)
    assert re.search(r"Je score: \d+(,\d)?\u00a0%", failed)
    assert "Je had 70\u00a0% nodig." in failed
    home = auth.client.get("/modules/proef/toets").get_data(as_text=True)
    assert "Je haalt de toets met 70\u00a0% of meer." in home


def test_times_are_shown_in_the_organisations_time_zone(auth, learner):
    organisation = db.session.get(Organisation, learner.organisation_id)
    organisation.time_zone = "America/Curacao"  # UTC-4 all year, no daylight saving
    db.session.commit()
    auth.login(learner)
    take_quiz(auth, learner.id, "proef", right=False)
    home = auth.client.get("/modules/proef/toets").get_data(as_text=True)
    submitted = re.search(r"\((\d+ \w+ \d{4}) om (\d\d:\d\d)\)", home)
    assert submitted, home
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=4)
    shown = dt.datetime.strptime(submitted[2], "%H:%M").replace(
        year=now.year, month=now.month, day=now.day, tzinfo=dt.UTC
    )
    assert abs((now - shown).total_seconds()) % 86400 < 120  # local time, within a minute or two


def test_a_diagram_in_a_lesson_is_shown_and_served_safely(auth, learner):
    auth.login(learner)
    page = auth.client.get("/modules/inleiding/02-mens-beslist").get_data(as_text=True)
    src = re.search(r'<img alt="Vier stappen van invoer naar besluit" src="([^"]+)"', page)
    assert src, page
    response = auth.client.get(src[1])
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy  # its script never runs
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert auth.client.get(src[1].replace("stappen", "andere")).status_code == 404
