"""Every route, every kind of visitor: the expected status code, in one table.

A route missing from ROUTES fails the suite, so no new route goes out without a decision about
who may use it. Roles: anonymous; the owner (a learner whose certificate, attempt and record the
URLs point at); another learner; a trainer; HR scoped to the owner's unit; HR and admin of another
organisation ("stranger"); an admin of the owner's organisation.
"""

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from app.api import tokens
from app.certificates import issuing
from app.core.time import utcnow
from app.extensions import db
from app.jobs import results
from app.models import (
    AiSystem,
    Assignment,
    AssignmentRule,
    HrScope,
    ImportBatch,
    Job,
    LearningPath,
    ModuleDraft,
    QuizAttempt,
    Role,
)
from tests.conftest import Auth, csrf_token
from tests.learn.helpers import read_all_lessons, take_quiz

ROLES = ("anonymous", "owner", "learner", "trainer", "hr", "stranger", "admin")


def same(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, code)


def signed_in(code: int, anonymous: int = 302) -> dict[str, int]:
    return {**same(code), "anonymous": anonymous}


def hr_only(hr: int = 200, stranger: int = 200) -> dict[str, int]:
    return {
        "anonymous": 302,
        "owner": 403,
        "learner": 403,
        "trainer": 403,
        "hr": hr,
        "stranger": stranger,
        "admin": hr,
    }


def admin_only(admin: int = 200, stranger: int = 200) -> dict[str, int]:
    return {**same(403), "anonymous": 302, "stranger": stranger, "admin": admin}


def owner_hr_admin(ok: int = 200) -> dict[str, int]:
    return {
        "anonymous": 302,
        "owner": ok,
        "learner": 404,
        "trainer": 404,
        "hr": ok,
        "stranger": 404,
        "admin": ok,
    }


def owner_only(owner: int) -> dict[str, int]:
    return {**same(404), "anonymous": 302, "owner": owner}


def trainer_admin(ok: int = 200) -> dict[str, int]:
    """The studio: the shared course is seen by any trainer or admin (the stranger is an admin
    elsewhere)."""
    return {**same(403), "anonymous": 302, "trainer": ok, "stranger": ok, "admin": ok}


def own_organisation(ok: int = 200) -> dict[str, int]:
    """A draft of the owner's organisation: its trainers and admin only; elsewhere it does not
    exist (404)."""
    return {**trainer_admin(ok), "stranger": 404}


