"""Two app servers, one PostgreSQL, one Redis: a learner moves between the servers mid-quiz, and
login throttling counts attempts made on either.

Each server is a real `gunicorn 'app:create_app()'` with two workers, configured by environment
variables alone, as in production. Runs in the PostgreSQL pass of the suite (the servers share
the test database); skipped on SQLite, which one file-bound server would not share.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
import sqlalchemy as sa

from app.extensions import db
from app.models import QuizAnswer, QuizAttempt
from tests.conftest import PASSWORD
from tests.learn.helpers import answer_fields, open_attempt

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own, emptied before each test
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"),
    reason="two app servers need a shared database server: runs in the PostgreSQL pass",
)


class Browser:
    """Keeps cookies like a browser, but also sends Secure ones over plain http to 127.0.0.1
    (production marks them Secure; a TLS proxy would sit in front)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location") or "", text

    def csrf(self, port: int, path: str) -> str:
        status, _, page = self.request(port, "GET", path)
        assert status == 200, (path, status)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, path
        return match.group(1)

    def sign_in(self, port: int, email: str, password: str = PASSWORD) -> int:
        token = self.csrf(port, "/login")
        form = {"email": email, "password": password, "csrf_token": token}
        return self.request(port, "POST", "/login", form)[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, log: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "GELETTERD_ENV": "production",
        "SECRET_KEY": "scale-out-test-secret-key-shared-by-both-servers",
        "DATABASE_URL": TEST_DATABASE_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "LOGIN_RATE_LIMIT_ACCOUNT": "4 per 15 minutes",
    }
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}"]
    with log.open("wb") as output:  # the child keeps its own copy of the file descriptor
        return subprocess.Popen(
            [*command, "app:create_app()"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server on port {port} exited:\n{log.read_text()}")
        try:
            if Browser().request(port, "GET", "/livez")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"server on port {port} did not come up:\n{log.read_text()}")


@pytest.fixture
def shared_redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not running at {REDIS_URL}: .ci/run starts it")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def servers(app, shared_redis, tmp_path) -> Iterator[tuple[int, int]]:
    db.session.commit()  # the servers must see what the test made
    ports = free_port(), free_port()
    logs = [tmp_path / f"server-{port}.log" for port in ports]
    running = [start_server(port, log) for port, log in zip(ports, logs, strict=True)]
    try:
        for server, port, log in zip(running, ports, logs, strict=True):
            wait_until_up(server, port, log)
        yield ports
    finally:
        for server in running:
            server.terminate()
        for server in running:
            server.wait(timeout=30)


@pytest.fixture
def learner(make, content):
    return make.user(email="reiziger@example.org")


def test_a_learner_can_move_between_servers_in_the_middle_of_a_quiz(learner, servers):
    """Can a learner start a quiz on one server, answer on both, and submit on the other?"""
    a, b = servers
    browser = Browser()
    assert browser.sign_in(a, learner.email) == 302
    token = browser.csrf(b, "/modules/proef/toets")  # signed in on A, recognised by B
    status, location, _ = browser.request(
        a, "POST", "/modules/proef/toets/start", {"csrf_token": token}
    )
    assert status == 302 and location.endswith("/1"), (status, location)
    attempt = open_attempt(learner.id)
    for index in range(len(attempt.draw)):
        port = (a, b)[index % 2]
        form = {**answer_fields(attempt, index, right=True), "action": "next"}
        status, _, _ = browser.request(
            port, "POST", f"/toets/{attempt.id}/{index + 1}", {**form, "csrf_token": token}
        )
        assert status == 302, (port, index, status)

    status, _, overview = browser.request(b, "GET", f"/toets/{attempt.id}/overzicht")
    assert status == 200
    total = len(attempt.draw)
    assert f"{total} van {total} vragen beantwoord" in overview  # answers given on A and on B
    status, location, _ = browser.request(
        a, "POST", f"/toets/{attempt.id}/inleveren", {"csrf_token": token}
    )
    assert status == 302 and location.endswith("/resultaat")
    status, _, result = browser.request(b, "GET", f"/toets/{attempt.id}/resultaat")
    assert status == 200 and "je hebt de toets gehaald" in result

    db.session.expire_all()
    answers = db.session.scalars(
        sa.select(QuizAnswer.question_id).where(QuizAnswer.attempt_id == attempt.id)
    ).all()
    assert sorted(answers) == sorted(d["id"] for d in attempt.draw)  # each exactly once
    finished = db.session.get(QuizAttempt, attempt.id)
    assert finished.submitted_at is not None and finished.passed


def test_login_throttling_counts_attempts_on_both_servers(learner, servers, shared_redis):
    """Do failed sign-ins on server A and server B add up to one limit per account?"""
    a, b = servers
    for attempt in range(4):  # the limit the servers were given: 4 per 15 minutes
        port = (a, b)[attempt % 2]
        status = Browser().sign_in(port, learner.email, "wrong password, try again")
        assert status == 400, (port, attempt, status)
    for port in (a, b):
        assert Browser().sign_in(port, learner.email, "wrong password, try again") == 429
        # Even the right password waits now: the limit protects the account, not the guess.
        assert Browser().sign_in(port, learner.email) == 429
    assert shared_redis.dbsize() > 0  # the counters live in Redis, not in a server's memory
