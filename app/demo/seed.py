"""The demo organisation and accounts that `make run` creates in development."""

import contextlib
import datetime as dt

import sqlalchemy as sa

from app.auth import mfa
from app.auth.users import create_user, find_by_email, get_or_create_organisation
from app.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from app.demo.generate import GenerateError, generate
from app.extensions import db
from app.models import Assignment, HrScope, LearningPath, Organisation, OrgUnit, Role

DEMO_ACCOUNTS = [
    ("leerling@example.org", "Özlem Çelik-de Vries", {Role.LEARNER}),
    ("trainer@example.org", "Tom Trainer", {Role.TRAINER}),
    ("hr@example.org", "Hanneke de Vries", {Role.HR}),
    ("admin@example.org", "Ad Min", {Role.ADMIN}),
]
BASIC_PATH = "basis-iedereen"
DEMO_UNITS = [
    ("GEM", "Gemeente Voorbeeldstad", None),
    ("DIV-SD", "Sociaal Domein", "GEM"),
    ("TEAM-IW", "Team Inkomen en Werk", "DIV-SD"),
    ("DIV-BV", "Bedrijfsvoering", "GEM"),
]


#: People in the demo organisation besides the four accounts: enough for the HR pages to mean
#: something (units, late people, progress over weeks), few enough to load in seconds.
DEMO_EMPLOYEES = 300
DEMO_SLUG = "voorbeeldstad"
DEMO_NAME = "Gemeente Voorbeeldstad"


def load_demo_data(employees: int = DEMO_EMPLOYEES) -> set[str]:
    """Creates what is missing; returns the emails of the accounts created.

    A new demo organisation gets `employees` generated people with months of progress
    (app.demo.generate) once the course is published; without a course, only the accounts."""
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == DEMO_SLUG)) is None:
        # Nothing published yet (GenerateError): the accounts alone. `make run` syncs first.
        with contextlib.suppress(GenerateError):
            generate(employees, slug=DEMO_SLUG, name=DEMO_NAME, root=DEMO_UNITS[0][:2])
    organisation = get_or_create_organisation(DEMO_SLUG, DEMO_NAME)
    units = {}
    for code, name, parent in DEMO_UNITS:
        unit = db.session.scalar(
            sa.select(OrgUnit).where(
                OrgUnit.organisation_id == organisation.id, OrgUnit.code == code
            )
        )
        if unit is None:
            unit = OrgUnit(
                organisation=organisation, code=code, name=name, parent=units.get(parent)
            )
            db.session.add(unit)
            db.session.flush()
        units[code] = unit
    created = set()
    for email, name, roles in DEMO_ACCOUNTS:
        if find_by_email(email) is not None:
            continue
        user = create_user(
            organisation=organisation,
            email=email,
            name=name,
            password=DEMO_PASSWORD,
            roles=roles,
            unit_id=units["TEAM-IW"].id,
            employee_number=f"DEMO-{len(created) + 1:03d}",
        )
        if Role.HR in roles:
            db.session.add(HrScope(user=user, unit=units["GEM"]))
        if mfa.is_required(user):
            mfa.enrol_with_secret(user, DEMO_TOTP_SECRET)
        created.add(email)
    _assign_basic_path([email for email, _, _ in DEMO_ACCOUNTS])
    db.session.commit()
    return created


def _assign_basic_path(emails: list[str]) -> None:
    """Gives the demo accounts the basic path, once content with that path has been synced."""
    path = db.session.scalar(
        sa.select(LearningPath).order_by((LearningPath.slug == BASIC_PATH).desc(), LearningPath.id)
    )
    if path is None:
        return
    for email in emails:
        user = find_by_email(email)
        exists = db.session.scalar(
            sa.select(Assignment.id).where(
                Assignment.user_id == user.id, Assignment.path_id == path.id
            )
        )
        if exists is None:
            deadline = dt.date.today() + dt.timedelta(days=path.deadline_days)
            db.session.add(Assignment(user_id=user.id, path_id=path.id, deadline=deadline))
