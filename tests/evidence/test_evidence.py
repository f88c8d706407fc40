"""The Art. 4 evidence report: figures per job role, module versions taught, the PDF to sign,
the CSV for auditors, the list of AI systems, and who may see what."""

import csv
import datetime as dt
import io
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from pypdf import PdfReader

from app.certificates import issuing
from app.extensions import db
from app.models import (
    AiSystem,
    Assignment,
    AssignmentRule,
    AuditEvent,
    Completion,
    HrScope,
    LearningPath,
    ModuleVersion,
    Role,
    UserJobRole,
)
from tests.conftest import Auth

ORGANISATION = "Gemeente Súdwest-Fryslân"
MAKER = "Özlem Çelik-de Vries"
REPORT = "/hr/verantwoording/"


class Tables(HTMLParser):
    """{caption: [[cell text, ...], ...]} of every table on a page, header row included."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._rows = self._cell = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag == "caption" or (tag in ("td", "th") and self._rows is not None):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._rows is not None:
            self._rows[-1].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "caption":
            self._caption, self._cell = " ".join(self._cell.split()), None
        elif tag == "table":
            self.tables[self._caption] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def rows_by_first_cell(page: str, caption: str) -> dict[str, list[str]]:
    header, *rows = Tables(page).tables[caption]
    return {row[0]: row[1:] for row in rows}


def with_role(user, *job_roles):
    for job_role in job_roles:
        db.session.add(UserJobRole(user_id=user.id, job_role=job_role))
    return user


@pytest.fixture
def org(make, content):
    """One organisation, worked out by hand (today = T):

    | person | unit | job role          | assignment (deadline)  | path certificate        |
    | Anna   | A    | beleidsmedewerker | basis (T+30)           | valid for 24 months     |
    | Aart   | A    | beleidsmedewerker | basis (T-1)            | none: overdue           |
    | Kees   | A    | beleidsmedewerker | none                   | none: not assigned      |
    | Bea    | B    | beleidsmedewerker | basis (T-5)            | expires T+10: refresher |
    | Jan    | B    | jurist            | verdieping (T+30)      | none                    |

    A rule names beleidsmedewerker; no rule names jurist, so jurist's required paths are the
    ones assigned. HR (Özlem, in unit A) sees unit A only. Anna and Bea completed the module
    "proef" 1.0.0 (nl) with 90 and 70. Another organisation has its own person and completion.
    """
    organisation = make.organisation("sudwest", ORGANISATION)
    root = make.unit(organisation, "GEM")
    team_a = make.unit(organisation, "A", parent=root)
    team_b = make.unit(organisation, "B", parent=root)
    basis = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    verdieping = LearningPath(
        slug="verdieping",
        module_slugs=["proef"],
        audience=["policy"],
        deadline_days=30,
        validity_months=12,
        translations={"nl": {"title": "Verdieping", "description_html": ""}},
        source_files={},
    )
    db.session.add(verdieping)
    db.session.add(
        AssignmentRule(organisation_id=organisation.id, path=basis, job_role="beleidsmedewerker")
    )
    today = dt.date.today()
    people = {}
    for name, unit, job_role, path, days in (
        ("Anna", team_a, "beleidsmedewerker", basis, 30),
        ("Aart", team_a, "beleidsmedewerker", basis, -1),
        ("Kees", team_a, "beleidsmedewerker", None, None),
        ("Bea", team_b, "beleidsmedewerker", basis, -5),
        ("Jan", team_b, "jurist", verdieping, 30),
    ):
        person = make.user(
            name=name, organisation=organisation, unit=unit, email=f"{name.lower()}@example.org"
        )
        people[name] = with_role(person, job_role)
        if path is not None:
            deadline = today + dt.timedelta(days=days)
            db.session.add(Assignment(user_id=person.id, path_id=path.id, deadline=deadline))
    db.session.commit()
    issuing.issue_for_path(people["Anna"], basis)
    issuing.issue_for_path(people["Bea"], basis).expires_on = today + dt.timedelta(days=10)
    version = db.session.scalar(
        sa.select(ModuleVersion).where(ModuleVersion.language == "nl", ModuleVersion.is_current)
    )
    for name, score in (("Anna", 90), ("Bea", 70)):
        db.session.add(
            Completion(
                user_id=people[name].id,
                module_id=version.module_id,
                module_version_id=version.id,
                score=score,
            )
        )
    db.session.add_all(
        [
            AiSystem(
                organisation_id=organisation.id,
                name="Chatbot Loket",
                purpose="Beantwoordt vragen van inwoners.",
                risk_class="high",
                job_roles=["beleidsmedewerker"],
                register_url="https://algoritmes.overheid.nl/nl/algoritme/123",
            ),
            AiSystem(
                organisation_id=organisation.id,
                name="Tekstassistent",
                purpose="Helpt brieven schrijven.",
                risk_class="minimal",
                job_roles=["jurist", "communicatie"],
            ),
        ]
    )
    hr = make.user(
        Role.HR, organisation=organisation, email="hr@example.org", name=MAKER, unit=team_a
    )
    db.session.add(HrScope(user_id=hr.id, unit_id=team_a.id))
    admin = make.user(Role.ADMIN, organisation=organisation, email="admin@example.org", name="Ad")

    other = make.organisation("gemeente-b", "Gemeente B")
    stranger = make.user(
        name="Vreemde", organisation=other, unit=make.unit(other, "X"), email="vreemd@example.org"
    )
    db.session.add(
        Completion(user_id=stranger.id, module_id=version.module_id, module_version_id=version.id)
    )
    other_hr = make.user(Role.HR, organisation=other, email="hr-b@example.org", name="HR B")
    db.session.add(
        AiSystem(
            organisation_id=other.id,
            name="Systeem van B",
            purpose="-",
            risk_class="minimal",
            job_roles=[],
        )
    )
    db.session.commit()
    return {
        "organisation": organisation,
        "root": root,
        "a": team_a,
        "b": team_b,
        "basis": basis,
        "version": version,
        "hr": hr,
        "admin": admin,
        "other_hr": other_hr,
        **people,
    }


def session_for(app, user) -> Auth:
    auth = Auth(app.test_client())
    auth.login(user)
    return auth


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def csv_sections(text: str) -> dict[str, list[list[str]]]:
    """{section title: [header, row, ...]} of the report's CSV."""
    sections, current = {}, None
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"):
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


