"""Changing what someone may do: roles, HR scope, active flag. Every change is audit-logged and
ends the person's sessions, so new rights (or fewer) apply from their next sign-in."""

from __future__ import annotations

from app.core import audit
from app.extensions import db
from app.models import HrScope, Role, RoleGrant, User


def set_access(
    person: User, *, roles: set[Role], scope_unit_ids: set[int], active: bool, actor: User
) -> bool:
    """Applies the new access; returns whether anything changed."""
    roles = roles | {Role.LEARNER}
    before = (person.roles, {s.unit_id for s in person.hr_scopes}, person.active)
    after = (roles, scope_unit_ids if Role.HR in roles else set(), active)
    if before == after:
        return False
    person.role_grants = [g for g in person.role_grants if Role(g.role) in roles]
    for role in roles - person.roles:
        person.role_grants.append(RoleGrant(role=role.value))
    person.hr_scopes = [s for s in person.hr_scopes if s.unit_id in after[1]]
    for unit_id in after[1] - {s.unit_id for s in person.hr_scopes}:
        person.hr_scopes.append(HrScope(unit_id=unit_id))
    if active:
        person.active = True
        person.deactivated_at = None
        person.renew_session_token()
    else:
        person.deactivate()
    db.session.flush()
    audit.record(
        "user.access_change",
        actor=actor,
        target=f"user:{person.id}",
        roles_before=sorted(before[0]),
        roles_after=sorted(after[0]),
        scope_before=sorted(before[1]),
        scope_after=sorted(after[1]),
        active_before=before[2],
        active_after=active,
    )
    return True
