"""Open Badges 3.0: certificates as OpenBadgeCredentials, signed as VC-JWTs (ES256).

The credential follows the W3C Verifiable Credentials data model 2.0 with the 1EdTech OB 3.0
context; the JWT payload is the credential itself with the registered claims beside it
(VC-JOSE-COSE). Everything a receiving system needs is at a public URL on this installation:
the achievement (per module and learning path, stable across versions), the issuer profile (per
organisation), the public keys (JWKS; each key also at its own URL, its `kid`), and a Bitstring
Status List per organisation in which a revoked certificate's bit is set.

Key rotation: the newest key signs; older keys stay published (their private half deleted), so
badges signed before a rotation still verify.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import gzip
import html
import json
from dataclasses import dataclass, field
from typing import Any

import nh3
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.i18n import in_language
from app.interop.sealed import seal, unseal
from app.models import (
    BadgeSigningKey,
    Certificate,
    LearningPath,
    Module,
    ModuleVersion,
    Organisation,
    User,
)

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ALGORITHM = "ES256"
MEDIA_TYPE = "application/vc+jwt"
#: Bits per status list: the specification's minimum (16 KB), so one list hides in a crowd.
STATUS_LIST_SIZE = 131072


class BadgeStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    UNREADABLE = "unreadable"


@dataclass
class BadgeCheck:
    status: BadgeStatus
    #: The signed credential, when the signature holds.
    credential: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, str]:
        """What a verifier is shown: from the signed credential only."""
        subject = self.credential.get("credentialSubject", {})
        holder = next(
            (
                i.get("identityHash")
                for i in subject.get("identifier", [])
                if i.get("identityType") == "name"
            ),
            "",
        )
        return {
            "name": self.credential.get("name", ""),
            "issuer": self.credential.get("issuer", {}).get("name", ""),
            "holder": holder,
            "valid_from": self.credential.get("validFrom", "")[:10],
            "valid_until": (self.credential.get("validUntil") or "")[:10],
        }


# -- URLs ------------------------------------------------------------------------------------


def _base() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def key_url(kid: str) -> str:
    return f"{_base()}/badges/keys/{kid}"


def issuer_url(organisation: Organisation) -> str:
    return f"{_base()}/badges/issuers/{organisation.slug}"


def status_list_url(organisation: Organisation, number: int) -> str:
    return f"{issuer_url(organisation)}/status/{number}"


def achievement_url(kind: str, slug: str) -> str:
    return f"{_base()}/badges/achievements/{'modules' if kind == 'module' else 'paths'}/{slug}"


# -- keys ------------------------------------------------------------------------------------


def rotate_key(actor: User | None = None) -> BadgeSigningKey:
    """A new signing key; the one before it retires (public half kept, private half deleted)."""
    key = ECKey.generate_key("P-256")
    now = utcnow()
    for old in db.session.scalars(
        sa.select(BadgeSigningKey).where(BadgeSigningKey.retired_at.is_(None))
    ):
        old.retired_at, old.private_sealed = now, None
    row = BadgeSigningKey(
        kid=key.thumbprint(),
        public_jwk=key.as_dict(private=False),
        private_sealed=seal(json.dumps(key.as_dict(private=True))),
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("badges.rotate_key", actor=actor, target=f"badge-key:{row.kid}")
    return row


def _signing_key() -> tuple[str, ECKey]:
    row = db.session.scalar(
        sa.select(BadgeSigningKey)
        .where(BadgeSigningKey.retired_at.is_(None))
        .order_by(BadgeSigningKey.id.desc())
        .limit(1)
    )
    if row is None:
        # The first badge makes the first key, so a fresh installation needs no extra step.
        row = rotate_key()
        db.session.commit()
    return row.kid, ECKey.import_key(json.loads(unseal(row.private_sealed)))


def public_key(kid: str) -> dict[str, Any] | None:
    row = db.session.scalar(sa.select(BadgeSigningKey).where(BadgeSigningKey.kid == kid))
    if row is None:
        return None
    return {**row.public_jwk, "kid": key_url(row.kid), "use": "sig", "alg": ALGORITHM}


def jwks() -> dict[str, Any]:
    kids = db.session.scalars(sa.select(BadgeSigningKey.kid).order_by(BadgeSigningKey.id))
    return {"keys": [public_key(kid) for kid in kids]}


def _sign(payload: dict[str, Any]) -> str:
    kid, key = _signing_key()
    header = {"alg": ALGORITHM, "typ": "vc+jwt", "cty": "vc", "kid": key_url(kid)}
    return jws.serialize_compact(header, json.dumps(payload).encode(), key)


# -- documents -------------------------------------------------------------------------------


def _text(fragment: str) -> str:
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


def _iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def issuer_profile(organisation: Organisation) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_url(organisation),
        "type": ["Profile"],
        "name": organisation.name,
    }


def _module_version(slug: str, language: str) -> ModuleVersion | None:
    versions = db.session.scalars(
        sa.select(ModuleVersion)
        .join(Module)
        .where(Module.slug == slug, ModuleVersion.is_current.is_(True))
    ).all()
    return next((v for v in versions if v.language == language), versions[0] if versions else None)


def module_achievement(version: ModuleVersion, slug: str) -> dict[str, Any]:
    with in_language(version.language):
        rule = {
            "lessons": _("Lees alle lessen."),
            "quiz": _("Haal de toets met minstens %(mark)s %%.", mark=_pass_mark(version)),
        }.get(
            version.completion_rule,
            _(
                "Lees alle lessen en haal de toets met minstens %(mark)s %%.",
                mark=_pass_mark(version),
            ),
        )
        objectives = _("Wie dit haalt, kan het volgende:")
    narrative = "\n".join(
        [rule, "", objectives, ""] + [f"- {o}" for o in version.objectives.values()]
    )
    return {
        "id": achievement_url("module", slug),
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": version.title,
        "description": version.summary,
        "criteria": {"narrative": narrative},
        "inLanguage": version.language,
        "version": version.version,
        "tag": list(version.tags),
    }


def _pass_mark(version: ModuleVersion) -> Any:
    return (version.quiz or {}).get("pass_mark", 70)


def path_achievement(path: LearningPath, language: str) -> dict[str, Any]:
    titles = []
    for slug in path.module_slugs:
        version = _module_version(slug, language)
        titles.append(version.title if version else slug)
    with in_language(language):
        rule = _("Rond deze modules af:")
        validity = _("Het certificaat is %(months)s maanden geldig.", months=path.validity_months)
    translated = path.translated(language)
    return {
        "id": achievement_url("path", path.slug),
        "type": ["Achievement"],
        "achievementType": "LearningProgram",
        "name": translated["title"],
        "description": _text(translated.get("description_html", "")) or translated["title"],
        "criteria": {
            "narrative": "\n".join([rule, ""] + [f"- {t}" for t in titles] + ["", validity])
        },
        "inLanguage": language if language in path.translations else next(iter(path.translations)),
    }


def achievement_document(kind: str, slug: str, language: str) -> dict[str, Any] | None:
    """The public JSON at an achievement URL, or None when there is no such module or path."""
    if kind == "module":
        version = _module_version(slug, language)
        achievement = module_achievement(version, slug) if version else None
    else:
        path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == slug))
        achievement = path_achievement(path, language) if path else None
    return {"@context": [VC_CONTEXT, OB_CONTEXT], **achievement} if achievement else None


def _achievement_of(certificate: Certificate) -> dict[str, Any]:
    language = certificate.user.language
    if certificate.kind == "path" and certificate.path is not None:
        achievement = path_achievement(certificate.path, language)
    else:
        version = certificate.module_version
        achievement = module_achievement(version, version.module.slug)
    # As it was when earned: the title frozen on the certificate.
    return {**achievement, "name": certificate.title}


def credential(certificate: Certificate) -> dict[str, Any]:
    """The OpenBadgeCredential of a certificate (unsigned). The holder is named, as on the
    PDF: a badge is what its holder chooses to show someone."""
    organisation = certificate.user.organisation
    number, index = divmod(certificate.id, STATUS_LIST_SIZE)
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"{_base()}/verify/{certificate.code}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.title,
        "issuer": {"id": issuer_url(organisation), "type": ["Profile"], "name": organisation.name},
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.user.name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": _achievement_of(certificate),
        },
        "credentialStatus": {
            "id": f"{status_list_url(organisation, number)}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_list_url(organisation, number),
        },
    }
    if certificate.expires_on is not None:
        end = dt.datetime.combine(certificate.expires_on, dt.time(23, 59, 59))
        document["validUntil"] = _iso(end)
    return document


def _registered_claims(document: dict[str, Any]) -> dict[str, Any]:
    claims = {
        "iss": document["issuer"]["id"]
        if isinstance(document["issuer"], dict)
        else document["issuer"],
        "jti": document["id"],
        "nbf": int(
            dt.datetime.fromisoformat(document["validFrom"].rstrip("Z"))
            .replace(tzinfo=dt.UTC)
            .timestamp()
        ),
    }
    if "validUntil" in document:
        claims["exp"] = int(
            dt.datetime.fromisoformat(document["validUntil"].rstrip("Z"))
            .replace(tzinfo=dt.UTC)
            .timestamp()
        )
    return claims


def signed_badge(certificate: Certificate) -> str:
    document = credential(certificate)
    return _sign({**document, **_registered_claims(document)})


# -- status lists ----------------------------------------------------------------------------


def _revoked_indexes(organisation: Organisation, number: int) -> list[int]:
    first = number * STATUS_LIST_SIZE
    ids = db.session.scalars(
        sa.select(Certificate.id)
        .join(User, Certificate.user_id == User.id)
        .where(
            User.organisation_id == organisation.id,
            Certificate.revoked_at.is_not(None),
            Certificate.id >= first,
            Certificate.id < first + STATUS_LIST_SIZE,
        )
    )
    return [i - first for i in ids]


def encode_bits(indexes: list[int]) -> str:
    """Bitstring Status List encoding: GZIP, then multibase base64url ('u'); bit 0 is the most
    significant bit of the first byte."""
    bits = bytearray(STATUS_LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=")
    return "u" + packed.decode()


def bit_is_set(encoded: str, index: int) -> bool:
    packed = encoded.removeprefix("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(organisation: Organisation, number: int) -> str:
    """The organisation's signed revocation list number `number` (a VC-JWT)."""
    url = status_list_url(organisation, number)
    document = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(organisation),
        "validFrom": _iso(utcnow()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(_revoked_indexes(organisation, number)),
        },
    }
    return _sign({**document, **_registered_claims(document)})


