"""Which organisation units a person may see: their scope units and everything below them."""

import sqlalchemy as sa

from app.extensions import db
from app.models import HrScope, OrgUnit, User


def descendant_unit_ids(organisation_id: int, root_ids: set[int]) -> set[int]:
    """The given units and all units below them, within one organisation."""
    if not root_ids:
        return set()
    children: dict[int | None, list[int]] = {}
    rows = db.session.execute(
        sa.select(OrgUnit.id, OrgUnit.parent_id).where(OrgUnit.organisation_id == organisation_id)
    )
    for unit_id, parent_id in rows:
        children.setdefault(parent_id, []).append(unit_id)
    found, todo = set(), list(root_ids)
    while todo:
        unit_id = todo.pop()
        if unit_id not in found:
            found.add(unit_id)
            todo.extend(children.get(unit_id, []))
    return found


def units_in_scope(user: User) -> set[int]:
    roots = set(db.session.scalars(sa.select(HrScope.unit_id).where(HrScope.user_id == user.id)))
    return descendant_unit_ids(user.organisation_id, roots)
