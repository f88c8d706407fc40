"""The data of the AI Act Art. 4 evidence report ("Art. 4-verantwoording") for a scope.

The report follows the four steps in which the Dutch data protection authority (AP) asks
organisations to document their approach: (1) the AI systems and the people involved, (2) goals
by risk and role, (3) the training carried out, (4) evaluation.

Figures per job role count people, not assignments. A role's required paths come from the
assignment rules that name the role (plus the rules for every role); for a role no rule names,
they are the paths assigned to the people holding it. For each person holding the role, only
their assignments of those required paths count:

- completed: every such assignment has a valid path certificate (not revoked, not superseded),
  as on the HR dashboard;
- overdue: at least one of them is past its deadline and not completed;
- refresher needed: at least one of them has a certificate that expires within
  `certificates.REFRESH_WINDOW` or has expired;
- without assignment: people holding the role with none of its required paths assigned.

Everything is computed with a fixed number of SQL aggregate queries, however many people there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.certificates.issuing import REFRESH_WINDOW
from app.core.time import utcnow
from app.evidence import ai_systems
from app.extensions import db
from app.models import (
    AiSystem,
    Assignment,
    AssignmentRule,
    Certificate,
    Completion,
    LearningPath,
    Module,
    ModuleVersion,
    Organisation,
    OrgUnit,
    User,
    UserJobRole,
)

#: Path ids below this fit in a bigint bit mask (see `_figures_at_once`); with larger ones the
#: report counts per assignment.
MASK_BITS = 63


@dataclass
class RoleRow:
    """One job role: who holds it, what it works with, what it must learn, how far they are."""

    job_role: str
    people: int = 0
    #: People holding the role with at least one of its required paths assigned.
    assigned: int = 0
    completed: int = 0
    overdue: int = 0
    refresher: int = 0
    #: Titles of the required paths.
    paths: list[str] = field(default_factory=list)
    #: True when the paths come from assignment rules, False when from assignments alone.
    paths_from_rules: bool = False
    #: Names of the AI systems the organisation lists for this role.
    systems: list[str] = field(default_factory=list)
    #: The most severe risk class among those systems, or None.
    highest_risk: str | None = None

    @property
    def unassigned(self) -> int:
        return self.people - self.assigned


@dataclass
class Totals:
    """Everyone in scope, over all their assignments."""

    people: int = 0
    assigned: int = 0
    completed: int = 0
    overdue: int = 0
    refresher: int = 0


@dataclass
class TaughtVersion:
    """A module version that people in scope completed: what exactly they were taught."""

    module: str
    title: str
    language: str
    version: str
    objectives: list[str]
    reviewed: dt.date
    completions: int
    average_score: float | None
    is_current: bool


@dataclass
class Finding:
    """A point of attention for the evaluation (step 4); the renderers word it per language."""

    kind: str
    subject: str = ""
    count: int = 0


@dataclass
class EvidenceReport:
    organisation: str
    #: True when the scope is every unit of the organisation.
    whole_organisation: bool
    #: Names of the top units of the scope (each with everything below it).
    scope_units: list[str]
    generated_at: dt.datetime
    generated_by: str
    systems: list[AiSystem]
    roles: list[RoleRow]
    totals: Totals
    versions: list[TaughtVersion]
    findings: list[Finding] = field(default_factory=list)


def build(
    organisation: Organisation,
    unit_ids: set[int],
    generated_by: User,
    language: str = "nl",
    today: dt.date | None = None,
) -> EvidenceReport:
    """The report for the active people in `unit_ids` (units of `organisation`)."""
    today = today or dt.date.today()
    unit_ids = set(unit_ids)
    tree = {
        unit_id: (parent_id, name)
        for unit_id, parent_id, name in db.session.execute(
            sa.select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.name).where(
                OrgUnit.organisation_id == organisation.id
            )
        )
    }
    unit_ids &= set(tree)  # never another organisation's units
    whole_organisation = bool(tree) and unit_ids == set(tree)
    # For the whole organisation, name it rather than list its thousands of units.
    in_units = User.unit_id.is_not(None) if whole_organisation else User.unit_id.in_(unit_ids)
    in_scope = (User.organisation_id == organisation.id, in_units, User.active)

    systems = ai_systems.for_organisation(organisation.id)
    paths = {
        path_id: (translations.get(language) or next(iter(translations.values())))["title"]
        for path_id, translations in db.session.execute(
            sa.select(LearningPath.id, LearningPath.translations)
        )
    }
    # Only the certificates of the people in scope, unless that is everyone: then the filter
    # costs more than it saves.
    certificates = _path_certificates(
        today,
        *(
            []
            if whole_organisation
            else [Certificate.user_id.in_(sa.select(User.id).where(*in_scope))]
        ),
    )
    at_once = max(paths, default=0) < MASK_BITS
    rows, ruled, pairs = _roles_and_paths(
        organisation.id, unit_ids, tree, in_scope, systems, paths, with_assigned=not at_once
    )
    if at_once:
        totals = _figures_at_once(rows, ruled, pairs, in_scope, paths, certificates, today)
    else:
        if pairs:
            _add_progress(rows, in_scope, pairs, certificates, today)
        totals = _totals(in_scope, certificates, today)
    report = EvidenceReport(
        organisation=organisation.name,
        whole_organisation=whole_organisation,
        scope_units=sorted(
            name
            for unit_id, (parent_id, name) in tree.items()
            if unit_id in unit_ids and parent_id not in unit_ids
        ),
        generated_at=utcnow(),
        generated_by=generated_by.name,
        systems=systems,
        roles=_sorted_roles(rows),
        totals=totals,
        versions=_taught_versions(in_scope),
    )
    report.findings = findings(report)
    return report


def _path_certificates(today: dt.date, *conditions) -> sa.Subquery:
    """Per person and path with a valid (not revoked, not superseded) path
    certificate: whether one of them expires within the refresh window. Joined to the
    assignments, not asked per assignment: at 100,000 people that is the difference between
    seconds and a fraction of one (docs/performance.md)."""
    expiring = sa.and_(
        Certificate.expires_on.is_not(None), Certificate.expires_on <= today + REFRESH_WINDOW
    )
    return (
        sa.select(
            Certificate.user_id,
            Certificate.path_id,
            sa.func.max(sa.case((expiring, 1), else_=0)).label("expiring"),
        )
        .where(
            Certificate.kind == "path",
            Certificate.in_force,
            *conditions,
        )
        .group_by(Certificate.user_id, Certificate.path_id)
        .subquery("path_certificates")
    )


def _with_certificates(query: sa.Select, certificates: sa.Subquery) -> sa.Select:
    """The query (over assignments) with each assignment's path certificate, if any."""
    return query.outerjoin(
        certificates,
        sa.and_(
            certificates.c.user_id == Assignment.user_id,
            certificates.c.path_id == Assignment.path_id,
        ),
    )