# -- verification ----------------------------------------------------------------------------


def _verified_payload(token: str) -> tuple[BadgeStatus, dict[str, Any]]:
    try:
        header = jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError):
        return BadgeStatus.UNREADABLE, {}
    kid = str(header.get("kid", "")).rsplit("/", 1)[-1]
    row = db.session.scalar(sa.select(BadgeSigningKey).where(BadgeSigningKey.kid == kid))
    if row is None or header.get("alg") != ALGORITHM:
        return BadgeStatus.UNKNOWN_KEY, {}
    try:
        payload = jws.deserialize_compact(token, ECKey.import_key(row.public_jwk)).payload
        return BadgeStatus.VALID, json.loads(payload)
    except (JoseError, ValueError):
        return BadgeStatus.BAD_SIGNATURE, {}


def _status_list_says_revoked(document: dict[str, Any]) -> bool:
    """Reads the bit from the signed status list this installation publishes at the URL the
    badge names, exactly as a receiving system would after fetching it."""
    entry = document.get("credentialStatus") or {}
    prefix = f"{_base()}/badges/issuers/"
    url = str(entry.get("statusListCredential", ""))
    slug, _, number = url.removeprefix(prefix).partition("/status/")
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if not url.startswith(prefix) or organisation is None or not number.isdigit():
        return True  # a status we cannot read is not a status we can vouch for
    status, status_list = _verified_payload(status_list_credential(organisation, int(number)))
    index = int(entry.get("statusListIndex", "-1"))
    if status is not BadgeStatus.VALID or not 0 <= index < STATUS_LIST_SIZE:
        return True
    return bit_is_set(status_list["credentialSubject"]["encodedList"], index)


def verify_badge(token: str) -> BadgeCheck:
    """Checks the signature against this installation's keys, then expiry and revocation."""
    status, document = _verified_payload(token.strip())
    if status is not BadgeStatus.VALID:
        return BadgeCheck(status)
    if "OpenBadgeCredential" not in document.get("type", []):
        return BadgeCheck(BadgeStatus.UNREADABLE)
    if _status_list_says_revoked(document):
        return BadgeCheck(BadgeStatus.REVOKED, document)
    until = document.get("validUntil")
    if until and dt.datetime.fromisoformat(until.rstrip("Z")) < utcnow():
        return BadgeCheck(BadgeStatus.EXPIRED, document)
    return BadgeCheck(BadgeStatus.VALID, document)
