"""Fixtures shared by the HR tests."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.certificates import issuing
from app.extensions import db
from app.models import Assignment, HrScope, LearningPath, Role


@pytest.fixture
def org(make, content):
    """Gemeente A: root GEM with teams A and B; HR scoped to team A; one more organisation."""
    organisation = make.organisation()
    root = make.unit(organisation, "GEM")
    team_a = make.unit(organisation, "A", parent=root)
    team_b = make.unit(organisation, "B", parent=root)
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    people = {}
    for name, unit in (("Anna", team_a), ("Aart", team_a), ("Bea", team_b)):
        people[name] = make.user(name=name, unit=unit, email=f"{name.lower()}@example.org")
        deadline = dt.date.today() + dt.timedelta(days=-1 if name == "Aart" else 30)
        db.session.add(Assignment(user_id=people[name].id, path_id=path.id, deadline=deadline))
    db.session.commit()
    issuing.issue_for_path(people["Anna"], path)
    hr = make.user(Role.HR, email="hr@example.org", name="HR A", unit=team_a)
    db.session.add(HrScope(user_id=hr.id, unit_id=team_a.id))
    other = make.organisation("gemeente-b", "Gemeente B")
    make.user(
        name="Vreemde", organisation=other, unit=make.unit(other, "X"), email="vreemd@example.org"
    )
    db.session.commit()
    return {
        "organisation": organisation,
        "root": root,
        "a": team_a,
        "b": team_b,
        "hr": hr,
        "path": path,
        **people,
    }
