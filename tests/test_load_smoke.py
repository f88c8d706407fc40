"""The load test (bench/load.py) in short: a dozen learners for ten seconds against gunicorn on
PostgreSQL, in a database of its own; then the same data check as the full run. And the data
check itself, against answers and attempts made here, to show that it notices what it should.

The smoke run needs PostgreSQL (several workers writing at once); it is skipped on SQLite.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.content.catalogue import current_versions
from app.extensions import db
from app.quiz import attempts
from tests.learn.helpers import answer_fields

LOAD_PY = Path(__file__).resolve().parent.parent / "bench" / "load.py"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
postgresql_only = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"),
    reason="gunicorn workers writing at once need a database server: runs in the PostgreSQL pass",
)

# A learner needs about 25 requests from Mijn leren to a submitted quiz. On the shared 2-core
# machine, busy with other people's work, the server answered 40-70 requests/s: 12 learners in
# 10 s then hand in 10-17 quizzes; 20 learners in 8 s had handed in none yet.
LEARNERS, SECONDS, WORKERS = 12, 10, 2


@pytest.fixture(scope="module")
def load() -> ModuleType:
    """bench/load.py as a module. Loaded by path: with bench/ on sys.path, bench/http.py would
    shadow the standard library's http."""
    spec = importlib.util.spec_from_file_location("bench_load", LOAD_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def load_database() -> Iterator[str]:
    """An empty database of its own on the test database's server, dropped afterwards."""
    server = sa.make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    name = f"geletterd_load_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@postgresql_only
def test_learners_under_load_get_no_errors_and_every_answer_is_stored_once(load, load_database):
    """Do a dozen learners reading, answering and handing in quizzes at once get no 5xx and no
    dropped connection, and does the database hold exactly what they were told was saved?"""
    report = load.run(load_database, learners=LEARNERS, seconds=SECONDS, workers=WORKERS)
    text = report.text() + "\n" + "\n".join(report.failures())
    assert report.server_errors == 0, text + "\n" + report.server_log_tail
    assert report.connection_errors == 0, text + "\n" + report.server_log_tail
    assert report.problems == [], text
    assert report.signed_in == LEARNERS, text
    assert report.quizzes_submitted >= 3, text
    assert report.answers_saved >= 8 * report.quizzes_submitted, text
    assert report.database_problems == [], text
    assert report.failures() == []


@pytest.fixture
def handed_in(make, content):
    """One attempt with questions 1-3 answered and handed in, one with question 1 answered and
    still open; as the load generator would have noted them."""
    learner = make.user()
    version = current_versions()["proef"]["nl"]
    submitted = attempts.start_attempt(learner, version)
    for index in range(3):
        attempts.save_answer(submitted, index, MultiDict(answer_fields(submitted, index, True)))
    attempts.submit(learner, submitted.id)
    db.session.commit()
    other = make.user()
    still_open = attempts.start_attempt(other, version)
    attempts.save_answer(still_open, 0, MultiDict(answer_fields(still_open, 0, False)))
    db.session.commit()
    return {
        "answered": [[submitted.id, 1], [submitted.id, 2], [submitted.id, 3], [still_open.id, 1]],
        "unsure_answers": [],
        "submitted": [submitted.id],
        "unsure_submits": [],
    }


def test_the_data_check_passes_when_the_database_holds_what_the_learners_were_told(load, handed_in):
    problems, counts = load.check_database(handed_in)
    assert problems == []
    assert counts == {
        "attempts": 2,
        "answers": 4,
        "graded": 1,
        "passed": 1,
        "completions": 0,  # passed, but the lessons were never read
        "certificates": 0,
    }


def test_the_data_check_notices_an_answer_stored_that_was_never_saved(load, handed_in):
    attempt, number = handed_in["answered"].pop(2)
    problems, _ = load.check_database(handed_in)
    assert len(problems) == 1
    assert problems[0].startswith(f"attempt {attempt}: answers stored that were never saved")
    handed_in["unsure_answers"].append([attempt, number])  # sent, but no clear reply: may be there
    assert load.check_database(handed_in)[0] == []


def test_the_data_check_notices_a_saved_answer_that_is_missing(load, handed_in):
    attempt = handed_in["answered"][-1][0]
    handed_in["answered"].append([attempt, 2])
    problems, _ = load.check_database(handed_in)
    assert len(problems) == 1
    assert problems[0].startswith(f"attempt {attempt}: saved answers missing for")


def test_the_data_check_notices_grading_that_does_not_match_the_hand_ins(load, handed_in):
    graded = handed_in["submitted"].pop()
    still_open = handed_in["answered"][-1][0]
    handed_in["submitted"].append(still_open)
    problems, _ = load.check_database(handed_in)
    assert problems == [
        f"attempt {graded}: graded, but never handed in",
        f"attempt {still_open}: handed in, but submitted_at is not set",
    ]
