"""Error pages in the reader's language; the 500 handler leaves the database session clean."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.i18n import N_

ERROR_TEXTS = {
    400: (
        N_("Ongeldig verzoek"),
        N_("Het formulier of de link klopt niet. Ga terug en probeer het opnieuw."),
    ),
    401: (N_("Niet ingelogd"), N_("Log in om deze pagina te zien.")),
    403: (N_("Geen toegang"), N_("U hebt geen toegang tot deze pagina.")),
    404: (N_("Pagina niet gevonden"), N_("Deze pagina bestaat niet (meer). Controleer het adres.")),
    405: (N_("Niet toegestaan"), N_("Deze actie kan niet op deze manier.")),
    413: (N_("Bestand te groot"), N_("Het bestand is groter dan toegestaan.")),
    429: (
        N_("Te veel verzoeken"),
        N_("U hebt het te vaak geprobeerd. Wacht even en probeer het opnieuw."),
    ),
    500: (N_("Er ging iets mis"), N_("Er ging bij ons iets mis. Probeer het later opnieuw.")),
    503: (
        N_("Tijdelijk niet beschikbaar"),
        N_("De dienst is even niet beschikbaar. Probeer het later."),
    ),
}


def render_error(status: int):
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        return {"status": "error", "code": status, "message": _(title)}, status
    return render_template("errors/error.html", status=status, title=_(title), text=_(text)), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(500)
    def server_error(error: Exception):
        db.session.rollback()
        return render_error(500)
