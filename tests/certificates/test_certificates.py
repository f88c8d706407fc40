"""Certificates: PDFs with the right name, QR codes that decode, verification states, revocation,
expiry, and the ZIP of a unit."""

import datetime as dt
import io
import re
import shutil
import zipfile

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from app.certificates import issuing
from app.core.time import utcnow
from app.extensions import db
from app.models import Assignment, Certificate, HrScope, LearningPath, Role
from tests.learn.helpers import read_all_lessons, take_quiz

NAME = "IJsbrand Ærtssen-Çelik"


@pytest.fixture
def learner(make, content):
    organisation = make.organisation()
    unit = make.unit(organisation, "TEAM")
    user = make.user(name=NAME, unit=unit)
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    db.session.add(Assignment(user_id=user.id, path_id=path.id, deadline=dt.date.today()))
    db.session.commit()
    return user


@pytest.fixture
def certified(auth, learner):
    """The learner, signed in, having completed the module and so the path."""
    auth.login(learner)
    read_all_lessons(auth, "proef")
    take_quiz(auth, learner.id, "proef", right=True)
    db.session.expire_all()
    return learner


def module_certificate() -> Certificate:
    return db.session.scalar(sa.select(Certificate).where(Certificate.kind == "module"))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_certificate_pdf_names_the_holder_with_accents_serial_and_url(auth, certified, app):
    certificate = module_certificate()
    response = auth.client.get(f"/certificaten/{certificate.id}.pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert NAME in text
    assert certificate.serial in text and certificate.serial.startswith("GL-")
    assert f"{app.config['PUBLIC_BASE_URL']}/verify/{certificate.code}" in text
    assert "Proefmodule over AI" in text and "1.0.0" in text
    assert "Je kunt uitleggen wat een model is." in text  # a learning objective


def test_one_certificate_reads_in_dutch_and_in_english(auth, certified, app, tmp_path):
    certificate = module_certificate()
    logo = tmp_path / "logo.svg"
    shutil.copy(f"{app.static_folder}/favicon.svg", logo)
    app.config.update(
        CERTIFICATE_SIGNATORY_NAME="Mr. A. de Boer",
        CERTIFICATE_SIGNATORY_ROLE="Gemeentesecretaris",
        LOGO_FILE=str(logo),
    )
    try:
        dutch = auth.client.get(f"/certificaten/{certificate.id}.pdf?lang=nl")
        english = auth.client.get(f"/certificaten/{certificate.id}.pdf?lang=en")
    finally:
        app.config.update(
            CERTIFICATE_SIGNATORY_NAME="", CERTIFICATE_SIGNATORY_ROLE="", LOGO_FILE=""
        )
    issued = certificate.issued_at
    nl, en = pdf_text(dutch.data), pdf_text(english.data)
    assert "CERTIFICAAT" in nl and "Uitgereikt op" in nl and re.search(r"score 100\s%", nl)
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december"]  # fmt: skip
    assert f"{issued.day} {months[issued.month - 1]} {issued.year}" in nl
    assert "CERTIFICATE" in en and "Issued on" in en and "score 100%" in en
    assert f"{issued.day} {issued:%B} {issued.year}" in en
    for text in (nl, en):
        assert NAME in text and certificate.serial in text
        assert "Mr. A. de Boer" in text and "Gemeentesecretaris" in text
    assert english.headers["Content-Disposition"].endswith(
        f'filename="certificate-{certificate.serial}.pdf"'
    )
    assert len(PdfReader(io.BytesIO(dutch.data)).pages) == 1  # one formal page, logo and all


def filled_rectangles(page) -> list[list[float]]:
    """The rectangles of each filled path on the page: [x, y, width, height] in points."""
    paths, current = [], []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"re":
            current.append([float(number) for number in operands])
        elif operator in (b"f", b"F", b"f*"):
            paths.append(current)
            current = []
        elif operator in (b"S", b"s", b"n", b"B", b"b"):
            current = []
    return paths


def drawn_qr(page) -> Image.Image:
    """The QR code as the PDF draws it (rectangles, no image), painted at 4 pixels a point."""
    (boxes,) = [path for path in filled_rectangles(page) if len(path) > 50]
    left = min(x for x, _, _, _ in boxes) - 20
    top = max(y for _, y, _, _ in boxes) + 20
    image = Image.new("L", (int(max(x + w for x, _, w, _ in boxes) - left + 20) * 4,) * 2, 255)
    for x, y, width, height in boxes:  # height is negative: the box runs down from y
        corners = [(x - left) * 4, (top - y) * 4, (x + width - left) * 4, (top - y - height) * 4]
        image.paste(0, tuple(round(c) for c in corners))
    return image


def test_the_qr_code_in_the_pdf_decodes_to_the_verification_url(auth, certified, app):
    certificate = module_certificate()
    page = PdfReader(io.BytesIO(auth.client.get(f"/certificaten/{certificate.id}.pdf").data)).pages[
        0
    ]
    assert not page.images  # drawn as vectors: sharp in print, no PNG to encode and decode
    decoded = [result.text for result in zxingcpp.read_barcodes(drawn_qr(page))]
    assert decoded == [f"{app.config['PUBLIC_BASE_URL']}/verify/{certificate.code}"]


def test_the_transcript_lists_every_completion(auth, certified):
    text = pdf_text(auth.client.get(f"/mensen/{certified.id}/overzicht.pdf").data)
    assert NAME in text
    assert "Proefmodule over AI" in text and "Basis voor iedereen" in text


def test_the_code_has_128_bits_and_is_printed_in_groups():
    code = issuing.new_code()
    assert len(code) == 26  # 26 base32 characters carry 130 bits; 128 are random
    assert len({issuing.new_code() for _ in range(1000)}) == 1000
    assert issuing.grouped(code).count("-") == 6
    assert issuing.normalise_code(issuing.grouped(code).lower()) == code


def test_verification_says_valid_and_shows_only_who_what_and_when(client, certified):
    certificate = module_certificate()
    data = client.get(f"/verify/{certificate.code}.json").get_json()
    assert data["status"] == "valid" and data["holder"] == NAME
    assert set(data) == {
        "status",
        "holder",
        "title",
        "version",
        "serial",
        "issued_on",
        "expires_on",
        "revoked_on",
        "revoked_reason",
        "organisation",
    }
    page = client.get(f"/verify/{issuing.grouped(certificate.code)}").get_data(as_text=True)
    assert "Geldig" in page and NAME in page and certified.email not in page


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAAAAAAAAAAAA", "niet-een-code", "x" * 300])
def test_a_random_or_malformed_code_is_unknown(client, certified, code):
    response = client.get(f"/verify/{code}.json")
    assert response.status_code == 404
    assert response.get_json() == {"status": "unknown"}


def test_a_tampered_code_is_unknown(client, certified):
    code = module_certificate().code
    tampered = ("B" if code[0] != "B" else "C") + code[1:]
    assert client.get(f"/verify/{tampered}.json").get_json()["status"] == "unknown"


def test_expired_and_superseded_states(client, certified):
    path_certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "path"))
    assert path_certificate.expires_on > dt.date.today() + dt.timedelta(days=700)
    path_certificate.expires_on = dt.date.today() - dt.timedelta(days=1)
    db.session.commit()
    assert client.get(f"/verify/{path_certificate.code}.json").get_json()["status"] == "expired"
    old = module_certificate()
    newer = Certificate(
        user_id=old.user_id,
        kind="module",
        title=old.title,
        serial="GL-X",
        code=issuing.new_code(),
    )
    db.session.add(newer)
    db.session.flush()
    old.superseded_by_id = newer.id
    db.session.commit()
    assert client.get(f"/verify/{old.code}.json").get_json()["status"] == "superseded"


