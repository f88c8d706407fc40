"""Single sign-on: configuring identity providers, and finding (or creating) the account that
verified ID-token claims belong to. Plain arguments only, so the CLI, the views and the tests
share it; the OpenID Connect protocol itself is in app/auth/oidc.py."""

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import selectinload

from app.auth.users import AccountError, create_user
from app.core import audit
from app.extensions import db
from app.models import IdentityProvider, Organisation, User

LANGUAGES = ("nl", "en")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class ProviderConfigError(ValueError):
    """Raised with a message fit to show to the admin configuring a provider."""


class SsoRefused(Exception):
    """Sign-in refused. `reason` is a short code for the audit log and for choosing the message."""

    def __init__(self, reason: str, **detail: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def enabled_providers() -> list[IdentityProvider]:
    return list(
        db.session.scalars(
            sa.select(IdentityProvider)
            .options(selectinload(IdentityProvider.organisation))
            .where(IdentityProvider.enabled.is_(True))
            .order_by(IdentityProvider.name)
        )
    )


def enabled_provider(org_slug: str) -> IdentityProvider | None:
    return db.session.scalar(
        sa.select(IdentityProvider)
        .join(Organisation, Organisation.id == IdentityProvider.organisation_id)
        .where(Organisation.slug == org_slug, IdentityProvider.enabled.is_(True))
    )


def check_issuer(issuer: str) -> str:
    """The issuer without a trailing slash. Raises ProviderConfigError unless it is https (or
    http on this machine, for trying things out)."""
    parts = urlsplit(issuer.strip())
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
    )
    if not parts.hostname or not secure or parts.query or parts.fragment:
        raise ProviderConfigError(
            f"issuer {issuer!r} must be an https URL without query or fragment, "
            "e.g. https://login.example.nl/realms/gemeente"
        )
    return issuer.strip().rstrip("/")


def save_provider(
    organisation: Organisation,
    *,
    issuer: str,
    client_id: str,
    client_secret_env: str,
    name: str | None = None,
    match_claim: str = "email",
    create_accounts: bool = False,
    enabled: bool = True,
) -> tuple[IdentityProvider, bool]:
    """Adds the organisation's provider, or replaces its settings: there is one per organisation.
    Returns (provider, created). Raises ProviderConfigError."""
    if not _ENV_NAME.fullmatch(client_secret_env):
        raise ProviderConfigError(
            f"--client-secret-env {client_secret_env!r} must be the NAME of an environment "
            "variable (letters, digits, _), not the secret itself"
        )
    if not client_id.strip() or not match_claim.strip():
        raise ProviderConfigError("client id and match claim must not be empty")
    provider = db.session.scalar(
        sa.select(IdentityProvider).where(IdentityProvider.organisation_id == organisation.id)
    )
    created = provider is None
    if provider is None:
        provider = IdentityProvider(organisation=organisation)
        db.session.add(provider)
    provider.issuer = check_issuer(issuer)
    provider.client_id = client_id.strip()
    provider.client_secret_env = client_secret_env
    provider.name = (name or organisation.name).strip()
    provider.match_claim = match_claim.strip()
    provider.create_accounts = create_accounts
    provider.enabled = enabled
    db.session.flush()
    audit.record(
        "sso.provider_saved",
        target=f"organisation:{organisation.slug}",
        issuer=provider.issuer,
        match_claim=provider.match_claim,
        create_accounts=create_accounts,
        enabled=enabled,
    )
    return provider, created


def sign_in(provider: IdentityProvider, claims: Mapping[str, Any]) -> User:
    """The account of the person the verified `claims` describe, in the provider's organisation
    only; created when none matches and the organisation allows it. Logs the sign-in.
    Raises SsoRefused."""
    user = find_account(provider, claims)
    if user is None:
        if not provider.create_accounts:
            raise SsoRefused("no_account", identity=_identity(provider, claims))
        user = _create_account(provider, claims)
    elif not user.active or user.pseudonymised_at is not None:
        raise SsoRefused("account_inactive", user_id=user.id)
    audit.record(
        "auth.sso_login",
        actor=user,
        target=f"user:{user.id}",
        organisation=provider.organisation.slug,
        subject=str(claims.get("sub", "")),
    )
    return user


def find_account(provider: IdentityProvider, claims: Mapping[str, Any]) -> User | None:
    """Matches on the provider's claim, and never outside its organisation: another
    organisation's account with the same address belongs to someone that IdP does not speak for."""
    in_organisation = sa.select(User).where(User.organisation_id == provider.organisation_id)
    if provider.matches_by_email:
        email = _email(claims)
        return db.session.scalar(in_organisation.where(User.email == email))
    employee_number = _claim(claims, provider.match_claim, max_length=64)
    return db.session.scalar(in_organisation.where(User.employee_number == employee_number))


def record_failure(provider: IdentityProvider, reason: str, **detail: Any) -> None:
    audit.record(
        "auth.sso_login_failed",
        target=f"organisation:{provider.organisation.slug}",
        reason=reason,
        **detail,
    )


def language_from_locale(locale: Any) -> str:
    """ "nl", "nl-NL", "en_GB" → nl / en; anything else → Dutch, the default."""
    if isinstance(locale, str):
        primary = re.split(r"[-_]", locale.strip().lower(), maxsplit=1)[0]
        if primary in LANGUAGES:
            return primary
    return "nl"


def _create_account(provider: IdentityProvider, claims: Mapping[str, Any]) -> User:
    email = _email(claims)
    employee_number = (
        None if provider.matches_by_email else _claim(claims, provider.match_claim, max_length=64)
    )
    try:
        user = create_user(
            organisation=provider.organisation,
            email=email,
            name=_display_name(claims, email),
            password=None,  # signs in through the organisation only
            language=language_from_locale(claims.get("locale")),
            employee_number=employee_number,
        )
    except AccountError as error:
        # The address is taken by an account elsewhere (another organisation, or this one under
        # another employee number). Never merge: refuse, and say no more than "no account".
        raise SsoRefused("email_in_use", identity=_identity(provider, claims)) from error
    audit.record(
        "auth.sso_account_created",
        actor=user,
        target=f"user:{user.id}",
        organisation=provider.organisation.slug,
    )
    return user


def _claim(claims: Mapping[str, Any], name: str, *, max_length: int) -> str:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SsoRefused("claim_missing", claim=name)
    text = str(value).strip()
    if not text or len(text) > max_length:
        raise SsoRefused("claim_invalid", claim=name)
    return text


def _email(claims: Mapping[str, Any]) -> str:
    if claims.get("email_verified") is False:  # absent is fine: many IdPs only send verified ones
        raise SsoRefused("email_unverified", claim="email")
    email = _claim(claims, "email", max_length=254)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise SsoRefused("claim_invalid", claim="email") from error
    return User.normalise_email(email)


def _display_name(claims: Mapping[str, Any], email: str) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return (name.strip() or email.split("@")[0])[:200]


def _identity(provider: IdentityProvider, claims: Mapping[str, Any]) -> str:
    """What the person was known as at the IdP, for the admin reading the audit log."""
    value = claims.get(provider.match_claim, claims.get("sub", ""))
    return str(value)[:254]
