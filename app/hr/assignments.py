"""Assignment rules: who must complete which learning path, by when.

A rule selects people by job role and/or unit subtree. Rules are applied after every import and
whenever a rule is made, so new and moved employees get their assignments automatically.
Renewal comes from the path: its certificate expires after `validity_months`, and a certificate
nearing expiry makes the path "refresher needed" again.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.core.time import utcnow
from app.extensions import db
from app.hr.scope import descendant_unit_ids
from app.models import Assignment, AssignmentRule, LearningPath, User, UserJobRole


def deadline_for(rule: AssignmentRule, path: LearningPath, today: dt.date) -> dt.date:
    if rule.deadline_on is not None:
        return rule.deadline_on
    return today + dt.timedelta(days=rule.deadline_days or path.deadline_days)


def matching_users(rule: AssignmentRule) -> sa.Select:
    """The active people of the rule's organisation that the rule selects."""
    query = sa.select(User.id).where(User.organisation_id == rule.organisation_id, User.active)
    if rule.unit_id is not None:
        units = descendant_unit_ids(rule.organisation_id, {rule.unit_id})
        query = query.where(User.unit_id.in_(units))
    if rule.job_role:
        query = query.where(
            User.id.in_(sa.select(UserJobRole.user_id).where(UserJobRole.job_role == rule.job_role))
        )
    return query


def apply_rules(organisation_id: int, today: dt.date | None = None) -> int:
    """Adds the assignments the rules call for and nobody has yet; returns how many."""
    today = today or dt.date.today()
    existing = {
        (user_id, path_id): assignment_id
        for assignment_id, user_id, path_id in db.session.execute(
            sa.select(Assignment.id, Assignment.user_id, Assignment.path_id)
            .join(User, Assignment.user_id == User.id)
            .where(User.organisation_id == organisation_id)
        )
    }
    new_rows = []
    rules = db.session.scalars(
        sa.select(AssignmentRule)
        .where(AssignmentRule.organisation_id == organisation_id)
        .order_by(AssignmentRule.id)
    )
    for rule in rules:
        deadline = deadline_for(rule, rule.path, today)
        for user_id in db.session.scalars(matching_users(rule)):
            if (user_id, rule.path_id) not in existing:
                existing[(user_id, rule.path_id)] = -1
                new_rows.append(
                    {
                        "user_id": user_id,
                        "path_id": rule.path_id,
                        "deadline": deadline,
                        "assigned_at": utcnow(),
                    }
                )
    if new_rows:
        db.session.execute(sa.insert(Assignment), new_rows)
    return len(new_rows)
