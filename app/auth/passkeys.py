"""Passkeys (WebAuthn) as an alternative second factor, beside the authenticator app.

A person adds passkeys once their app is enrolled: the app code and the recovery codes stay the
way in for browsers without passkey support or without JavaScript. Challenges live in the
database, so any app server can check the answer, and each is used at most once.
Verification itself is py_webauthn's; this module keeps the state around it.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import sqlalchemy as sa
import webauthn
from flask import current_app
from webauthn.helpers import bytes_to_base64url, parse_client_data_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.models import PasskeyCredential, User, WebauthnChallenge

REGISTER = "register"
AUTHENTICATE = "authenticate"
MAX_PASSKEYS = 10


class PasskeyRefused(Exception):
    """The browser's answer does not prove possession of a registered passkey."""


def relying_party_id() -> str:
    return current_app.config["WEBAUTHN_RP_ID"] or urlsplit(_base_url()).hostname or ""


def allowed_origins() -> list[str]:
    configured = current_app.config["WEBAUTHN_ORIGINS"]
    if configured:
        return [origin.strip().rstrip("/") for origin in configured.split(",") if origin.strip()]
    parts = urlsplit(_base_url())
    return [f"{parts.scheme}://{parts.netloc}"]


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def of(user: User) -> list[PasskeyCredential]:
    return db.session.scalars(
        sa.select(PasskeyCredential)
        .where(PasskeyCredential.user_id == user.id)
        .order_by(PasskeyCredential.created_at, PasskeyCredential.id)
    ).all()


def has_any(user: User) -> bool:
    mine = sa.select(PasskeyCredential.id).where(PasskeyCredential.user_id == user.id)
    return db.session.scalar(mine.limit(1)) is not None


def _descriptor(credential: PasskeyCredential) -> PublicKeyCredentialDescriptor:
    transports = []
    for name in credential.transports or []:
        try:
            transports.append(AuthenticatorTransport(name))
        except ValueError:
            continue  # a transport newer than this library: the browser finds the key anyway
    return PublicKeyCredentialDescriptor(
        id=webauthn.base64url_to_bytes(credential.credential_id), transports=transports or None
    )


def _issue_challenge(user: User, purpose: str, challenge: bytes) -> None:
    """Stores the challenge; a new one replaces the person's earlier ones for the same purpose,
    and expired ones of anybody are cleared on the way."""
    now = utcnow()
    db.session.execute(
        sa.delete(WebauthnChallenge).where(
            sa.or_(
                WebauthnChallenge.expires_at < now,
                sa.and_(WebauthnChallenge.user_id == user.id, WebauthnChallenge.purpose == purpose),
            )
        )
    )
    lifetime = dt.timedelta(seconds=current_app.config["WEBAUTHN_CHALLENGE_SECONDS"])
    db.session.add(
        WebauthnChallenge(
            user_id=user.id,
            purpose=purpose,
            challenge=bytes_to_base64url(challenge),
            expires_at=now + lifetime,
        )
    )


def _take_challenge(user: User, purpose: str, client_data_json: str) -> bytes:
    """The stored challenge the browser signed, removed so it cannot serve twice.

    Raises PasskeyRefused when it is unknown, another person's, for the other ceremony or
    expired."""
    try:
        client_data = parse_client_data_json(webauthn.base64url_to_bytes(client_data_json))
    except Exception as error:  # any malformed input: refused, not a server error
        raise PasskeyRefused("client data unreadable") from error
    encoded = bytes_to_base64url(client_data.challenge)
    row = db.session.scalar(
        sa.select(WebauthnChallenge).where(WebauthnChallenge.challenge == encoded)
    )
    if row is None:
        raise PasskeyRefused("unknown or used challenge")
    db.session.delete(row)
    db.session.flush()
    if row.user_id != user.id or row.purpose != purpose or row.expires_at < utcnow():
        raise PasskeyRefused("challenge not valid here")
    return webauthn.base64url_to_bytes(row.challenge)


def _parse(response_json: str) -> dict:
    try:
        data = json.loads(response_json)
        data["response"]["clientDataJSON"]  # noqa: B018 - present, or refused below
    except (ValueError, TypeError, KeyError) as error:
        raise PasskeyRefused("not a WebAuthn response") from error
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise PasskeyRefused("not a WebAuthn response")
    return data


def _user_handle(user: User) -> bytes:
    """The id the authenticator keeps for the person: no name or address, as WebAuthn asks."""
    return f"geletterd-user-{user.id}".encode()


