"""Importing employees from an HR export (CSV): read messy files, plan the changes, apply them.

Real exports differ: ";" or "," separators, UTF-8 with or without BOM or Windows-1252, headers in
Dutch or English. Every bad row is reported with its row number and skipped; good rows still land;
importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import lazyload

from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.hr import snapshots
from app.hr.assignments import apply_rules, people_without_a_path
from app.hr.imports.problems import Problem, column_letter
from app.models import Organisation, OrgUnit, Role, RoleGrant, User, UserJobRole

#: Accepted header names per field, lower-cased; Dutch and English.
HEADER_NAMES = {
    "employee_number": {
        "employee_number",
        "employee number",
        "employee id",
        "personeelsnummer",
        "medewerkernummer",
        "personeelsnr",
        "personeelsnr.",
    },
    "email": {"email", "e-mail", "e-mailadres", "emailadres", "email address", "mail"},
    "name": {"name", "naam", "volledige naam", "full name", "weergavenaam"},
    "unit": {
        "unit",
        "unit code",
        "eenheid",
        "afdeling",
        "afdelingscode",
        "team",
        "department",
        "organisatie-eenheid",
    },
    "job_roles": {
        "job_roles",
        "job roles",
        "job role",
        "role",
        "roles",
        "functie",
        "functies",
        "rol",
        "rollen",
    },
    "language": {"language", "taal"},
    "active": {"active", "actief", "in dienst"},
}
REQUIRED = ("employee_number", "email", "name")
#: The longest value the database holds per field; longer is a row error, not a failed import.
MAX_LENGTHS = {"employee_number": 64, "name": 200, "unit": 64, "job_roles": 100}
TRUE_WORDS = {"1", "ja", "j", "yes", "y", "true", "waar", "actief", "active"}
FALSE_WORDS = {"0", "nee", "n", "no", "false", "onwaar", "inactief", "inactive", "uit dienst"}
LANGUAGES = {
    "nl": "nl",
    "nederlands": "nl",
    "dutch": "nl",
    "en": "en",
    "engels": "en",
    "english": "en",
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (no header, unknown columns); the message says why,
    in English; `problem`, when set, says it for people (app/hr/imports/problems.py)."""

    def __init__(self, message: str | Problem) -> None:
        super().__init__(str(message))
        self.problem = message if isinstance(message, Problem) else None


class RowError(ValueError):
    """A row that cannot be imported; carries what to fix."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class EmployeeRow:
    row: int
    employee_number: str
    email: str
    name: str
    unit_code: str | None
    job_roles: frozenset[str]
    language: str
    active: bool


@dataclass
class ImportPlan:
    """What an import will do, before it does it: the preview HR approves."""

    rows: list[EmployeeRow] = field(default_factory=list)
    #: (row number, what is wrong); str(problem) is the command line's English reason.
    errors: list[tuple[int, Problem]] = field(default_factory=list)
    create: list[EmployeeRow] = field(default_factory=list)
    #: (row, {field: (old, new)})
    update: list[tuple[EmployeeRow, dict[str, tuple[object, object]]]] = field(default_factory=list)
    unchanged: int = 0
    deactivate: list[User] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.create) + len(self.update) + len(self.deactivate)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the other encoding Excel writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@dataclass
class Columns:
    """Where each field is in the file: {field: index}, and the header as written."""

    index: dict[str, int]
    header: list[str]

    def problem(self, english: str, kind: str, field_name: str | None = None, **more) -> Problem:
        """A Problem located in this file's column for the field."""
        where = {}
        if field_name in self.index:
            position = self.index[field_name]
            where = {"header": self.header[position].strip(), "letter": column_letter(position)}
        return Problem(english, kind, field_name, **where, **more)


def read_rows(data: bytes) -> tuple[list[EmployeeRow], list[tuple[int, Problem]]]:
    """Parses the file; returns good rows and (row number, problem) for bad ones."""
    rows, errors, _ = read_file(data)
    return rows, errors


def read_file(data: bytes) -> tuple[list[EmployeeRow], list[tuple[int, Problem]], Columns]:
    """Parses the file; returns good rows, (row number, problem) for bad ones, and where the
    columns are.

    Row numbers are as a spreadsheet shows them: the header is row 1.
    """
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(Problem("the file is empty", "empty_file")) from None
    columns = Columns(_map_header(header), header)
    # Several job roles share one cell: "|" always separates them, "," too unless it is the column
    # separator.
    role_separators = "|" if delimiter == "," else ",|"
    rows, errors = [], []
    # Per column that must be unique: value -> the row it was first on.
    seen: dict[str, dict[str, int]] = {field_name: {} for field_name in UNIQUE_COLUMNS}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        try:
            row = _read_row(number, cells, columns, role_separators)
        except RowError as error:
            errors.append((number, error.problem))
            continue
        duplicate = _duplicate(row, seen, columns)
        if duplicate is not None:
            errors.append((number, duplicate))
            continue
        for field_name, first_rows in seen.items():
            first_rows[getattr(row, field_name)] = number
        rows.append(row)
    return rows, errors, columns