#: endpoint: (method, url, expected status per role, form data for POSTs)
ROUTES = {
    "main.index": ("GET", "/", {**same(302), "anonymous": 200}, None),
    "main.favicon": ("GET", "/favicon.ico", same(200), None),
    "main.logo": ("GET", "/logo", same(404), None),
    "main.healthz": ("GET", "/healthz", same(200), None),
    "main.livez": ("GET", "/livez", same(200), None),
    "main.theme_css": ("GET", "/theme.css", same(404), None),
    "main.set_language": ("POST", "/language", same(302), {"language": "nl"}),
    "static": ("GET", "/static/css/app.css", same(200), None),
    "auth.login": ("GET", "/login", {**same(302), "anonymous": 200}, None),
    "auth.forgot_password": ("GET", "/wachtwoord-vergeten", same(200), None),
    "auth.reset_password": ("GET", "/wachtwoord-herstellen/not-a-token", same(400), None),
    # The world's organisation has no identity provider: nothing to sign in with, for anyone.
    "auth.sso_login": ("GET", "/login/sso/gemeente-a", same(404), None),
    "auth.sso_callback": ("GET", "/login/sso/gemeente-a/callback", same(404), None),
    # The second step of signing in: nobody is halfway through it, so back to the start.
    "auth.mfa_code": ("GET", "/login/code", same(302), None),
    "auth.mfa_recovery": ("GET", "/login/herstelcode", same(302), None),
    "auth.mfa_enrol": ("GET", "/login/tweestapsverificatie", same(302), None),
    "auth.security": ("GET", "/account", signed_in(200), None),
    "auth.mfa_settings": ("GET", "/account/tweestapsverificatie", signed_in(200), None),
    "auth.change_password_view": ("GET", "/account/wachtwoord", signed_in(200), None),
    # Staff have the app enrolled, these learners not (sent back to the second-factor page);
    # staff may not switch it off.
    "auth.renew_recovery_codes": (
        "GET",
        "/account/herstelcodes",
        {**signed_in(200), "owner": 302, "learner": 302},
        None,
    ),
    "auth.switch_off_mfa": (
        "GET",
        "/account/tweestapsverificatie/uitzetten",
        {**signed_in(403), "owner": 302, "learner": 302},
        None,
    ),
    # Passkeys: the challenge and the answer at sign-in need someone halfway through it.
    "auth.passkey_sign_in_options": ("POST", "/login/toegangssleutel/opties", same(403), {}),
    "auth.passkey_sign_in": ("POST", "/login/toegangssleutel", same(302), {}),
    "auth.passkey_list": ("GET", "/account/toegangssleutels", signed_in(200), None),
    # Adding one needs the app enrolled first: staff have it, these learners not.
    "auth.passkey_registration_options": (
        "POST",
        "/account/toegangssleutels/opties",
        {**signed_in(200), "owner": 403, "learner": 403},
        {},
    ),
    "auth.passkey_add": (
        "POST",
        "/account/toegangssleutels",
        {**signed_in(400), "owner": 403, "learner": 403},
        {},
    ),
    # Only one's own passkeys: nobody here has one with this id.
    "auth.passkey_remove": (
        "POST",
        "/account/toegangssleutels/999/verwijderen",
        signed_in(404),
        {},
    ),
    "api.openapi": ("GET", "/api/v1/openapi.json", same(200), None),
    "api.employees": ("GET", "/api/v1/employees", same(401), None),
    "api.completions": ("GET", "/api/v1/completions", same(401), None),
    "api.certificate_list": ("GET", "/api/v1/certificates", same(401), None),
    "learn.catalogue": ("GET", "/modules", same(200), None),
    "learn.my_learning": ("GET", "/mijn-leren", signed_in(200), None),
    "learn.my_data": ("GET", "/mijn-gegevens", signed_in(200), None),
    "learn.my_data_json": ("GET", "/mijn-gegevens.json", signed_in(200), None),
    "learn.module": ("GET", "/modules/proef", signed_in(200), None),
    "learn.lesson": ("GET", "/modules/proef/01-wat-is-een-model", signed_in(200), None),
    "learn.mark_lesson_read": (
        "POST",
        "/modules/proef/01-wat-is-een-model/gelezen",
        signed_in(302),
        {},
    ),
    "learn.asset": ("GET", "/bestanden/{hash}/geen.png", signed_in(404), None),
    "quiz.quiz_home": ("GET", "/modules/proef/toets", signed_in(200), None),
    "quiz.start": ("POST", "/modules/proef/toets/start", signed_in(302), {}),
    "quiz.question": ("GET", "/toets/{attempt}/1", owner_only(302), None),
    "quiz.overview": ("GET", "/toets/{attempt}/overzicht", owner_only(302), None),
    "quiz.result": ("GET", "/toets/{attempt}/resultaat", owner_only(200), None),
    "quiz.submit": ("POST", "/toets/{attempt}/inleveren", owner_only(302), {}),
    "certificates.download": ("GET", "/certificaten/{certificate}.pdf", owner_hr_admin(), None),
    "certificates.transcript": ("GET", "/mensen/{owner}/overzicht.pdf", owner_hr_admin(), None),
    "certificates.verify": ("GET", "/verify/{code}", same(200), None),
    "certificates.verify_form": ("GET", "/verify", same(200), None),
    "certificates.download_badge": (
        "GET",
        "/certificaten/{certificate}/badge.jwt",
        owner_hr_admin(),
        None,
    ),
    "certificates.verify_badge": ("POST", "/verify", same(200), {"badge": "not-a-badge"}),
    "certificates.achievement": ("GET", "/badges/achievements/modules/proef", same(200), None),
    "certificates.issuer": ("GET", "/badges/issuers/gemeente-a", same(200), None),
    "certificates.status_list": ("GET", "/badges/issuers/gemeente-a/status/0", same(200), None),
    "certificates.jwks": ("GET", "/badges/jwks.json", same(200), None),
    "certificates.badge_key": ("GET", "/badges/keys/unknown", same(404), None),
    "hr.dashboard": ("GET", "/hr/", hr_only(), None),
    "hr.unit": ("GET", "/hr/eenheden/{unit}", hr_only(stranger=404), None),
    "hr.unit_certificates_zip": (
        "GET",
        "/hr/eenheden/{unit}/certificaten.zip",
        hr_only(stranger=404),
        None,
    ),
    "hr.export_csv": ("GET", "/hr/export.csv", hr_only(), None),
    "hr.export_xlsx": ("GET", "/hr/export.xlsx", hr_only(), None),
    "hr.person": ("GET", "/hr/mensen/{owner}", hr_only(stranger=404), None),
    "hr.revoke": (
        "POST",
        "/hr/certificaten/{certificate}/intrekken",
        hr_only(302, 404),
        {"reason": "test"},
    ),
    "hr.import_upload": ("GET", "/hr/import", hr_only(), None),
    "hr.import_preview": ("GET", "/hr/import/{batch}", hr_only(stranger=404), None),
    "hr.rules": ("GET", "/hr/toewijzingen", hr_only(), None),
    "hr.edit_rule": ("GET", "/hr/toewijzingen/{rule}", hr_only(stranger=404), None),
    "hr.remove_rule": ("GET", "/hr/toewijzingen/{rule}/verwijderen", hr_only(stranger=404), None),
    "hr.people_list": ("GET", "/hr/mensen", hr_only(), None),
    "calendar.deadline": ("GET", "/agenda/basis.ics?medewerker={owner}", owner_hr_admin(), None),
    "admin.index": ("GET", "/admin/", admin_only(), None),
    "admin.people": ("GET", "/admin/mensen", admin_only(), None),
    "admin.new_account": ("GET", "/admin/mensen/nieuw", admin_only(), None),
    # No mail server in this test: the admin is told the mail could not go out (302 either way).
    "admin.send_password_link": (
        "POST",
        "/admin/mensen/{owner}/wachtwoord-link",
        admin_only(302, 404),
        {},
    ),
    "admin.person": ("GET", "/admin/mensen/{owner}", admin_only(stranger=404), None),
    "admin.tokens": ("GET", "/admin/api-sleutels", admin_only(), None),
    "admin.revoke_token": (
        "POST",
        "/admin/api-sleutels/{token}/intrekken",
        admin_only(302, 404),
        {},
    ),
    "admin.access_review_page": ("GET", "/admin/toegangscontrole", admin_only(), None),
    "admin.access_review_csv": ("GET", "/admin/toegangscontrole.csv", admin_only(), None),
    "admin.reset_mfa": (
        "POST",
        "/admin/mensen/{owner}/tweestapsverificatie-herstellen",
        admin_only(302, 404),
        {},
    ),
    "admin.audit_log": ("GET", "/admin/logboek", admin_only(), None),
    "admin.audit_log_csv": ("GET", "/admin/logboek.csv", admin_only(), None),
    "evidence.report": ("GET", "/hr/verantwoording/", hr_only(), None),
    "evidence.report_pdf": ("GET", "/hr/verantwoording/rapport.pdf", hr_only(), None),
    "evidence.report_csv": ("GET", "/hr/verantwoording/rapport.csv", hr_only(), None),
    "evidence.add_system": (
        "POST",
        "/hr/verantwoording/systemen",
        hr_only(302, 302),
        {"name": "Chatbot", "purpose": "Vragen beantwoorden", "risk_class": "minimal"},
    ),
    "evidence.delete_system": (
        "POST",
        "/hr/verantwoording/systemen/{system}/verwijderen",
        hr_only(302, 404),
        {},
    ),
    "jobs.index": ("GET", "/taken/", hr_only(), None),
    "jobs.show": ("GET", "/taken/{job}", hr_only(stranger=404), None),
    "jobs.download": ("GET", "/taken/{job}/download", hr_only(stranger=404), None),
    "jobs.retry": ("POST", "/taken/{job}/opnieuw", hr_only(303, 404), {}),
    "studio.index": ("GET", "/studio", trainer_admin(), None),
    "studio.module": ("GET", "/studio/modules/proef", trainer_admin(), None),
    "studio.lesson_preview": ("GET", "/studio/modules/proef/nl/lessons/1", trainer_admin(), None),
    "studio.preview": (
        "POST",
        "/studio/voorbeeld",
        trainer_admin(),
        {"text": "# Titel\n\nTekst.", "language": "nl", "module": "proef"},
    ),
    "studio.statistics": ("GET", "/studio/modules/proef/statistieken", trainer_admin(), None),
    "interop.scorm_package": ("GET", "/studio/modules/proef/scorm.zip", trainer_admin(), None),
    "interop.learning_record_store": ("GET", "/admin/leerregistratie", admin_only(), None),
    "studio.new_module": ("POST", "/studio/nieuw", trainer_admin(400), {"title": ""}),
    "studio.import_module": ("GET", "/studio/importeren", trainer_admin(), None),
    "studio.new_path": ("GET", "/studio/leerroutes/nieuw", trainer_admin(), None),
    "studio.edit_draft": ("GET", "/studio/concepten/{draft}", own_organisation(), None),
    "studio.add_lesson": (
        "POST",
        "/studio/concepten/{draft}/lessen",
        own_organisation(409),
        {"revision": "999", "title": "Nieuwe les"},
    ),
    "studio.move_lesson": (
        "POST",
        "/studio/concepten/{draft}/volgorde",
        own_organisation(302),
        {"revision": "1", "index": "5", "step": "1"},
    ),
    "studio.upload_image": (
        "POST",
        "/studio/concepten/{draft}/afbeeldingen",
        own_organisation(302),
        {"revision": "1"},
    ),
    "studio.draft_preview": (
        "GET",
        "/studio/concepten/{draft}/voorbeeld/1",
        own_organisation(200),
        None,
    ),
    "studio.draft_asset": (
        "GET",
        "/studio/concepten/{draft}/bestanden/plaatje.png",
        own_organisation(200),
        None,
    ),
    "studio.export_draft": (
        "GET",
        "/studio/concepten/{draft}/export.zip",
        own_organisation(),
        None,
    ),
    "studio.submit_draft": ("GET", "/studio/concepten/{draft}/insturen", own_organisation(), None),
    "studio.review_draft": (
        "GET",
        "/studio/concepten/{draft}/beoordelen",
        own_organisation(),
        None,
    ),
    "studio.decide": (
        "POST",
        "/studio/concepten/{draft}/besluit",
        own_organisation(302),
        {"revision": "1", "decision": "return"},
    ),
    "studio.version_diff": (
        "GET",
        "/studio/modules/proef/nl/verschil?van=1.0.0&naar=1.0.0",
        trainer_admin(),
        None,
    ),
    "feedback.give": (
        "POST",
        "/modules/proef/01-wat-is-een-model/duidelijk",
        signed_in(302),
        {"clear": "ja", "comment": ""},
    ),
    "feedback.module_feedback": ("GET", "/studio/modules/proef/reacties", trainer_admin(), None),
    # Last: it ends the session the other requests run in.
    "auth.logout": ("POST", "/logout", same(302), {}),
}


