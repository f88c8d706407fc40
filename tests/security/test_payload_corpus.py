"""Hostile text through every form that stores or shows what a person typed.

For each form: the text is stored exactly (read back from the database), every page that shows
it shows it escaped (no script, no event handler, no element it could have smuggled in), CSV and
XLSX exports never start a cell with a formula, and nothing answers 500. Text no database
should hold (a NUL byte) or that is longer than the field allows gets a clear 400 (in an import:
a rejected row with its row number, while the good rows land).
"""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from markupsafe import escape
from openpyxl import load_workbook

from app.auth import password_reset
from app.auth.users import authenticate
from app.certificates import issuing
from app.evidence.ai_systems import parse_job_roles
from app.extensions import db, limiter
from app.hr.exports import FORMULA_START
from app.models import (
    AiSystem,
    ApiToken,
    AssignmentRule,
    Certificate,
    LearningPath,
    Role,
    User,
    UserJobRole,
)
from tests.conftest import Auth, csrf_token
from tests.jobs.helpers import run_and_download
from tests.learn.helpers import open_attempt
from tests.security.html_scan import scan

#: Text a person could type into any field. Each is stored and shown back.
STORED = {
    "script-tag": "<script>alert('xss')</script>",
    "attribute-break": '"><svg onload=alert(1)>',
    "img-onerror": "<img src=x onerror=alert(document.cookie)>",
    "javascript-url": "javascript:alert(1)//",
    "jinja": "{{7*7}}{% print(7*7) %}{{ config }}",
    "template-literal": "${7*7}#{7*7}<%= 7*7 %>",
    "sql-quote": "' OR 1=1 --",
    "sql-drop": "Robert'); DROP TABLE users;--",
    "crlf": "regel\r\nSet-Cookie: sessie=gestolen",
    "rtl-override": "factuur\u202egpj.exe",
    "emoji": "AI 🤖 👩🏽‍💻 🇳🇱",
    "formula-cmd": "=cmd|' /C calc'!A0",
    "formula-hyperlink": '=HYPERLINK("http://evil.example","klik")',
    "formula-plus": "+31 6 1234 5678",
    "formula-minus": "-2+3+cmd|' /C calc'!A0",
    "formula-at": "@SUM(1+1)",
    "terminal-escape": "\x1b[31mrood\x1b[0m",
    "huge-number": "9" * 30,
    "superscript-digit": "²",
    "non-latin": "Zoë IJsselmeer Łódź 東京 مرحبا",
}
#: Text that must be refused with a clear 400, never stored, never a 500.
NUL = "naam met\x00nul"
TOO_LONG = "A" * 10_000 + "<script>alert(1)</script>"
REFUSED = {"nul-byte": NUL, "very-long": TOO_LONG}
ALL = {**STORED, **REFUSED}
#: A PDF takes half a second to draw: the texts that test its fonts and layout most.
PDF_SAMPLE = ("script-tag", "crlf", "rtl-override", "emoji", "terminal-escape", "non-latin")
#: Each password costs two argon2 runs: a sample of every kind of character, not all of them.
PASSWORD_SAMPLE = (
    "script-tag",
    "jinja",
    "sql-quote",
    "crlf",
    "rtl-override",
    "emoji",
    "terminal-escape",
    "superscript-digit",
    "nul-byte",
    "very-long",
)


def problems_on(html: str, shown: list[str]) -> list[str]:
    """What is wrong with a page that should show `shown`, escaped and inert."""
    found = scan(html)
    wrong = found.inline_code + found.injected_elements
    wrong += [f"not shown escaped: {text!r}" for text in shown if str(escape(text)) not in html]
    return wrong


def formula_cells(rows: list[list[object]]) -> list[str]:
    return [str(cell) for row in rows for cell in row if str(cell or "").startswith(FORMULA_START)]


