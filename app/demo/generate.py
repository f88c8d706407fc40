"""`flask demo generate`: a large, realistic organisation for benchmarks and demonstrations.

A ministry of N employees: a unit tree (ministry → directorates → departments → teams of 30 to
50 people), job roles, assignment rules for the published learning paths, and months of progress
(lessons read, quiz attempts passed and failed, modules completed, certificates).

Everything goes in with bulk INSERTs, a batch of rows per statement (COPY on PostgreSQL), never
an ORM object per row: 100,000 employees with 2.3 million progress rows land in a few minutes.
Generated employees get no password (they would sign in through single sign-on): hashing 100,000
passwords would take hours. Only the few HR and admin accounts get the demo password, and they
share one hash.

The same seed (and the same `today`) gives the same organisation: names, units, job roles,
assignments, progress and dates. Certificate codes are the exception: they are drawn from a secure
source, as they are public keys and must never collide with another organisation's.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.auth import totp_secrets
from app.auth.passwords import hash_password
from app.certificates.issuing import add_months, new_code
from app.content.catalogue import current_versions, pick_language
from app.core import audit
from app.core.time import utcnow
from app.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from app.extensions import db
from app.hr.assignments import apply_rules
from app.models import (
    Assignment,
    AssignmentRule,
    Certificate,
    Completion,
    HrScope,
    LearningPath,
    Lesson,
    LessonRead,
    ModuleProgress,
    ModuleVersion,
    Organisation,
    OrgUnit,
    QuizAttempt,
    Role,
    RoleGrant,
    TotpCredential,
    User,
    UserJobRole,
)
from app.quiz.attempts import draw_questions

DEFAULT_SLUG = "ministerie-van-voorbeeldzaken"
#: Rows per INSERT statement.
BATCH = 5_000
#: Employees whose progress is built and written at a time (bounds memory, not transactions).
PEOPLE_PER_ROUND = 2_000
#: The paths were rolled out this long ago; progress is spread over the time since.
ROLLOUT_DAYS = 150
#: Draws kept per quiz: drawing and encoding one per attempt would cost more than it shows.
DRAWS_PER_QUIZ = 24
#: What a certificate's serial starts with until it gets the one made from its id.
TEMPORARY_SERIAL = "GEN-"

FIRST_NAMES = (
    "Anna", "Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie", "Finn", "Lotte", "Milan", "Sanne",
    "Thijs", "Fleur", "Bram", "Noor", "Jesse", "Eva", "Ruben", "Iris", "Lars", "Anouk", "Tim",
    "Femke", "Joost", "Marieke", "Pieter", "Ingrid", "Kees", "Wilma", "Henk", "Els", "Gerrit",
    "Mohammed", "Fatima", "Yusuf", "Samira", "Özlem", "Mehmet", "Priya", "Rajesh", "Siham",
    "Bilal", "Chantal", "Dewi", "Stefan", "Agnieszka", "Renée", "Zoë", "Chloë", "Jorien",
    "Wouter", "Maarten", "Ilse", "Bas", "Niels", "Esther", "Karin", "Hanneke", "Gijs", "Tessa",
)  # fmt: skip
PARTICLES = ("", "", "", "", "", "van", "de", "van der", "van den", "van de", "ter", "den", "'t")
SURNAMES = (
    "Jansen", "Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters",
    "Hendriks", "Dekker", "Brouwer", "Dijk", "Wijk", "Berg", "Leeuwen", "Dam", "Kok", "Jacobs",
    "Vermeulen", "Veen", "Boer", "Graaf", "Maas", "Janssens", "Koster", "Prins", "Huisman",
    "Kuipers", "Postma", "Wouters", "Hoekstra", "Schouten", "Willems", "Sluis", "Brink", "Haan",
    "Yılmaz", "El Amrani", "Bouzid", "Kaya", "Öztürk", "Nguyen", "Çelik", "Ramdin", "Sardjoe",
    "Kowalski", "Martens", "Groot", "Heuvel", "Linden", "Beek", "Horst", "Laan", "Wal", "Zanden",
)  # fmt: skip
#: (job role, the path audience it belongs to, weight). "everyone" paths reach every role.
JOB_ROLES = (
    ("medewerker dienstverlening", "everyone", 22),
    ("beleidsmedewerker", "policy", 22),
    ("adviseur", "policy", 9),
    ("juridisch medewerker", "policy", 5),
    ("communicatieadviseur", "everyone", 5),
    ("managementondersteuner", "everyone", 6),
    ("data-analist", "data-it", 5),
    ("informatieadviseur", "data-it", 5),
    ("ontwikkelaar", "data-it", 6),
    ("inkoper", "procurement", 3),
    ("contractmanager", "procurement", 2),
    ("projectleider", "management", 4),
)
#: One per team, department and directorate respectively.
LEADER_ROLES = ("teamleider", "afdelingshoofd", "directeur")
LEADER_AUDIENCE = "management"
HR_JOB_ROLE = "hr-adviseur"
DIRECTORATES = (
    "Digitale Overheid", "Burgerschap", "Financiën", "Wonen", "Arbeidsmarkt", "Openbaar Bestuur",
    "Communicatie", "Juridische Zaken", "Informatievoorziening", "Personeel en Organisatie",
    "Uitvoering", "Toezicht", "Strategie", "Klimaat", "Energie", "Mobiliteit", "Zorg",
    "Onderwijs", "Veiligheid", "Internationale Zaken",
)  # fmt: skip
DEPARTMENTS = (
    "Beleid", "Uitvoering", "Advies", "Ondersteuning", "Data en Analyse", "Kennis", "Regie",
    "Wetgeving", "Dienstverlening", "Programma's", "Financiën", "Control",
)  # fmt: skip


class GenerateError(Exception):
    """Why the organisation cannot be generated; the message says what to do."""


@dataclass
class Generated:
    """What was made, for the command's summary and the benchmark."""

    organisation_id: int
    units: int = 0
    employees: int = 0
    #: (email, what the account may do) of the accounts with the demo password.
    accounts: list[tuple[str, str]] = field(default_factory=list)
    rules: int = 0
    assignments: int = 0
    module_progress: int = 0
    lesson_reads: int = 0
    attempts: int = 0
    completions: int = 0
    module_certificates: int = 0
    path_certificates: int = 0

    @property
    def progress_rows(self) -> int:
        """Lesson reads, quiz attempts and completions: what the issue calls progress rows."""
        return self.lesson_reads + self.attempts + self.completions


