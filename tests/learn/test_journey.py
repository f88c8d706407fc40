"""A learner's whole journey through HTTP, and the guarantees around quizzes and progress."""

import datetime as dt
import re
import threading

import pytest
import sqlalchemy as sa

from app.certificates import issuing
from app.extensions import db
from app.models import (
    Assignment,
    Certificate,
    Completion,
    LearningPath,
    ModuleProgress,
    QuizAnswer,
    QuizAttempt,
)
from tests.conftest import csrf_token
from tests.learn.helpers import answer_fields, open_attempt, read_all_lessons, take_quiz


@pytest.fixture
def learner(make, content):
    user = make.user(name="IJsbrand Ærtssen")
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    db.session.add(
        Assignment(
            user_id=user.id, path_id=path.id, deadline=dt.date.today() + dt.timedelta(days=30)
        )
    )
    db.session.commit()
    return user


def test_the_whole_journey_from_login_to_path_certificate(auth, learner):
    auth.login(learner)
    page = auth.client.get("/mijn-leren").get_data(as_text=True)
    assert "Basis voor iedereen" in page and "Niet begonnen" in page
    assert "Proefmodule over AI" in auth.client.get("/modules").get_data(as_text=True)

    read_all_lessons(auth, "proef")
    page = auth.client.get("/mijn-leren").get_data(as_text=True)
    assert "Bezig" in page and "2 van 2 lessen gelezen" in page

    failed = take_quiz(auth, learner.id, "proef", right=False).get_data(as_text=True)
    assert "niet gehaald" in failed and "Uitleg" in failed
    assert db.session.scalar(sa.select(sa.func.count(Completion.id))) == 0

    passed = take_quiz(auth, learner.id, "proef", right=True).get_data(as_text=True)
    assert "Je score: 100\u00a0%" in passed and "gehaald" in passed

    page = auth.client.get("/mijn-leren").get_data(as_text=True)
    assert "Afgerond" in page
    issued = db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()
    assert [(c.kind, c.title) for c in issued] == [
        ("module", "Proefmodule over AI"),
        ("path", "Basis voor iedereen"),
    ]
    completion = db.session.scalar(sa.select(Completion))
    assert completion.module_version.version == "1.0.0" and completion.score == 100.0
    verify = auth.client.get(f"/verify/{issued[1].code}.json").get_json()
    assert verify["status"] == "valid" and verify["holder"] == "IJsbrand Ærtssen"


def test_no_page_before_submission_tells_which_options_are_right(auth, learner):
    auth.login(learner)
    auth.post("/modules/proef/toets/start")
    attempt = open_attempt(learner.id)
    questions = attempt.module_version.quiz["questions"]
    secrets_ = [q["explanation_html"] for q in questions]
    secrets_ += [o["feedback_html"] for q in questions for o in q["options"] if o["feedback_html"]]
    pages = [
        auth.client.get(f"/toets/{attempt.id}/{n}").get_data(as_text=True)
        for n in range(1, len(attempt.draw) + 1)
    ]
    pages.append(auth.client.get(f"/toets/{attempt.id}/overzicht").get_data(as_text=True))
    pages.append(auth.client.get("/modules/proef/toets").get_data(as_text=True))
    for page in pages:
        for secret in secrets_:
            assert secret not in page
        assert "correct" not in page.lower() and "goed antwoord" not in page


def test_answers_are_saved_as_you_go_and_the_attempt_resumes_in_a_new_session(app, learner):
    from tests.conftest import Auth

    first = Auth(app.test_client())
    first.login(learner)
    first.post("/modules/proef/toets/start")
    attempt = open_attempt(learner.id)
    fields = answer_fields(attempt, 0, right=True)
    first.post(f"/toets/{attempt.id}/1", {**fields, "action": "next"})

    second = Auth(app.test_client())  # the browser was closed; a new session
    second.login(learner)
    response = second.post("/modules/proef/toets/start")
    assert response.headers["Location"].endswith(f"/toets/{attempt.id}/1")
    page = second.client.get(f"/toets/{attempt.id}/1").get_data(as_text=True)
    chosen = fields.get("answer") or []
    for value in chosen:
        assert f'value="{value}" checked' in page