def test_the_admin_sees_systems_and_figures_per_role_for_the_whole_organisation(app, org):
    """Does the report list the systems and count people per role as worked out by hand?"""
    page = session_for(app, org["admin"]).client.get(REPORT).get_data(as_text=True)

    systems = rows_by_first_cell(page, "AI-systemen in gebruik")
    assert list(systems) == ["Chatbot Loket", "Tekstassistent"]  # high risk before minimal
    assert systems["Chatbot Loket"][:3] == [
        "Beantwoordt vragen van inwoners.",
        "Hoog risico",
        "beleidsmedewerker",
    ]
    assert systems["Tekstassistent"][2] == "jurist, communicatie"
    assert 'href="https://algoritmes.overheid.nl/nl/algoritme/123"' in page
    assert "Systeem van B" not in page and "Vreemde" not in page

    people = rows_by_first_cell(page, "Betrokken mensen per functie")
    assert people == {
        "beleidsmedewerker": ["4", "Chatbot Loket"],
        "communicatie": ["0", "Tekstassistent"],
        "jurist": ["1", "Tekstassistent"],
    }
    goals = rows_by_first_cell(page, "Verplichte leerroutes per functie")
    assert goals["beleidsmedewerker"] == ["Hoog risico", "Basis voor iedereen", "toewijzingsregel"]
    assert goals["jurist"] == ["Minimaal risico", "Verdieping", "toegewezen leerroutes"]
    assert goals["communicatie"] == ["Minimaal risico", "geen", "–"]

    # people, completed, overdue, refresher needed, without assignment
    progress = rows_by_first_cell(page, "Voortgang per functie")
    assert progress["beleidsmedewerker"] == ["4", "2", "1", "1", "1"]  # Anna+Bea, Aart, Bea, Kees
    assert progress["jurist"] == ["1", "0", "0", "0", "0"]
    assert progress["communicatie"] == ["0", "0", "0", "0", "0"]
    # Everyone with a unit: the five above and HR; the admin has no unit.
    assert "<dt>Mensen</dt><dd>6</dd>" in page
    assert "<dt>Met een leerroute</dt><dd>4</dd>" in page

    versions = rows_by_first_cell(page, "Gegeven modules: versies en inhoud")
    language, version, objectives, reviewed, completions, average = versions["Proefmodule over AI"]
    assert (language, version, completions, average) == ("nl", "1.0.0", "2", "80 %")
    assert "Je kunt uitleggen wat een model is." in objectives
    assert reviewed == format_date(org["version"].reviewed, "d MMMM y", locale="nl")

    assert "Functie communicatie: werkt met een AI-systeem, maar niemand" in page
    assert "Functie beleidsmedewerker: 1 te laat met een verplichte leerroute." in page