def _status_columns(certificates: sa.Subquery, today: dt.date) -> list:
    """Per person: all assignments completed, any overdue, any needing a refresher (1 or 0)."""
    done = certificates.c.user_id.is_not(None)
    return [
        sa.func.min(sa.case((done, 1), else_=0)).label("done"),
        sa.func.max(sa.case((sa.and_(Assignment.deadline < today, ~done), 1), else_=0)).label(
            "overdue"
        ),
        sa.func.max(sa.func.coalesce(certificates.c.expiring, 0)).label("refresher"),
    ]


def _summed(per_person: sa.Subquery, *group_by) -> sa.Select:
    return sa.select(
        *group_by,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(per_person.c.done), 0),
        sa.func.coalesce(sa.func.sum(per_person.c.overdue), 0),
        sa.func.coalesce(sa.func.sum(per_person.c.refresher), 0),
    ).group_by(*group_by)


def _required_paths(
    organisation_id: int, unit_ids: set[int], tree: dict, in_scope: tuple, with_assigned=True
) -> tuple[sa.CTE, sa.Select]:
    """(job_role, path_id) pairs: what each role must learn, as a query usable in others; and
    the query of the job roles that rules name. Without `with_assigned`, only the pairs of the
    roles that rules name."""
    relevant_units = set(unit_ids)  # a rule on a unit above the scope reaches into it too
    for unit_id in unit_ids:
        parent = tree[unit_id][0]
        while parent is not None and parent not in relevant_units:
            relevant_units.add(parent)
            parent = tree[parent][0]
    relevant = (AssignmentRule.organisation_id == organisation_id,)
    if relevant_units != set(tree):  # thousands of unit ids cost 0.1 s or more to send
        relevant += (
            sa.or_(AssignmentRule.unit_id.is_(None), AssignmentRule.unit_id.in_(relevant_units)),
        )
    named = sa.select(AssignmentRule.job_role).where(
        *relevant, AssignmentRule.job_role.is_not(None)
    )
    everyone = sa.select(AssignmentRule.path_id).where(*relevant, AssignmentRule.job_role.is_(None))
    named_rules = sa.select(
        AssignmentRule.job_role.label("job_role"), AssignmentRule.path_id.label("path_id")
    ).where(*relevant, AssignmentRule.job_role.is_not(None))
    named_roles, general = named.subquery(), everyone.subquery()
    general_rules = (
        sa.select(named_roles.c.job_role, general.c.path_id)
        .select_from(named_roles)
        .join(general, sa.true())
    )
    if not with_assigned:
        return sa.union(named_rules, general_rules).cte("required"), named
    assigned = (
        sa.select(UserJobRole.job_role, Assignment.path_id)
        .join(User, UserJobRole.user_id == User.id)
        .join(Assignment, Assignment.user_id == User.id)
        .where(*in_scope, UserJobRole.job_role.not_in(named))
    )
    return sa.union(named_rules, general_rules, assigned).cte("required"), named


