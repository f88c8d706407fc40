"""Completion figures for HR, computed with SQL aggregates over the viewer's scope.

An assignment counts as completed when its path has a valid path certificate (not revoked, not
superseded); overdue when its deadline has passed and it is not completed.

The dashboard costs a fixed handful of queries however large the organisation: people per unit,
assignments per unit and path, assignments per job role, certificates per day. Each assignment
finds its certificate through a join with the valid path certificates, not a subquery per row:
at 100,000 employees that is what keeps the page fast (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.hr.scope import below, unit_children
from app.models import Assignment, Certificate, LearningPath, OrgUnit, User, UserJobRole


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
    """True for an assignment whose path has a valid certificate for its person (a correlated
    EXISTS: right for a filter on few rows, such as the reminders)."""
    return (
        sa.select(Certificate.id)
        .where(
            Certificate.user_id == Assignment.user_id,
            Certificate.path_id == Assignment.path_id,
            Certificate.kind == "path",
            Certificate.in_force,
        )
        .exists()
    )


def valid_path_certificates(*conditions) -> sa.Subquery:
    """(user_id, path_id) of every valid path certificate, once per pair: to join
    assignments with, so the database hashes it once instead of looking per assignment."""
    return (
        sa.select(Certificate.user_id, Certificate.path_id)
        .where(
            Certificate.kind == "path",
            Certificate.in_force,
            *conditions,
        )
        .distinct()
        .subquery("valid_certificates")
    )


class Scope:
    """The people a dashboard counts: active, in the given units of one organisation."""

    def __init__(self, organisation_id: int, unit_ids: set[int], whole_organisation: bool):
        self.organisation_id, self.unit_ids = organisation_id, unit_ids
        self.whole_organisation = whole_organisation

    def people(self, active_only: bool = True) -> list:
        """WHERE clauses on User. For the whole organisation they name the organisation, not
        its units: a list of thousands of unit ids costs more to read than it filters."""
        where = [User.active] if active_only else []
        if self.whole_organisation:
            return [*where, User.organisation_id == self.organisation_id, User.unit_id.is_not(None)]
        # The units are the organisation's: naming it too would tempt SQLite to use its index.
        return [*where, User.unit_id.in_(self.unit_ids)]


def _assignment_counts(scope: Scope, today: dt.date, *group_by, join_roles: bool = False):
    """[(*group_by, assigned, completed, overdue)] for the assignments of people in scope."""
    # Only the certificates of the people in scope, unless that is everyone: then the filter
    # costs more than it saves.
    valid = valid_path_certificates(
        *(
            []
            if scope.whole_organisation
            else [Certificate.user_id.in_(sa.select(User.id).where(*scope.people()))]
        )
    )
    done = valid.c.user_id.is_not(None)
    query = (
        sa.select(
            *group_by,
            sa.func.count(Assignment.id),
            sa.func.sum(sa.case((done, 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(Assignment.deadline < today, ~done), 1), else_=0)),
        )
        .join(User, Assignment.user_id == User.id)
        .outerjoin(
            valid,
            sa.and_(valid.c.user_id == Assignment.user_id, valid.c.path_id == Assignment.path_id),
        )
        .where(*scope.people())
        .group_by(*group_by)
    )
    if join_roles:
        query = query.join(UserJobRole, UserJobRole.user_id == User.id)
    return db.session.execute(query).all()


def dashboard(
    organisation_id: int,
    root_ids: set[int],
    today: dt.date | None = None,
    language: str = "nl",
    own_unit_id: int | None = None,
) -> Dashboard:
    """Figures for the units below `root_ids` (each root a row), by path, role and week.

    With `own_unit_id`, the people placed in that unit itself (not below it) get a row too, so a
    drill-down into a unit counts everyone in it.
    """
    today = today or dt.date.today()
    children = unit_children(organisation_id)
    bucket_of = {}
    for root in root_ids:
        for unit_id in below(children, {root}):
            bucket_of[unit_id] = root
    if own_unit_id is not None:
        bucket_of[own_unit_id] = own_unit_id
    all_units = {unit_id for ids in children.values() for unit_id in ids}
    scope = Scope(organisation_id, set(bucket_of), whole_organisation=set(bucket_of) >= all_units)
    names = dict(
        db.session.execute(
            sa.select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(set(bucket_of.values())))
        ).all()
    )
    rows = {row: Figures(names[row], key=row) for row in set(bucket_of.values())}
    for unit_id, count in db.session.execute(
        sa.select(User.unit_id, sa.func.count(User.id))
        .where(*scope.people())
        .group_by(User.unit_id)
    ):
        rows[bucket_of[unit_id]].people += count
    titles = {p.id: p.title(language) for p in db.session.scalars(sa.select(LearningPath))}
    paths: dict[int, Figures] = {}
    for unit_id, path_id, assigned, completed, overdue in _assignment_counts(
        scope, today, User.unit_id, Assignment.path_id
    ):
        figures = Figures("", 0, assigned, completed or 0, overdue or 0)
        rows[bucket_of[unit_id]].add(figures)
        paths.setdefault(path_id, Figures(titles[path_id], key=path_id)).add(figures)
    if own_unit_id is not None and own_unit_id not in root_ids:
        own = rows[own_unit_id]
        if not (own.people or own.assigned):
            del rows[own_unit_id]
    total = Figures("total")
    for row in rows.values():
        total.add(row)
    return Dashboard(
        total=total,
        units=sorted(rows.values(), key=lambda f: f.label),
        paths=sorted(paths.values(), key=lambda f: f.key),
        roles=sorted(
            (
                Figures(role, 0, a, c or 0, o or 0, key=role)
                for role, a, c, o in _assignment_counts(
                    scope, today, UserJobRole.job_role, join_roles=True
                )
            ),
            key=lambda f: f.label,
        ),
        weeks=completions_per_week(scope, today),
    )


def completions_per_week(scope: Scope, today: dt.date, weeks: int = 12):
    """[(monday, path certificates issued that week)] for the last `weeks` weeks, counted per
    day by the database (at most 7 × `weeks` rows come back)."""
    this_monday = today - dt.timedelta(days=today.weekday())
    first = this_monday - dt.timedelta(weeks=weeks - 1)
    counts = dict.fromkeys((first + dt.timedelta(weeks=i) for i in range(weeks)), 0)
    day = sa.func.date(Certificate.issued_at, type_=sa.Date)
    issued = db.session.execute(
        sa.select(day, sa.func.count(Certificate.id))
        .join(User, Certificate.user_id == User.id)
        .where(
            *scope.people(active_only=False),  # certificates stay earned when people leave
            Certificate.kind == "path",
            Certificate.issued_at >= dt.datetime.combine(first, dt.time()),
        )
        .group_by(day)
    )
    for issued_on, count in issued:
        monday = issued_on - dt.timedelta(days=issued_on.weekday())
        if monday in counts:
            counts[monday] += count
    return sorted(counts.items())
