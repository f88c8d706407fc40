"""`flask demo generate`: a large organisation with months of progress, for benchmarks."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app.core import formats
from app.core.time import utcnow
from app.demo import generate as demo_generate
from app.demo.seed import DEMO_PASSWORD
from app.extensions import db
from app.models import (
    Assignment,
    Certificate,
    Completion,
    HrScope,
    Lesson,
    LessonRead,
    ModuleProgress,
    Organisation,
    OrgUnit,
    QuizAttempt,
    RoleGrant,
    User,
    UserJobRole,
)
from tests.conftest import Auth

EMPLOYEES = 300
SLUG = "ministerie-proef"


@pytest.fixture
def development(app, monkeypatch):
    """The app as `make run` configures it: demo data allowed."""
    monkeypatch.setitem(app.config, "LOAD_DEMO_DATA", True)


def generate(runner, *options: str):
    return runner.invoke(
        args=["demo", "generate", "--employees", str(EMPLOYEES), "--organisation", SLUG, *options]
    )


def organisation_id(slug: str = SLUG) -> int:
    return db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug))


def count(*columns, where=()) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(*columns).where(*where))


def test_generate_refuses_in_production(runner, content):
    """Does a production configuration (no LOAD_DEMO_DATA) create anything? It must not."""
    result = generate(runner)
    assert result.exit_code != 0
    assert "only loaded in development" in result.output
    assert organisation_id() is None


def test_generate_says_to_sync_content_first_when_nothing_is_published(runner, development):
    result = generate(runner)
    assert result.exit_code != 0
    assert "flask content sync" in result.output
    assert organisation_id() is None


def test_generate_refuses_an_organisation_that_exists(runner, development, content, make):
    make.organisation(SLUG, "Bestaat al")
    result = generate(runner)
    assert result.exit_code != 0 and "already exists" in result.output


def test_generate_builds_a_unit_tree_of_teams_of_30_to_50(runner, development, content):
    result = generate(runner)
    assert result.exit_code == 0, result.output
    org = organisation_id()
    units = {
        u.id: u
        for u in db.session.scalars(sa.select(OrgUnit).where(OrgUnit.organisation_id == org))
    }
    roots = [u for u in units.values() if u.parent_id is None]
    assert len(roots) == 1

    def depth(unit):
        return 0 if unit.parent_id is None else 1 + depth(units[unit.parent_id])

    teams = [u for u in units.values() if depth(u) == 3]
    assert {depth(u) for u in units.values()} == {0, 1, 2, 3}
    assert all(u.code.startswith("TEAM-") for u in teams)
    sizes = dict(
        db.session.execute(
            sa.select(User.unit_id, sa.func.count(User.id))
            .where(User.organisation_id == org, User.unit_id.in_([t.id for t in teams]))
            .group_by(User.unit_id)
        ).all()
    )
    assert sum(sizes.values()) == EMPLOYEES
    assert len(sizes) == len(teams) and all(30 <= size <= 50 for size in sizes.values())


def test_generated_employees_have_no_password_and_the_staff_accounts_do(
    runner, development, content
):
    result = generate(runner)
    org = organisation_id()
    staff = db.session.scalars(
        sa.select(User).where(User.organisation_id == org, User.password_hash.is_not(None))
    ).all()
    emails = {user.email for user in staff}
    assert {f"admin@{SLUG}.example.org", f"hr@{SLUG}.example.org"} <= emails
    assert all(email in result.output for email in emails)
    people = count(User, where=[User.organisation_id == org])
    assert people == EMPLOYEES + len(staff)
    hr = next(user for user in staff if user.email.startswith("hr@"))
    root = db.session.scalar(
        sa.select(OrgUnit.id).where(OrgUnit.organisation_id == org, OrgUnit.parent_id.is_(None))
    )
    assert db.session.scalar(sa.select(HrScope.unit_id).where(HrScope.user_id == hr.id)) == root
    # Every person is a learner with a job role; names look Dutch, emails are lower case.
    assert count(RoleGrant, where=[RoleGrant.role == "learner"]) == people
    assert count(UserJobRole) == people
    names = db.session.scalars(sa.select(User.name).where(User.organisation_id == org)).all()
    assert any(re.search(r" (van|de|van der|ter) ", name) for name in names)
    assert all(user.email == user.email.lower() for user in staff)


def test_generated_progress_is_consistent(runner, development, content):
    """Assignments by the rules; every completion backed by all lessons read and a passed
    attempt, with a module certificate whose serial follows the app's own pattern."""
    generate(runner)
    org = organisation_id()
    people = count(User, where=[User.organisation_id == org])
    # The fixture's only path is for everyone: one assignment per person, deadline set.
    assert count(Assignment) == people
    assert count(Assignment, where=[Assignment.deadline.is_(None)]) == 0
    completions = db.session.scalars(sa.select(Completion)).all()
    assert 0 < len(completions) < people
    lessons = {
        version_id: total
        for version_id, total in db.session.execute(
            sa.select(Lesson.module_version_id, sa.func.count(Lesson.id)).group_by(
                Lesson.module_version_id
            )
        )
    }
    for completion in completions:
        progress = db.session.scalar(
            sa.select(ModuleProgress).where(
                ModuleProgress.user_id == completion.user_id,
                ModuleProgress.module_id == completion.module_id,
            )
        )
        assert progress.completed_at == completion.completed_at
        assert len(progress.lessons_read) == lessons[completion.module_version_id]
        passed = db.session.scalar(
            sa.select(QuizAttempt).where(
                QuizAttempt.user_id == completion.user_id, QuizAttempt.passed.is_(True)
            )
        )
        assert passed.score == completion.score and passed.score >= 70
        assert passed.submitted_at <= completion.completed_at < utcnow()
    failed = db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.passed.is_(False))).all()
    assert failed and all(a.score < 70 and len(a.results) == len(a.draw) for a in failed)
    assert count(LessonRead) > len(completions)
    certificates = db.session.scalars(sa.select(Certificate)).all()
    module_certificates = [c for c in certificates if c.kind == "module"]
    assert len(module_certificates) == len(completions)
    # The only path has one module: each completion completes the path too.
    assert len(certificates) - len(module_certificates) == len(completions)
    assert all(c.serial == f"GL-{c.issued_at.year}-{c.id:06d}" for c in certificates)


