"""The OpenID Connect authorization-code flow with one organisation's identity provider, through
Authlib's Flask client. `start` redirects to the provider; `finish` returns the claims of an ID
token whose state, nonce, RS256 signature (against the provider's JWKS), issuer, audience and
expiry were all checked, or raises OidcError."""

import os
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import request
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from app.models import IdentityProvider

#: The only ID-token signature algorithm we accept, whatever the provider advertises.
SIGNING_ALGORITHM = "RS256"
#: Seconds to wait for the provider; a sign-in page must not hang on a dead IdP.
PROVIDER_TIMEOUT = 10


class OidcError(Exception):
    """The flow failed. `reason` is a short code for the audit log and the message."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class ProviderClient(FlaskOAuth2App):
    """Authlib's Flask client, held to the issuer configured here and to RS256.

    Made anew per request rather than kept in a registry: settings changed with `flask sso add`
    apply at once on every app server, and no worker keeps keys another has dropped."""

    def __init__(self, provider: IdentityProvider, client_secret: str) -> None:
        name = f"sso_{provider.id}"
        super().__init__(
            FlaskIntegration(name),
            name,
            client_id=provider.client_id,
            client_secret=client_secret,
            server_metadata_url=provider.discovery_url,
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "default_timeout": PROVIDER_TIMEOUT,
            },
        )
        self.expected_issuer = provider.issuer

    def load_server_metadata(self) -> dict[str, Any]:
        metadata = super().load_server_metadata()
        # Discovery must describe the issuer we were configured with (OpenID Connect Discovery
        # §4.3), or a hijacked document could point us at someone else's keys.
        if str(metadata.get("issuer") or "").rstrip("/") != self.expected_issuer:
            raise OidcError("issuer_mismatch", str(metadata.get("issuer")))
        metadata["id_token_signing_alg_values_supported"] = [SIGNING_ALGORITHM]
        return metadata


def client_for(provider: IdentityProvider) -> ProviderClient:
    secret = os.environ.get(provider.client_secret_env, "")
    if not secret:
        raise OidcError("secret_missing", provider.client_secret_env)
    return ProviderClient(provider, secret)


def id_token_rules(provider: IdentityProvider) -> dict[str, dict[str, Any]]:
    """Claims the ID token must carry. Authlib checks "aud" only when told to; the nonce's
    value is checked against the one kept in the session."""
    return {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "nonce": {"essential": True},
    }


def start(provider: IdentityProvider, redirect_uri: str) -> Response:
    """A redirect to the provider. Authlib keeps state, nonce and PKCE verifier in the session."""
    try:
        return client_for(provider).authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError, RuntimeError) as error:
        raise OidcError("provider_unreachable", type(error).__name__) from error


def finish(provider: IdentityProvider) -> dict[str, Any]:
    """The verified ID-token claims of the callback in the current request. Raises OidcError."""
    if request.args.get("error"):
        raise OidcError("provider_refused", request.args.get("error", "")[:100])
    client = client_for(provider)
    try:
        token = client.authorize_access_token(claims_options=id_token_rules(provider))
    except MismatchingStateError as error:
        raise OidcError("bad_state") from error
    except JoseError as error:  # signature, nonce, issuer, audience, expiry
        raise OidcError("id_token_invalid", f"{type(error).__name__}: {error}"[:200]) from error
    except AuthlibBaseError as error:  # the token endpoint said no (e.g. a code used twice)
        raise OidcError("token_refused", str(error)[:200]) from error
    except (requests.RequestException, ValueError, RuntimeError) as error:
        raise OidcError("provider_unreachable", type(error).__name__) from error
    if "userinfo" not in token:  # no ID token: nothing says who this is
        raise OidcError("id_token_missing")
    return dict(token["userinfo"])
