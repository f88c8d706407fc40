"""Which organisation units a person may see: their scope units and everything below them.

An admin sees their whole organisation; an HR officer the units of their HR scopes and every unit
below those. The HR pages and the evidence report ask here, so the rule lives in one place.
"""

import sqlalchemy as sa

from app.extensions import db
from app.models import HrScope, OrgUnit, Role, User


def unit_children(organisation_id: int) -> dict[int | None, list[int]]:
    """{parent id: [child ids]} for every unit of the organisation (None: the roots), in one
    query, so callers can walk the tree as often as they like without asking again."""
    children: dict[int | None, list[int]] = {}
    rows = db.session.execute(
        sa.select(OrgUnit.id, OrgUnit.parent_id).where(OrgUnit.organisation_id == organisation_id)
    )
    for unit_id, parent_id in rows:
        children.setdefault(parent_id, []).append(unit_id)
    return children


def below(children: dict[int | None, list[int]], root_ids: set[int]) -> set[int]:
    """The given units and all units below them, in a tree from `unit_children`."""
    found, todo = set(), list(root_ids)
    while todo:
        unit_id = todo.pop()
        if unit_id not in found:
            found.add(unit_id)
            todo.extend(children.get(unit_id, []))
    return found


def descendant_unit_ids(organisation_id: int, root_ids: set[int]) -> set[int]:
    """The given units and all units below them, within one organisation."""
    if not root_ids:
        return set()
    return below(unit_children(organisation_id), root_ids)


def hr_scope_ids(user: User) -> set[int]:
    """The units the user's HR scopes name (without what lies below them)."""
    return set(db.session.scalars(sa.select(HrScope.unit_id).where(HrScope.user_id == user.id)))


def units_in_scope(user: User) -> set[int]:
    """The units of the user's HR scopes and everything below them."""
    return descendant_unit_ids(user.organisation_id, hr_scope_ids(user))


def scope_root_ids(user: User) -> set[int]:
    """The units at the top of what the user sees: the organisation's roots for an admin, the
    units of their HR scopes otherwise."""
    if user.has_role(Role.ADMIN):
        return set(
            db.session.scalars(
                sa.select(OrgUnit.id).where(
                    OrgUnit.organisation_id == user.organisation_id, OrgUnit.parent_id.is_(None)
                )
            )
        )
    return hr_scope_ids(user)


def scope_unit_ids(user: User) -> set[int]:
    """Every unit the user sees on the HR pages: their scope roots and everything below."""
    return descendant_unit_ids(user.organisation_id, scope_root_ids(user))


def unit_choices(organisation_id: int, unit_ids: set[int]) -> list[tuple[int, str]]:
    """(id, name) of those of the organisation's units that are in `unit_ids`, by name, for a
    form's choices. The organisation's units are read and then filtered: a list of thousands of
    ids in the query would cost more than it saves."""
    return [
        (unit_id, name)
        for unit_id, name in db.session.execute(
            sa.select(OrgUnit.id, OrgUnit.name)
            .where(OrgUnit.organisation_id == organisation_id)
            .order_by(OrgUnit.name)
        )
        if unit_id in unit_ids
    ]


def unit_in_scope(user: User, unit_id: int) -> OrgUnit | None:
    """The unit, when it is in the user's organisation and scope; None otherwise (the views
    answer 404 either way, so nobody learns which units exist outside their scope)."""
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None or unit.organisation_id != user.organisation_id:
        return None
    if not user.has_role(Role.ADMIN) and unit.id not in units_in_scope(user):
        return None
    return unit


def sees_whole_organisation(user: User, visible: set[int] | None = None) -> bool:
    """Whether the user's scope is their whole organisation: an admin, or HR whose scope
    covers every unit. `visible` saves asking again when the caller has scope_unit_ids."""
    if user.has_role(Role.ADMIN):
        return True
    visible = scope_unit_ids(user) if visible is None else visible
    all_units = set(
        db.session.scalars(
            sa.select(OrgUnit.id).where(OrgUnit.organisation_id == user.organisation_id)
        )
    )
    return bool(all_units) and visible >= all_units
