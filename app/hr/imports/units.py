"""Importing the organisation's unit tree from CSV: code, name, parent code."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from app.extensions import db
from app.hr.imports.employees import ImportFileError, decode
from app.models import Organisation, OrgUnit

HEADERS = {
    "code": {"code", "unit code", "eenheidcode", "afdelingscode", "id"},
    "name": {"name", "naam", "unit", "eenheid", "afdeling"},
    "parent": {"parent", "parent code", "bovenliggende eenheid", "ouder", "valt onder"},
}


def import_units(organisation: Organisation, data: bytes) -> tuple[int, int, list[tuple[int, str]]]:
    """Creates or renames units and sets parents; returns (created, updated, errors)."""
    text = decode(data)
    delimiter = max(";,\t", key=text.split("\n", 1)[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    columns = {
        field: next((i for i, h in enumerate(header) if h in names), None)
        for field, names in HEADERS.items()
    }
    if columns["code"] is None or columns["name"] is None:
        raise ImportFileError(
            "the header (row 1) needs the columns code and name (naam); "
            "parent (bovenliggende eenheid) is optional"
        )
    rows, errors = [], []
    for number, cells in enumerate(reader, start=2):

        def cell(field: str, cells=cells) -> str:
            index = columns[field]
            return cells[index].strip() if index is not None and index < len(cells) else ""

        if not any(c.strip() for c in cells):
            continue
        if not cell("code") or not cell("name"):
            errors.append((number, "code and name are both required"))
            continue
        rows.append((number, cell("code"), cell("name"), cell("parent") or None))
    units = {
        u.code: u
        for u in db.session.scalars(
            sa.select(OrgUnit).where(OrgUnit.organisation_id == organisation.id)
        )
    }
    created = updated = 0
    for _, code, name, _ in rows:
        if code not in units:
            units[code] = OrgUnit(organisation=organisation, code=code, name=name)
            db.session.add(units[code])
            created += 1
        elif units[code].name != name:
            units[code].name = name
            updated += 1
    db.session.flush()
    for number, code, _, parent_code in rows:
        parent = units.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            errors.append((number, f"parent {parent_code!r} is not a unit"))
            continue
        if parent is not None and _would_loop(units[code], parent):
            errors.append((number, f"parent {parent_code!r} lies below {code!r}: that is a loop"))
            continue
        if units[code].parent_id != (parent.id if parent else None):
            units[code].parent = parent
            updated += 1
    db.session.flush()
    return created, updated, sorted(errors)


def _would_loop(unit: OrgUnit, parent: OrgUnit) -> bool:
    node: OrgUnit | None = parent
    while node is not None:
        if node.id == unit.id:
            return True
        node = node.parent
    return False
