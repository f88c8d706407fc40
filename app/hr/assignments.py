"""Assignment rules: who must complete which learning path, by when.

A rule selects people by job role and/or unit subtree (no unit: the whole organisation). Rules
are applied after every import and whenever a rule is made or changed, so new and moved employees
get their assignments automatically. Each assignment remembers the rule that gave it.

Changing or removing a rule changes what it gave, by one policy (`RuleChange`):
- people the rule still selects keep the path; an open assignment gets the rule's new deadline;
- people it no longer selects (all of them, when the rule goes) lose the path if they have not
  completed it, unless another rule gives them the same path (it then stays, under that rule);
- a completed path stays, and so do everyone's progress, quiz attempts and certificates.

Renewal comes from the path: its certificate expires after `validity_months`, and a certificate
nearing expiry makes the path "refresher needed" again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.core.time import utcnow
from app.extensions import db
from app.hr.scope import descendant_unit_ids
from app.models import Assignment, AssignmentRule, Certificate, LearningPath, User, UserJobRole


def deadline_for(rule: AssignmentRule, path: LearningPath, today: dt.date) -> dt.date:
    if rule.deadline_on is not None:
        return rule.deadline_on
    return today + dt.timedelta(days=rule.deadline_days or path.deadline_days)


def matching_users(rule: AssignmentRule, active_only: bool = True) -> sa.Select:
    """The people of the rule's organisation that the rule selects (active ones only, unless
    `active_only` is false: someone who left keeps what they were given)."""
    query = sa.select(User.id).where(User.organisation_id == rule.organisation_id)
    if active_only:
        query = query.where(User.active)
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
                        "rule_id": rule.id,
                        "deadline": deadline,
                        "assigned_at": utcnow(),
                    }
                )
    if new_rows:
        db.session.execute(sa.insert(Assignment), new_rows)
    return len(new_rows)


def people_without_a_path(organisation_id: int, unit_ids: set[int] | None = None) -> int:
    """Active people (of the given units, or of the whole organisation) with no assignment."""
    query = sa.select(sa.func.count(User.id)).where(
        User.organisation_id == organisation_id,
        User.active,
        ~sa.select(Assignment.id).where(Assignment.user_id == User.id).exists(),
    )
    if unit_ids is not None:
        query = query.where(User.unit_id.in_(unit_ids))
    return db.session.scalar(query) or 0


@dataclass
class RuleChange:
    """What changing or removing a rule does to the assignments it gave (see the module
    docstring): worked out first, so the page can say it before anything changes."""

    #: Open assignments withdrawn: nobody gives these people the path any more.
    withdraw: list[int] = field(default_factory=list)
    #: Completed assignments that stay, no longer tied to a rule.
    keep_completed: list[int] = field(default_factory=list)
    #: {assignment id: rule id}: another rule gives these people the same path.
    move: dict[int, int] = field(default_factory=dict)
    #: {assignment id: new deadline} for open assignments the rule still gives.
    deadlines: dict[int, dt.date] = field(default_factory=dict)

    @property
    def affected(self) -> int:
        return len(self.withdraw) + len(self.keep_completed) + len(self.move)


def plan_rule_change(rule: AssignmentRule, *, removing: bool = False) -> RuleChange:
    """What saving the rule as it now stands (or removing it) does to its assignments."""
    change = RuleChange()
    linked = db.session.execute(
        sa.select(Assignment.id, Assignment.user_id, Assignment.path_id, Assignment.assigned_at)
        .where(Assignment.rule_id == rule.id)
        .order_by(Assignment.id)
    ).all()
    if not linked:
        return change
    selected = (
        set() if removing else set(db.session.scalars(matching_users(rule, active_only=False)))
    )
    completed = set(
        db.session.execute(
            sa.select(Certificate.user_id, Certificate.path_id).where(
                Certificate.user_id.in_({user_id for _, user_id, _, _ in linked}),
                Certificate.kind == "path",
                Certificate.revoked_at.is_(None),
                Certificate.superseded_by_id.is_(None),
            )
        ).all()
    )
    others: dict[int, list[tuple[int, set[int]]]] = {}  # path: [(rule id, people it selects)]
    for other in db.session.scalars(
        sa.select(AssignmentRule)
        .where(AssignmentRule.organisation_id == rule.organisation_id, AssignmentRule.id != rule.id)
        .order_by(AssignmentRule.id)
    ):
        people = set(db.session.scalars(matching_users(other, active_only=False)))
        others.setdefault(other.path_id, []).append((other.id, people))
    path = db.session.get(LearningPath, rule.path_id)
    for assignment_id, user_id, path_id, assigned_at in linked:
        done = (user_id, path_id) in completed
        if user_id in selected and path_id == rule.path_id:
            if not done:
                change.deadlines[assignment_id] = deadline_for(rule, path, assigned_at.date())
            continue
        giver = next((rid for rid, people in others.get(path_id, []) if user_id in people), None)
        if giver is not None:
            change.move[assignment_id] = giver
        elif done:
            change.keep_completed.append(assignment_id)
        else:
            change.withdraw.append(assignment_id)
    return change


def carry_out(change: RuleChange) -> None:
    """Applies a planned change in the caller's transaction."""
    if change.withdraw:
        db.session.execute(sa.delete(Assignment).where(Assignment.id.in_(change.withdraw)))
    if change.keep_completed:
        db.session.execute(
            sa.update(Assignment)
            .where(Assignment.id.in_(change.keep_completed))
            .values(rule_id=None)
        )
    for assignment_id, rule_id in change.move.items():
        db.session.execute(
            sa.update(Assignment).where(Assignment.id == assignment_id).values(rule_id=rule_id)
        )
    for assignment_id, deadline in change.deadlines.items():
        db.session.execute(
            sa.update(Assignment)
            .where(Assignment.id == assignment_id, Assignment.deadline != deadline)
            .values(deadline=deadline)
        )


def assigned_by_rule(organisation_id: int) -> dict[int, int]:
    """{rule id: how many assignments it gave that it still holds}."""
    return dict(
        db.session.execute(
            sa.select(Assignment.rule_id, sa.func.count(Assignment.id))
            .join(AssignmentRule, Assignment.rule_id == AssignmentRule.id)
            .where(AssignmentRule.organisation_id == organisation_id)
            .group_by(Assignment.rule_id)
        ).all()
    )


def known_job_roles(organisation_id: int) -> list[str]:
    """Every job role held by someone in the organisation or named by one of its rules."""
    held = sa.select(UserJobRole.job_role).join(User).where(User.organisation_id == organisation_id)
    named = sa.select(AssignmentRule.job_role).where(
        AssignmentRule.organisation_id == organisation_id, AssignmentRule.job_role.is_not(None)
    )
    return sorted(set(db.session.scalars(held.distinct())) | set(db.session.scalars(named)))