def test_a_certificate_nearing_expiry_makes_the_path_refresher_needed(auth, certified):
    path_certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "path"))
    path_certificate.expires_on = dt.date.today() + dt.timedelta(days=20)
    db.session.commit()
    assert "Opfrissen nodig" in auth.client.get("/mijn-leren").get_data(as_text=True)


def test_hr_revokes_with_a_reason_and_verification_then_says_revoked(app, make, certified):
    from tests.conftest import Auth

    hr = make.user(Role.HR, email="hr@example.org")
    db.session.add(HrScope(user_id=hr.id, unit_id=certified.unit_id))
    db.session.commit()
    hr_session = Auth(app.test_client())
    hr_session.login(hr)
    certificate = module_certificate()
    page = hr_session.client.get(f"/hr/mensen/{certified.id}").get_data(as_text=True)
    assert certificate.serial in page
    missing = hr_session.post(f"/hr/certificaten/{certificate.id}/intrekken", {"reason": ""})
    assert missing.status_code == 400 and "Geef een reden op." in missing.get_data(as_text=True)
    done = hr_session.post(
        f"/hr/certificaten/{certificate.id}/intrekken",
        {"reason": "Toets met hulp van een ander gemaakt"},
    )
    assert done.status_code == 302
    data = app.test_client().get(f"/verify/{certificate.code}.json").get_json()
    assert data["status"] == "revoked"
    assert data["revoked_reason"] == "Toets met hulp van een ander gemaakt"
    assert data["revoked_on"] == utcnow().date().isoformat()