def _role_rows(in_scope: tuple, systems: list[AiSystem]) -> dict[str, RoleRow]:
    """A row per job role that a system names or someone in scope holds, with its people."""
    rows: dict[str, RoleRow] = {}
    for system in systems:  # most severe first, so the first system of a role sets its risk
        for job_role in system.job_roles:
            role = rows.setdefault(job_role, RoleRow(job_role))
            role.systems.append(system.name)
            role.highest_risk = role.highest_risk or system.risk_class
    for job_role, people in db.session.execute(
        sa.select(UserJobRole.job_role, sa.func.count(UserJobRole.id))
        .join(User, UserJobRole.user_id == User.id)
        .where(*in_scope)
        .group_by(UserJobRole.job_role)
    ):
        rows.setdefault(job_role, RoleRow(job_role)).people = people
    return rows


def _add_paths(rows, pairs, paths: dict[int, str], ruled: set[str]) -> None:
    for job_role, path_id in pairs:
        role = rows.setdefault(job_role, RoleRow(job_role))
        role.paths.append(paths.get(path_id, str(path_id)))
        role.paths_from_rules = job_role in ruled


def _sorted_roles(rows: dict[str, RoleRow]) -> list[RoleRow]:
    for role in rows.values():
        role.paths.sort(key=str.lower)
    return sorted(rows.values(), key=lambda r: r.job_role)


def _roles_and_paths(
    organisation_id: int,
    unit_ids: set[int],
    tree: dict,
    in_scope: tuple,
    systems: list[AiSystem],
    paths: dict[int, str],
    with_assigned: bool,
) -> tuple[dict[str, RoleRow], set[str], list]:
    """The role rows with their required paths; the roles that rules name; the (role, path)
    pairs found (without `with_assigned`, only those of the roles that rules name)."""
    rows = _role_rows(in_scope, systems)
    required, named = _required_paths(organisation_id, unit_ids, tree, in_scope, with_assigned)
    ruled = set(db.session.scalars(named))
    pairs = db.session.execute(sa.select(required.c.job_role, required.c.path_id)).all()
    _add_paths(rows, pairs, paths, ruled)
    return rows, ruled, pairs


