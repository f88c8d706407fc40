"""Baseline HTTP security: headers on every response, and input no request may carry."""

from flask import Flask, Response, abort, request

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
