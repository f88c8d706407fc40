"""The second factor of password accounts: a TOTP authenticator app, with one-time recovery
codes for when the device is lost.

Required for HR, admins and trainers (they enrol at their next sign-in), optional for learners.
Accounts that sign in through single sign-on rely on their identity provider's MFA instead.
"""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa

from app.auth import passkeys, totp_secrets
from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.models import RecoveryCode, Role, TotpCredential, User

ROLES_THAT_NEED_MFA = (Role.HR, Role.ADMIN, Role.TRAINER)
RECOVERY_CODE_COUNT = 10
#: Codes of the previous and the next 30-second step count too: phone clocks drift.
VALID_WINDOW = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand


def is_required(user: User) -> bool:
    return user.has_role(*ROLES_THAT_NEED_MFA)


def _credential(user: User) -> TotpCredential | None:
    return db.session.scalar(sa.select(TotpCredential).where(TotpCredential.user_id == user.id))


def is_enrolled(user: User) -> bool:
    credential = _credential(user)
    return credential is not None and credential.confirmed_at is not None


def pending_secret(user: User) -> str:
    """The secret to show while enrolling: kept until confirmed, so reloading the page does
    not invalidate what the app has already scanned."""
    credential = _credential(user)
    if credential is None:
        secret = pyotp.random_base32()
        credential = TotpCredential(user_id=user.id, secret=totp_secrets.seal(secret, user.id))
        db.session.add(credential)
        db.session.flush()
        return secret
    return secret_of(credential)


def secret_of(credential: TotpCredential) -> str:
    """The secret as the app has it (stored encrypted when a key is configured)."""
    return totp_secrets.reveal(credential.secret, credential.user_id)


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """An SVG QR code as a data: URI, which the CSP allows for images (no inline script)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _normalise(code: str) -> str:
    return "".join(char for char in code.lower() if char.isalnum())


def _accepted_step(secret: str, code: str, after: int | None, now: float) -> int | None:
    """The time step whose code `code` is, within the drift window and newer than `after`."""
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // totp.interval)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if after is not None and step <= after:
            continue  # a code used once is never accepted again (nor an older one)
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_enrolment(user: User, code: str, now: float | None = None) -> list[str] | None:
    """Switches the second factor on when `code` comes from the app; returns the new recovery
    codes (to show once), or None when the code is wrong."""
    credential = _credential(user)
    if credential is None or credential.confirmed_at is not None:
        return None
    step = _accepted_step(secret_of(credential), _normalise(code), None, now or time.time())
    if step is None:
        audit.record("auth.mfa_enrol_failed", actor=user, target=f"user:{user.id}")
        return None
    credential.confirmed_at = utcnow()
    credential.last_used_step = step
    codes = _new_recovery_codes(user)
    audit.record("auth.mfa_enrolled", actor=user, target=f"user:{user.id}", method="totp")
    return codes


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))  # 79 bits
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
    return codes


def verify(user: User, code: str, now: float | None = None) -> bool:
    """Checks a code from the app, or else an unused recovery code (then used up). Logs it."""
    normalised = _normalise(code)
    credential = _credential(user)
    if credential is None or credential.confirmed_at is None:
        return False
    last = credential.last_used_step
    step = _accepted_step(secret_of(credential), normalised, last, now or time.time())
    if step is not None:
        credential.last_used_step = step
        audit.record("auth.mfa_passed", actor=user, target=f"user:{user.id}", method="totp")
        return True
    recovery = db.session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(normalised),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is not None:
        recovery.used_at = utcnow()
        audit.record(
            "auth.mfa_passed",
            actor=user,
            target=f"user:{user.id}",
            method="recovery_code",
            recovery_codes_left=unused_recovery_codes(user),
        )
        return True
    audit.record("auth.mfa_failed", actor=user, target=f"user:{user.id}")
    return False


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _remove_second_factor(user: User) -> None:
    """The app, the recovery codes and the passkeys: they stand or fall together."""
    db.session.execute(sa.delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    passkeys.remove_all(user)


def reset(user: User, *, actor: User | None) -> None:
    """Removes the second factor, passkeys included (a lost device): the person enrols anew at
    the next sign-in. Ends their sessions, since a session might belong to whoever has the
    device."""
    _remove_second_factor(user)
    user.renew_session_token()
    audit.record("auth.mfa_reset", actor=actor, target=f"user:{user.id}")


def switch_off(user: User) -> None:
    """A person for whom the second factor is optional turns their own off (the caller has
    checked their password).

    Raises PermissionError for roles that need it: only an admin's reset removes theirs."""
    if is_required(user):
        raise PermissionError("this role needs a second factor")
    _remove_second_factor(user)
    audit.record("auth.mfa_disabled", actor=user, target=f"user:{user.id}")


def renew_recovery_codes(user: User) -> list[str]:
    """A fresh set of recovery codes (to show once); the old ones stop working."""
    codes = _new_recovery_codes(user)
    audit.record("auth.recovery_codes_renewed", actor=user, target=f"user:{user.id}")
    return codes


def enrol_with_secret(user: User, secret: str) -> None:
    """Enrols `user` with a known secret, confirmed at once: for the demo accounts only, whose
    secret is in the README."""
    sealed = totp_secrets.seal(secret, user.id)
    credential = _credential(user) or TotpCredential(user_id=user.id, secret=sealed)
    credential.secret = sealed
    credential.confirmed_at = utcnow()
    db.session.add(credential)
    db.session.flush()


def reencrypt_secrets() -> int:
    """Seals every stored secret with the current key (plain ones and those under an old key),
    so old keys can be dropped; returns how many changed."""
    changed = 0
    for credential in db.session.scalars(sa.select(TotpCredential)):
        if totp_secrets.needs_resealing(credential.secret):
            credential.secret = totp_secrets.seal(secret_of(credential), credential.user_id)
            changed += 1
    if changed:
        audit.record("auth.totp_reencrypted", count=changed)
    return changed