def test_a_question_page_and_a_save_read_only_the_answer_they_show_or_replace(
    auth, learner, count_queries
):
    """The attempt's other answers stay in the database: each question page and each save
    reads one answer, however many are saved; a changed answer replaces the saved one (one row
    per question, holding the new answer)."""
    auth.login(learner)
    auth.post("/modules/proef/toets/start")
    attempt = open_attempt(learner.id)
    for number in range(1, len(attempt.draw) + 1):
        fields = answer_fields(attempt, number - 1, right=False)
        assert auth.post(f"/toets/{attempt.id}/{number}", fields).status_code == 302
    first_question = attempt.draw[0]["id"]
    wrong_response = db.session.scalar(
        sa.select(QuizAnswer.response).where(
            QuizAnswer.attempt_id == attempt.id, QuizAnswer.question_id == first_question
        )
    )
    right = answer_fields(attempt, 0, right=True)
    with count_queries() as counter:
        assert auth.post(f"/toets/{attempt.id}/1", right).status_code == 302
        page = auth.client.get(f"/toets/{attempt.id}/1").get_data(as_text=True)
    reads = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    answer_reads = [s for s in reads if "FROM quiz_answers" in s]
    assert len(answer_reads) == 2, counter.statements
    assert all("quiz_answers.question_id =" in s for s in answer_reads), answer_reads
    for value in right.get("answer") or []:
        assert f'value="{value}" checked' in page
    db.session.expire_all()
    saved = dict(
        db.session.execute(
            sa.select(QuizAnswer.question_id, QuizAnswer.response).where(
                QuizAnswer.attempt_id == attempt.id
            )
        ).all()
    )
    assert len(saved) == len(attempt.draw)
    assert saved[first_question] != wrong_response


def test_submitting_twice_counts_once(auth, learner):
    auth.login(learner)
    take_quiz(auth, learner.id, "proef", right=True)
    attempt = db.session.scalar(sa.select(QuizAttempt))
    again = auth.post(f"/toets/{attempt.id}/inleveren")
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Completion.id))) <= 1
    module_certificates = db.session.scalars(
        sa.select(Certificate).where(Certificate.kind == "module")
    ).all()
    assert len(module_certificates) <= 1


def test_nobody_else_can_hand_in_a_learners_attempt(app, auth, make, learner):
    """The claim names the owner: another learner's POST is a 404 and leaves the attempt open."""
    from tests.conftest import Auth

    auth.login(learner)
    read_all_lessons(auth, "proef")
    auth.post("/modules/proef/toets/start")
    attempt = open_attempt(learner.id)
    for index in range(len(attempt.draw)):
        auth.post(
            f"/toets/{attempt.id}/{index + 1}",
            {**answer_fields(attempt, index, True), "action": "next"},
        )
    intruder = Auth(app.test_client())
    intruder.login(make.user())
    assert intruder.post(f"/toets/{attempt.id}/inleveren").status_code == 404
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).submitted_at is None
    assert db.session.scalar(sa.select(sa.func.count(Completion.id))) == 0
    # The owner still hands it in, and it counts.
    assert auth.post(f"/toets/{attempt.id}/inleveren").status_code == 302
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).passed is True
    assert db.session.scalar(sa.select(sa.func.count(Completion.id))) == 1


def test_two_concurrent_submissions_produce_exactly_one_result(app, learner):
    from tests.conftest import Auth

    tabs = [Auth(app.test_client()) for _ in range(2)]
    for tab in tabs:
        tab.login(learner)
    read_all_lessons(tabs[0], "proef")
    tabs[0].post("/modules/proef/toets/start")
    attempt = open_attempt(learner.id)
    for index in range(len(attempt.draw)):
        tabs[0].post(
            f"/toets/{attempt.id}/{index + 1}",
            {**answer_fields(attempt, index, True), "action": "next"},
        )
    tokens = [csrf_token(tab.client, "/mijn-leren") for tab in tabs]
    barrier = threading.Barrier(2)
    statuses = []

    def submit(tab, token):
        with app.app_context():
            barrier.wait()
            statuses.append(
                tab.client.post(
                    f"/toets/{attempt.id}/inleveren", data={"csrf_token": token}
                ).status_code
            )

    threads = [
        threading.Thread(target=submit, args=pair) for pair in zip(tabs, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Completion.id))) == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Certificate.id)).where(Certificate.kind == "module")
        )
        == 1
    )