def test_hr_sees_the_report_for_their_own_scope_only(app, org):
    """Is HR of unit A shown only the people of unit A?"""
    page = session_for(app, org["hr"]).client.get(REPORT).get_data(as_text=True)
    assert "Unit A (met alles eronder)" in page
    progress = rows_by_first_cell(page, "Voortgang per functie")
    assert progress["beleidsmedewerker"] == ["3", "1", "1", "0", "1"]  # Anna, Aart, Kees
    assert progress["jurist"] == ["0", "0", "0", "0", "0"]  # Jan is in unit B
    goals = rows_by_first_cell(page, "Verplichte leerroutes per functie")
    assert goals["jurist"][1] == "geen"
    versions = rows_by_first_cell(page, "Gegeven modules: versies en inhoud")
    assert versions["Proefmodule over AI"][4] == "1"  # Anna's completion only


def test_an_admin_can_narrow_the_report_to_one_unit(app, org):
    page = (
        session_for(app, org["admin"])
        .client.get(f"{REPORT}?unit={org['b'].id}")
        .get_data(as_text=True)
    )
    progress = rows_by_first_cell(page, "Voortgang per functie")
    assert progress["beleidsmedewerker"] == ["1", "1", "0", "1", "0"]  # Bea
    assert progress["jurist"] == ["1", "0", "0", "0", "0"]  # Jan
    assert f'href="/hr/verantwoording/rapport.pdf?unit={org["b"].id}"' in page


def test_the_pdf_names_organisation_systems_modules_and_its_maker(app, org):
    """Can a board member sign a PDF that names what was taught and who made the report?"""
    hr = session_for(app, org["hr"])
    response = hr.client.get(f"{REPORT}rapport.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = " ".join(pdf_text(response.data).split())  # a table cell may wrap its words
    for expected in (
        ORGANISATION,
        "Chatbot Loket",
        "Proefmodule over AI",
        "1.0.0",
        MAKER,
        "2 februari 2025",
        "Stap 4. Evaluatie",
        "Handtekening",
    ):
        assert expected in text, expected
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "evidence.export_pdf")
    )
    assert event.actor_id == org["hr"].id and event.target == "organisation:sudwest"


def test_the_pdf_is_in_english_for_an_english_speaker(app, org, make):
    admin = make.user(
        Role.ADMIN,
        organisation=org["organisation"],
        email="en@example.org",
        name="Åsa Nyström",
        language="en",
    )
    text = pdf_text(session_for(app, admin).client.get(f"{REPORT}rapport.pdf").data)
    assert "Art. 4 evidence report" in text and "Step 1. AI systems" in text
    assert "Signature" in text and "Åsa Nyström" in text