#: The columns whose value may stand on one row only: (English message, problem kind).
UNIQUE_COLUMNS = {
    "employee_number": ("employee number {value} is also on row {number}", "duplicate_number"),
    "email": ("email {value} is also on row {number}", "duplicate_email"),
}


def _duplicate(
    row: EmployeeRow, seen: dict[str, dict[str, int]], columns: Columns
) -> Problem | None:
    """The problem of a row repeating an earlier row's employee number or e-mail address."""
    for field_name, (english, kind) in UNIQUE_COLUMNS.items():
        value = getattr(row, field_name)
        if value in seen[field_name]:
            other = seen[field_name][value]
            message = english.format(value=value, number=other)
            return columns.problem(message, kind, field_name, value=value, number=other)
    return None


def _map_header(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, name in enumerate(header):
        key = name.strip().strip('"').lower()
        for field_name, names in HEADER_NAMES.items():
            if key in names and field_name not in columns:
                columns[field_name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError(
            Problem(
                f"the header (row 1) lacks the column(s) {', '.join(missing)}; found: "
                f"{', '.join(h.strip() for h in header)}. Accepted names, e.g.: personeelsnummer/"
                "employee_number, e-mailadres/email, naam/name, afdeling/unit, functie/job_roles, "
                "taal/language, actief/active",
                "missing_columns",
                value=",".join(missing),
            )
        )
    return columns


def _read_row(number: int, cells: list[str], columns: Columns, role_separators: str) -> EmployeeRow:
    def cell(name: str) -> str:
        index = columns.index.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def fail(english: str, kind: str, field_name: str, **more) -> RowError:
        return RowError(columns.problem(english, kind, field_name, **more))

    _check_cells(cells, columns)
    employee_number = cell("employee_number")
    if not employee_number:
        raise fail("the employee number is empty", "number_empty", "employee_number")
    try:
        email = validate_email(cell("email"), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise fail(
            f"email {cell('email')!r} is not a valid address",
            "email_invalid",
            "email",
            value=cell("email"),
        ) from None
    name = cell("name")
    if not name:
        raise fail("the name is empty", "name_empty", "name")
    language_text = cell("language").lower() or "nl"
    if language_text not in LANGUAGES:
        raise fail(
            f"language {cell('language')!r} is not nl or en",
            "language_unknown",
            "language",
            value=cell("language"),
        )
    active_text = cell("active").lower()
    if active_text and active_text not in TRUE_WORDS | FALSE_WORDS:
        raise fail(
            f"active {cell('active')!r} is not ja/nee (yes/no)",
            "active_unknown",
            "active",
            value=cell("active"),
        )
    roles = cell("job_roles")
    for separator in role_separators:
        roles = roles.replace(separator, "\n")
    return EmployeeRow(
        row=number,
        employee_number=employee_number,
        email=email,
        name=name,
        unit_code=cell("unit") or None,
        job_roles=frozenset(r.strip().lower() for r in roles.split("\n") if r.strip()),
        language=LANGUAGES[language_text],
        active=active_text not in FALSE_WORDS,
    )


def _check_cells(cells: list[str], columns: Columns) -> None:
    """Raises RowError for text no database column can hold: a NUL byte (PostgreSQL refuses
    it) or more characters than the column has (PostgreSQL refuses, SQLite would keep it)."""
    for field_name, index in columns.index.items():
        value = cells[index].strip() if index < len(cells) else ""
        if "\x00" in value:
            raise RowError(
                columns.problem(f"{field_name} contains a NUL character", "nul", field_name)
            )
        parts = value.replace("|", ",").split(",") if field_name == "job_roles" else [value]
        limit = MAX_LENGTHS.get(field_name)
        if limit and any(len(part.strip()) > limit for part in parts):
            raise RowError(
                columns.problem(
                    f"{field_name} is longer than {limit} characters",
                    "too_long",
                    field_name,
                    number=limit,
                )
            )


def plan_import(organisation: Organisation, data: bytes, *, deactivate_missing: bool) -> ImportPlan:
    """Compares the file with the database; changes nothing."""
    rows, errors, columns = read_file(data)
    plan = ImportPlan(errors=errors)
    units = dict(
        db.session.execute(
            sa.select(OrgUnit.code, OrgUnit.id).where(OrgUnit.organisation_id == organisation.id)
        ).all()
    )
    existing = {
        u.employee_number: u
        for u in db.session.scalars(
            # Roles are not compared: skip loading them for every person.
            sa.select(User)
            .where(User.organisation_id == organisation.id)
            .options(lazyload(User.role_grants))
        )
    }
    email_owner = dict(db.session.execute(sa.select(User.email, User.id)).all())
    roles_of: dict[int, set[str]] = {}
    for user_id, job_role in db.session.execute(
        sa.select(UserJobRole.user_id, UserJobRole.job_role)
        .join(User)
        .where(User.organisation_id == organisation.id)
    ):
        roles_of.setdefault(user_id, set()).add(job_role)
    for row in rows:
        if row.unit_code is not None and row.unit_code not in units:
            english = (
                f"unit {row.unit_code!r} does not exist in {organisation.name}: "
                "import the unit tree first"
            )
            problem = columns.problem(english, "unknown_unit", "unit", value=row.unit_code)
            plan.errors.append((row.row, problem))
            continue
        user = existing.get(row.employee_number)
        owner = email_owner.get(row.email)
        if owner is not None and (user is None or owner != user.id):
            english = f"email {row.email} already belongs to another person"
            problem = columns.problem(english, "email_taken", "email", value=row.email)
            plan.errors.append((row.row, problem))
            continue
        plan.rows.append(row)
        if user is None:
            plan.create.append(row)
            continue
        changes = _differences(user, row, units, roles_of.get(user.id, set()))
        if changes:
            plan.update.append((row, changes))
        else:
            plan.unchanged += 1
    if deactivate_missing:
        listed = {row.employee_number for row in rows}
        plan.deactivate = [
            u
            for number, u in existing.items()
            if u.active and number is not None and number not in listed
        ]
    plan.errors.sort()
    return plan


def _differences(
    user: User, row: EmployeeRow, units: dict[str, int], roles: set[str]
) -> dict[str, tuple[object, object]]:
    wanted = {
        "email": row.email,
        "name": row.name,
        "language": row.language,
        "active": row.active,
        "unit_id": units.get(row.unit_code) if row.unit_code else None,
    }
    changes = {
        key: (getattr(user, key), value)
        for key, value in wanted.items()
        if getattr(user, key) != value
    }
    if roles != set(row.job_roles):
        changes["job_roles"] = (sorted(roles), sorted(row.job_roles))
    return changes


def _create_users(organisation: Organisation, rows: list[EmployeeRow], units: dict[str, int]):
    """Bulk inserts (one statement per table, not an ORM object per person): 100,000 new
    people must land within a minute."""
    if not rows:
        return
    new_ids = dict(
        db.session.execute(
            sa.insert(User).returning(User.employee_number, User.id),
            [
                {
                    "organisation_id": organisation.id,
                    "employee_number": row.employee_number,
                    "email": row.email,
                    "name": row.name,
                    "language": row.language,
                    "active": row.active,
                    "unit_id": units.get(row.unit_code) if row.unit_code else None,
                    "deactivated_at": None if row.active else utcnow(),
                }
                for row in rows
            ],
        ).all()
    )
    db.session.execute(
        sa.insert(RoleGrant),
        [{"user_id": new_ids[row.employee_number], "role": Role.LEARNER.value} for row in rows],
    )
    job_roles = [
        {"user_id": new_ids[row.employee_number], "job_role": role}
        for row in rows
        for role in sorted(row.job_roles)
    ]
    if job_roles:
        db.session.execute(sa.insert(UserJobRole), job_roles)


def apply_import(organisation: Organisation, plan: ImportPlan, actor: User | None) -> dict:
    """Carries out a plan in the caller's transaction; then assigns paths by the rules. Returns
    what it did: {"created", "updated", "unchanged", "deactivated", "rejected", "assigned",
    "without_path"} (the last: active people of the organisation who have no learning path)."""
    units = dict(
        db.session.execute(
            sa.select(OrgUnit.code, OrgUnit.id).where(OrgUnit.organisation_id == organisation.id)
        ).all()
    )
    _create_users(organisation, plan.create, units)
    by_number = {
        u.employee_number: u
        for u in db.session.scalars(
            sa.select(User).where(
                User.organisation_id == organisation.id,
                User.employee_number.in_([row.employee_number for row, _ in plan.update]),
            )
        )
    }
    for row, changes in plan.update:
        user = by_number[row.employee_number]
        for key, (_, value) in changes.items():
            if key == "job_roles":
                user.job_roles = [UserJobRole(job_role=role) for role in value]
            else:
                setattr(user, key, value)
        if changes.get("active", (None, False))[1]:
            user.deactivated_at = None  # back in service
        if "active" in changes and not row.active:
            user.deactivate()  # a deactivated person's sessions end now
    for user in plan.deactivate:
        user.deactivate()
    db.session.flush()
    outcome = {
        "created": len(plan.create),
        "updated": len(plan.update),
        "unchanged": plan.unchanged,
        "deactivated": len(plan.deactivate),
        "rejected": len(plan.errors),
        "assigned": apply_rules(organisation.id),
        "without_path": people_without_a_path(organisation.id),
    }
    audit.record("users.import", actor=actor, target=f"organisation:{organisation.slug}", **outcome)
    # From the HR page or the command line alike: the dashboard must count the new people at once.
    snapshots.forget(organisation.id)
    return outcome
