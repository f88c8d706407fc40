"""Numbers, percentages, dates and times as the reader writes them, on the HR, admin, evidence and
job pages and in e-mails: "1.234", "62,5 %", "5 december 2026" and local time for a Dutch reader;
"1,234", "62.5%", "5 December 2026" for an English one."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.core import mail
from app.extensions import db
from app.models import Assignment, Completion, Job, LearningPath, ModuleVersion, Role, User
from tests.conftest import Auth

#: Winter: Amsterdam is one hour ahead of UTC.
REQUESTED_UTC = dt.datetime(2026, 1, 15, 12, 5)


def session_for(app, user) -> Auth:
    auth = Auth(app.test_client())
    auth.login(user)
    return auth


def page_of(auth: Auth, path: str) -> str:
    response = auth.client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


@pytest.fixture
def readers(make, content):
    """An admin who reads Dutch and one who reads English, both also HR for the organisation."""
    organisation = make.organisation()
    unit = make.unit(organisation, "GEM")
    return {
        language: make.user(
            Role.ADMIN,
            Role.HR,
            name=f"Beheer {language}",
            email=f"admin-{language}@example.org",
            unit=unit,
            language=language,
        )
        for language in ("nl", "en")
    }


EXPECTED = {
    "nl": {
        "thousands": "1.234",
        "of": "1.234 van 2.000 verwerkt",
        "percent": "62\u00a0%",
        "fraction": "62,5\u00a0%",
        "moment": "15 januari 2026 om 13:05",
        "deadline": "5 december 2026",
    },
    "en": {
        "thousands": "1,234",
        "of": "1,234 of 2,000 processed",
        "percent": "62%",
        "fraction": "62.5%",
        "moment": "15 January 2026 at 13:05",
        "deadline": "5 December 2026",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_admin_start_page_writes_a_count_in_thousands(app, readers, language):
    reader = readers[language]
    db.session.execute(
        sa.insert(User),
        [
            {
                "organisation_id": reader.organisation_id,
                "email": f"mens{n}@example.org",
                "name": f"Mens {n}",
            }
            for n in range(1232)  # with the two readers: 1,234 active accounts
        ],
    )
    db.session.commit()
    page = page_of(session_for(app, reader), "/admin/")
    assert f"<dd>{EXPECTED[language]['thousands']}</dd>" in page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_job_page_writes_progress_and_local_time_in_the_readers_format(app, readers, language):
    reader = readers[language]
    job = Job(
        organisation_id=reader.organisation_id,
        requested_by_id=reader.id,
        kind="export_csv",
        status="running",
        done=1234,
        total=2000,
        created_at=REQUESTED_UTC,
    )
    db.session.add(job)
    db.session.commit()
    auth = session_for(app, reader)
    page = page_of(auth, f"/taken/{job.public_id}?vernieuwen=nee")
    expected = EXPECTED[language]
    assert expected["of"] in page
    assert f"{expected['percent']} " in page  # the progress bar's text
    assert expected["moment"] in page  # 12:05 UTC is 13:05 in Amsterdam
    listing = page_of(auth, "/taken/")
    assert expected["moment"] in listing and f"({expected['percent']})" in listing


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_evidence_report_writes_an_average_with_a_fraction(app, readers, make, language):
    version = db.session.scalar(
        sa.select(ModuleVersion).where(ModuleVersion.language == "nl", ModuleVersion.is_current)
    )
    for n, score in enumerate((50, 75)):  # average 62.5
        person = make.user(
            name=f"Leerling {n}", email=f"leerling{n}@example.org", unit=readers["nl"].unit
        )
        db.session.add(
            Completion(
                user_id=person.id,
                module_id=version.module_id,
                module_version_id=version.id,
                score=score,
            )
        )
    db.session.commit()
    page = page_of(session_for(app, readers[language]), "/hr/verantwoording/")
    assert f'--numeric">{EXPECTED[language]["fraction"]}</td>' in page
    assert "UTC" not in page  # the time it was made up is local time


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_person_page_writes_the_deadline_out(app, readers, make, language):
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    person = make.user(name="Late Lotte", email="lotte@example.org", unit=readers["nl"].unit)
    db.session.add(Assignment(user_id=person.id, path_id=path.id, deadline=dt.date(2026, 12, 5)))
    db.session.commit()
    auth = session_for(app, readers[language])
    assert EXPECTED[language]["deadline"] in page_of(auth, f"/hr/mensen/{person.id}")
    assert EXPECTED[language]["deadline"] in page_of(auth, "/hr/mensen")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_e_mails_write_dates_and_counts_in_the_recipients_format(app, readers, language):
    """Composed like the worker does: in an application context, with no request or signed-in
    user, in the recipient's language."""
    reader = readers[language]
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    deadline = dt.date(2026, 12, 5)
    with app.app_context():
        _, reminder = mail.compose(
            language,
            "Herinnering: je scholing over AI",
            "reminder",
            user=reader,
            items=[(path, deadline)],
            today=dt.date(2026, 12, 1),
            base="https://geletterd.example",
            site="Geletterd",
        )
        _, digest = mail.compose(
            language,
            "Overzicht: %(count)s medewerkers te laat",
            "digest",
            user=reader,
            count=1254,
            shown=[(reader, path, deadline)],
            more=1234,
            base="https://geletterd.example",
            site="Geletterd",
        )
    assert EXPECTED[language]["deadline"] in reminder
    assert EXPECTED[language]["deadline"] in digest
    assert EXPECTED[language]["thousands"] in digest
    assert "05-12-2026" not in reminder + digest
