"""Site-wide pages: home, language switch, health check."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.auth.routes import safe_next_url
from app.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def index() -> Response | str:
    """Visitors get the start page (what this is, sign in); people signed in their own page."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.my_learning"))
    return render_template("main/start.html")


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it at this address whatever the page says (favicon.svg is linked too)."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


@bp.route("/logo")
def logo() -> Response:
    """The organisation's logo (LOGO_FILE), for the start page; 404 when none is configured."""
    path = current_app.config["LOGO_FILE"]
    if not path:
        abort(404)
    return send_file(path, max_age=3600)


@bp.route("/language", methods=["POST"])
def set_language() -> Response:
    """Switches the interface language: kept on the account, or in the session when signed out."""
    form = FlaskForm()
    language = request.form.get("language", "")
    if form.validate_on_submit() and language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = language
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))


@bp.route("/livez")
def livez() -> tuple[dict[str, str], int]:
    """The process answers: no database, no session. Also the floor for benchmarks."""
    return {"status": "ok"}, 200


@bp.route("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.route("/theme.css")
def theme_css() -> Response:
    """The organisation's own design tokens, configured as a file so that no code changes."""
    path = current_app.config["THEME_CSS_FILE"]
    if not path:
        abort(404)
    return send_file(path, mimetype="text/css", max_age=3600)
