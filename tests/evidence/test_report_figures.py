"""The evidence report's figures on a random organisation (`flask demo generate`, then some
certificates revoked, superseded or about to expire, deadlines moved and a role no rule names)
against a count person by person, straight from the definitions in app/evidence/report.py."""

import datetime as dt
import random

import pytest
import sqlalchemy as sa

from app.certificates.issuing import REFRESH_WINDOW
from app.core.time import utcnow
from app.evidence import report
from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRule,
    Certificate,
    LearningPath,
    Organisation,
    OrgUnit,
    User,
    UserJobRole,
)

SLUG = "ministerie-figuren"


@pytest.fixture
def development(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOAD_DEMO_DATA", True)


def shake(organisation_id: int, rng: random.Random, today: dt.date) -> None:
    """Makes every case of the definitions occur."""
    certificates = db.session.scalars(
        sa.select(Certificate)
        .join(User, Certificate.user_id == User.id)
        .where(User.organisation_id == organisation_id, Certificate.kind == "path")
    ).all()
    for certificate in rng.sample(certificates, len(certificates) // 5):
        certificate.revoked_at = utcnow()
    for certificate in rng.sample(certificates, len(certificates) // 5):
        certificate.expires_on = today + dt.timedelta(days=rng.randint(-30, 90))
    assignments = db.session.scalars(
        sa.select(Assignment)
        .join(User, Assignment.user_id == User.id)
        .where(User.organisation_id == organisation_id)
    ).all()
    for assignment in rng.sample(assignments, len(assignments) // 3):
        assignment.deadline = today + dt.timedelta(days=rng.randint(-60, 60))
    people = db.session.scalars(
        sa.select(User).where(User.organisation_id == organisation_id)
    ).all()
    for person in rng.sample(people, 25):
        db.session.add(UserJobRole(user_id=person.id, job_role="Rol zonder regel"))
    add_paths(people, rng, today)
    db.session.commit()


def add_paths(people: list[User], rng: random.Random, today: dt.date) -> None:
    """Two more paths, assigned to some people, with certificates for some of them."""
    for number in (1, 2):
        path = LearningPath(
            slug=f"extra-{number}", module_slugs=[], audience=[], deadline_days=30,
            validity_months=12, translations={"nl": {"title": f"Extra {number}"}},
            source_files={},
        )  # fmt: skip
        db.session.add(path)
        db.session.flush()
        for person in rng.sample(people, 40):
            deadline = today + dt.timedelta(days=rng.randint(-60, 60))
            db.session.add(Assignment(user_id=person.id, path_id=path.id, deadline=deadline))
            if rng.random() < 0.5:
                db.session.add(
                    Certificate(
                        user_id=person.id, kind="path", path_id=path.id, title=path.slug,
                        serial=f"X{number}-{person.id}", code=f"x{number}-{person.id}",
                        expires_on=today + dt.timedelta(days=rng.randint(-10, 400)),
                    )
                )  # fmt: skip


def expected(organisation_id: int, today: dt.date) -> tuple[dict, dict]:
    """Totals and per role (people, assigned, completed, overdue, refresher, paths), counted
    per person in Python."""
    people = db.session.scalars(
        sa.select(User).where(
            User.organisation_id == organisation_id, User.unit_id.is_not(None), User.active
        )
    ).all()
    in_scope = {person.id for person in people}
    valid: dict[tuple[int, int], bool] = {}  # (person, path): expiring
    for certificate in db.session.scalars(sa.select(Certificate).where(Certificate.kind == "path")):
        if certificate.revoked_at is None and certificate.superseded_by_id is None:
            key = (certificate.user_id, certificate.path_id)
            soon = certificate.expires_on is not None and (
                certificate.expires_on <= today + REFRESH_WINDOW
            )
            valid[key] = valid.get(key, False) or soon
    assigned: dict[int, list[Assignment]] = {}
    for assignment in db.session.scalars(sa.select(Assignment)):
        if assignment.user_id in in_scope:
            assigned.setdefault(assignment.user_id, []).append(assignment)

    def figures(groups: list[list[Assignment]]) -> list[int]:
        counts = [0, 0, 0, 0]
        for group in groups:
            done = [(a.user_id, a.path_id) in valid for a in group]
            counts[0] += 1
            counts[1] += all(done)
            counts[2] += any(
                a.deadline is not None and a.deadline < today and not d
                for a, d in zip(group, done, strict=True)
            )
            counts[3] += any(valid.get((a.user_id, a.path_id), False) for a in group)
        return counts

    totals = [len(people), *figures(list(assigned.values()))]
    rules = db.session.scalars(
        sa.select(AssignmentRule).where(AssignmentRule.organisation_id == organisation_id)
    ).all()
    named = {rule.job_role for rule in rules if rule.job_role}
    general = {rule.path_id for rule in rules if rule.job_role is None}
    holders: dict[str, list[int]] = {}
    for holding in db.session.scalars(sa.select(UserJobRole)):
        if holding.user_id in in_scope:
            holders.setdefault(holding.job_role, []).append(holding.user_id)
    roles = {}
    for job_role, user_ids in holders.items():
        if job_role in named:
            required = general | {r.path_id for r in rules if r.job_role == job_role}
        else:
            required = {a.path_id for u in user_ids for a in assigned.get(u, [])}
        groups = [[a for a in assigned.get(u, []) if a.path_id in required] for u in user_ids]
        roles[job_role] = [len(user_ids), *figures([g for g in groups if g]), len(required)]
    return totals, roles


@pytest.mark.parametrize("seed", [3, 11])
@pytest.mark.parametrize("masks", [True, False], ids=["path-masks", "path-ids-too-large"])
def test_the_report_counts_as_the_definitions_say(
    runner, content, development, make, monkeypatch, seed, masks
):
    if not masks:  # the queries for path ids that do not fit in a bit mask
        monkeypatch.setattr(report, "MASK_BITS", 0)
    result = runner.invoke(
        args=["demo", "generate", "--employees", "250", "--organisation", SLUG, "--seed", str(seed)]
    )
    assert result.exit_code == 0, result.output
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == SLUG))
    today = dt.date.today()
    shake(organisation.id, random.Random(seed), today)
    unit_ids = set(
        db.session.scalars(sa.select(OrgUnit.id).where(OrgUnit.organisation_id == organisation.id))
    )
    built = report.build(organisation, unit_ids, make.user(), today=today)
    totals, roles = expected(organisation.id, today)
    t = built.totals
    assert [t.people, t.assigned, t.completed, t.overdue, t.refresher] == totals
    assert totals[2] and totals[3] and totals[4], "every case occurs"
    got = {
        r.job_role: [r.people, r.assigned, r.completed, r.overdue, r.refresher, len(r.paths)]
        for r in built.roles
        if r.people
    }
    assert got == roles
    assert got["Rol zonder regel"][0] == 25
