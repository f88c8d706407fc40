"""`flask reminders send` with a real SMTP server: who gets what, in which language, how often."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.certificates import issuing
from app.extensions import db
from app.models import Assignment, HrScope, LearningPath, Role


@pytest.fixture
def people(make, content):
    organisation = make.organisation()
    unit = make.unit(organisation, "TEAM")
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    today = dt.date.today()
    found = {
        "late": make.user(name="Laat Lieke", email="late@example.org", unit=unit),
        "soon": make.user(name="Snel Sam", email="soon@example.org", unit=unit, language="en"),
        "later": make.user(name="Later Lars", email="later@example.org", unit=unit),
        "done": make.user(name="Klaar Kim", email="done@example.org", unit=unit),
    }
    deadlines = {
        "late": today - dt.timedelta(days=3),
        "soon": today + dt.timedelta(days=2),
        "later": today + dt.timedelta(days=60),
        "done": today - dt.timedelta(days=1),
    }
    for key, person in found.items():
        db.session.add(Assignment(user_id=person.id, path_id=path.id, deadline=deadlines[key]))
    db.session.commit()
    issuing.issue_for_path(found["done"], path)
    found["hr"] = make.user(Role.HR, name="Hanneke HR", email="hr@example.org", unit=unit)
    db.session.add(HrScope(user_id=found["hr"].id, unit_id=unit.id))
    db.session.commit()
    return found


def test_reminders_go_to_late_and_nearly_late_learners_in_their_language(runner, smtp, people):
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "2 learner(s), 1 HR digest(s)" in result.output
    late = smtp.to("late@example.org")[0]
    assert late["Subject"] == "Herinnering: je scholing over AI"
    assert "de deadline was" in late.get_content() and "/mijn-leren" in late.get_content()
    soon = smtp.to("soon@example.org")[0]
    assert soon["Subject"] == "Reminder: your training about AI"
    assert "Basics for everyone: deadline" in soon.get_content()
    assert smtp.to("later@example.org") == [] and smtp.to("done@example.org") == []


def test_hr_gets_a_digest_of_overdue_people_in_scope(runner, smtp, people):
    runner.invoke(args=["reminders", "send"])
    digest = smtp.to("hr@example.org")
    assert len(digest) == 1
    assert digest[0]["Subject"].startswith("Overzicht: 1 medewerkers te laat")
    assert "Laat Lieke" in digest[0].get_content()
    assert "Snel Sam" not in digest[0].get_content()  # not overdue yet


def test_running_every_hour_sends_nobody_a_second_reminder_that_day(runner, smtp, people):
    for _ in range(3):
        runner.invoke(args=["reminders", "send"])
    assert len(smtp.to("late@example.org")) == 1 and len(smtp.to("hr@example.org")) == 1
    assert len(smtp.messages) == 3


def test_a_mail_server_that_is_down_is_reported_and_retried_next_run(
    runner, people, app, monkeypatch, smtp
):
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)
    failed = runner.invoke(args=["reminders", "send"])
    assert failed.exit_code == 1 and "not sent: late@example.org" in failed.output
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    retried = runner.invoke(args=["reminders", "send"])
    assert "2 learner(s)" in retried.output
