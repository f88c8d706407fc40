"""Open Badges 3.0: a certificate downloads as a signed OpenBadgeCredential that a receiving
system checks with what this installation publishes (JWKS, achievement, status list)."""

import base64
import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from app.extensions import db
from app.interop import badges
from app.models import Assignment, Certificate, HrScope, LearningPath, Role
from tests.conftest import Auth, csrf_token
from tests.learn.helpers import read_all_lessons, take_quiz

NAME = "IJsbrand Ærtssen-Çelik"


@pytest.fixture
def certified(auth, make, content):
    """A learner, signed in, who completed the module "proef" and so the path "basis"."""
    unit = make.unit(make.organisation(), "TEAM")
    learner = make.user(name=NAME, unit=unit, email="ijsbrand@example.org")
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    db.session.add(Assignment(user_id=learner.id, path_id=path.id, deadline=dt.date.today()))
    db.session.commit()
    auth.login(learner)
    read_all_lessons(auth, "proef")
    take_quiz(auth, learner.id, "proef", right=True)
    return learner


def certificate(kind: str = "module") -> Certificate:
    db.session.expire_all()
    return db.session.scalar(sa.select(Certificate).where(Certificate.kind == kind))


def download(auth, kind: str = "module") -> str:
    response = auth.client.get(f"/certificaten/{certificate(kind).id}/badge.jwt")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def segments(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return decode(header), decode(payload)


def verify_as_a_stranger(client, token: str) -> dict:
    """What a receiving system does: fetch the published keys and check the signature."""
    keys = KeySet.import_key_set(client.get("/badges/jwks.json").get_json())
    header, _ = segments(token)
    key = next(k for k in keys.keys if k.kid == header["kid"])
    return json.loads(jws.deserialize_compact(token, key).payload)


def tamper(token: str) -> str:
    """One character of the payload changed."""
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    swapped = "B" if payload[middle] != "B" else "C"
    return ".".join([header, payload[:middle] + swapped + payload[middle + 1 :], signature])


def post_badge(client, token: str) -> str:
    """A visitor pasting the badge into the form on the public verify page."""
    response = client.post(
        "/verify", data={"csrf_token": csrf_token(client, "/verify"), "badge": token}
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def cli_verify(runner, tmp_path: Path, token: str):
    file = tmp_path / "badge.jwt"
    file.write_text(token)
    return runner.invoke(args=["badges", "verify", str(file)])


def test_a_certificate_downloads_as_an_open_badge_a_stranger_can_verify(auth, certified, client):
    """Is the badge a VC 2.0 OpenBadgeCredential, signed ES256 with a published key?"""
    token = download(auth)
    header, payload = segments(token)
    assert header["alg"] == "ES256" and header["typ"] == "vc+jwt"
    assert header["kid"].startswith("http://127.0.0.1:5000/badges/keys/")
    assert payload["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert (
        payload["iss"]
        == payload["issuer"]["id"]
        == "http://127.0.0.1:5000/badges/issuers/gemeente-a"
    )
    assert payload["jti"] == payload["id"]
    subject = payload["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == NAME
    assert subject["achievement"]["id"] == "http://127.0.0.1:5000/badges/achievements/modules/proef"
    assert payload["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert "ijsbrand@example.org" not in json.dumps(payload)
    assert verify_as_a_stranger(client, token) == payload


def test_the_published_documents_resolve_and_name_nobody(auth, certified, client):
    """Do the achievement, issuer and status list URLs in a badge answer, without personal data?"""
    _, payload = segments(download(auth))
    achievement = client.get("/badges/achievements/modules/proef").get_json()
    assert achievement["name"] and achievement["description"]
    assert "Je kunt uitleggen wat een model is." in achievement["criteria"]["narrative"]
    english = client.get("/badges/achievements/modules/proef?lang=en").get_json()
    assert english["inLanguage"] == "en"
    path = client.get("/badges/achievements/paths/basis").get_json()
    assert path["achievementType"] == "LearningProgram"
    assert client.get("/badges/achievements/modules/nope").status_code == 404
    issuer = client.get("/badges/issuers/gemeente-a").get_json()
    assert issuer == {**issuer, "id": payload["issuer"]["id"], "name": "Gemeente A"}
    status_url = payload["credentialStatus"]["statusListCredential"].removeprefix(
        "http://127.0.0.1:5000"
    )
    status = client.get(status_url)
    assert status.mimetype == "application/vc+jwt"
    published = [
        json.dumps(achievement),
        json.dumps(path),
        json.dumps(issuer),
        status.get_data(as_text=True),
        json.dumps(client.get("/badges/jwks.json").get_json()),
    ]
    assert not any(NAME in text or "ijsbrand" in text for text in published)


def test_the_command_and_the_verify_page_check_the_signature(auth, certified, runner, tmp_path):
    """Does one changed character make the badge fail, on the command line and on the page?"""
    token = download(auth)
    result = cli_verify(runner, tmp_path, token)
    assert result.exit_code == 0 and ": valid" in result.output and NAME in result.output
    forged = tamper(token)
    with pytest.raises(BadSignatureError):
        verify_as_a_stranger(auth.client, forged)
    result = cli_verify(runner, tmp_path, forged)
    assert result.exit_code == 1 and ": bad_signature" in result.output
    visitor = auth.client.application.test_client()
    assert "Geldig: de handtekening klopt" in post_badge(visitor, token)
    page = post_badge(visitor, forged)
    assert "Niet echt: de handtekening klopt niet" in page and NAME not in page
    uploaded = visitor.post(
        "/verify",
        data={
            "csrf_token": csrf_token(visitor, "/verify"),
            "file": (io.BytesIO(token.encode()), "b.jwt"),
        },
        content_type="multipart/form-data",
    )
    assert "Geldig: de handtekening klopt" in uploaded.get_data(as_text=True)


def test_badges_signed_before_a_key_rotation_still_verify(
    auth, certified, runner, tmp_path, client
):
    old = download(auth)
    assert runner.invoke(args=["badges", "rotate-key"]).exit_code == 0
    new = download(auth)
    assert segments(old)[0]["kid"] != segments(new)[0]["kid"]
    assert len(client.get("/badges/jwks.json").get_json()["keys"]) == 2
    for token in (old, new):
        assert cli_verify(runner, tmp_path, token).exit_code == 0
        verify_as_a_stranger(client, token)


def test_revoking_flips_the_bit_in_the_signed_status_list(
    app, make, auth, certified, runner, tmp_path, client
):
    token = download(auth)
    entry = segments(token)[1]["credentialStatus"]
    status_url = entry["statusListCredential"].removeprefix("http://127.0.0.1:5000")
    index = int(entry["statusListIndex"])

    def bit() -> bool:
        status_list = verify_as_a_stranger(client, client.get(status_url).get_data(as_text=True))
        assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        return badges.bit_is_set(status_list["credentialSubject"]["encodedList"], index)

    assert bit() is False
    hr = make.user(Role.HR, email="hr@example.org")
    db.session.add(HrScope(user_id=hr.id, unit_id=certified.unit_id))
    db.session.commit()
    hr_session = Auth(app.test_client())
    hr_session.login(hr)
    done = hr_session.post(f"/hr/certificaten/{certificate().id}/intrekken", {"reason": "Fraude"})
    assert done.status_code == 302
    assert bit() is True
    result = cli_verify(runner, tmp_path, token)
    assert result.exit_code == 1 and ": revoked" in result.output
    assert "Ingetrokken: de handtekening klopt" in post_badge(client, token)


def test_a_badge_from_somewhere_else_is_not_vouched_for(runner, tmp_path):
    from joserfc.jwk import ECKey

    stranger_key = ECKey.generate_key("P-256")
    token = jws.serialize_compact({"alg": "ES256", "kid": "elsewhere"}, b"{}", stranger_key)
    result = cli_verify(runner, tmp_path, token)
    assert result.exit_code == 1 and ": unknown_key" in result.output
    assert ": unreadable" in cli_verify(runner, tmp_path, "not a badge").output


def test_only_the_holder_hr_and_admin_download_a_badge(app, make, auth, certified):
    other = Auth(app.test_client())
    other.login(make.user(email="other@example.org"))
    assert other.client.get(f"/certificaten/{certificate().id}/badge.jwt").status_code == 404


def test_private_keys_are_stored_encrypted_and_retired_ones_deleted(auth, certified, runner):
    from app.models import BadgeSigningKey

    download(auth)
    runner.invoke(args=["badges", "rotate-key"])
    keys = db.session.scalars(sa.select(BadgeSigningKey).order_by(BadgeSigningKey.id)).all()
    assert keys[0].private_sealed is None and keys[0].retired_at is not None
    assert keys[1].private_sealed.count(".") == 4  # a compact JWE, not a JWK
    assert '"d"' not in keys[1].private_sealed


def test_the_status_list_encoding_reads_the_specifications_example():
    """Bitstring Status List v1.0's example list (16 KB of zeros) decodes; our own encoding puts
    bit 0 in the most significant bit of the first byte."""
    example = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    assert badges.bit_is_set(example, 94567) is False
    encoded = badges.encode_bits([0, 7, 9, 131071])
    assert [badges.bit_is_set(encoded, i) for i in (0, 1, 7, 8, 9, 131070, 131071)] == [
        True, False, True, False, True, False, True,
    ]  # fmt: skip
    packed = encoded.removeprefix("u")
    raw = gzip.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
    assert len(raw) == 16384 and raw[0] == 0b10000001 and raw[1] == 0b01000000