# -- what is published ---------------------------------------------------------------------------


@dataclass
class PublishedModule:
    """One language version of a module as the generator needs it."""

    module_id: int
    version_id: int
    title: str
    version: str
    lesson_ids: list[int]
    needs_lessons: bool
    needs_quiz: bool
    pass_mark: float
    #: Ready-made draws of questions: [{"id", "options"}, ...] each.
    draws: list[list[dict[str, Any]]]


@dataclass
class Catalogue:
    #: {slug: {language: PublishedModule}}
    modules: dict[str, dict[str, PublishedModule]]
    paths: list[LearningPath]

    def module(self, slug: str, language: str) -> PublishedModule | None:
        return pick_language(self.modules.get(slug, {}), language)

    def modules_of(self, path: LearningPath) -> list[str]:
        return [slug for slug in path.module_slugs if slug in self.modules]


def published_catalogue(rng: random.Random) -> Catalogue:
    """The current module versions and the paths with at least one of them. Raises
    GenerateError when nothing is published."""
    lessons: dict[int, list[int]] = {}
    for version_id, lesson_id in db.session.execute(
        sa.select(Lesson.module_version_id, Lesson.id)
        .join(ModuleVersion, Lesson.module_version_id == ModuleVersion.id)
        .where(ModuleVersion.is_current)
        .order_by(Lesson.module_version_id, Lesson.position)
    ):
        lessons.setdefault(version_id, []).append(lesson_id)
    modules: dict[str, dict[str, PublishedModule]] = {}
    for slug, translations in current_versions().items():
        for language, version in sorted(translations.items()):
            modules.setdefault(slug, {})[language] = _published_module(version, lessons, rng)
    paths = [
        path
        for path in db.session.scalars(sa.select(LearningPath).order_by(LearningPath.id))
        if any(slug in modules for slug in path.module_slugs)
    ]
    if not paths:
        raise GenerateError(
            "no published learning path with published modules: "
            "run `flask content sync` first, then generate again"
        )
    return Catalogue(modules, paths)


