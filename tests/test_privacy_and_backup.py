"""Retention: people who left are pseudonymised after the retention period, certificates stay
verifiable; and a consistent SQLite backup while the app runs."""

import datetime as dt
import sqlite3

import pytest
import sqlalchemy as sa

from app.certificates import issuing
from app.core.time import utcnow
from app.extensions import db
from app.models import AuditEvent, LearningPath


def test_people_who_left_long_ago_are_pseudonymised_and_their_certificate_still_verifies(
    runner, client, make, content
):
    gone = make.user(name="Vertrokken Vera", email="vera@example.org")
    recent = make.user(name="Net Weg", email="netweg@example.org")
    stays = make.user(name="Blijft Bas", email="bas@example.org")
    path = db.session.scalar(sa.select(LearningPath))
    certificate = issuing.issue_for_path(gone, path)
    gone.deactivate()
    gone.deactivated_at = utcnow() - dt.timedelta(days=800)
    recent.deactivate()
    db.session.commit()
    assert "1 person(s) due" in runner.invoke(args=["privacy", "purge", "--dry-run"]).output
    result = runner.invoke(args=["privacy", "purge"])
    assert "pseudonymised 1 person(s)" in result.output
    db.session.expire_all()
    assert gone.name == f"Oud-medewerker {gone.id}" and gone.email.endswith("@invalid")
    assert recent.name == "Net Weg" and stays.name == "Blijft Bas"
    data = client.get(f"/verify/{certificate.code}.json").get_json()
    assert data["status"] == "valid" and "Vera" not in str(data)
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "privacy.purge"))
    assert "0 person(s) due" in runner.invoke(args=["privacy", "purge", "--dry-run"]).output


def test_backup_makes_a_consistent_copy_that_restores(runner, make, app, tmp_path):
    if db.engine.url.get_backend_name() != "sqlite":
        result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    make.user(email="in-backup@example.org")
    target = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as restored:
        emails = {row[0] for row in restored.execute("SELECT email FROM users")}
    assert "in-backup@example.org" in emails
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0  # never overwrites


@pytest.mark.parametrize("active", [True, False])
def test_reactivation_clears_the_leaving_date(make, active):
    user = make.user()
    user.deactivate()
    assert user.deactivated_at is not None and not user.active
    if active:
        from app.admin.access import set_access

        set_access(
            user,
            roles=set(),
            scope_unit_ids=set(),
            active=True,
            actor=make.user(email="a@example.org"),
        )
        assert user.deactivated_at is None and user.active
