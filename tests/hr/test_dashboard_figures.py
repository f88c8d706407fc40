"""The dashboard's figures against a count made by hand, person by person, on a random
organisation: people with no, one or two job roles, some inactive, some without a unit;
certificates issued, revoked and renewed; deadlines passed, coming and absent."""

import datetime as dt
import random
from collections import Counter

import pytest
import sqlalchemy as sa

from app.certificates import issuing
from app.extensions import db
from app.hr import reports
from app.hr.scope import below, unit_children
from app.models import Assignment, Certificate, LearningPath, User, UserJobRole

ROLES = ["beleidsmedewerker", "inkoper", "jurist"]


@pytest.fixture
def organisation(make, content):
    rng = random.Random(7)
    organisation = make.organisation()
    root = make.unit(organisation, "GEM")
    a = make.unit(organisation, "A", parent=root)
    b = make.unit(organisation, "B", parent=root)
    b1 = make.unit(organisation, "B1", parent=b)
    basis = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    extra = LearningPath(
        slug="extra",
        module_slugs=["proef"],
        audience=["everyone"],
        deadline_days=30,
        validity_months=12,
        translations={"nl": {"title": "Extra"}, "en": {"title": "Extra"}},
        source_files={},
    )
    db.session.add(extra)
    admin = make.user(email="admin@example.org", name="Admin", unit=root)
    today = dt.date.today()
    for number in range(40):
        person = make.user(
            email=f"p{number}@example.org",
            name=f"Persoon {number}",
            unit=rng.choice([root, a, b, b1, b1, None]),
        )
        person.active = rng.random() > 0.15
        for role in rng.sample(ROLES, rng.choice([0, 1, 1, 2])):
            db.session.add(UserJobRole(user_id=person.id, job_role=role))
        for path in rng.sample([basis, extra], rng.choice([1, 1, 2])):
            deadline = rng.choice([None, today - dt.timedelta(days=3), today + dt.timedelta(9)])
            db.session.add(Assignment(user_id=person.id, path_id=path.id, deadline=deadline))
            luck = rng.random()
            if luck < 0.5:
                certificate = issuing.issue_for_path(person, path)
                if luck < 0.15:
                    issuing.revoke(certificate, "fout", admin)
                elif luck < 0.25:
                    issuing.issue_for_path(person, path)  # a renewal supersedes it
    db.session.commit()
    return organisation, {"root": root, "a": a, "b": b, "b1": b1}


def counted_by_hand(organisation_id: int, roots: set[int], today: dt.date) -> dict:
    """Per root, path and role: [assigned, completed, overdue], looking at every person."""
    children = unit_children(organisation_id)
    root_of = {unit: root for root in roots for unit in below(children, {root})}
    valid = {
        (c.user_id, c.path_id)
        for c in db.session.scalars(sa.select(Certificate).where(Certificate.kind == "path"))
        if c.revoked_at is None and c.superseded_by_id is None
    }
    figures = {"units": {}, "paths": {}, "roles": {}, "people": Counter()}
    for person in db.session.scalars(
        sa.select(User).where(User.organisation_id == organisation_id)
    ):
        if not person.active or person.unit_id not in root_of:
            continue
        figures["people"][root_of[person.unit_id]] += 1
        roles = [r.job_role for r in person.job_roles]
        for assignment in db.session.scalars(
            sa.select(Assignment).where(Assignment.user_id == person.id)
        ):
            done = (person.id, assignment.path_id) in valid
            late = assignment.deadline is not None and assignment.deadline < today and not done
            for table, key in [
                ("units", root_of[person.unit_id]),
                ("paths", assignment.path_id),
                *(("roles", role) for role in roles),
            ]:
                counts = figures[table].setdefault(key, [0, 0, 0])
                counts[0] += 1
                counts[1] += done
                counts[2] += late
    return figures


def shown(rows: list[reports.Figures]) -> dict:
    return {f.key: [f.assigned, f.completed, f.overdue] for f in rows if f.assigned}


@pytest.mark.parametrize("roots", [("root",), ("a", "b"), ("b1",)])
def test_every_figure_matches_a_count_person_by_person(organisation, roots):
    organisation, units = organisation
    root_ids = {units[name].id for name in roots}
    today = dt.date.today()
    board = reports.dashboard(organisation.id, root_ids, today=today)
    expected = counted_by_hand(organisation.id, root_ids, today)
    assert shown(board.units) == expected["units"]
    assert shown(board.paths) == expected["paths"]
    assert shown(board.roles) == expected["roles"]
    assert {f.key: f.people for f in board.units if f.people} == dict(expected["people"])
    totals = [sum(counts[i] for counts in expected["units"].values()) for i in range(3)]
    assert [board.total.assigned, board.total.completed, board.total.overdue] == totals
    # The random organisation exercises what it should: people with two roles, revocations.
    assert sum(counts[0] for counts in expected["roles"].values()) > totals[0] // 2
    assert totals[1] and totals[2]