def _figures_at_once(
    rows: dict[str, RoleRow],
    ruled: set[str],
    pairs: list,
    in_scope: tuple,
    paths: dict[int, str],
    certificates: sa.Subquery,
    today: dt.date,
) -> Totals:
    """The role progress and the totals from one pass over the assignments: per person, bit
    masks of their paths (bit = path id) that are assigned, completed, overdue and due for a
    refresher. A holder's progress in a role is then bit arithmetic with the role's required
    paths; a role no rule names requires the paths assigned to its holders, so there each
    holder's own mask. (user, path) is unique among assignments, so SUM is a bitwise OR.
    """
    role_masks: dict[str, int] = {}
    for job_role, path_id in pairs:
        role_masks[job_role] = role_masks.get(job_role, 0) | 1 << path_id

    def bits(condition=None) -> sa.ColumnElement:
        bit = sa.literal(1, sa.BigInteger).op("<<")(Assignment.path_id)
        summed = bit if condition is None else sa.case((condition, bit), else_=0)
        return sa.cast(sa.func.sum(summed), sa.BigInteger)  # PostgreSQL sums to numeric

    done = certificates.c.user_id.is_not(None)
    person = (
        _with_certificates(
            sa.select(
                Assignment.user_id,
                bits().label("assigned"),
                bits(done).label("done"),
                bits(sa.and_(Assignment.deadline < today, ~done)).label("overdue"),
                bits(certificates.c.expiring == 1).label("refresher"),
            ).join(User, Assignment.user_id == User.id),
            certificates,
        )
        .where(*in_scope)
        .group_by(Assignment.user_id)
        .cte("person")
    )
    totals = Totals(db.session.scalar(sa.select(sa.func.count(User.id)).where(*in_scope)) or 0)
    _add_figures(totals, rows, person, role_masks, ruled, paths)
    return totals


def _flag(mask: sa.ColumnElement, required: sa.ColumnElement) -> sa.ColumnElement:
    return sa.case((mask.op("&")(required) != 0, 1), else_=0)


def _totals_query(person: sa.CTE) -> sa.Select:
    """Everyone's figures, in the columns of the role query (job role NULL, mask 0)."""
    complete = sa.case((person.c.done == person.c.assigned, 1), else_=0)
    return sa.select(
        sa.null().label("job_role"),
        sa.literal(0, sa.BigInteger).label("mine"),
        sa.func.count(),
        *(
            sa.func.coalesce(sa.func.sum(c), 0)
            for c in (
                complete,
                _flag(person.c.overdue, person.c.assigned),
                _flag(person.c.refresher, person.c.assigned),
            )
        ),
    )


def _role_query(person: sa.CTE, role_masks: dict[str, int]) -> sa.Select:
    """Per role and combination of its holders' required paths that they were assigned
    (`mine`), the holders' figures. Grouped by `mine` too (few combinations), so a role no
    rule names gets its paths without a bitwise-OR aggregate, which SQLite lacks."""
    required = (
        sa.case(
            {role: sa.literal(mask, sa.BigInteger) for role, mask in role_masks.items()},
            value=UserJobRole.job_role,
            else_=person.c.assigned,
        )
        if role_masks
        else person.c.assigned
    )
    mine = person.c.assigned.op("&")(required)
    holding = (
        sa.select(
            UserJobRole.job_role,
            mine.label("mine"),
            sa.case((person.c.done.op("&")(mine) == mine, 1), else_=0).label("done"),
            _flag(person.c.overdue, mine).label("overdue"),
            _flag(person.c.refresher, mine).label("refresher"),
        )
        .join(person, person.c.user_id == UserJobRole.user_id)
        .subquery("holding")
    )
    return _summed(holding, holding.c.job_role, holding.c.mine).where(holding.c.mine != 0)


def _add_figures(totals: Totals, rows, person: sa.CTE, role_masks, ruled, paths) -> None:
    """One statement for both, so PostgreSQL works out `person` once (a CTE used twice)."""
    statement = sa.union_all(_totals_query(person), _role_query(person, role_masks))
    unruled: dict[str, int] = {}
    for job_role, mask, assigned, done, overdue, refresher in db.session.execute(statement):
        figures = totals if job_role is None else rows[job_role]
        figures.assigned += assigned
        figures.completed += done
        figures.overdue += overdue
        figures.refresher += refresher
        if job_role is not None and job_role not in ruled:
            unruled[job_role] = unruled.get(job_role, 0) | mask
    for job_role, mask in unruled.items():
        found = [(job_role, path_id) for path_id in range(MASK_BITS) if mask >> path_id & 1]
        _add_paths(rows, found, paths, ruled)