@pytest.fixture
def world(make, content, app):
    organisation = make.organisation()
    unit = make.unit(organisation, "TEAM")
    owner = make.user(name="Eigenaar", unit=unit, email="owner@example.org")
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    db.session.add(Assignment(user_id=owner.id, path_id=path.id, deadline=dt.date.today()))
    db.session.commit()
    owner_session = Auth(app.test_client())
    owner_session.login(owner)
    read_all_lessons(owner_session, "proef")
    take_quiz(owner_session, owner.id, "proef", right=True)
    hr = make.user(Role.HR, unit=unit, email="hr@example.org")
    db.session.add(HrScope(user_id=hr.id, unit_id=unit.id))
    other = make.organisation("gemeente-b", "Gemeente B")
    stranger = make.user(
        Role.HR,
        Role.ADMIN,
        organisation=other,
        email="stranger@example.org",
        unit=make.unit(other, "TEAM"),
    )
    db.session.add(HrScope(user_id=stranger.id, unit_id=stranger.unit_id))
    batch = ImportBatch(
        organisation_id=organisation.id,
        filename="x.csv",
        data=b"personeelsnummer;e-mailadres;naam\n1;a@example.org;A\n",
    )
    db.session.add(batch)
    db.session.commit()
    certificate = issuing.for_user(owner.id)[0]
    token, _ = tokens.create_token(organisation, "koppeling", actor=None)
    system = AiSystem(
        organisation_id=organisation.id,
        name="Chatbot",
        purpose="Vragen",
        risk_class="minimal",
        job_roles=[],
    )
    db.session.add(system)
    rule = AssignmentRule(organisation_id=organisation.id, path_id=path.id, unit_id=unit.id)
    db.session.add(rule)
    job = Job(
        kind="export_csv",
        organisation_id=organisation.id,
        requested_by_id=hr.id,
        unit_roots=[unit.id],
        status="done",
        result_name="voortgang.csv",
        result_size=3,
        expires_at=utcnow() + dt.timedelta(hours=1),
    )
    db.session.add(job)
    draft = ModuleDraft(
        organisation_id=organisation.id,
        slug="eigen",
        language="nl",
        module_text="---\nslug: eigen\n---\n",
        lessons=[{"slug": "les", "text": "# Les\n\nTekst.\n"}],
        quiz_text="",
        assets={"plaatje.png": "iVBORw0KGgo="},
    )
    db.session.add(draft)
    db.session.commit()
    results.path_of(job.public_id).write_bytes(b"a;b")
    users = {
        "owner": owner,
        "learner": make.user(email="learner@example.org"),
        "trainer": make.user(Role.TRAINER, email="trainer@example.org"),
        "hr": hr,
        "stranger": stranger,
        "admin": make.user(Role.ADMIN, email="admin@example.org"),
    }
    ids = {
        "owner": owner.id,
        "unit": unit.id,
        "certificate": certificate.id,
        "code": certificate.code,
        "batch": batch.id,
        "hash": "0" * 64,
        "token": token.id,
        "system": system.id,
        "rule": rule.id,
        "job": job.public_id,
        "draft": draft.id,
        "attempt": db.session.scalar(
            sa.select(QuizAttempt.id).where(QuizAttempt.user_id == owner.id)
        ),
    }
    return users, ids


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ROUTES) == set(), "add these routes to ROUTES with their expectations"
    assert set(ROUTES) - endpoints == set(), "these routes no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_table_says(app, world, role):
    users, ids = world
    client = app.test_client()
    if role != "anonymous":
        Auth(client).login(users[role])
    token = csrf_token(client, "/login" if role == "anonymous" else "/mijn-leren")
    wrong = []
    for endpoint, (method, url, expected, data) in ROUTES.items():
        url = url.format(**ids)
        if method == "POST":
            response = client.post(url, data={"csrf_token": token, **data})
        else:
            response = client.get(url)
        response.close()  # static files are streamed from disk
        if response.status_code != expected[role]:
            wrong.append(
                f"{endpoint} {method} {url}: {response.status_code}, expected {expected[role]}"
            )
        if (
            role == "anonymous"
            and expected[role] == 302
            and endpoint not in ("main.index", "main.set_language")
        ):
            assert "/login" in response.headers["Location"], endpoint
    assert wrong == []


def test_a_post_without_csrf_token_is_refused_on_every_form(app, world):
    users, ids = world
    auth = Auth(app.test_client())
    auth.login(users["admin"])
    for endpoint, (method, url, _, data) in ROUTES.items():
        if method == "POST":
            response = auth.client.post(url.format(**ids), data=data)
            assert response.status_code == 400, endpoint
    upload = auth.client.post(
        "/hr/import", data={"file": (io.BytesIO(b"x"), "x.csv")}, content_type="multipart/form-data"
    )
    assert upload.status_code == 400
