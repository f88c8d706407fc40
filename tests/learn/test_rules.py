"""Attempt limits and waiting, versions and refreshers, "Mijn gegevens", query-count guards."""

import datetime as dt
import shutil
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.content.loader import Loader
from app.content.publish import sync
from app.extensions import db
from app.models import Assignment, Certificate, LearningPath, ModuleVersion, QuizAttempt
from tests.conftest import FIXTURE_CONTENT
from tests.content.test_validate import edit
from tests.learn.helpers import read_all_lessons, take_quiz


@pytest.fixture
def learner(make, content):
    user = make.user()
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    db.session.add(
        Assignment(
            user_id=user.id, path_id=path.id, deadline=dt.date.today() - dt.timedelta(days=1)
        )
    )
    db.session.commit()
    return user


def set_quiz(**settings) -> None:
    for version in db.session.scalars(sa.select(ModuleVersion)):
        version.quiz = {**version.quiz, **settings}
    db.session.commit()


def test_the_attempt_limit_is_kept(auth, learner):
    set_quiz(max_attempts=1)
    auth.login(learner)
    take_quiz(auth, learner.id, "proef", right=False)
    page = auth.client.get("/modules/proef/toets").get_data(as_text=True)
    assert "alle pogingen gebruikt" in page
    response = auth.post("/modules/proef/toets/start", follow_redirects=True)
    assert "Je hebt alle pogingen voor deze toets gebruikt." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 1


def test_after_a_failed_attempt_the_learner_waits(auth, learner):
    set_quiz(wait_minutes=30)
    auth.login(learner)
    take_quiz(auth, learner.id, "proef", right=False)
    page = auth.client.get("/modules/proef/toets").get_data(as_text=True)
    submitted = db.session.scalar(sa.select(QuizAttempt)).submitted_at
    local = (submitted + dt.timedelta(minutes=30)).replace(tzinfo=dt.UTC)
    local = local.astimezone(ZoneInfo("Europe/Amsterdam"))
    # The organisation's time, not UTC; the date too when the wait runs past midnight.
    assert f"opnieuw maken vanaf {local:%H:%M}" in page or f"om {local:%H:%M}." in page
    assert "UTC" not in page
    refused = auth.post("/modules/proef/toets/start", follow_redirects=True)
    assert f"{local:%H:%M}." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 1
    attempt = db.session.scalar(sa.select(QuizAttempt))
    attempt.submitted_at -= dt.timedelta(minutes=31)
    db.session.commit()
    assert auth.post("/modules/proef/toets/start").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 2


def test_an_overdue_path_is_shown_as_overdue(auth, learner):
    auth.login(learner)
    assert "Te laat" in auth.client.get("/mijn-leren").get_data(as_text=True)


def test_a_major_version_marks_earlier_completions_as_refresher_needed(auth, learner, tmp_path):
    auth.login(learner)
    read_all_lessons(auth, "proef")
    take_quiz(auth, learner.id, "proef", right=True)
    assert "Afgerond" in auth.client.get("/mijn-leren").get_data(as_text=True)

    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    edit(tree / "modules/proef/nl/02-mens-beslist.md", "neemt het besluit", "beslist zelf")
    edit(tree / "modules/proef/nl/module.md", "version: 1.0.0", "version: 1.0.1")
    assert not sync(Loader(tree).load()).problems
    assert "Afgerond" in auth.client.get("/mijn-leren").get_data(as_text=True)  # minor: still valid

    edit(tree / "modules/proef/nl/module.md", "version: 1.0.1", "version: 2.0.0")
    edit(tree / "modules/proef/nl/02-mens-beslist.md", "beslist zelf", "beslist altijd zelf")
    assert not sync(Loader(tree).load()).problems
    page = auth.client.get("/mijn-leren").get_data(as_text=True)
    assert "Opfrissen nodig" in page


def test_completing_a_version_a_major_release_has_overtaken_earns_no_path_certificate(
    auth, learner, tmp_path
):
    """The learner started 1.0.0 and finishes it after 2.0.0 came out: the module certificate is
    theirs, but the path is not done (the module needs a refresher), so no path certificate."""
    auth.login(learner)
    read_all_lessons(auth, "proef")
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    edit(tree / "modules/proef/nl/module.md", "version: 1.0.0", "version: 2.0.0")
    edit(tree / "modules/proef/nl/02-mens-beslist.md", "neemt het besluit", "beslist zelf")
    assert not sync(Loader(tree).load()).problems
    take_quiz(auth, learner.id, "proef", right=True)
    kinds = db.session.scalars(sa.select(Certificate.kind).where(Certificate.user_id == learner.id))
    assert sorted(kinds) == ["module"]
    assert "Opfrissen nodig" in auth.client.get("/mijn-leren").get_data(as_text=True)


