"""Deadline reminders for learners and a daily digest for HR, safe to run from cron every hour.

Each person gets at most one reminder of a kind per day: the ReminderSent row is written before
the mail goes out, under a unique key, so two overlapping runs cannot both send it.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from app.core import mail
from app.extensions import db
from app.hr.reports import completed_clause
from app.hr.scope import units_in_scope
from app.i18n import N_
from app.models import Assignment, LearningPath, ReminderSent, Role, RoleGrant, User

#: Learners hear from us when a deadline is this close, or past.
WINDOW = dt.timedelta(days=7)

REMINDER_SUBJECT = N_("Herinnering: je scholing over AI")
DIGEST_SUBJECT = N_("Overzicht: %(count)s medewerkers te laat met hun scholing over AI")
DIGEST_LINES = 50


@dataclass
class Result:
    learners: int = 0
    digests: int = 0
    failed: list[str] = field(default_factory=list)


def _open_assignments(today: dt.date):
    """(user, path, deadline) for active people with a deadline near or past, not completed."""
    return db.session.execute(
        sa.select(User, LearningPath, Assignment.deadline)
        .join(Assignment, Assignment.user_id == User.id)
        .join(LearningPath, Assignment.path_id == LearningPath.id)
        .where(User.active, Assignment.deadline <= today + WINDOW, ~completed_clause())
        .order_by(User.id, Assignment.deadline)
    ).all()


def _claim(user_id: int, kind: str, today: dt.date) -> bool:
    """Records that this reminder goes out today; False when it already did (or another run
    is sending it right now: the unique key refuses the second row)."""
    sent = sa.select(ReminderSent.id).where(
        ReminderSent.user_id == user_id, ReminderSent.kind == kind, ReminderSent.sent_on == today
    )
    if db.session.scalar(sent) is not None:
        return False
    db.session.add(ReminderSent(user_id=user_id, kind=kind, sent_on=today))
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        return False
    return True


def _deliver(
    user: User, kind: str, today: dt.date, subject: str, body: str, result: Result
) -> bool:
    if not _claim(user.id, kind, today):
        db.session.rollback()
        return False
    try:
        mail.send(user.email, subject, body)
    except (smtplib.SMTPException, OSError) as error:
        db.session.rollback()  # not recorded, so the next run tries again
        result.failed.append(f"{user.email}: {error}")
        return False
    db.session.commit()
    return True


def send_reminders(today: dt.date | None = None) -> Result:
    today = today or dt.date.today()
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    site = current_app.config["SITE_NAME"]
    result = Result()
    by_user: dict[int, tuple[User, list[tuple[LearningPath, dt.date]]]] = {}
    for user, path, deadline in _open_assignments(today):
        by_user.setdefault(user.id, (user, []))[1].append((path, deadline))
    for user, items in by_user.values():
        subject, body = mail.compose(
            user.language,
            REMINDER_SUBJECT,
            "reminder",
            user=user,
            items=items,
            today=today,
            base=base,
            site=site,
        )
        if _deliver(user, "deadline", today, subject, body, result):
            result.learners += 1
    _send_digests(today, base, site, result)
    return result


def _send_digests(today: dt.date, base: str, site: str, result: Result) -> None:
    hr_people = db.session.scalars(
        sa.select(User).join(RoleGrant).where(RoleGrant.role == Role.HR.value, User.active)
    )
    overdue = [(u, p, d) for u, p, d in _open_assignments(today) if d < today]
    for hr in hr_people:
        scope = units_in_scope(hr)
        mine = [(u, p, d) for u, p, d in overdue if u.unit_id in scope]
        if not mine:
            continue
        subject, body = mail.compose(
            hr.language,
            DIGEST_SUBJECT,
            "digest",
            user=hr,
            count=len(mine),
            shown=mine[:DIGEST_LINES],
            more=max(0, len(mine) - DIGEST_LINES),
            base=base,
            site=site,
        )
        if _deliver(hr, "digest", today, subject, body, result):
            result.digests += 1
