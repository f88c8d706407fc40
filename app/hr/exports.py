"""Streamed CSV exports of completion per employee, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterator

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from app.extensions import db
from app.models import Assignment, Certificate, LearningPath, OrgUnit, User

HEADER = [
    "personeelsnummer",
    "naam",
    "e-mailadres",
    "afdeling",
    "leerroute",
    "deadline",
    "status",
    "afgerond op",
    "certificaat",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_cell(value: object) -> str:
    """A neutralised cell with the control characters XML cannot hold (a terminal escape in an
    imported name, say) replaced by U+FFFD: openpyxl refuses them, which would break the export."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", neutralise(value))


def iterate(statement: sa.Select) -> Iterator:
    """Rows of a (server-side, yield_per) query, closing the cursor even when the reader stops
    early, e.g. a download the client broke off."""
    result = db.session.execute(statement)
    try:
        yield from result
    finally:
        result.close()


def completion_rows(unit_ids: set[int], today: dt.date | None = None) -> Iterator[list[str]]:
    today = today or dt.date.today()

    def newest_certificate(column):
        # Correlated per row: the newest valid path certificate for this assignment.
        return (
            sa.select(column)
            .where(
                Certificate.user_id == Assignment.user_id,
                Certificate.path_id == Assignment.path_id,
                Certificate.kind == "path",
                Certificate.in_force,
            )
            .order_by(Certificate.issued_at.desc())
            .limit(1)
            .scalar_subquery()
        )

    query = (
        sa.select(
            User.employee_number,
            User.name,
            User.email,
            OrgUnit.name,
            LearningPath.slug,
            Assignment.deadline,
            newest_certificate(Certificate.issued_at),
            newest_certificate(Certificate.serial),
        )
        .join(User, Assignment.user_id == User.id)
        .join(LearningPath, Assignment.path_id == LearningPath.id)
        .outerjoin(OrgUnit, User.unit_id == OrgUnit.id)
        .where(User.unit_id.in_(unit_ids))
        .order_by(OrgUnit.name, User.name, LearningPath.slug)
        .execution_options(yield_per=1000)
    )
    for number, name, email, unit, path, deadline, issued_at, serial in iterate(query):
        if issued_at is not None:
            status = "afgerond"
        elif deadline is not None and deadline < today:
            status = "te laat"
        else:
            status = "open"
        yield [
            number,
            name,
            email,
            unit,
            path,
            deadline,
            status,
            issued_at.date() if issued_at else "",
            serial or "",
        ]


def stream_table(header: list[str], rows: Iterator[list[object]]) -> Iterator[str]:
    """CSV text chunk by chunk, every cell neutralised, with a BOM and ";" so Dutch Excel opens
    it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([neutralise(cell) for cell in row])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def stream_csv(rows: Iterator[list[object]]) -> Iterator[str]:
    """The completion export: HEADER, then the rows."""
    return stream_table(HEADER, rows)


def stream_xlsx(header: list[str], rows: Iterator[list[object]]) -> Iterator[bytes]:
    """An XLSX workbook built in write-only mode (rows go to a temporary file as they come, so
    memory stays flat), then sent in chunks."""
    with tempfile.TemporaryFile() as spool:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Voortgang")
        sheet.append(header)
        for row in rows:
            sheet.append([xlsx_cell(cell) for cell in row])
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(64 * 1024):
            yield chunk
