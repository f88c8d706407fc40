"""Error pages in the reader's language; the 500 handler leaves the database session clean, and
a database that does not answer gives a 503 ("try again shortly"), not a 500 stack trace."""

import sqlalchemy as sa
from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.api.errors import API_PREFIX, json_error
from app.extensions import db, login_manager
from app.i18n import N_

NUMERIC_VALUE_OUT_OF_RANGE = "22003"
#: Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30

ERROR_TEXTS = {
    400: (
        N_("Ongeldig verzoek"),
        N_("Het formulier of de link klopt niet. Ga terug en probeer het opnieuw."),
    ),
    401: (N_("Niet ingelogd"), N_("Log in om deze pagina te zien.")),
    403: (N_("Geen toegang"), N_("Je hebt geen toegang tot deze pagina.")),
    404: (N_("Pagina niet gevonden"), N_("Deze pagina bestaat niet (meer). Controleer het adres.")),
    405: (N_("Niet toegestaan"), N_("Deze actie kan niet op deze manier.")),
    413: (N_("Bestand te groot"), N_("Het bestand is groter dan toegestaan.")),
    429: (
        N_("Te veel verzoeken"),
        N_("Je hebt het te vaak geprobeerd. Wacht even en probeer het opnieuw."),
    ),
    500: (N_("Er ging iets mis"), N_("Er ging bij ons iets mis. Probeer het later opnieuw.")),
    503: (
        N_("Tijdelijk niet beschikbaar"),
        N_("De dienst is even niet beschikbaar. Probeer het later."),
    ),
}


def wants_json() -> bool:
    return (
        request.path.endswith(".json")
        or request.blueprint == "api"
        or request.accept_mimetypes.best == "application/json"
    )


def render_error(status: int):
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    if wants_json():
        return {"status": "error", "code": status, "message": _(title)}, status
    return render_template("errors/error.html", status=status, title=_(title), text=_(text)), status


def is_database_outage(error: Exception) -> bool:
    """True when the database could not be reached or dropped the connection: worth a retry.

    A constraint violation or bad data is our bug, not an outage, and stays a 500.
    """
    if isinstance(error, sa.exc.OperationalError | sa.exc.TimeoutError):
        return True
    return isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated


def is_number_out_of_range(error: Exception) -> bool:
    """An id in a URL or query string larger than the database's integers. SQLite's driver will
    not bind it (OverflowError), PostgreSQL will not cast it (SQLSTATE 22003). No row can have
    such an id, so the honest answer is the one for any unknown id: 404."""
    if isinstance(error, OverflowError):
        return "INTEGER" in str(error)
    return (
        isinstance(error, sa.exc.DataError)
        and getattr(error.orig, "sqlstate", None) == NUMERIC_VALUE_OUT_OF_RANGE
    )


def rollback_quietly() -> None:
    """Ends the failed transaction; with the database gone even that may fail, which is fine:
    the pool has already thrown the broken connection away."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        current_app.logger.debug("rollback after a database outage failed", exc_info=True)


def database_unavailable(error: Exception):
    """503 with Retry-After. The page is rendered as for an anonymous visitor: loading the
    signed-in person would need the database that just failed."""
    current_app.logger.warning("database unavailable: %s", error.__class__.__name__, exc_info=True)
    rollback_quietly()
    g._login_user = login_manager.anonymous_user()
    response, status = render_error(503)
    return response, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _headers_of(error: HTTPException) -> list[tuple[str, str]]:
    """What the error itself says besides its body, such as Allow on a 405 (RFC 9110)."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith(API_PREFIX):  # routing failed before the API's own handler
            return json_error(error)
        response, status = render_error(error.code or 500)
        return response, status, _headers_of(error)

    @app.errorhandler(sa.exc.SQLAlchemyError)
    @app.errorhandler(OverflowError)
    def database_error(error: Exception):
        if is_database_outage(error):
            return database_unavailable(error)
        if is_number_out_of_range(error):
            rollback_quietly()
            return render_error(404)
        raise error  # a real bug: the 500 handler below logs it and answers

    @app.errorhandler(500)
    def server_error(error: Exception):
        rollback_quietly()
        return render_error(500)