def test_a_learner_cannot_revoke_or_see_someone_elses_certificate(app, make, certified):
    from tests.conftest import Auth

    other = Auth(app.test_client())
    other.login(make.user())
    certificate = module_certificate()
    assert other.client.get(f"/certificaten/{certificate.id}.pdf").status_code == 404
    assert (
        other.post(f"/hr/certificaten/{certificate.id}/intrekken", {"reason": "x"}).status_code
        == 403
    )
    assert other.client.get(f"/hr/mensen/{certified.id}").status_code == 403


def test_hr_of_another_organisation_sees_nothing(app, make, certified):
    from tests.conftest import Auth

    other_organisation = make.organisation("gemeente-b", "Gemeente B")
    stranger = make.user(Role.HR, Role.ADMIN, organisation=other_organisation)
    session = Auth(app.test_client())
    session.login(stranger)
    certificate = module_certificate()
    assert session.client.get(f"/hr/mensen/{certified.id}").status_code == 404
    assert session.client.get(f"/certificaten/{certificate.id}.pdf").status_code == 404
    assert (
        session.client.get(f"/hr/eenheden/{certified.unit_id}/certificaten.zip").status_code == 404
    )


def test_the_unit_zip_holds_exactly_its_peoples_certificates(
    app, make, certified, content, run_jobs
):
    from tests.conftest import Auth
    from tests.jobs.helpers import run_and_download

    organisation = make.organisation()
    unit = db.session.get(type(certified.unit), certified.unit_id)
    elsewhere = make.user(name="Buiten de Eenheid", unit=make.unit(organisation, "ANDERS"))
    issuing._issue(
        elsewhere,
        kind="module",
        title="Proef",
        version="1.0.0",
        score=100,
        expires_on=None,
        earlier=[],
    )
    admin = make.user(Role.ADMIN)
    db.session.commit()
    session = Auth(app.test_client())
    session.login(admin)
    response = run_and_download(session, f"/hr/eenheden/{unit.id}/certificaten.zip", run_jobs)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    serials = {
        c.serial
        for c in db.session.scalars(
            sa.select(Certificate).where(Certificate.user_id == certified.id)
        )
    }
    assert {name.split("/")[1].removesuffix(".pdf") for name in archive.namelist()} == serials
    assert all(name.startswith("IJsbrand_") for name in archive.namelist())
    assert NAME in pdf_text(archive.read(archive.namelist()[0]))


def test_verification_is_rate_limited(client, certified, app, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "3 per minute")
    codes = [client.get("/verify/AAAA.json").status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
