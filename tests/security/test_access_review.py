"""The periodic access review (BIO 5.18): roles, HR scope, second factor, last sign-in and
accounts unused for 90 days, as a page and a CSV for admins of the organisation only."""

import csv
import datetime as dt
import io

import sqlalchemy as sa

from app.core.time import utcnow
from app.extensions import db
from app.models import AuditEvent, HrScope, Role
from tests.conftest import Auth


def test_admins_review_who_holds_which_rights(app, make):
    organisation = make.organisation()
    unit = make.unit(organisation, "SD")
    admin = make.user(Role.ADMIN, name="Ad Min")
    hr = make.user(Role.HR, name="Hanneke HR")
    db.session.add(HrScope(user_id=hr.id, unit_id=unit.id))
    make.user(Role.TRAINER, name="Tom Trainer", second_factor=False)
    make.user(name="Lieke Leerling")
    make.user(Role.ADMIN, name="Elders", organisation=make.organisation("gemeente-b", "B"))
    db.session.commit()
    session = Auth(app.test_client())
    session.login(admin)
    page = session.client.get("/admin/toegangscontrole").get_data(as_text=True)
    assert "Hanneke HR" in page and "Unit SD" in page and "Tom Trainer" in page
    assert "Lieke Leerling" not in page  # learners only: not a right to review here
    assert "Elders" not in page  # another organisation
    assert page.count(">aan<") == 2 and page.count(">uit<") == 1  # second factor per person
    assert "nooit" in page  # Hanneke never signed in


def test_accounts_unused_for_90_days_are_counted_and_named_in_the_csv(app, make):
    admin = make.user(Role.ADMIN)
    stale = make.user(Role.HR, name="Al Lang Weg")
    stale.last_sign_in_at = utcnow() - dt.timedelta(days=91)
    never = make.user(name="Nooit Ingelogd")
    never.created_at = utcnow() - dt.timedelta(days=200)
    make.user(name="Net Nieuw")  # made today: not unused yet
    db.session.commit()
    session = Auth(app.test_client())
    session.login(admin)
    page = session.client.get("/admin/toegangscontrole").get_data(as_text=True)
    assert "2 actieve accounts zijn 90 dagen of langer niet gebruikt" in page
    assert "Al Lang Weg" in page and "(90 dagen niet gebruikt)" in page

    response = session.client.get("/admin/toegangscontrole.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="toegangscontrole.csv"'
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    header, people = rows[0], {row[0]: row for row in rows[1:]}
    unused = header.index("90 dagen niet gebruikt")
    assert people["Al Lang Weg"][unused] == "ja"
    assert people["Nooit Ingelogd"][unused] == "ja"
    assert people["Net Nieuw"][unused] == "nee"
    assert people[admin.name][header.index("laatst ingelogd (UTC)")] != ""  # just signed in
    assert people["Al Lang Weg"][header.index("rollen")] == "HR"
    exported = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "access_review.export")
    ).all()
    assert [event.actor_id for event in exported] == [admin.id]


def test_signing_in_records_the_last_sign_in(app, make):
    user = make.user()
    assert user.last_sign_in_at is None
    Auth(app.test_client()).login(user)
    db.session.refresh(user)
    assert utcnow() - user.last_sign_in_at < dt.timedelta(minutes=1)
