"""The people in an HR person's scope, listed with where they stand, filtered and paged.

A person is *late* when one of their learning paths is past its deadline and not completed; *not
started* when a path is open and they have not opened any module yet; *without a path* when no
path is assigned to them; *completed* when every path assigned to them is completed. The filters
are conditions on the person, so the database pages and counts them; the page's rows then have
their paths and reminders read in two more queries, whatever the page size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.hr.reminders import next_reminder
from app.hr.reports import completed_clause, valid_path_certificates
from app.models import Assignment, Certificate, LearningPath, ModuleProgress, ReminderSent, User

PAGE_SIZE = 50

#: The filters as they appear in the address (?filter=...) and on the page.
FILTERS = {
    "te-laat": _l("Te laat"),
    "niet-begonnen": _l("Niet begonnen"),
    "geen-leerroute": _l("Zonder leerroute"),
    "afgerond": _l("Alles afgerond"),
}


def _assignments_of_person():
    return sa.select(Assignment.id).where(Assignment.user_id == User.id)


def _condition(name: str, today: dt.date):
    has_path = _assignments_of_person().exists()
    has_open = _assignments_of_person().where(~completed_clause()).exists()
    if name == "te-laat":
        return (
            _assignments_of_person()
            .where(Assignment.deadline < today, ~completed_clause())
            .exists()
        )
    if name == "niet-begonnen":
        started = sa.select(ModuleProgress.id).where(ModuleProgress.user_id == User.id).exists()
        return sa.and_(has_open, ~started)
    if name == "geen-leerroute":
        return ~has_path
    if name == "afgerond":
        return sa.and_(has_path, ~has_open)
    raise ValueError(name)


@dataclass
class PathLine:
    path: LearningPath
    deadline: dt.date | None
    completed: bool
    today: dt.date

    @property
    def overdue(self) -> bool:
        return not self.completed and self.deadline is not None and self.deadline < self.today


@dataclass
class PersonLine:
    person: User
    paths: list[PathLine] = field(default_factory=list)
    last_reminded: dt.date | None = None

    @property
    def completed(self) -> int:
        return sum(line.completed for line in self.paths)

    @property
    def next_deadline(self) -> PathLine | None:
        open_paths = [line for line in self.paths if not line.completed and line.deadline]
        return min(open_paths, key=lambda line: line.deadline, default=None)

    @property
    def next_reminder(self) -> dt.date | None:
        return min(
            (
                when
                for line in self.paths
                if not line.completed
                and (when := next_reminder(line.deadline, line.today, self.last_reminded))
            ),
            default=None,
        )


@dataclass
class PeoplePage:
    lines: list[PersonLine]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def people_page(
    organisation_id: int,
    unit_ids: set[int] | None,
    *,
    filter_name: str | None = None,
    query: str = "",
    page: int = 1,
    today: dt.date | None = None,
) -> PeoplePage:
    """One page of the active people of the organisation (of `unit_ids` only, unless None),
    by name."""
    today = today or dt.date.today()
    where = [User.organisation_id == organisation_id, User.active]
    if unit_ids is not None:
        where.append(User.unit_id.in_(unit_ids))
    if filter_name in FILTERS:
        where.append(_condition(filter_name, today))
    if query:
        like = f"%{query.lower()}%"
        where.append(
            sa.or_(
                sa.func.lower(User.name).like(like),
                User.email.like(like),
                User.employee_number.like(like),
            )
        )
    total = db.session.scalar(sa.select(sa.func.count(User.id)).where(*where)) or 0
    people = db.session.scalars(
        sa.select(User)
        .where(*where)
        .order_by(User.name, User.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .options(joinedload(User.unit))
    ).all()
    return PeoplePage(lines_for(people, today), total, page)


def lines_for(people: list[User], today: dt.date | None = None) -> list[PersonLine]:
    """Each person with their learning paths and the day they were last reminded."""
    today = today or dt.date.today()
    lines = {person.id: PersonLine(person) for person in people}
    if not lines:
        return []
    valid = valid_path_certificates(Certificate.user_id.in_(lines))
    rows = db.session.execute(
        sa.select(Assignment.user_id, LearningPath, Assignment.deadline, valid.c.user_id)
        .join(LearningPath, Assignment.path_id == LearningPath.id)
        .outerjoin(
            valid,
            sa.and_(valid.c.user_id == Assignment.user_id, valid.c.path_id == Assignment.path_id),
        )
        .where(Assignment.user_id.in_(lines))
        .order_by(Assignment.deadline, LearningPath.slug)
    )
    for user_id, path, deadline, done in rows:
        lines[user_id].paths.append(PathLine(path, deadline, done is not None, today))
    for user_id, sent_on in db.session.execute(
        sa.select(ReminderSent.user_id, sa.func.max(ReminderSent.sent_on))
        .where(ReminderSent.user_id.in_(lines), ReminderSent.kind == "deadline")
        .group_by(ReminderSent.user_id)
    ):
        lines[user_id].last_reminded = sent_on
    return list(lines.values())
