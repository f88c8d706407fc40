"""Issuing, verifying and revoking certificates."""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import enum
import re
import secrets

import sqlalchemy as sa

from app.content.published import PublishedVersion
from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.models import Certificate, LearningPath, ModuleVersion, User

#: A path certificate this close to expiry makes the path "refresher needed".
REFRESH_WINDOW = dt.timedelta(days=60)
CODE_RE = re.compile(r"^[A-Z2-7]{26}$")


class Validity(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    UNKNOWN = "unknown"


def new_code() -> str:
    """128 bits of randomness as 26 base32 characters (no 0/1/8/9, so nothing to misread)."""
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")


def grouped(code: str) -> str:
    """ABCD-EFGH-...: easier to read aloud and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str:
    return re.sub(r"[\s-]", "", text).upper()


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _issue(
    user: User,
    *,
    kind: str,
    title: str,
    version: str | None,
    score: float | None,
    expires_on: dt.date | None,
    module_version_id: int | None = None,
    path: LearningPath | None = None,
    earlier: list[Certificate],
) -> Certificate:
    code = new_code()
    certificate = Certificate(
        user_id=user.id,
        kind=kind,
        title=title,
        version=version,
        score=score,
        expires_on=expires_on,
        serial=code,
        code=code,
        module_version_id=module_version_id,
        path=path,
    )
    db.session.add(certificate)
    db.session.flush()
    # The serial is derived from the row id, so it is unique and counts up without a race.
    certificate.serial = f"GL-{certificate.issued_at.year}-{certificate.id:06d}"
    for old in earlier:
        if old.superseded_by_id is None and old.id != certificate.id:
            old.superseded_by_id = certificate.id
    audit.record("certificate.issue", actor=user, target=f"certificate:{certificate.serial}")
    return certificate


# Built once: a learner's last step (submitting a quiz, marking the last lesson) runs these.
_MODULE_CERTIFICATES = (
    sa.select(Certificate)
    .join(ModuleVersion, Certificate.module_version_id == ModuleVersion.id)
    .where(
        Certificate.user_id == sa.bindparam("user_id"),
        ModuleVersion.module_id == sa.bindparam("module_id"),
    )
)
_PATH_CERTIFICATES = sa.select(Certificate).where(
    Certificate.user_id == sa.bindparam("user_id"), Certificate.path_id == sa.bindparam("path_id")
)


def issue_for_module(user: User, version: PublishedVersion, score: float | None) -> Certificate:
    earlier = list(
        db.session.scalars(
            _MODULE_CERTIFICATES, {"user_id": user.id, "module_id": version.module_id}
        )
    )
    return _issue(
        user,
        kind="module",
        title=version.title,
        version=version.version,
        score=score,
        expires_on=None,
        module_version_id=version.id,
        earlier=earlier,
    )


def issue_for_path(user: User, path: LearningPath) -> Certificate:
    earlier = list(db.session.scalars(_PATH_CERTIFICATES, {"user_id": user.id, "path_id": path.id}))
    expires = add_months(dt.date.today(), path.validity_months)
    return _issue(
        user,
        kind="path",
        title=path.title(user.language),
        version=None,
        score=None,
        expires_on=expires,
        path=path,
        earlier=earlier,
    )


def current_path_certificates(held: list[Certificate]) -> dict[int, Certificate]:
    """{path id: the newest certificate in force} among one learner's certificates. `held` may
    be rows of a plain SELECT (Mijn leren reads them so), hence the hybrid's getter applied by
    hand rather than the attribute."""
    return {c.path_id: c for c in held if c.kind == "path" and _in_force(c)}


_in_force = sa.inspect(Certificate).all_orm_descriptors["in_force"].fget


def nearing_expiry(certificate: Certificate, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return certificate.expires_on is not None and certificate.expires_on - today <= REFRESH_WINDOW


def validity(certificate: Certificate | None, today: dt.date | None = None) -> Validity:
    if certificate is None:
        return Validity.UNKNOWN
    if certificate.revoked_at is not None:
        return Validity.REVOKED
    if certificate.expires_on is not None and certificate.expires_on < (today or dt.date.today()):
        return Validity.EXPIRED
    if certificate.superseded_by_id is not None:
        return Validity.SUPERSEDED
    return Validity.VALID


def find_by_code(text: str) -> Certificate | None:
    """The certificate with this public code, or None. Always does one indexed lookup, so a
    malformed code costs the same time as a well-formed unknown one."""
    code = normalise_code(text)
    if not CODE_RE.match(code):
        code = "-"  # matches nothing, but the query still runs
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def revoke(certificate: Certificate, reason: str, actor: User) -> None:
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    audit.record(
        "certificate.revoke", actor=actor, target=f"certificate:{certificate.serial}", reason=reason
    )


_CERTIFICATES_OF_USER = (
    sa.select(Certificate)
    .where(Certificate.user_id == sa.bindparam("user_id"))
    .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
)


def for_user(user_id: int) -> list[Certificate]:
    """A learner's certificates, newest first."""
    return list(db.session.scalars(_CERTIFICATES_OF_USER, {"user_id": user_id}))