def registration_options(user: User) -> str:
    """The options for navigator.credentials.create(), as JSON; the challenge is stored."""
    options = webauthn.generate_registration_options(
        rp_id=relying_party_id(),
        rp_name=current_app.config["SITE_NAME"],
        user_name=user.email,
        user_id=_user_handle(user),
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(credential) for credential in of(user)],
    )
    _issue_challenge(user, REGISTER, options.challenge)
    return webauthn.options_to_json(options)


def register(user: User, response_json: str, name: str) -> PasskeyCredential:
    """Checks the browser's answer to the registration options and keeps the new passkey.

    Raises PasskeyRefused when the answer does not hold."""
    data = _parse(response_json)
    challenge = _take_challenge(user, REGISTER, data["response"]["clientDataJSON"])
    try:
        verified = webauthn.verify_registration_response(
            credential=data,
            expected_challenge=challenge,
            expected_rp_id=relying_party_id(),
            expected_origin=allowed_origins(),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused(str(error)) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    taken = db.session.scalar(
        sa.select(PasskeyCredential.id).where(PasskeyCredential.credential_id == credential_id)
    )
    if taken is not None:
        raise PasskeyRefused("credential already registered")
    transports = data["response"].get("transports") or []
    passkey = PasskeyCredential(
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[str(item)[:20] for item in transports if isinstance(item, str)][:8],
        name=name.strip()[:100],
    )
    db.session.add(passkey)
    db.session.flush()
    audit.record(
        "auth.passkey_added",
        actor=user,
        target=f"user:{user.id}",
        passkey=passkey.id,
        name=passkey.name,
    )
    return passkey


def authentication_options(user: User) -> str:
    """The options for navigator.credentials.get(), naming this person's passkeys."""
    options = webauthn.generate_authentication_options(
        rp_id=relying_party_id(),
        allow_credentials=[_descriptor(credential) for credential in of(user)],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _issue_challenge(user, AUTHENTICATE, options.challenge)
    return webauthn.options_to_json(options)


def authenticate(user: User, response_json: str) -> PasskeyCredential:
    """Checks a signature by one of `user`'s passkeys over a challenge issued to them.

    Raises PasskeyRefused (and logs the failure) when it does not hold: another person's
    passkey, a used or expired challenge, a bad signature, a counter that did not go up."""
    try:
        return _authenticate(user, response_json)
    except PasskeyRefused as refusal:
        audit.record(
            "auth.mfa_failed",
            actor=user,
            target=f"user:{user.id}",
            method="passkey",
            reason=str(refusal)[:200],
        )
        raise


def _authenticate(user: User, response_json: str) -> PasskeyCredential:
    data = _parse(response_json)
    challenge = _take_challenge(user, AUTHENTICATE, data["response"]["clientDataJSON"])
    passkey = db.session.scalar(
        sa.select(PasskeyCredential).where(
            PasskeyCredential.credential_id == data["id"],
            PasskeyCredential.user_id == user.id,
        )
    )
    if passkey is None:
        raise PasskeyRefused("not a passkey of this person")
    handle = data["response"].get("userHandle")
    if handle and handle != bytes_to_base64url(_user_handle(user)):
        raise PasskeyRefused("user handle of another person")
    try:
        verified = webauthn.verify_authentication_response(
            credential=data,
            expected_challenge=challenge,
            expected_rp_id=relying_party_id(),
            expected_origin=allowed_origins(),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyRefused(str(error)) from error
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    target = f"user:{user.id}"
    audit.record("auth.mfa_passed", actor=user, target=target, method="passkey", passkey=passkey.id)
    return passkey


def remove(user: User, passkey_id: int) -> bool:
    """Removes one of `user`'s own passkeys; False when they have none by that id."""
    passkey = db.session.scalar(
        sa.select(PasskeyCredential).where(
            PasskeyCredential.id == passkey_id, PasskeyCredential.user_id == user.id
        )
    )
    if passkey is None:
        return False
    db.session.delete(passkey)
    audit.record(
        "auth.passkey_removed",
        actor=user,
        target=f"user:{user.id}",
        passkey=passkey_id,
        name=passkey.name,
    )
    return True


def remove_all(user: User) -> None:
    """When the second factor as a whole goes (an admin's reset, switching it off)."""
    db.session.execute(sa.delete(PasskeyCredential).where(PasskeyCredential.user_id == user.id))
    db.session.execute(sa.delete(WebauthnChallenge).where(WebauthnChallenge.user_id == user.id))
