"""Exports of completion per employee: CSV and an Excel workbook, safe to open in a spreadsheet.

Both are written by a background job (app/jobs/kinds.py) to a file; rows come from one
server-side query, so memory stays flat at 100,000 rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
import xlsxwriter

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
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # str.startswith takes the tuple; `in` too
#: Control characters XML 1.0 cannot hold (what openpyxl's ILLEGAL_CHARACTERS_RE matches).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
COLUMN_WIDTHS = [16, 28, 32, 24, 32, 12, 10, 12, 18]


def neutralise(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_cell(value: object) -> str:
    """A neutralised cell with the control characters XML cannot hold (a terminal escape in an
    imported name, say) replaced by U+FFFD, which would otherwise make a broken workbook."""
    return XML_ILLEGAL.sub("\ufffd", neutralise(value))


def iterate(statement: sa.Select) -> Iterator:
    """Rows of a (server-side, yield_per) query, closing the cursor even when the reader stops
    early, e.g. a download the client broke off."""
    result = db.session.execute(statement)
    try:
        yield from result
    finally:
        result.close()


def count_rows(unit_ids: set[int]) -> int:
    """How many rows completion_rows will give: the total a progress bar needs."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Assignment)
        .join(User, Assignment.user_id == User.id)
        .where(User.unit_id.in_(unit_ids))
    )


def _path_titles(language: str) -> dict[int, str]:
    return {path.id: path.title(language) for path in db.session.scalars(sa.select(LearningPath))}


def completion_rows(
    unit_ids: set[int], today: dt.date | None = None, language: str = "nl"
) -> Iterator[list[object]]:
    """One row per assignment: dates as dates (None when empty), the path by its title."""
    today = today or dt.date.today()
    titles = _path_titles(language)

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
            Assignment.path_id,
            Assignment.deadline,
            newest_certificate(Certificate.issued_at),
            newest_certificate(Certificate.serial),
        )
        .join(User, Assignment.user_id == User.id)
        .outerjoin(OrgUnit, User.unit_id == OrgUnit.id)
        .where(User.unit_id.in_(unit_ids))
        .order_by(OrgUnit.name, User.name, Assignment.path_id)
        .execution_options(yield_per=2000)
    )
    for number, name, email, unit, path_id, deadline, issued_at, serial in iterate(query):
        if issued_at is not None:
            status = "afgerond"
        elif deadline is not None and deadline < today:
            status = "te laat"
        else:
            status = "open"
        completed_on = issued_at.date() if issued_at else None
        yield [
            number,
            name,
            email,
            unit,
            titles.get(path_id, ""),
            deadline,
            status,
            completed_on,
            serial,
        ]


def _csv_text(value: object) -> str:
    return "" if value is None else neutralise(value)


def stream_table(header: list[str], rows: Iterator[list[object]]) -> Iterator[str]:
    """CSV text chunk by chunk, every cell neutralised, with a BOM and ";" so Dutch Excel opens
    it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_text(cell) for cell in row])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(path: Path, rows: Iterator[list[object]]) -> None:
    """The completion export as a CSV file: HEADER, then the rows."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        for chunk in stream_table(HEADER, rows):
            out.write(chunk)


def write_xlsx(path: Path, header: list[str], rows: Iterator[list[object]]) -> int:
    """An Excel workbook: a bold header row with filters and frozen, dates as real dates, numbers
    as numbers, text neutralised. xlsxwriter's constant-memory mode flushes each row to disk as
    it is written, so memory stays flat. Returns the number of rows.

    Control characters need no replacing here: xlsxwriter writes them escaped (_x001B_), which
    Excel reads back as the character."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet("Voortgang")
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "dd-mm-yyyy"})
    for column, width in enumerate(COLUMN_WIDTHS[: len(header)]):
        sheet.set_column(column, column, width)
    sheet.write_row(0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    write_string, write_datetime, write_number = (
        sheet.write_string,
        sheet.write_datetime,
        sheet.write_number,
    )
    last = 0
    # The hot loop of a 100,000-row export: plain type checks, no helper call per cell.
    for last, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = type(value)
            if kind is str:
                write_string(last, column, "'" + value if value[0] in FORMULA_START else value)
            elif kind is dt.date or kind is dt.datetime:
                write_datetime(last, column, value, date)
            elif kind is int or kind is float:
                write_number(last, column, value)
            else:
                write_string(last, column, neutralise(value))
    sheet.autofilter(0, 0, last, len(header) - 1)
    workbook.close()
    return last