def _add_progress(
    rows: dict[str, RoleRow],
    in_scope: tuple,
    pairs: list[tuple[str, int]],
    certificates: sa.Subquery,
    today: dt.date,
) -> None:
    """How far the people holding each role are with its required paths. The (role, path)
    pairs go in as values, not as the query that found them, which would run again here; and
    people are grouped by their role holding's id, a narrower key than (role, person)."""
    per_person = _with_certificates(
        sa.select(UserJobRole.job_role, *_status_columns(certificates, today))
        .join(User, UserJobRole.user_id == User.id)
        .join(Assignment, Assignment.user_id == User.id),
        certificates,
    )
    per_person = (
        per_person.where(
            *in_scope,
            sa.tuple_(UserJobRole.job_role, Assignment.path_id).in_([tuple(p) for p in pairs]),
        )
        .group_by(UserJobRole.id)
        .subquery()
    )
    for job_role, assigned, done, overdue, refresher in db.session.execute(
        _summed(per_person, per_person.c.job_role)
    ):
        role = rows[job_role]
        role.assigned, role.completed = assigned, done
        role.overdue, role.refresher = overdue, refresher


def _totals(in_scope: tuple, certificates: sa.Subquery, today: dt.date) -> Totals:
    people = db.session.scalar(sa.select(sa.func.count(User.id)).where(*in_scope))
    per_person = (
        _with_certificates(
            sa.select(Assignment.user_id, *_status_columns(certificates, today)).join(
                User, Assignment.user_id == User.id
            ),
            certificates,
        )
        .where(*in_scope)
        .group_by(Assignment.user_id)
        .subquery()
    )
    assigned, done, overdue, refresher = db.session.execute(_summed(per_person)).one()
    return Totals(people or 0, assigned, done, overdue, refresher)


def _taught_versions(in_scope: tuple) -> list[TaughtVersion]:
    counts = (
        sa.select(
            Completion.module_version_id.label("version_id"),
            sa.func.count(Completion.id).label("completions"),
            sa.func.avg(Completion.score).label("average_score"),
        )
        .join(User, Completion.user_id == User.id)
        .where(*in_scope)
        .group_by(Completion.module_version_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Module.slug,
            ModuleVersion.title,
            ModuleVersion.language,
            ModuleVersion.version,
            ModuleVersion.objectives,
            ModuleVersion.reviewed,
            counts.c.completions,
            counts.c.average_score,
            ModuleVersion.is_current,
        )
        .join(counts, counts.c.version_id == ModuleVersion.id)
        .join(Module, ModuleVersion.module_id == Module.id)
        .order_by(Module.slug, ModuleVersion.language, ModuleVersion.id)
    )
    return [
        TaughtVersion(
            module=row.slug,
            title=row.title,
            language=row.language,
            version=row.version,
            objectives=list((row.objectives or {}).values()),
            reviewed=row.reviewed,
            completions=row.completions,
            average_score=None if row.average_score is None else round(float(row.average_score), 1),
            is_current=row.is_current,
        )
        for row in rows
    ]


def findings(report: EvidenceReport) -> list[Finding]:
    """Points of attention for the evaluation, most basic first."""
    found = []
    if not report.systems:
        found.append(Finding("no_systems"))
    found += [Finding("system_without_roles", s.name) for s in report.systems if not s.job_roles]
    for role in report.roles:
        if role.systems and not role.people:
            found.append(Finding("role_without_people", role.job_role))
        if role.people and not role.paths:
            found.append(Finding("role_without_paths", role.job_role))
        if role.paths and role.unassigned:
            found.append(Finding("role_unassigned", role.job_role, role.unassigned))
        if role.overdue:
            found.append(Finding("role_overdue", role.job_role, role.overdue))
        if role.refresher:
            found.append(Finding("role_refresher", role.job_role, role.refresher))
    found += [
        Finding("older_version", f"{v.title} ({v.version}, {v.language})", v.completions)
        for v in report.versions
        if not v.is_current
    ]
    return found
