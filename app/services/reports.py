"""Completion figures for HR, computed with SQL aggregates over the viewer's scope.

An assignment counts as completed when its path has a valid path certificate (not revoked, not
superseded); overdue when its deadline has passed and it is not completed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, Certificate, LearningPath, OrgUnit, User, UserJobRole
from app.services.scope import descendant_unit_ids


@dataclass
class Figures:
    label: str
    people: int = 0
    assigned: int = 0
    completed: int = 0
    overdue: int = 0
    key: object = None

    @property
    def rate(self) -> int:
        return round(100 * self.completed / self.assigned) if self.assigned else 0

    def add(self, other: Figures) -> None:
        self.people += other.people
        self.assigned += other.assigned
        self.completed += other.completed
        self.overdue += other.overdue


@dataclass
class Dashboard:
    total: Figures
    units: list[Figures] = field(default_factory=list)
    paths: list[Figures] = field(default_factory=list)
    roles: list[Figures] = field(default_factory=list)
    weeks: list[tuple[dt.date, int]] = field(default_factory=list)


def completed_clause():
    """True for an assignment whose path has a valid certificate for its person."""
    return (
        sa.select(Certificate.id)
        .where(
            Certificate.user_id == Assignment.user_id,
            Certificate.path_id == Assignment.path_id,
            Certificate.kind == "path",
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
        )
        .exists()
    )


def _assignment_counts(group_by, unit_ids: set[int], today: dt.date, join_roles: bool = False):
    completed = completed_clause()
    query = (
        sa.select(
            group_by,
            sa.func.count(Assignment.id),
            sa.func.sum(sa.case((completed, 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(Assignment.deadline < today, ~completed), 1), else_=0)),
        )
        .join(User, Assignment.user_id == User.id)
        .where(User.unit_id.in_(unit_ids), User.active)
        .group_by(group_by)
    )
    if join_roles:
        query = query.join(UserJobRole, UserJobRole.user_id == User.id)
    return db.session.execute(query).all()


def dashboard(
    organisation_id: int, root_ids: set[int], today: dt.date | None = None, language: str = "nl"
) -> Dashboard:
    """Figures for the units below `root_ids` (each root a row), by path, role and week."""
    today = today or dt.date.today()
    units = {
        u.id: u
        for u in db.session.scalars(
            sa.select(OrgUnit).where(OrgUnit.organisation_id == organisation_id)
        )
    }
    bucket_of = {}
    for root in root_ids:
        for unit_id in descendant_unit_ids(organisation_id, {root}):
            bucket_of[unit_id] = root
    scope = set(bucket_of)
    rows = {root: Figures(units[root].name, key=root) for root in root_ids}
    people = db.session.execute(
        sa.select(User.unit_id, sa.func.count(User.id))
        .where(User.unit_id.in_(scope), User.active)
        .group_by(User.unit_id)
    ).all()
    for unit_id, count in people:
        rows[bucket_of[unit_id]].people += count
    for unit_id, assigned, completed, overdue in _assignment_counts(User.unit_id, scope, today):
        rows[bucket_of[unit_id]].add(Figures("", 0, assigned, completed or 0, overdue or 0))
    total = Figures("total")
    for row in rows.values():
        total.add(row)
    paths = {p.id: p for p in db.session.scalars(sa.select(LearningPath))}
    return Dashboard(
        total=total,
        units=sorted(rows.values(), key=lambda f: f.label),
        paths=[
            Figures(paths[path_id].title(language), 0, a, c or 0, o or 0, key=path_id)
            for path_id, a, c, o in _assignment_counts(Assignment.path_id, scope, today)
        ],
        roles=[
            Figures(role, 0, a, c or 0, o or 0, key=role)
            for role, a, c, o in _assignment_counts(
                UserJobRole.job_role, scope, today, join_roles=True
            )
        ],
        weeks=completions_per_week(scope, today),
    )


def completions_per_week(unit_ids: set[int], today: dt.date, weeks: int = 12):
    """[(monday, path certificates issued that week)] for the last `weeks` weeks."""
    this_monday = today - dt.timedelta(days=today.weekday())
    first = this_monday - dt.timedelta(weeks=weeks - 1)
    counts = dict.fromkeys((first + dt.timedelta(weeks=i) for i in range(weeks)), 0)
    issued = db.session.scalars(
        sa.select(Certificate.issued_at)
        .join(User, Certificate.user_id == User.id)
        .where(
            User.unit_id.in_(unit_ids),
            Certificate.kind == "path",
            Certificate.issued_at >= dt.datetime.combine(first, dt.time()),
        )
    )
    for moment in issued:
        day = moment.date()
        counts[day - dt.timedelta(days=day.weekday())] += 1
    return sorted(counts.items())