def test_a_crash_half_way_through_submission_writes_nothing(auth, learner, monkeypatch):
    """If issuing the certificate fails, is the attempt still open and nothing half written?"""
    auth.login(learner)
    read_all_lessons(auth, "proef")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    auth.post("/modules/proef/toets/start")
    attempt = open_attempt(learner.id)
    for index in range(len(attempt.draw)):
        auth.post(
            f"/toets/{attempt.id}/{index + 1}",
            {**answer_fields(attempt, index, True), "action": "next"},
        )
    monkeypatch.setattr(issuing, "issue_for_module", broken)
    monkeypatch.setitem(auth.client.application.config, "PROPAGATE_EXCEPTIONS", False)
    response = auth.post(f"/toets/{attempt.id}/inleveren")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True)
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert attempt.submitted_at is None and attempt.score is None
    assert db.session.scalar(sa.select(sa.func.count(Completion.id))) == 0
    # The answers saved before the crash are all still there.
    assert db.session.scalar(sa.select(sa.func.count(QuizAnswer.id))) == len(attempt.draw)


def _resume_link(auth) -> str:
    page = auth.client.get("/modules/proef").get_data(as_text=True)
    link = re.search(
        r'href="/modules/proef/([^"]+)">(Verder waar ik was|Begin met de eerste les)<', page
    )
    assert link, page
    return f"{link.group(2)} → {link.group(1)}"


def test_reading_writes_nothing_and_the_resume_point_follows_what_was_marked_read(auth, learner):
    auth.login(learner)
    assert _resume_link(auth) == "Begin met de eerste les → 01-wat-is-een-model"
    # Opening (even re-opening) a lesson is a safe GET: it does not move the resume point.
    for _ in range(2):
        assert auth.client.get("/modules/proef/02-mens-beslist").status_code == 200
    assert _resume_link(auth) == "Begin met de eerste les → 01-wat-is-een-model"

    reply = auth.post("/modules/proef/01-wat-is-een-model/gelezen")
    assert reply.headers["Location"].endswith("/modules/proef/02-mens-beslist")
    assert _resume_link(auth) == "Verder waar ik was → 02-mens-beslist"
    reply = auth.post("/modules/proef/02-mens-beslist/gelezen")
    assert reply.headers["Location"].endswith("/modules/proef#afronden")
    assert "2 van 2 lessen gelezen" in auth.client.get("/modules/proef").get_data(as_text=True)


def test_a_lesson_that_does_not_exist_is_404_to_read_and_to_mark(auth, learner):
    auth.login(learner)
    assert auth.client.get("/modules/proef/99-bestaat-niet").status_code == 404
    assert auth.post("/modules/proef/99-bestaat-niet/gelezen").status_code == 404


def test_passing_the_quiz_first_then_reading_the_last_lesson_completes_the_module_once(
    auth, learner
):
    """The last step may be a lesson: it completes the module the way a passed quiz does, with
    the best passed score and the certificates, and marking it read again changes nothing."""
    auth.login(learner)
    auth.post("/modules/proef/01-wat-is-een-model/gelezen")
    take_quiz(auth, learner.id, "proef", right=False)
    take_quiz(auth, learner.id, "proef", right=True)
    assert db.session.scalar(sa.select(sa.func.count(Completion.id))) == 0
    auth.post("/modules/proef/02-mens-beslist/gelezen")
    auth.post("/modules/proef/02-mens-beslist/gelezen")
    db.session.expire_all()
    [completion] = db.session.scalars(sa.select(Completion)).all()
    assert completion.score == 100.0
    kinds = sorted(c.kind for c in db.session.scalars(sa.select(Certificate)))
    assert kinds == ["module", "path"]
    progress = db.session.scalar(sa.select(ModuleProgress))
    assert progress.completed_at is not None