def csv_rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def xlsx_rows(response) -> tuple[list[list[object]], list[str]]:
    """Cell values and any cell a spreadsheet would treat as a formula."""
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    formulas = [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    return values, formulas


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


@pytest.fixture
def world(make, content, app):
    organisation = make.organisation()
    unit = make.unit(organisation, "TEAM")
    admin = make.user(Role.ADMIN, Role.HR, unit=unit, email="beheer@example.org", name="Beheer")
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    session = Auth(app.test_client())
    assert session.login(admin).status_code == 302
    return {"organisation": organisation, "unit": unit, "admin": session, "path": path}


def refused_clearly(response) -> bool:
    """A 400 that names the problem: the form's error summary, or the "bad request" page."""
    page = response.get_data(as_text=True)
    return response.status_code == 400 and ("error-summary" in page or "Ongeldig verzoek" in page)


def test_ai_systems_list_stores_hostile_text_exactly_and_shows_it_inert(world):
    admin = world["admin"]
    wrong = []
    for label, payload in ALL.items():
        response = admin.post(
            "/hr/verantwoording/systemen",
            {"name": payload, "purpose": payload, "risk_class": "minimal", "job_roles": payload},
        )
        if label in REFUSED:
            if not refused_clearly(response):
                wrong.append(f"{label}: {response.status_code}, expected a clear 400")
        elif response.status_code != 302:
            wrong.append(f"{label}: {response.status_code}")
    db.session.expire_all()
    stored = {s.name: s for s in db.session.scalars(sa.select(AiSystem))}
    assert set(stored) == set(STORED.values()), "stored exactly, refused text not at all"
    for payload in STORED.values():
        assert stored[payload].purpose == payload
        assert stored[payload].job_roles == parse_job_roles(payload)
    page = admin.client.get("/hr/verantwoording/")
    assert page.status_code == 200
    shown = [*STORED.values(), *(r for p in STORED.values() for r in parse_job_roles(p))]
    wrong += problems_on(page.get_data(as_text=True), shown)
    report = admin.client.get("/hr/verantwoording/rapport.csv")
    cells = {cell for row in csv_rows(report) for cell in row}
    wrong += formula_cells(csv_rows(report))
    wrong += [f"not in CSV: {p!r}" for p in STORED.values() if neutralised(p) not in cells]
    pdf = admin.client.get("/hr/verantwoording/rapport.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert wrong == []


def test_assignment_rules_store_the_job_role_and_show_it_inert(world, make):
    """A rule's job role is chosen from the roles people hold (as an import stores them:
    stripped, lower-cased); anything else is refused with a message."""
    admin = world["admin"]
    holder = make.user(email="functies@example.org")
    known = {
        p.strip().lower() for label, p in ALL.items() if label not in REFUSED and len(p) <= 100
    }
    db.session.add_all(UserJobRole(user_id=holder.id, job_role=role) for role in known)
    db.session.commit()
    wrong = []
    for label, payload in ALL.items():
        response = admin.post(
            "/hr/toewijzingen",
            {
                "path_id": str(world["path"].id),
                "job_role": payload.strip().lower(),
                "unit_id": "0",
                "deadline_days": "30",
            },
        )
        expected_ok = label not in REFUSED and len(payload) <= 100
        if expected_ok and response.status_code != 302:
            wrong.append(f"{label}: {response.status_code}")
        if not expected_ok and not refused_clearly(response):
            wrong.append(f"{label}: {response.status_code}, expected a clear 400")
    roles = set(db.session.scalars(sa.select(AssignmentRule.job_role)))
    assert roles == {p.strip().lower() for p in STORED.values()}, "lower-cased, else exact"
    page = admin.client.get("/hr/toewijzingen").get_data(as_text=True)
    wrong += problems_on(page, sorted(roles))
    assert wrong == []


def import_file(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["personeelsnummer", "e-mailadres", "naam", "afdeling", "functie"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_imported_names_are_stored_exactly_and_shown_inert_in_pages_and_exports(
    world, app, run_jobs
):
    admin = world["admin"]
    db.session.add(
        AssignmentRule(
            organisation_id=world["organisation"].id, path_id=world["path"].id, deadline_days=30
        )
    )
    db.session.commit()
    rows = [
        [f"P{i}", f"p{i}@example.org", p, "TEAM", "beleid"] for i, p in enumerate(STORED.values())
    ]
    rows += [
        ["=1+1", "=cmd|calc@example.org", "Formule in nummer en adres", "TEAM", "beleid"],
        ["N1", "nul@example.org", NUL, "TEAM", "beleid"],
        ["L1", "lang@example.org", TOO_LONG, "TEAM", "beleid"],
        ["L2" + "9" * 100, "langnummer@example.org", "Te lang nummer", "TEAM", "beleid"],
        ["L3", "langefunctie@example.org", "Te lange functie", "TEAM", "x" * 101],
    ]
    upload = admin.post(
        "/hr/import",
        {"file": (io.BytesIO(import_file(rows)), "<svg onload=alert(1)>.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302, upload.get_data(as_text=True)[-3000:]
    preview = admin.client.get(upload.headers["Location"])
    assert preview.status_code == 200
    preview_html = preview.get_data(as_text=True)
    wrong = problems_on(preview_html, [*STORED.values(), "<svg onload=alert(1)>.csv"])
    first_refused = len(STORED) + 3  # header is row 1, the formula row comes before the refused
    for row in range(first_refused, first_refused + 4):
        if f"Regel {row}" not in preview_html:
            wrong.append(f"row {row} is not reported as refused")
    assert admin.post(upload.headers["Location"]).status_code == 303  # to the import's job
    assert run_jobs() == 1

    db.session.expire_all()
    people = {u.email: u for u in db.session.scalars(sa.select(User))}
    for i, payload in enumerate(STORED.values()):
        assert people[f"p{i}@example.org"].name == payload
    assert people["=cmd|calc@example.org"].employee_number == "=1+1"
    assert not {"nul@example.org", "lang@example.org", "langnummer@example.org"} & set(people)
    assert "langefunctie@example.org" not in people

    listing = admin.client.get("/admin/mensen")
    wrong += problems_on(listing.get_data(as_text=True), list(STORED.values()))
    for i, payload in enumerate(STORED.values()):
        person = people[f"p{i}@example.org"]
        for url in (f"/hr/mensen/{person.id}", f"/admin/mensen/{person.id}"):
            response = admin.client.get(url)
            assert response.status_code == 200, url
            wrong += [
                f"{url}: {p}" for p in problems_on(response.get_data(as_text=True), [payload])
            ]

    exported = csv_rows(run_and_download(admin, "/hr/export.csv", run_jobs))
    wrong += [f"CSV formula: {cell}" for cell in formula_cells(exported)]
    names = {row[1] for row in exported}
    wrong += [f"not in CSV: {p!r}" for p in STORED.values() if neutralised(p) not in names]
    values, formulas = xlsx_rows(run_and_download(admin, "/hr/export.xlsx", run_jobs))
    wrong += [f"XLSX formula in {cell}" for cell in formulas + formula_cells(values)]
    assert wrong == []


def test_a_learners_own_name_is_shown_inert_on_their_pages_and_the_public_verify_page(
    world, app, make
):
    person = make.user(unit=world["unit"], email="zelf@example.org")
    certificate = issuing.issue_for_path(person, world["path"])
    db.session.commit()
    own = Auth(app.test_client())
    assert own.login(person).status_code == 302
    public = app.test_client()
    wrong = []
    for label, payload in STORED.items():
        limiter.reset()  # the public verify page allows 30 look-ups a minute
        person.name = payload  # as an import would set it; the session stays valid
        db.session.commit()
        for url in ("/mijn-leren", "/mijn-gegevens"):
            page = own.client.get(url).get_data(as_text=True)
            wrong += [f"{label} {url}: {p}" for p in problems_on(page, [payload])]
        assert own.client.get("/mijn-gegevens.json").get_json()["account"]["name"] == payload
        page = public.get(f"/verify/{certificate.code}").get_data(as_text=True)
        wrong += [f"{label} verify: {p}" for p in problems_on(page, [payload])]
        assert public.get(f"/verify/{certificate.code}.json").get_json()["holder"] == payload
        if label in PDF_SAMPLE:
            for url in (
                f"/mensen/{person.id}/overzicht.pdf",
                f"/certificaten/{certificate.id}.pdf",
            ):
                response = own.client.get(url)
                assert response.status_code == 200 and response.data.startswith(b"%PDF"), label
    assert wrong == []


def test_a_revocation_reason_is_stored_exactly_and_shown_inert(world, make, app):
    admin = world["admin"]
    person = make.user(name="Houder", unit=world["unit"], email="houder@example.org")
    wrong = []
    for label, payload in ALL.items():
        limiter.reset()  # the public verify page allows 30 look-ups a minute
        certificate = issuing.issue_for_path(person, world["path"])
        db.session.commit()
        response = admin.post(f"/hr/certificaten/{certificate.id}/intrekken", {"reason": payload})
        if label in REFUSED:
            if not refused_clearly(response):
                wrong.append(f"{label}: {response.status_code}, expected a clear 400")
            continue
        if response.status_code != 302:
            wrong.append(f"{label}: {response.status_code}")
            continue
        db.session.expire_all()
        assert db.session.get(Certificate, certificate.id).revoked_reason == payload
        page = app.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)
        wrong += [f"{label} verify: {p}" for p in problems_on(page, [payload])]
        data = app.test_client().get(f"/verify/{certificate.code}.json").get_json()
        assert data["revoked_reason"] == payload
    page = admin.client.get(f"/hr/mensen/{person.id}").get_data(as_text=True)
    wrong += problems_on(page, list(STORED.values()))
    assert admin.client.get(f"/mensen/{person.id}/overzicht.pdf").status_code == 200
    assert wrong == []


def test_api_token_names_are_stored_exactly_and_shown_inert(world):
    admin = world["admin"]
    wrong = []
    for label, payload in ALL.items():
        response = admin.post("/admin/api-sleutels", {"name": payload})
        if label in REFUSED:
            if not refused_clearly(response):
                wrong.append(f"{label}: {response.status_code}, expected a clear 400")
        elif response.status_code != 200 or "glt_" not in response.get_data(as_text=True):
            wrong.append(f"{label}: {response.status_code}, no new token shown")
    assert set(db.session.scalars(sa.select(ApiToken.name))) == set(STORED.values())
    page = admin.client.get("/admin/api-sleutels").get_data(as_text=True)
    wrong += problems_on(page, list(STORED.values()))
    log = csv_rows(admin.client.get("/admin/logboek.csv"))
    wrong += [f"audit CSV formula: {cell}" for cell in formula_cells(log)]
    assert wrong == []


@pytest.mark.parametrize("path", ["/login", "/wachtwoord-vergeten"])
def test_the_email_fields_refuse_hostile_text_with_a_message_and_echo_it_inert(client, path):
    wrong = []
    for label, payload in ALL.items():
        token = csrf_token(client, path)
        response = client.post(
            path, data={"email": payload, "password": payload, "csrf_token": token}
        )
        html = response.get_data(as_text=True)
        if not refused_clearly(response):
            wrong.append(f"{label}: {response.status_code}, expected a clear 400")
        elif label != "nul-byte":
            wrong += [f"{label}: {p}" for p in problems_on(html, [payload])]
    assert wrong == []


def test_a_new_password_may_be_any_text_and_works_afterwards(make, client):
    """Passwords are hashed, never shown: any character is allowed, as long as it is 12 or more."""
    person = make.user(email="herstel@example.org")
    wrong = []
    for label in PASSWORD_SAMPLE:
        payload = ALL[label]
        db.session.expire_all()  # the link is made from the current hash, changed by a reset
        url = f"/wachtwoord-herstellen/{password_reset.make_token(person)}"
        db.session.commit()  # ends this read, so SQLite lets the request write
        token = csrf_token(client, url)
        response = client.post(
            url, data={"password": payload, "confirm": payload, "csrf_token": token}
        )
        acceptable = label not in REFUSED and len(payload) >= 12
        if acceptable and response.status_code != 302:
            wrong.append(f"{label}: {response.status_code}")
        if not acceptable and not refused_clearly(response):
            wrong.append(f"{label}: {response.status_code}, expected a clear 400")
        db.session.expire_all()
        if acceptable and authenticate(person.email, payload) is None:
            wrong.append(f"{label}: the new password does not work")
    assert wrong == []


def test_the_language_switch_ignores_hostile_values_and_never_redirects_away(client, auth, make):
    user = make.user(language="nl")
    auth.login(user)
    for payload in ALL.values():
        response = auth.post("/language", {"language": payload, "next": payload})
        location = response.headers.get("Location", "")
        assert response.status_code in (302, 400), payload
        assert response.status_code == 400 or location.startswith(("/", "http://localhost/"))
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "nl"


def test_search_and_filter_fields_echo_hostile_text_inert(world, app):
    admin = world["admin"]
    public = app.test_client()
    wrong = []
    for label, payload in ALL.items():
        for client, path, name, echoed in (
            (admin.client, "/admin/mensen", "q", True),
            (admin.client, "/admin/logboek", "actie", True),
            (public, "/verify", "code", True),
            (admin.client, "/hr/verantwoording/", "unit", False),
            (admin.client, "/hr/export.csv", "unit", False),
            (admin.client, "/admin/mensen", "pagina", False),
            (admin.client, "/admin/logboek", "pagina", False),
        ):
            response = client.get(path, query_string={name: payload})
            if label == "nul-byte":
                if response.status_code != 400:
                    wrong.append(f"{path}?{name}= with NUL: {response.status_code}")
                continue
            if response.status_code >= 500:
                wrong.append(f"{path}?{name}={label}: {response.status_code}")
            elif echoed and response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                wrong += [f"{path} {label}: {p}" for p in problems_on(html, [payload.strip()])]
    assert wrong == []


@pytest.mark.parametrize(
    "url",
    [
        "/hr/eenheden/{n}",
        "/hr/mensen/{n}",
        "/admin/mensen/{n}",
        "/certificaten/{n}.pdf",
        "/mensen/{n}/overzicht.pdf",
        "/toets/{n}/1",
        "/verify/{n}",
    ],
)
def test_huge_numbers_in_urls_are_not_found_not_a_crash(world, url):
    for number in ("9" * 19, "9" * 30, "1" + "0" * 400):
        response = world["admin"].client.get(url.format(n=number))
        assert response.status_code == 404, (url, number, response.status_code)


def test_admin_person_form_refuses_hostile_choices(world, make):
    admin = world["admin"]
    person = make.user(unit=world["unit"], email="persoon@example.org")
    for label, payload in ALL.items():
        response = admin.post(
            f"/admin/mensen/{person.id}",
            {"roles": payload, "scope_units": payload, "active": "y"},
        )
        assert refused_clearly(response), (label, response.status_code)
    db.session.expire_all()
    assert db.session.get(User, person.id).roles == {Role.LEARNER}


def test_quiz_answers_with_hostile_values_are_saved_as_no_answer_not_a_crash(auth, make, content):
    learner = make.user()
    auth.login(learner)
    assert auth.post("/modules/proef/toets/start").status_code == 302
    attempt = open_attempt(learner.id)
    wrong = []
    for label, payload in ALL.items():
        for number in range(1, len(attempt.draw) + 1):
            fields = {"answer": payload, "action": "next"}
            fields |= {f"position-{i}": payload for i in range(6)}
            fields |= {f"match-{i}": payload for i in range(6)}
            response = auth.post(f"/toets/{attempt.id}/{number}", fields)
            expected = 400 if label == "nul-byte" else 302
            if response.status_code != expected:
                wrong.append(f"{label} question {number}: {response.status_code}")
    assert wrong == []
    overview = auth.client.get(f"/toets/{attempt.id}/overzicht")
    assert overview.status_code == 200


def test_an_upload_whose_file_name_holds_a_nul_byte_or_is_very_long_is_handled(world):
    admin = world["admin"]
    data = import_file([["P1", "p1@example.org", "Naam", "TEAM", "beleid"]])
    refused = admin.post(
        "/hr/import",
        {"file": (io.BytesIO(data), "export\x00.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    long_name = "n" * 1000 + ".csv"
    accepted = admin.post(
        "/hr/import", {"file": (io.BytesIO(data), long_name)}, content_type="multipart/form-data"
    )
    assert accepted.status_code == 302
    preview = admin.client.get(accepted.headers["Location"])
    assert preview.status_code == 200


def test_the_studio_preview_shows_hostile_markdown_as_text_and_runs_nothing(app, make, content):
    """The trainer's preview renders what was pasted: the one form whose text becomes HTML."""
    trainer = Auth(app.test_client())
    assert trainer.login(make.user(Role.TRAINER, email="trainer@example.org")).status_code == 302
    wrong = []
    for label, payload in ALL.items():
        for text in (
            payload,
            f"# Kop\n\n{payload}\n\n[klik]({payload})\n\n![plaatje]({payload})",
            f"![{payload}](https://tracker.example/pixel.png)",
        ):
            response = trainer.post(
                "/studio/voorbeeld", {"text": text, "language": "nl", "module": ""}
            )
            if label == "nul-byte":
                if response.status_code != 400:
                    wrong.append(f"{label}: {response.status_code}, expected 400")
                continue
            if response.status_code != 200:
                wrong.append(f"{label}: {response.status_code}")
                continue
            found = scan(response.get_data(as_text=True))
            wrong += [f"{label}: {p}" for p in found.inline_code + found.injected_elements]
            # The preview still draws an external image it reports as a problem; the policy's
            # img-src 'self' data: keeps the browser from fetching it. Anything else is wrong.
            wrong += [f"{label}: {p}" for p in found.foreign_loads if not p.startswith("<img ")]
            assert "img-src 'self' data:;" in response.headers["Content-Security-Policy"]
    assert wrong == []