def test_a_learner_keeps_the_version_they_started(auth, learner, tmp_path):
    auth.login(learner)
    auth.client.get("/modules/proef/01-wat-is-een-model")
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    edit(
        tree / "modules/proef/nl/01-wat-is-een-model.md",
        "leert van voorbeelden",
        "leert van heel veel voorbeelden",
    )
    edit(tree / "modules/proef/nl/module.md", "version: 1.0.0", "version: 1.1.0")
    assert not sync(Loader(tree).load()).problems
    page = auth.client.get("/modules/proef/01-wat-is-een-model").get_data(as_text=True)
    assert "leert van voorbeelden" in page and "versie 1.0.0" in page


def test_content_falls_back_to_the_other_language_with_a_notice(auth, make, tmp_path):
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    shutil.rmtree(tree / "modules/proef/en")
    (tree / "quizzes/proef.en.md").unlink()
    assert not sync(Loader(tree).load()).problems
    user = make.user(language="en")
    auth.login(user)
    page = auth.client.get("/modules/proef/01-wat-is-een-model").get_data(as_text=True)
    assert "has not been translated yet" in page
    assert '<article class="lesson" lang="nl">' in page


def test_my_data_exports_everything_about_me_as_json(auth, learner):
    auth.login(learner)
    read_all_lessons(auth, "proef")
    take_quiz(auth, learner.id, "proef", right=True)
    response = auth.client.get("/mijn-gegevens.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.get_json()
    assert data["account"]["email"] == learner.email
    assert data["modules"][0]["module"] == "proef"
    assert data["quiz_attempts"][0]["passed"] is True
    assert {c["kind"] for c in data["certificates"]} == {"module", "path"}
    assert "password_hash" not in response.get_data(as_text=True)
    assert "Mijn gegevens" in auth.client.get("/mijn-gegevens").get_data(as_text=True)


def test_my_learning_and_the_lesson_page_stay_a_handful_of_queries(
    auth, learner, count_queries, tmp_path
):
    """However many modules exist, "Mijn leren" and a lesson run a fixed number of queries."""
    auth.login(learner)
    read_all_lessons(auth, "proef")

    def measure() -> tuple[int, int]:
        # The first visit after a publication reads the new versions into the cache (two queries
        # for any number of versions); the counts that matter are those of every later visit.
        with count_queries() as first_visit:
            assert auth.client.get("/mijn-leren").status_code == 200
        with count_queries() as mine:
            assert auth.client.get("/mijn-leren").status_code == 200
        assert first_visit.count <= mine.count + 2
        with count_queries() as lesson:
            assert auth.client.get("/modules/proef/01-wat-is-een-model").status_code == 200
        return mine.count, lesson.count

    before = measure()
    tree = tmp_path / "content"
    for number in range(10):
        target = tree / "modules" / f"extra-{number}"
        shutil.copytree(FIXTURE_CONTENT / "modules/proef", target)
        for language in ("nl", "en"):
            edit(
                target / language / "module.md",
                "slug: proef",
                f"slug: extra-{number}\ncompletion: lessons",
            )
    assert not sync(Loader(tree).load()).problems
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    path.module_slugs = ["proef", *(f"extra-{n}" for n in range(10))]
    db.session.commit()
    after = measure()
    assert after[0] <= before[0] and after[1] <= before[1], (before, after)
    assert after[0] <= 12 and after[1] <= 10, after


def test_a_major_version_in_the_other_language_does_not_touch_my_completion(
    auth, learner, tmp_path
):
    auth.login(learner)
    read_all_lessons(auth, "proef")
    take_quiz(auth, learner.id, "proef", right=True)
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    edit(tree / "modules/proef/en/module.md", "version: 1.0.0", "version: 2.0.0")
    edit(tree / "modules/proef/en/02-a-person-decides.md", "a person decides.", "people decide.")
    assert not sync(Loader(tree).load()).problems
    page = auth.client.get("/mijn-leren").get_data(as_text=True)
    assert "Afgerond" in page and "Opfrissen nodig" not in page


def test_with_a_pause_after_two_failures_the_second_retry_waits(auth, learner):
    """The rule is shown before the start; one failure may be retried at once, two in a row
    mean a pause, and after the pause the count starts again."""
    set_quiz(wait_minutes=60, wait_after_failures=2)
    auth.login(learner)
    page = auth.client.get("/modules/proef/toets").get_data(as_text=True)
    assert "Na 2 mislukte pogingen op rij wacht je 60 minuten" in page

    def attempts() -> int:
        return db.session.scalar(sa.select(sa.func.count(QuizAttempt.id)))

    take_quiz(auth, learner.id, "proef", right=False)
    assert "opnieuw maken vanaf" not in auth.client.get("/modules/proef/toets").get_data(True)
    take_quiz(auth, learner.id, "proef", right=False)
    assert attempts() == 2
    assert "opnieuw maken vanaf" in auth.client.get("/modules/proef/toets").get_data(True)
    auth.post("/modules/proef/toets/start")
    assert attempts() == 2
    for attempt in db.session.scalars(sa.select(QuizAttempt)):
        attempt.submitted_at -= dt.timedelta(minutes=61)
    db.session.commit()
    assert auth.post("/modules/proef/toets/start").status_code == 302
    assert attempts() == 3