def test_the_csv_has_a_section_per_table_and_is_safe_in_a_spreadsheet(app, org):
    db.session.add(
        AiSystem(
            organisation_id=org["organisation"].id,
            name="=cmd|' /C calc'!A0",
            purpose="+1",
            risk_class="transparency",
            job_roles=["jurist"],
        )
    )
    db.session.commit()
    admin = session_for(app, org["admin"])
    response = admin.client.get(f"{REPORT}rapport.csv")
    assert response.mimetype == "text/csv"
    sections = csv_sections(response.get_data(as_text=True))
    # The same tables as the PDF, in the same order (one description: app/evidence/tables.py).
    assert list(sections) == [
        "Verslag",
        "AI-systemen in gebruik",
        "Betrokken mensen per functie",
        "Verplichte leerroutes per functie",
        "Totaal in dit bereik",
        "Voortgang per functie",
        "Gegeven modules: versies en inhoud",
        "Aandachtspunten",
    ]
    assert sections["Verslag"][1][:3] == [ORGANISATION, "hele organisatie", "Ad"]
    systems = {row[0]: row for row in sections["AI-systemen in gebruik"][1:]}
    assert set(systems) == {"Chatbot Loket", "'=cmd|' /C calc'!A0", "Tekstassistent"}
    assert systems["'=cmd|' /C calc'!A0"][1:3] == ["'+1", "Transparantieverplichting"]
    header, *rows = sections["Voortgang per functie"]
    roles = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert roles["beleidsmedewerker"]["Mensen"] == "4"
    assert roles["beleidsmedewerker"]["Afgerond"] == "2"
    assert roles["beleidsmedewerker"]["Te laat"] == "1"
    assert roles["beleidsmedewerker"]["Opfrissen nodig"] == "1"
    assert roles["beleidsmedewerker"]["Zonder toewijzing"] == "1"
    header, *rows = sections["Betrokken mensen per functie"]
    involved = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert involved["jurist"]["AI-systemen"] == "=cmd|' /C calc'!A0, Tekstassistent".replace(
        "=", "'=", 1
    )
    assert sections["Totaal in dit bereik"][1] == ["6", "4", "2", "1", "1"]
    module = sections["Gegeven modules: versies en inhoud"][1]
    assert module[:3] == ["Proefmodule over AI", "nl", "1.0.0"] and module[5] == "2"
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.action == "evidence.export_csv"
            )
        )
        == 1
    )


def test_another_organisations_hr_gets_404_and_a_learner_403(app, org):
    stranger = session_for(app, org["other_hr"])
    unit = org["a"].id
    for path in (
        f"{REPORT}?unit={unit}",
        f"{REPORT}rapport.pdf?unit={unit}",
        f"{REPORT}rapport.csv?unit={unit}",
    ):
        assert stranger.client.get(path).status_code == 404, path
    system = db.session.scalar(sa.select(AiSystem).where(AiSystem.name == "Chatbot Loket"))
    assert stranger.post(f"{REPORT}systemen/{system.id}/verwijderen").status_code == 404
    db.session.expire_all()
    assert db.session.get(AiSystem, system.id) is not None
    own = stranger.client.get(REPORT).get_data(as_text=True)
    assert "Systeem van B" in own and "Chatbot Loket" not in own

    learner = session_for(app, org["Anna"])
    for path in (REPORT, f"{REPORT}rapport.pdf", f"{REPORT}rapport.csv"):
        assert learner.client.get(path).status_code == 403, path
    assert learner.post(f"{REPORT}systemen", {"name": "x"}).status_code == 403


def test_hr_cannot_ask_for_a_unit_outside_their_scope(app, org):
    hr = session_for(app, org["hr"])
    assert hr.client.get(f"{REPORT}?unit={org['b'].id}").status_code == 404
    assert hr.client.get(f"{REPORT}rapport.csv?unit={org['root'].id}").status_code == 404


