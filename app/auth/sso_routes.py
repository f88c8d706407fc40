"""Signing in with the organisation's own identity provider (OpenID Connect), on the auth
blueprint: /login/sso/<org> sends the person there, /login/sso/<org>/callback brings them back."""

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth import oidc, sso
from app.auth.routes import _failed, bp, safe_next_url
from app.auth.session import begin_session
from app.extensions import db, limiter
from app.models import IdentityProvider

#: Where to go after signing in, kept across the trip to the provider.
NEXT_KEY = "sso_next"

#: reason → HTTP status of the failure page.
FAILURE_STATUS = {
    "provider_unreachable": 502,
    "issuer_mismatch": 502,
    "secret_missing": 503,
    "no_account": 403,
    "email_in_use": 403,
    "account_inactive": 403,
    "claim_missing": 403,
    "claim_invalid": 403,
    "email_unverified": 403,
}


@bp.app_template_global("sso_providers")
def sso_providers() -> list[IdentityProvider]:
    """For the login page's "Inloggen met …" buttons."""
    return sso.enabled_providers()


def callback_url(org_slug: str) -> str:
    """The redirect URI to register at the provider: fixed by PUBLIC_BASE_URL, not by whatever
    Host header a request came in with."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("auth.sso_callback", org_slug=org_slug)


def _provider_or_404(org_slug: str) -> IdentityProvider:
    provider = sso.enabled_provider(org_slug)
    if provider is None:
        abort(404)
    return provider


@bp.route("/login/sso/<org_slug>")
def sso_login(org_slug: str) -> Response | tuple[str, int]:
    provider = _provider_or_404(org_slug)
    if current_user.is_authenticated:
        return redirect(url_for("learn.my_learning"))
    next_url = safe_next_url(request.args.get("next"))
    if next_url:
        session[NEXT_KEY] = next_url
    try:
        return oidc.start(provider, callback_url(org_slug))
    except oidc.OidcError as error:
        return _refuse(provider, error.reason, detail=error.detail)


@bp.route("/login/sso/<org_slug>/callback")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"], deduct_when=_failed)
def sso_callback(org_slug: str) -> Response | tuple[str, int]:
    # Not short-cut for someone signed in: a replayed or forged callback must fail visibly.
    provider = _provider_or_404(org_slug)
    try:
        claims = oidc.finish(provider)
        user = sso.sign_in(provider, claims)
    except oidc.OidcError as error:
        return _refuse(provider, error.reason, detail=error.detail)
    except sso.SsoRefused as error:
        return _refuse(provider, error.reason, **error.detail)
    next_url = session.get(NEXT_KEY)
    begin_session(user)
    db.session.commit()
    return redirect(safe_next_url(next_url) or url_for("learn.my_learning"))


def _refuse(provider: IdentityProvider, reason: str, **detail: object) -> tuple[str, int]:
    db.session.rollback()
    sso.record_failure(provider, reason, **detail)
    db.session.commit()
    if reason in ("provider_unreachable", "issuer_mismatch", "secret_missing"):
        current_app.logger.error("single sign-on with %s failed: %s %s", provider, reason, detail)
    status = FAILURE_STATUS.get(reason, 400)
    return render_template(
        "auth/sso_failed.html", provider=provider, message=_failure_message(reason, provider)
    ), status


def _failure_message(reason: str, provider: IdentityProvider) -> str:
    name = provider.name
    if reason in ("provider_unreachable", "issuer_mismatch"):
        return _(
            "De inlogdienst van %(name)s is nu niet bereikbaar. Probeer het later opnieuw, of "
            "log in met je e-mailadres en wachtwoord als je die hebt.",
            name=name,
        )
    if reason == "secret_missing":
        return _(
            "Inloggen met %(name)s is niet goed ingesteld. Meld dit aan de beheerder van "
            "deze website.",
            name=name,
        )
    if reason == "provider_refused":
        return _("Het inloggen bij %(name)s is afgebroken of geweigerd.", name=name)
    if reason in ("no_account", "email_in_use"):
        return _(
            "Er is geen account voor je gevonden bij %(name)s. Vraag je beheerder of de "
            "afdeling HR om een account.",
            name=name,
        )
    if reason == "account_inactive":
        return _(
            "Je account is niet meer actief. Neem contact op met je beheerder als dit niet klopt."
        )
    if reason in ("claim_missing", "claim_invalid", "email_unverified"):
        return _(
            "%(name)s gaf niet genoeg gegevens door om je te herkennen. Meld dit aan je beheerder.",
            name=name,
        )
    # bad_state, id_token_invalid, id_token_missing, token_refused: old, replayed or forged.
    return _(
        "Het inloggen met %(name)s is niet gelukt: de gegevens klopten niet of waren "
        "verlopen. Begin opnieuw.",
        name=name,
    )
