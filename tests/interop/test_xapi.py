"""xAPI: quiz results and completions reach the organisation's LRS (a real Ralph LRS), once
each, also when the LRS was down for a while."""

import datetime as dt
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.interop import xapi
from app.jobs import tasks as tasks_module
from app.jobs.queue import huey_for
from app.models import AuditEvent, XapiOutboxEntry
from tests.interop.lrs import PASSWORD, USERNAME, RalphLRS
from tests.learn.helpers import read_all_lessons, take_quiz

HOME_PAGE = "https://www.gemeente-a.nl"


@pytest.fixture
def lrs(tmp_path: Path):
    server = RalphLRS(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def configured(runner, make, lrs, monkeypatch):
    organisation = make.organisation()
    monkeypatch.setenv("LRS_PASSWORD", PASSWORD)
    result = runner.invoke(
        args=["xapi", "configure", "--organisation", organisation.slug, "--endpoint", lrs.endpoint,
              "--username", USERNAME, "--password-env", "LRS_PASSWORD", "--home-page", HOME_PAGE]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return organisation


@pytest.fixture
def learner(auth, make, configured, content):
    person = make.user(organisation=configured, email="leerling@gemeente-a.nl", name="Ans de Wit")
    auth.login(person)
    read_all_lessons(auth, "proef")
    return person


def deliver(runner):
    return runner.invoke(args=["xapi", "deliver"])


def test_failed_then_passed_quiz_and_completion_arrive_as_statements(auth, learner, runner, lrs):
    """Does the LRS get failed, passed (with score) and completed, under a pseudonym?"""
    take_quiz(auth, learner.id, "proef", right=False)
    take_quiz(auth, learner.id, "proef", right=True)
    result = deliver(runner)
    assert result.exit_code == 0 and "3 sent, 0 pending" in result.output, result.output
    actor = {
        "objectType": "Agent",
        "account": {"homePage": HOME_PAGE, "name": xapi.pseudonym(learner)},
    }
    statements = sorted(lrs.statements(actor), key=lambda s: s["timestamp"])
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]
    assert sorted(verbs) == ["completed", "failed", "passed"]
    by_verb = {s["verb"]["id"].rsplit("/", 1)[-1]: s for s in statements}
    assert by_verb["failed"]["result"]["success"] is False
    assert by_verb["failed"]["result"]["score"]["scaled"] < 0.7
    assert by_verb["passed"]["result"] == {
        "score": {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100},
        "success": True,
        "completion": True,
    }
    assert by_verb["passed"]["object"]["id"] == "http://127.0.0.1:5000/modules/proef/toets"
    assert by_verb["completed"]["object"]["id"] == "http://127.0.0.1:5000/modules/proef"
    everything = str(lrs.statements())
    assert "leerling@gemeente-a.nl" not in everything and "Ans de Wit" not in everything
    assert "mbox" not in str([s["actor"] for s in statements])


def test_an_lrs_that_was_down_gets_every_statement_later_exactly_once(auth, learner, runner, lrs):
    lrs.stop()
    take_quiz(auth, learner.id, "proef", right=False)
    take_quiz(auth, learner.id, "proef", right=True)
    down = deliver(runner)
    assert down.exit_code == 1 and "0 sent, 3 pending" in down.output
    assert deliver(runner).exit_code == 1  # still down: still pending, nothing lost
    lrs.start()
    up = deliver(runner)
    assert up.exit_code == 0 and "3 sent, 0 pending" in up.output
    ids = [s["id"] for s in lrs.statements()]
    assert len(ids) == 3
    # A delivery that crashed after the LRS stored a statement but before we noted it: the
    # statement goes again, with its fixed id, and the LRS still holds it once.
    db.session.execute(sa.update(XapiOutboxEntry).values(sent_at=None))
    db.session.commit()
    again = deliver(runner)
    assert again.exit_code == 0 and "3 sent" in again.output
    assert sorted(s["id"] for s in lrs.statements()) == sorted(ids)
    stored = db.session.scalars(sa.select(XapiOutboxEntry.statement_id)).all()
    assert sorted(stored) == sorted(ids)


def test_nothing_is_recorded_for_an_organisation_without_an_lrs(auth, make, content, runner):
    person = make.user(email="elders@example.org")
    auth.login(person)
    read_all_lessons(auth, "proef")
    take_quiz(auth, person.id, "proef", right=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(XapiOutboxEntry)) == 0
    assert deliver(runner).exit_code == 0


def test_the_lrs_password_is_stored_encrypted_and_changes_are_audited(configured, runner):
    from app.models import LrsConnection

    connection = db.session.scalar(sa.select(LrsConnection))
    assert PASSWORD not in connection.secret_sealed
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "xapi.configure" in actions
    assert runner.invoke(args=["xapi", "disable", "--organisation", "gemeente-a"]).exit_code == 0
    db.session.expire_all()
    assert db.session.scalar(sa.select(LrsConnection.active)) is False


def test_an_admin_sets_up_the_lrs_of_their_own_organisation(app, make):
    """The admin page: https only, the password kept encrypted and never shown again, and
    another organisation's admin sees nothing of it."""
    from app.models import LrsConnection, Role
    from tests.conftest import Auth

    admin = make.user(Role.ADMIN, email="admin@gemeente-a.nl")
    session = Auth(app.test_client())
    session.login(admin)
    assert session.client.get("/admin/leerregistratie").status_code == 200
    form = {
        "endpoint": "http://lrs.gemeente-a.nl/xAPI/",
        "username": "geletterd",
        "password": "geheim-wachtwoord",
        "home_page": "https://www.gemeente-a.nl",
        "active": "y",
    }
    refused = session.post("/admin/leerregistratie", form)
    assert refused.status_code == 400 and "Begin met https://." in refused.get_data(as_text=True)
    saved = session.post(
        "/admin/leerregistratie", {**form, "endpoint": "https://lrs.gemeente-a.nl/xAPI"}
    )
    assert saved.status_code == 302
    page = session.client.get("/admin/leerregistratie").get_data(as_text=True)
    assert "De koppeling is opgeslagen." in page and "geheim-wachtwoord" not in page
    connection = db.session.scalar(sa.select(LrsConnection))
    assert connection.endpoint == "https://lrs.gemeente-a.nl/xAPI/"
    kept = connection.secret_sealed
    session.post(
        "/admin/leerregistratie",
        {**form, "endpoint": "https://lrs.gemeente-a.nl/xAPI/", "password": ""},
    )
    db.session.expire_all()
    assert db.session.scalar(sa.select(LrsConnection.secret_sealed)) == kept
    stranger = make.user(
        Role.ADMIN,
        organisation=make.organisation("gemeente-b", "Gemeente B"),
        email="admin@gemeente-b.nl",
    )
    other = Auth(app.test_client())
    other.login(stranger)
    assert "lrs.gemeente-a.nl" not in other.client.get("/admin/leerregistratie").get_data(
        as_text=True
    )


def test_the_queue_delivers_pending_statements_every_minute_once(
    app, auth, learner, lrs, monkeypatch
):
    """No cron needed: the workers' scheduler runs delivery each minute; a second worker in the
    same minute (the same slot) sends nothing, the next minute sends what came since."""
    huey = huey_for(app)
    minute = 29_000_000.0 + time.time() % 60  # a minute of its own, however long the test takes
    clock = SimpleNamespace(time=lambda: minute)  # the slot's clock only, in app.jobs.tasks
    monkeypatch.setattr(tasks_module, "time", clock)
    take_quiz(auth, learner.id, "proef", right=True)  # passed and completed: 2 statements
    due = [task for task in huey.read_periodic(dt.datetime.now()) if task.name == "xapi_deliver"]
    assert len(due) == 1, "delivery is a periodic task due every minute"
    huey.execute(due[0])
    assert xapi.pending_count() == 0 and len(lrs.statements()) == 2
    take_quiz(auth, learner.id, "proef", right=False)  # one more statement, same minute
    huey.execute(due[0])  # a second worker's run in the same minute
    assert xapi.pending_count() == 1
    minute += 60
    huey.execute(due[0])
    assert xapi.pending_count() == 0 and len(lrs.statements()) == 3