def _published_module(
    version: ModuleVersion, lessons: dict[int, list[int]], rng: random.Random
) -> PublishedModule:
    rule = version.completion_rule if version.has_quiz else "lessons"
    draws = (
        [draw_questions(version.quiz, rng) for _ in range(DRAWS_PER_QUIZ)]
        if version.has_quiz
        else []
    )
    return PublishedModule(
        module_id=version.module_id,
        version_id=version.id,
        title=version.title,
        version=version.version,
        lesson_ids=lessons.get(version.id, []),
        needs_lessons=rule in ("lessons-and-quiz", "lessons"),
        needs_quiz=rule in ("lessons-and-quiz", "quiz"),
        pass_mark=float((version.quiz or {}).get("pass_mark", 70)),
        draws=draws,
    )


# -- bulk writing --------------------------------------------------------------------------------


def batches(rows: list[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert(model, rows: list[dict[str, Any]]) -> None:
    """Core INSERTs, a batch per statement (the ORM's bulk path costs several times more); on
    PostgreSQL its COPY, which takes millions of rows about twice as fast. Every row must have
    the same keys and name every column without a server-side default."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        _copy(model.__table__, rows)
        return
    for batch in batches(rows):
        db.session.execute(model.__table__.insert(), batch)


def _copy(table: sa.Table, rows: list[dict[str, Any]]) -> None:
    from psycopg.types.json import Json  # only ever needed on PostgreSQL

    columns = list(rows[0])
    as_json = [isinstance(table.c[name].type, sa.JSON) for name in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    connection = db.session.connection().connection.driver_connection
    with (
        connection.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    Json(row[name]) if json else row[name]
                    for name, json in zip(columns, as_json, strict=True)
                ]
            )


def insert_returning(model, rows: list[dict[str, Any]], key: str) -> dict[Any, int]:
    """{row[key]: new id} (INSERT ... RETURNING, a batch per statement)."""
    table = model.__table__
    ids: dict[Any, int] = {}
    for batch in batches(rows):
        ids.update(
            db.session.execute(table.insert().returning(table.c[key], table.c.id), batch).all()
        )
    return ids


# -- the organisation ----------------------------------------------------------------------------


@dataclass
class Team:
    unit_id: int
    size: int
    #: Leaders in this unit: the team leader, and for a department's or directorate's first team
    #: also its head and director (they sit in a team, as people do).
    leaders: list[str]


def generate(
    employees: int,
    slug: str = DEFAULT_SLUG,
    seed: int = 1,
    today: dt.date | None = None,
    name: str | None = None,
    report: Callable[[str], None] = lambda _: None,
    root: tuple[str, str] = ("MIN", "Ministerie"),
) -> Generated:
    """Creates the organisation and everything in it, in the caller's transaction (no commit);
    `report` hears how far it is. Raises GenerateError when nothing is published or the
    organisation exists already. `root` is the code and name of the top unit."""
    if employees < 1:
        raise GenerateError("--employees must be at least 1")
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise GenerateError(
            f"organisation {slug!r} already exists: choose another with --organisation"
        )
    today = today or dt.date.today()
    rng = random.Random(seed)
    catalogue = published_catalogue(rng)
    organisation = Organisation(slug=slug, name=name or _organisation_name(slug))
    db.session.add(organisation)
    db.session.flush()
    result = Generated(organisation.id)
    root_id, directorates, teams = _build_units(organisation.id, employees, rng, result, root)
    _add_employees(organisation, root_id, teams, rng, result)
    _add_staff_accounts(organisation, root_id, directorates, rng, result)
    report(f"{result.units:,} units and {result.employees:,} people")
    rollout = today - dt.timedelta(days=ROLLOUT_DAYS)
    _add_rules(organisation.id, catalogue, rollout, result)
    report(f"{result.assignments:,} assignments from {result.rules} rules")
    _add_progress(organisation.id, catalogue, rng, rollout, today, result, report)
    audit.record(
        "demo.generate",
        target=f"organisation:{slug}",
        employees=employees,
        seed=seed,
        progress_rows=result.progress_rows,
    )
    return result


def _organisation_name(slug: str) -> str:
    if slug == DEFAULT_SLUG:
        return "Ministerie van Voorbeeldzaken"
    return slug.replace("-", " ").capitalize()


def _team_sizes(employees: int, rng: random.Random) -> list[int]:
    """Team sizes adding up to `employees`, about 40 each and between 30 and 50 (where the
    numbers allow it: 20 people make one team of 20)."""
    teams = max(1, round(employees / 40))
    sizes = [employees // teams + (i < employees % teams) for i in range(teams)]
    for i in range(teams):  # uneven, as real teams are, within the bounds
        j, moved = rng.randrange(teams), rng.randint(0, 8)
        if i != j and sizes[i] - moved >= 30 and sizes[j] + moved <= 50:
            sizes[i] -= moved
            sizes[j] += moved
    return sizes


def _chunks(items: list, low: int, high: int, rng: random.Random) -> list[list]:
    groups, start = [], 0
    while start < len(items):
        size = rng.randint(low, high)
        groups.append(items[start : start + size])
        start += size
    return groups


def _build_units(
    organisation_id: int,
    employees: int,
    rng: random.Random,
    result: Generated,
    root: tuple[str, str] = ("MIN", "Ministerie"),
) -> tuple[int, list[tuple[int, str]], list[Team]]:
    """The tree, inserted level by level: (root id, [(directorate id, code)], teams)."""
    sizes = _team_sizes(employees, rng)
    departments = _chunks(sizes, 5, 10, rng)
    per_directorate = max(1, round(math.sqrt(len(departments))))
    directorates = [
        departments[i : i + per_directorate] for i in range(0, len(departments), per_directorate)
    ]

    def unit(code: str, unit_name: str, parent_id: int | None) -> dict[str, Any]:
        return {
            "organisation_id": organisation_id,
            "code": code,
            "name": unit_name,
            "parent_id": parent_id,
        }

    root_id = insert_returning(OrgUnit, [unit(*root, None)], "code")[root[0]]
    directorate_rows = [
        unit(f"DIR-{d + 1:02d}", f"Directie {_numbered(DIRECTORATES, d)}", root_id)
        for d in range(len(directorates))
    ]
    codes = insert_returning(OrgUnit, directorate_rows, "code")
    directorate_ids = [codes[row["code"]] for row in directorate_rows]
    department_rows, team_rows, team_specs = [], [], []
    for d, (directorate_id, group) in enumerate(zip(directorate_ids, directorates, strict=True)):
        names = tuple(rng.sample(DEPARTMENTS, len(DEPARTMENTS)))  # each directorate its own mix
        for a in range(len(group)):
            label = _numbered(names, a)
            department_rows.append(
                unit(f"AFD-{d + 1:02d}-{a + 1:02d}", f"Afdeling {label}", directorate_id)
            )
    codes = insert_returning(OrgUnit, department_rows, "code")
    department_ids = iter(codes[row["code"]] for row in department_rows)
    for d, group in enumerate(directorates):
        for a, team_sizes in enumerate(group):
            department_id = next(department_ids)
            for t, size in enumerate(team_sizes):
                code = f"TEAM-{d + 1:02d}-{a + 1:02d}-{t + 1:02d}"
                team_rows.append(unit(code, f"Team {d + 1}.{a + 1}.{t + 1}", department_id))
                leaders = ["teamleider"]
                if t == 0:
                    leaders.append("afdelingshoofd")
                    if a == 0:
                        leaders.append("directeur")
                team_specs.append((size, leaders[:size]))
    codes = insert_returning(OrgUnit, team_rows, "code")
    team_ids = [codes[row["code"]] for row in team_rows]
    result.units = 1 + len(directorate_ids) + len(department_rows) + len(team_ids)
    teams = [
        Team(unit_id, size, leaders)
        for unit_id, (size, leaders) in zip(team_ids, team_specs, strict=True)
    ]
    codes = [row["code"] for row in directorate_rows]
    return root_id, list(zip(directorate_ids, codes, strict=True)), teams


def _numbered(names: tuple[str, ...], index: int) -> str:
    """names[index], with a number once the list has been used up."""
    base = names[index % len(names)]
    return base if index < len(names) else f"{base} {index // len(names) + 1}"


def _ascii(text: str) -> str:
    """Lower-case letters only, for an email address: "Özlem" → "ozlem"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _person(rng: random.Random, number: int, domain: str) -> tuple[str, str]:
    """(name, email) for person `number`: Dutch-looking, with particles and diacritics."""
    first, particle, surname = (
        rng.choice(FIRST_NAMES),
        rng.choice(PARTICLES),
        rng.choice(SURNAMES),
    )
    name = " ".join(part for part in (first, particle, surname) if part)
    email = f"{_ascii(first)[:1]}.{_ascii(particle)}{_ascii(surname)}.{number}@{domain}"
    return name, email


def _domain(slug: str) -> str:
    return f"{slug}.example.org"


def _pick_role(rng: random.Random) -> str:
    roles, _, weights = zip(*JOB_ROLES, strict=True)
    return rng.choices(roles, weights=weights)[0]


def _add_employees(
    organisation: Organisation, root_id: int, teams: list[Team], rng: random.Random, result
) -> None:
    domain = _domain(organisation.slug)
    users, roles = [], []
    number = 0
    for team in teams:
        for position in range(team.size):
            number += 1
            name, email = _person(rng, number, domain)
            language = "en" if rng.random() < 0.04 else "nl"
            role = team.leaders[position] if position < len(team.leaders) else _pick_role(rng)
            users.append(
                {
                    "organisation_id": organisation.id,
                    "unit_id": team.unit_id,
                    "email": email,
                    "name": name,
                    "employee_number": f"E{number:07d}",
                    "language": language,
                    "active": True,
                    "password_hash": None,  # single sign-on only: see the module docstring
                }
            )
            roles.append(role)
    numbers = insert_returning(User, users, "employee_number")
    ids = [numbers[row["employee_number"]] for row in users]
    insert(RoleGrant, [{"user_id": i, "role": Role.LEARNER.value} for i in ids])
    insert(UserJobRole, [{"user_id": i, "job_role": r} for i, r in zip(ids, roles, strict=True)])
    result.employees = len(ids)


def _add_staff_accounts(
    organisation: Organisation,
    root_id: int,
    directorates: list[tuple[int, str]],
    rng: random.Random,
    result: Generated,
) -> None:
    """An admin, an HR officer for the whole organisation and one per directorate, all with
    the demo password (hashed once: hashing is deliberately slow)."""
    domain = _domain(organisation.slug)
    password_hash = hash_password(DEMO_PASSWORD)
    staff = [("admin", Role.ADMIN, None, "admin, whole organisation")]
    staff.append(("hr", Role.HR, root_id, "HR, whole organisation"))
    staff += [
        (f"hr-{code.lower()}", Role.HR, unit_id, f"HR, {code}") for unit_id, code in directorates
    ]
    rows = []
    for index, (local, _, _, _) in enumerate(staff, start=1):
        name, _ = _person(rng, index, domain)
        rows.append(
            {
                "organisation_id": organisation.id,
                "unit_id": root_id,
                "email": f"{local}@{domain}",
                "name": name,
                "employee_number": f"S{index:04d}",
                "language": "nl",
                "active": True,
                "password_hash": password_hash,
            }
        )
    numbers = insert_returning(User, rows, "employee_number")
    ids = [numbers[row["employee_number"]] for row in rows]
    grants, scopes = [], []
    for user_id, (_, role, scope_unit, _) in zip(ids, staff, strict=True):
        grants += [
            {"user_id": user_id, "role": Role.LEARNER.value},
            {"user_id": user_id, "role": role.value},
        ]
        if scope_unit is not None:
            scopes.append({"user_id": user_id, "unit_id": scope_unit})
    insert(RoleGrant, grants)
    insert(HrScope, scopes)
    insert(UserJobRole, [{"user_id": user_id, "job_role": HR_JOB_ROLE} for user_id in ids])
    # HR and admins sign in with a second factor: the demo one (README, `flask demo code`).
    enrolled_at = utcnow()
    insert(
        TotpCredential,
        [
            {
                "user_id": user_id,
                "secret": totp_secrets.seal(DEMO_TOTP_SECRET, user_id),
                "created_at": enrolled_at,
                "confirmed_at": enrolled_at,
                "last_used_step": None,
            }
            for user_id in ids
        ],
    )
    result.employees += len(ids)
    result.accounts = [(row["email"], what) for row, (*_, what) in zip(rows, staff, strict=True)]


def _add_rules(
    organisation_id: int, catalogue: Catalogue, rollout: dt.date, result: Generated
) -> None:
    """A rule per path and audience: "everyone" paths for the whole organisation, the others for
    the job roles of their audience. Applied as of the rollout, so deadlines lie in the past
    for some paths and ahead for others."""
    role_audience = {role: audience for role, audience, _ in JOB_ROLES}
    role_audience.update(dict.fromkeys(LEADER_ROLES, LEADER_AUDIENCE))
    rollout_at = dt.datetime.combine(rollout, dt.time(9))
    rows = []
    for path in catalogue.paths:
        if "everyone" in path.audience:
            rows.append({"path_id": path.id, "job_role": None})
            continue
        rows += [
            {"path_id": path.id, "job_role": role}
            for role, audience in role_audience.items()
            if audience in path.audience
        ]
    for row in rows:
        row.update(organisation_id=organisation_id, unit_id=None, created_at=rollout_at)
    insert(AssignmentRule, rows)
    result.rules = len(rows)
    result.assignments = apply_rules(organisation_id, today=rollout)
    # apply_rules stamps the assignments now; they were made at the rollout.
    db.session.execute(
        sa.update(Assignment)
        .where(
            Assignment.user_id.in_(
                sa.select(User.id).where(User.organisation_id == organisation_id)
            )
        )
        .values(assigned_at=rollout_at)
        .execution_options(synchronize_session=False)
    )


# -- progress ------------------------------------------------------------------------------------


@dataclass
class Rows:
    """The progress rows of one round of people, per table, before they are written."""

    progress: list[dict[str, Any]] = field(default_factory=list)
    #: Per progress row (same index): [(lesson id, read at)].
    reads: list[list[tuple[int, dt.datetime]]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    completions: list[dict[str, Any]] = field(default_factory=list)
    certificates: list[dict[str, Any]] = field(default_factory=list)


def _add_progress(
    organisation_id: int,
    catalogue: Catalogue,
    rng: random.Random,
    rollout: dt.date,
    today: dt.date,
    result: Generated,
    report: Callable[[str], None],
) -> None:
    """Simulates everyone's learning since the rollout, a round of people at a time."""
    paths_of: dict[int, list[int]] = {}
    for user_id, path_id in db.session.execute(
        sa.select(Assignment.user_id, Assignment.path_id)
        .join(User, Assignment.user_id == User.id)
        .where(User.organisation_id == organisation_id)
        .order_by(Assignment.user_id, Assignment.path_id)
    ):
        paths_of.setdefault(user_id, []).append(path_id)
    language_of = dict(
        db.session.execute(
            sa.select(User.id, User.language).where(User.organisation_id == organisation_id)
        ).all()
    )
    paths = {path.id: path for path in catalogue.paths}
    start = dt.datetime.combine(rollout, dt.time(8))
    end = dt.datetime.combine(today, dt.time(0))
    people = sorted(paths_of)
    for first in range(0, len(people), PEOPLE_PER_ROUND):
        rows = Rows()
        for user_id in people[first : first + PEOPLE_PER_ROUND]:
            learner = Learner(user_id, language_of[user_id], catalogue, rng, rows)
            learner.learn([paths[p] for p in paths_of[user_id] if p in paths], start, end)
        _write(rows, result)
        done = min(first + PEOPLE_PER_ROUND, len(people))
        report(f"progress of {done:,} of {len(people):,} people: {result.progress_rows:,} rows")
    _number_certificates(organisation_id)


class Learner:
    """One person working through their paths' modules in order, at their own pace."""

    def __init__(self, user_id, language, catalogue: Catalogue, rng: random.Random, rows: Rows):
        self.user_id, self.language = user_id, language
        self.catalogue, self.rng, self.rows = catalogue, rng, rows

    def learn(self, paths: list[LearningPath], start: dt.datetime, end: dt.datetime) -> None:
        rng = self.rng
        if rng.random() < 0.12:  # some never start
            return
        slugs = list(dict.fromkeys(s for path in paths for s in self.catalogue.modules_of(path)))
        moment = start + dt.timedelta(days=rng.uniform(0, 60), minutes=rng.randint(0, 600))
        pace = rng.uniform(1, 6)  # days per lesson
        completed: dict[str, dt.datetime] = {}
        for slug in slugs:
            module = self.catalogue.module(slug, self.language)
            if module is None or moment >= end:
                break
            finished = self.module(module, moment, end, pace)
            if finished is None:
                break
            completed[slug] = finished
            moment = finished + dt.timedelta(days=rng.expovariate(1 / 14))
            if rng.random() < 0.06:  # and some stop for good
                break
        for path in paths:
            done = [completed.get(slug) for slug in self.catalogue.modules_of(path)]
            if done and all(done):
                self.path_certificate(path, max(done))

    def module(
        self, module: PublishedModule, moment: dt.datetime, end: dt.datetime, pace: float
    ) -> dt.datetime | None:
        """Works through one module from `moment`; its completion time, or None if unfinished."""
        rng = self.rng
        started = moment
        reads = []
        for lesson_id in module.lesson_ids:
            moment += dt.timedelta(days=rng.expovariate(1 / pace), minutes=rng.randint(5, 40))
            if moment >= end:
                break
            reads.append((lesson_id, moment))
        lessons_done = len(reads) == len(module.lesson_ids)
        passed = None
        if module.needs_quiz and (lessons_done or not module.needs_lessons):
            passed, moment = self.quiz(module, moment, end)
        finished = (lessons_done or not module.needs_lessons) and (
            passed is not None or not module.needs_quiz
        )
        self.rows.progress.append(
            {
                "user_id": self.user_id,
                "module_id": module.module_id,
                "module_version_id": module.version_id,
                "started_at": started,
                "last_lesson_position": min(len(reads) + 1, max(len(module.lesson_ids), 1)),
                "completed_at": moment if finished else None,
            }
        )
        self.rows.reads.append(reads)
        if not finished:
            return None
        self.rows.completions.append(
            {
                "user_id": self.user_id,
                "module_id": module.module_id,
                "module_version_id": module.version_id,
                "completed_at": moment,
                "score": passed,
            }
        )
        self.certificate(
            kind="module",
            module_version_id=module.version_id,
            title=module.title,
            version=module.version,
            score=passed,
            issued_at=moment,
        )
        return moment

    def quiz(
        self, module: PublishedModule, moment: dt.datetime, end: dt.datetime
    ) -> tuple[float | None, dt.datetime]:
        """Attempts until one passes (most pass the first time); (passing score or None, time)."""
        rng = self.rng
        failures = rng.choices((0, 1, 2, 3), weights=(70, 20, 7, 3))[0]
        for number in range(1, failures + 2):
            started = moment + dt.timedelta(hours=rng.uniform(0.1, 48))
            submitted = started + dt.timedelta(minutes=rng.uniform(4, 25))
            if submitted >= end:
                return None, moment
            draw = rng.choice(module.draws)
            score, results = self.answers(draw, module.pass_mark, passing=number > failures)
            self.rows.attempts.append(
                {
                    "user_id": self.user_id,
                    "module_version_id": module.version_id,
                    "number": number,
                    "draw": draw,
                    "started_at": started,
                    "submitted_at": submitted,
                    "score": score,
                    "passed": score >= module.pass_mark,
                    "results": results,
                }
            )
            moment = submitted
            if score >= module.pass_mark:
                return score, moment
        return None, moment

    def answers(
        self, draw: list[dict[str, Any]], pass_mark: float, passing: bool
    ) -> tuple[float, dict[str, Any]]:
        """A score on the right side of the pass mark, and per question results that add up."""
        count = len(draw)
        needed = math.ceil(pass_mark * count / 100)
        right = self.rng.randint(needed, count) if passing else self.rng.randint(0, needed - 1)
        correct = set(self.rng.sample(range(count), right))
        results = {
            q["id"]: {"score": 1.0 if i in correct else 0.0, "correct": i in correct}
            for i, q in enumerate(draw)
        }
        return round(100 * right / count, 1), results

    def certificate(self, **values: Any) -> None:
        code = new_code()
        self.rows.certificates.append(
            {
                "user_id": self.user_id,
                "module_version_id": None,
                "path_id": None,
                "version": None,
                "score": None,
                "expires_on": None,
                "serial": TEMPORARY_SERIAL + code,  # see _number_certificates
                "code": code,
                **values,
            }
        )

    def path_certificate(self, path: LearningPath, issued_at: dt.datetime) -> None:
        self.certificate(
            kind="path",
            path_id=path.id,
            title=path.title(self.language),
            issued_at=issued_at,
            expires_on=add_months(issued_at.date(), path.validity_months),
        )


def _write(rows: Rows, result: Generated) -> None:
    insert(ModuleProgress, rows.progress)
    users = [row["user_id"] for row in rows.progress]
    progress_id = {}
    if users:  # read the new ids back: cheaper than RETURNING with its order kept
        progress_id = {
            (user_id, module_id): progress
            for progress, user_id, module_id in db.session.execute(
                sa.select(
                    ModuleProgress.id, ModuleProgress.user_id, ModuleProgress.module_id
                ).where(ModuleProgress.user_id.between(min(users), max(users)))
            )
        }
    reads = [
        {
            "progress_id": progress_id[(row["user_id"], row["module_id"])],
            "lesson_id": lesson_id,
            "read_at": read_at,
        }
        for row, lessons in zip(rows.progress, rows.reads, strict=True)
        for lesson_id, read_at in lessons
    ]
    insert(LessonRead, reads)
    insert(QuizAttempt, rows.attempts)
    insert(Completion, rows.completions)
    insert(Certificate, rows.certificates)
    result.module_progress += len(rows.progress)
    result.lesson_reads += len(reads)
    result.attempts += len(rows.attempts)
    result.completions += len(rows.completions)
    paths = sum(row["kind"] == "path" for row in rows.certificates)
    result.path_certificates += paths
    result.module_certificates += len(rows.certificates) - paths


def _number_certificates(organisation_id: int) -> None:
    """Gives the new certificates their serial, GL-<year>-<id, six digits or more>, as
    certificates.issue does, in one UPDATE."""
    six_digits = sa.func.substr(sa.cast(Certificate.id + 1_000_000, sa.String), 2)
    number = sa.case(
        (Certificate.id < 1_000_000, six_digits), else_=sa.cast(Certificate.id, sa.String)
    )
    year = sa.cast(sa.cast(sa.extract("year", Certificate.issued_at), sa.Integer), sa.String)
    db.session.execute(
        sa.update(Certificate)
        .where(
            Certificate.serial.like(f"{TEMPORARY_SERIAL}%"),
            Certificate.user_id.in_(
                sa.select(User.id).where(User.organisation_id == organisation_id)
            ),
        )
        .values(serial=sa.literal("GL-", sa.String) + year + "-" + number)
        .execution_options(synchronize_session=False)
    )