def test_hr_adds_a_system_and_removes_it_again(app, org):
    hr = session_for(app, org["hr"])
    response = hr.post(
        f"{REPORT}systemen",
        {
            "name": "Slimme Planner",
            "purpose": "Plant afspraken.",
            "risk_class": "transparency",
            "job_roles": " Planner, jurist,,planner ",
            "register_url": "https://algoritmes.overheid.nl/nl/algoritme/9",
        },
    )
    assert response.status_code == 302
    system = db.session.scalar(sa.select(AiSystem).where(AiSystem.name == "Slimme Planner"))
    assert system.job_roles == ["planner", "jurist"]
    assert system.organisation_id == org["organisation"].id
    page = hr.client.get(REPORT).get_data(as_text=True)
    assert "Slimme Planner staat nu op de lijst" in page

    system_id = system.id
    response = hr.post(f"{REPORT}systemen/{system_id}/verwijderen")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AiSystem, system_id) is None
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"ai_system.create", "ai_system.delete"} <= actions


@pytest.mark.parametrize(
    "url", ["http://algoritmes.overheid.nl/x", "javascript:alert(1)", "https://", "algoritmes.nl"]
)
def test_the_add_form_refuses_a_register_link_that_is_not_https(app, org, url):
    hr = session_for(app, org["hr"])
    response = hr.post(
        f"{REPORT}systemen",
        {"name": "Onveilig", "purpose": "Test.", "risk_class": "minimal", "register_url": url},
    )
    assert response.status_code == 400
    assert "Het adres moet beginnen met https://." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(AiSystem).where(AiSystem.name == "Onveilig")) is None


def test_the_add_form_refuses_an_unknown_risk_class(app, org):
    hr = session_for(app, org["hr"])
    response = hr.post(f"{REPORT}systemen", {"name": "X", "purpose": "Test.", "risk_class": "laag"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(AiSystem).where(AiSystem.name == "X")) is None


def test_the_report_page_runs_a_fixed_number_of_queries(app, org, make, count_queries):
    """Does the page cost the same number of queries with more people (no N+1)?"""
    admin = session_for(app, org["admin"])
    with count_queries() as before:
        assert admin.client.get(REPORT).status_code == 200
    today = dt.date.today()
    for number in range(8):
        person = make.user(
            name=f"Extra {number}",
            organisation=org["organisation"],
            unit=org["b"],
            email=f"extra{number}@example.org",
        )
        with_role(person, "beleidsmedewerker", f"rol {number}")
        db.session.add(
            Assignment(
                user_id=person.id,
                path_id=org["basis"].id,
                deadline=today - dt.timedelta(days=number),
            )
        )
        db.session.add(
            Completion(
                user_id=person.id,
                module_id=org["version"].module_id,
                module_version_id=org["version"].id,
            )
        )
        db.session.commit()
        if number % 2:
            issuing.issue_for_path(person, org["basis"])
    db.session.commit()
    with count_queries() as after:
        page = admin.client.get(REPORT).get_data(as_text=True)
    assert rows_by_first_cell(page, "Voortgang per functie")["beleidsmedewerker"][0] == "12"
    assert after.count == before.count
    assert after.count <= 20


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_pdf_and_the_csv_carry_the_same_tables(app, org, make, language):
    """One description writes both: every table of the CSV, with its header, is in the PDF."""
    admin = make.user(
        Role.ADMIN,
        organisation=org["organisation"],
        email=f"{language}@example.org",
        language=language,
    )
    client = session_for(app, admin).client
    sections = csv_sections(client.get(f"{REPORT}rapport.csv").get_data(as_text=True))
    pdf = client.get(f"{REPORT}rapport.pdf").data
    text = " ".join(pdf_text(pdf).split())
    if out := os.environ.get("EVIDENCE_PDF_OUT"):  # to look at the layout by eye
        Path(out, f"evidence-{language}.pdf").write_bytes(pdf)
    assert len(sections) == 8
    for index, (caption, (header, *_)) in enumerate(sections.items()):
        assert index == 0 or caption in text, caption  # the first: the facts, as label: value
        for cell in header:
            assert cell in text, (caption, cell, text[text.find(caption) :][:400])
