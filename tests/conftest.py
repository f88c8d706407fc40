"""Fixtures: the app on the test database (SQLite, or PostgreSQL via TEST_DATABASE_URL), clients,
login helpers and factories. The schema is built by the real migrations, once per session."""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

# SQLite runs from a file, not from memory: concurrency tests need real separate connections.
os.environ.setdefault(
    "TEST_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='geletterd-test-')}/test.db"
)

# The job queue (a SQLite file) and job results: a fresh folder per run, inherited by the worker
# processes some tests start.
os.environ.setdefault("TEST_JOB_DIR", tempfile.mkdtemp(prefix="geletterd-jobs-"))

from app import create_app  # noqa: E402 - after the test database is chosen
from app.auth import mfa  # noqa: E402
from app.auth.users import create_user  # noqa: E402
from app.content import published  # noqa: E402
from app.content.loader import Loader  # noqa: E402
from app.content.publish import sync  # noqa: E402
from app.extensions import db, fragment_cache, limiter  # noqa: E402
from app.models import Organisation, OrgUnit, Role, TotpCredential, User  # noqa: E402
from config import TestingConfig  # noqa: E402

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PASSWORD = "correct horse battery"


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    Tests hold an app context for their database work; without this, requests would share its
    `g` (and so Flask-Login's cached user and Flask-WTF's cached CSRF token) and its DB session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app() -> Flask:
    application = create_app(TestingConfig)
    application.test_client_class = FreshContextClient
    with application.app_context():
        db.drop_all()
        db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
    yield application
    # Close pooled connections now: left to the garbage collector at exit, psycopg warns, and
    # with warnings as errors that fails an otherwise green PostgreSQL run.
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_database(app: Flask):
    """Every test starts with empty tables and an app context."""
    with app.app_context():
        limiter.reset()  # rate-limit counters must not leak from one test into the next
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        # Emptied tables hand out the same version ids again (SQLite): forget what was derived.
        published.clear()
        fragment_cache.clear()


@pytest.fixture
def run_jobs(app: Flask):
    """Runs what is on the job queue, in this thread, until it is empty: the real queue (its
    SQLite file), the real task messages, a worker's code path; only no worker thread. Returns
    how many tasks ran. (tests/jobs/ prove the queue with real consumer threads and processes.)"""
    from app.jobs.queue import huey_for

    huey = huey_for(app)
    huey.flush()

    def drain() -> int:
        count = 0
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            count += 1
        return count

    yield drain
    huey.flush()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class Factory:
    """Makes organisations, units and people with as little ceremony as a test needs."""

    def __init__(self) -> None:
        self.count = 0

    def organisation(self, slug: str = "gemeente-a", name: str = "Gemeente A") -> Organisation:
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
        if organisation is None:
            organisation = Organisation(slug=slug, name=name)
            db.session.add(organisation)
            db.session.commit()
        return organisation

    def unit(self, organisation: Organisation, code: str, parent: OrgUnit | None = None) -> OrgUnit:
        unit = OrgUnit(organisation=organisation, code=code, name=f"Unit {code}", parent=parent)
        db.session.add(unit)
        db.session.commit()
        return unit

    def user(
        self,
        *roles: Role,
        organisation: Organisation | None = None,
        email: str | None = None,
        name: str = "Özlem Çelik-de Vries",
        unit: OrgUnit | None = None,
        language: str = "nl",
        second_factor: bool | None = None,
    ) -> User:
        """`second_factor`: enrol an authenticator app; by default when the roles need one."""
        self.count += 1
        user = create_user(
            organisation=organisation or self.organisation(),
            email=email or f"person{self.count}@example.org",
            name=name,
            password=PASSWORD,
            roles=set(roles),
            language=language,
            unit_id=unit.id if unit else None,
        )
        if second_factor or (second_factor is None and mfa.is_required(user)):
            enrol_second_factor(user)
        db.session.commit()
        return user


@pytest.fixture
def make() -> Factory:
    return Factory()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def enrol_second_factor(user: User) -> str:
    """Enrols `user`'s authenticator app as the enrolment page does: a new secret, confirmed
    with a real code. The code is the one of a minute ago, so that the next sign-ins (which
    may not reuse a code) have the current steps free. Returns the secret."""
    secret = mfa.pending_secret(user)
    a_minute_ago = time.time() - 60
    assert mfa.confirm_enrolment(user, pyotp.TOTP(secret).at(a_minute_ago), now=a_minute_ago)
    return secret


def next_code(user_id: int) -> str:
    """A real code from `user_id`'s authenticator app that the server will still accept: codes
    of the previous, current and next 30-second step count, each once. Waits for the next step
    when a test signs the same person in more than three times within one."""
    credential = db.session.execute(
        sa.select(TotpCredential)
        .where(TotpCredential.user_id == user_id)
        .execution_options(populate_existing=True)
    ).scalar_one()
    totp = pyotp.TOTP(mfa.secret_of(credential))
    while True:
        now = time.time()
        current = int(now // totp.interval)
        if now % totp.interval > totp.interval - 1:  # too close to the turn of the step
            time.sleep(1.1)
            continue
        step = max(current - 1, (credential.last_used_step or 0) + 1)
        if step <= current + 1:
            return totp.generate_otp(step)
        time.sleep((current + 1) * totp.interval - now + 0.1)


class Auth:
    def __init__(self, client: FlaskClient):
        self.client = client

    def login(self, user_or_email: User | str, password: str = PASSWORD):
        """Signs in with the password and, for an account with an authenticator app, a real
        code from it (the second step). Returns the last response."""
        email = user_or_email.email if isinstance(user_or_email, User) else user_or_email
        token = csrf_token(self.client)
        response = self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )
        if response.status_code == 302 and response.location.startswith("/login/code"):
            user_id = db.session.scalar(sa.select(User.id).where(User.email == email.lower()))
            return self.second_step(next_code(user_id))
        return response

    def enrol_second_factor(self):
        """Enrols an app on the page a person whose role needs one is sent to after their
        password: reads the key off the page and answers with its current code, as a person
        with an authenticator app does. Returns the response (the recovery codes)."""
        path = "/login/tweestapsverificatie"
        page = self.client.get(path).get_data(as_text=True)
        secret = re.search(r'<code class="secret" lang="en">([A-Z2-7 ]+)</code>', page).group(1)
        code = pyotp.TOTP(secret.replace(" ", "")).now()
        token = csrf_token(self.client, path)
        return self.client.post(path, data={"code": code, "csrf_token": token})

    def second_step(self, code: str):
        token = csrf_token(self.client, "/login/code")
        return self.client.post("/login/code", data={"code": code, "csrf_token": token})

    def post(self, path: str, data: dict | None = None, **kwargs):
        """A POST with this session's CSRF token, like a browser submitting our form."""
        token = csrf_token(self.client, "/mijn-leren")
        return self.client.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def content(app: Flask):
    """The fixture course (module "proef" in nl and en, its quizzes, path "basis"), synced."""
    report = sync(Loader(FIXTURE_CONTENT).load())
    assert not report.problems, report.problems
    return report


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """Counts the SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return counting
