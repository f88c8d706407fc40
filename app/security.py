"""Baseline HTTP security: headers on every response, and input no request may carry."""

from flask import Flask, Response, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # The NL Design System CSS draws a few icons as data: SVGs.
        "img-src 'self' data:",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def refuse_nul_bytes() -> None:
    """A NUL byte is never meaningful input, and PostgreSQL refuses it in text: answer 400
    instead of failing deep inside a query."""
    values = [
        request.path,
        *request.args.values(),
        *(value for _, value in request.form.items(multi=True)),
        *(upload.filename or "" for _, upload in request.files.items(multi=True)),
    ]
    if any("\x00" in value for value in values):
        abort(400)


def init_security_headers(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def set_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response


def trust_reverse_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXY_COUNT reverse proxies, takes the client's address and scheme from
    their X-Forwarded-* headers.

    Without this, every request seems to come from the proxy: login throttling per address would
    count the whole organisation as one visitor, and the audit log would record the proxy. Only
    the given number of hops is believed, so a client cannot forge its address by sending the
    header itself.
    """
    hops = app.config["TRUSTED_PROXY_COUNT"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
