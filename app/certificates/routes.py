"""Certificate downloads for their holders and HR, and public verification by code."""

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required

from app.auth.decorators import can_see_person
from app.certificates import issuing
from app.certificates.pdf import certificate_pdf, transcript_pdf
from app.extensions import db, limiter
from app.i18n import current_language
from app.models import Certificate, User

bp = Blueprint("certificates", __name__)


def _pdf_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/certificaten/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int) -> Response:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not can_see_person(current_user, certificate.user):
        abort(404)
    language = _pdf_language()
    data = certificate_pdf(
        certificate,
        certificate.user.organisation.name,
        current_app.config["PUBLIC_BASE_URL"],
        language,
    )
    name = "certificate" if language == "en" else "certificaat"
    return _pdf_response(data, f"{name}-{certificate.serial}.pdf")


def _pdf_language() -> str:
    """The language asked for with ?lang=nl or ?lang=en (one certificate, either language),
    else the page's."""
    asked = request.args.get("lang", "")
    return asked if asked in current_app.config["LANGUAGES"] else current_language()


@bp.route("/mensen/<int:user_id>/overzicht.pdf")
@login_required
def transcript(user_id: int) -> Response:
    person = db.session.get(User, user_id)
    if person is None or not can_see_person(current_user, person):
        abort(404)
    data = transcript_pdf(
        person,
        issuing.for_user(person.id),
        current_app.config["PUBLIC_BASE_URL"],
        _pdf_language(),
    )
    return _pdf_response(data, f"scholingsoverzicht-{person.id}.pdf")


def _verification(code: str) -> tuple[dict, Certificate | None]:
    certificate = issuing.find_by_code(code)
    state = issuing.validity(certificate)
    if certificate is None:
        return {"status": state.value}, None
    # Only what a verifier needs: who, what and when; nothing more about the person.
    return {
        "status": state.value,
        "holder": certificate.user.name,
        "title": certificate.title,
        "version": certificate.version,
        "serial": certificate.serial,
        "issued_on": certificate.issued_at.date().isoformat(),
        "expires_on": certificate.expires_on.isoformat() if certificate.expires_on else None,
        "revoked_on": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
        "revoked_reason": certificate.revoked_reason,
        "organisation": certificate.user.organisation.name,
    }, certificate


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.route("/verify/<code>")
@limiter.limit(_verify_limit)
def verify(code: str) -> Response | str:
    if code.endswith(".json"):
        data, _ = _verification(code.removesuffix(".json"))
        return Response(
            current_app.json.dumps(data),
            mimetype="application/json",
            status=200 if data["status"] != "unknown" else 404,
        )
    data, _ = _verification(code)
    status = 200 if data["status"] != "unknown" else 404
    return render_template("certificates/verify.html", data=data, code=code), status


@bp.route("/verify", methods=["GET"])
@limiter.limit(_verify_limit)
def verify_form() -> str:
    code = request.args.get("code", "").strip()
    data = _verification(code)[0] if code else None
    return render_template("certificates/verify.html", data=data, code=code)
