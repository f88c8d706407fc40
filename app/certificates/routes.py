"""Certificate downloads for their holders and HR, and public verification by code."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask_login import current_user, login_required

from app.auth.decorators import can_see_person, visible_certificate_or_404
from app.certificates import issuing
from app.certificates.pdf import certificate_pdf, transcript_pdf
from app.extensions import db, limiter
from app.i18n import current_language
from app.interop import badges
from app.models import Certificate, Organisation, User

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
    certificate = visible_certificate_or_404(certificate_id)
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


# -- Open Badges 3.0 (app/interop/badges.py): the badge download and the public documents that
# let a receiving system check one. They reveal nothing about anyone: no badge holder is named.


@bp.route("/certificaten/<int:certificate_id>/badge.jwt")
@login_required
def download_badge(certificate_id: int) -> Response:
    certificate = visible_certificate_or_404(certificate_id)
    return Response(
        badges.signed_badge(certificate),
        mimetype=badges.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="badge-{certificate.serial}.jwt"'},
    )


def _public(document: dict | str | None, mimetype: str = "application/json") -> Response:
    if document is None:
        abort(404)
    response = (
        jsonify(document) if isinstance(document, dict) else Response(document, mimetype=mimetype)
    )
    # Receiving systems may check a badge from a browser page of their own.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/badges/achievements/<any(modules, paths):kind>/<slug>")
def achievement(kind: str, slug: str) -> Response:
    return _public(badges.achievement_document(kind.removesuffix("s"), slug, _pdf_language()))


def _organisation(slug: str) -> Organisation:
    return db.first_or_404(sa.select(Organisation).where(Organisation.slug == slug))


@bp.route("/badges/issuers/<slug>")
def issuer(slug: str) -> Response:
    return _public(badges.issuer_profile(_organisation(slug)))


@bp.route("/badges/issuers/<slug>/status/<int:number>")
def status_list(slug: str, number: int) -> Response:
    return _public(badges.status_list_credential(_organisation(slug), number), badges.MEDIA_TYPE)


@bp.route("/badges/jwks.json")
def jwks() -> Response:
    return _public(badges.jwks())


@bp.route("/badges/keys/<kid>")
def badge_key(kid: str) -> Response:
    return _public(badges.public_key(kid))


#: A badge is a few kilobytes; anything far bigger is not one.
MAX_BADGE_BYTES = 64 * 1024


@bp.route("/verify", methods=["POST"])
@limiter.limit(_verify_limit)
def verify_badge() -> str:
    upload = request.files.get("file")
    token = upload.read(MAX_BADGE_BYTES).decode(errors="replace") if upload else ""
    token = token.strip() or request.form.get("badge", "")[:MAX_BADGE_BYTES].strip()
    check = badges.verify_badge(token) if token else None
    return render_template("certificates/verify.html", data=None, code="", badge=check)