def test_the_dashboard_shows_plausible_figures_for_the_generated_organisation(
    app, runner, development, content
):
    generate(runner)
    org = organisation_id()
    people = count(User, where=[User.organisation_id == org])
    completed = count(Certificate, where=[Certificate.kind == "path"])
    hr = Auth(app.test_client())
    assert hr.login(f"hr@{SLUG}.example.org", DEMO_PASSWORD).status_code == 302
    page = hr.client.get("/hr/").get_data(as_text=True)
    shown = formats.number(people, "nl")  # "1.234"
    assert f"<dt>Medewerkers</dt><dd>{shown}</dd>" in page
    assert f"<dt>Toegewezen leerroutes</dt><dd>{shown}</dd>" in page
    rate = round(100 * completed / people)
    done = formats.number(completed, "nl")
    assert f"<dt>Afgerond</dt><dd>{done} ({rate}\u00a0%)</dd>" in page
    assert 10 <= rate <= 90
    # The fixture path's deadline (30 days) passed long ago: whoever has not finished is late.
    assert f"<dt>Te laat</dt><dd>{formats.number(people - completed, 'nl')}</dd>" in page
    root = db.session.scalar(
        sa.select(OrgUnit.id).where(OrgUnit.organisation_id == org, OrgUnit.parent_id.is_(None))
    )
    drill_down = hr.client.get(f"/hr/eenheden/{root}").get_data(as_text=True)
    assert "Directie " in drill_down


def fingerprint(slug: str) -> list[tuple]:
    """Everything generated about each person, without ids and without the slug."""
    org = organisation_id(slug)
    rows = db.session.execute(
        sa.select(
            User.employee_number,
            User.name,
            sa.func.replace(User.email, slug, ""),
            OrgUnit.code,
            OrgUnit.name,
            UserJobRole.job_role,
            sa.select(sa.func.count(LessonRead.id))
            .join(ModuleProgress)
            .where(ModuleProgress.user_id == User.id)
            .scalar_subquery(),
            sa.select(sa.func.sum(QuizAttempt.score))
            .where(QuizAttempt.user_id == User.id)
            .scalar_subquery(),
            sa.select(sa.func.max(Completion.completed_at))
            .where(Completion.user_id == User.id)
            .scalar_subquery(),
        )
        .join(OrgUnit, User.unit_id == OrgUnit.id)
        .join(UserJobRole, UserJobRole.user_id == User.id)
        .where(User.organisation_id == org)
        .order_by(User.employee_number)
    )
    return [tuple(row) for row in rows]


def test_the_same_seed_gives_the_same_organisation(content):
    today = dt.date(2026, 11, 30)
    demo_generate.generate(120, slug="eerste", seed=7, today=today)
    demo_generate.generate(120, slug="tweede", seed=7, today=today)
    demo_generate.generate(120, slug="derde", seed=8, today=today)
    db.session.commit()
    first = fingerprint("eerste")
    assert first == fingerprint("tweede")
    assert first != fingerprint("derde")
    staff = count(
        User,
        where=[User.organisation_id == organisation_id("eerste"), User.password_hash.is_not(None)],
    )
    assert len(first) == 120 + staff


def test_postgresql_has_statistics_of_the_generated_rows(runner, development, content):
    """The planner knows the new row counts at once (ANALYZE), not when autovacuum gets to it:
    without them the evidence report over 100,000 people took seconds (docs/performance.md)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite plans without statistics")
    assert generate(runner).exit_code == 0
    estimated = db.session.scalar(
        sa.text("SELECT reltuples FROM pg_class WHERE relname = 'assignments'")
    )
    assert estimated == count(Assignment)
