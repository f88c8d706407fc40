"""The audit log as tamper-evident evidence: a hash chain that `flask audit verify` checks,
appends that never fork it, a migration that chains old entries, and (on PostgreSQL) a database
role for the app that cannot change or delete entries."""

import json
import secrets
import threading

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.admin.retention import purge
from app.core import audit, audit_chain
from app.core.time import utcnow
from app.extensions import db
from app.models import AuditEvent, Role
from tests.test_database import postgresql_only


def write_entries(count: int) -> list[int]:
    ids = [audit.record("test.entry", target=f"thing:{n}", n=n).id for n in range(count)]
    db.session.commit()
    return ids


def run_verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_an_untouched_log_verifies(runner, make):
    make.user(Role.ADMIN)  # its enrolment writes entries too
    write_entries(5)
    result = run_verify(runner)
    assert result.exit_code == 0, result.output
    assert "audit log intact" in result.output


def test_each_entry_carries_the_hash_of_the_one_before(make):
    first, second = write_entries(2)
    one, two = db.session.get(AuditEvent, first), db.session.get(AuditEvent, second)
    assert one.prev_hash == "" and len(one.entry_hash) == 64
    assert two.prev_hash == one.entry_hash
    assert audit_chain.entry_hash(two.prev_hash, two) == two.entry_hash


def test_an_edited_entry_is_found_and_named(runner):
    ids = write_entries(5)
    db.session.execute(
        sa.text("UPDATE audit_events SET target = 'thing:innocent' WHERE id = :id"), {"id": ids[2]}
    )
    db.session.commit()
    result = run_verify(runner)
    assert result.exit_code == 1
    assert f"entry {ids[2]}: content changed after it was written" in result.output
    assert result.output.count("audit log:") == 1  # only that one


def test_an_edited_detail_or_time_is_found(runner):
    ids = write_entries(3)
    db.session.execute(
        sa.text("UPDATE audit_events SET at = :at WHERE id = :id"), {"at": utcnow(), "id": ids[0]}
    )
    db.session.execute(
        sa.text("UPDATE audit_events SET detail = :detail WHERE id = :id"),
        {"detail": json.dumps({"n": 99}), "id": ids[1]},
    )
    db.session.commit()
    output = run_verify(runner).output
    assert f"entry {ids[0]}: content changed" in output
    assert f"entry {ids[1]}: content changed" in output


def test_a_deleted_entry_is_found_by_the_one_after_it(runner):
    ids = write_entries(5)
    db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[2]})
    db.session.commit()
    result = run_verify(runner)
    assert result.exit_code == 1
    assert f"entry {ids[3]}: does not follow entry {ids[1]}" in result.output


def test_deleting_the_newest_entries_is_found_too(runner):
    ids = write_entries(4)
    db.session.execute(sa.text("DELETE FROM audit_events WHERE id >= :id"), {"id": ids[2]})
    db.session.commit()
    result = run_verify(runner)
    assert result.exit_code == 1
    assert f"end of the log: the newest entry should be {ids[3]}" in result.output


def test_reordered_entries_are_found(runner):
    ids = write_entries(4)
    # Swap two whole entries, hashes and all, as someone rewriting history would.
    columns = "at, actor_id, action, target, detail, ip, prev_hash, entry_hash"
    rows = {
        row.id: row
        for row in db.session.execute(
            sa.text(f"SELECT id, {columns} FROM audit_events WHERE id IN (:a, :b)"),  # noqa: S608
            {"a": ids[1], "b": ids[2]},
        )
    }
    for target, source in ((ids[1], ids[2]), (ids[2], ids[1])):
        values = dict(rows[source]._mapping)
        values["detail"] = (
            json.dumps(values["detail"]) if isinstance(values["detail"], dict) else values["detail"]
        )
        values["id"] = target
        db.session.execute(
            sa.text(
                "UPDATE audit_events SET at = :at, actor_id = :actor_id, action = :action, "
                "target = :target, detail = :detail, ip = :ip, prev_hash = :prev_hash, "
                "entry_hash = :entry_hash WHERE id = :id"
            ),
            values,
        )
    db.session.commit()
    result = run_verify(runner)
    assert result.exit_code == 1
    assert f"entry {ids[1]}: does not follow" in result.output


def test_concurrent_writers_never_fork_the_chain(app):
    errors = []

    def writer(number: int) -> None:
        try:
            with app.app_context():
                for n in range(10):
                    audit.record("test.concurrent", target=f"writer:{number}", n=n)
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert audit_chain.verify() == []
    hashes = db.session.scalars(sa.select(AuditEvent.prev_hash)).all()
    assert len(hashes) == 40 and len(set(hashes)) == 40  # no two entries chain onto one


def test_the_retention_purge_keeps_the_chain_verifiable(runner, make):
    import datetime as dt

    person = make.user(email="weg@example.org")
    audit.record("test.about_person", actor=person, target=f"user:{person.id}")
    person.deactivate()
    person.deactivated_at = utcnow() - dt.timedelta(days=3000)
    db.session.commit()
    assert purge(retention_days=730) == 1
    db.session.commit()
    assert run_verify(runner).exit_code == 0


def test_the_migration_chains_entries_written_before_it(app, runner):
    downgrade(revision="0009")
    with db.engine.begin() as connection:
        for n in range(3):
            connection.execute(
                sa.text(
                    "INSERT INTO audit_events (at, action, target, detail) "
                    "VALUES (:at, 'old.entry', :target, :detail)"
                ),
                {"at": utcnow(), "target": f"old:{n}", "detail": json.dumps({"n": n})},
            )
    upgrade()
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 3
    assert run_verify(runner).exit_code == 0
    write_entries(1)  # and new entries chain onto the old ones
    assert run_verify(runner).exit_code == 0


@postgresql_only
def test_the_production_role_can_add_entries_but_not_change_or_delete_them(app):
    """The GRANTs of docs/deploy.md, on a role made for this test."""
    write_entries(1)
    role = f"geletterd_app_test_{secrets.token_hex(4)}"
    with db.engine.connect() as connection:
        connection.execute(sa.text(f"CREATE ROLE {role} NOLOGIN"))
        connection.commit()
        try:
            for statement in grants(role):
                connection.execute(sa.text(statement))
            connection.commit()
            connection.execute(sa.text(f"SET ROLE {role}"))
            connection.execute(
                sa.text(
                    "INSERT INTO audit_events (at, action, detail, prev_hash, entry_hash) "
                    "VALUES (now(), 'as.app', '{}', '', '')"
                )
            )
            connection.execute(
                sa.text("UPDATE audit_chain_head SET last_hash = last_hash WHERE id = 1")
            )
            connection.commit()
            for forbidden in (
                "UPDATE audit_events SET target = 'x'",
                "DELETE FROM audit_events",
                "TRUNCATE audit_events",
            ):
                connection.execute(sa.text(f"SET ROLE {role}"))
                with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                    connection.execute(sa.text(forbidden))
                connection.rollback()
        finally:
            connection.rollback()
            connection.execute(sa.text("RESET ROLE"))
            connection.execute(sa.text(f"DROP OWNED BY {role}"))
            connection.execute(sa.text(f"DROP ROLE {role}"))
            connection.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 2


def grants(role: str) -> list[str]:
    """The statements docs/deploy.md gives, for `role`."""
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "deploy.md").read_text()
    block = text.split("<!-- grants -->")[1].split("```sql")[1].split("```")[0]
    statements = [
        s.strip() for s in block.split(";") if s.strip() and not s.strip().startswith("--")
    ]
    return [s.replace("geletterd_app", role) for s in statements]
