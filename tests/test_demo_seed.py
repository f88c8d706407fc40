"""`flask demo load` (what `make run` does): the four demo accounts in an organisation with people
in it, so that the HR pages show something."""

import sqlalchemy as sa

from app.demo.seed import DEMO_ACCOUNTS, DEMO_SLUG, load_demo_data
from app.extensions import db
from app.models import HrScope, ModuleProgress, Organisation, OrgUnit, User


def people(organisation_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.organisation_id == organisation_id)
    )


def test_the_demo_organisation_has_people_with_progress_next_to_the_accounts(content):
    created = load_demo_data(employees=60)
    assert created == {email for email, _, _ in DEMO_ACCOUNTS}
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == DEMO_SLUG))
    assert people(organisation.id) >= 60 + len(DEMO_ACCOUNTS)
    assert db.session.scalar(sa.select(sa.func.count(ModuleProgress.id))) > 0
    hr = db.session.scalar(sa.select(User).where(User.email == "hr@example.org"))
    scope = db.session.scalar(sa.select(HrScope).where(HrScope.user_id == hr.id))
    root = db.session.get(OrgUnit, scope.unit_id)
    assert root.parent_id is None and root.name == "Gemeente Voorbeeldstad"

    before = people(organisation.id)
    assert load_demo_data(employees=60) == set()  # a second load changes nothing
    assert people(organisation.id) == before


def test_without_a_course_the_demo_load_makes_the_accounts_alone(app):
    assert load_demo_data(employees=60) == {email for email, _, _ in DEMO_ACCOUNTS}
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == DEMO_SLUG))
    assert people(organisation.id) == len(DEMO_ACCOUNTS)
