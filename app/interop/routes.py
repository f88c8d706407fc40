"""Downloads for other learning systems: a module as a SCORM 1.2 package (for trainers).

The Open Badges documents live with the certificates (app/certificates/routes.py).
"""

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from app.auth.decorators import roles_required
from app.core import audit
from app.extensions import db
from app.interop import scorm
from app.models import Role

bp = Blueprint("interop", __name__)


@bp.route("/studio/modules/<slug>/scorm.zip")
@roles_required(Role.TRAINER, Role.ADMIN)
def scorm_package(slug: str) -> Response:
    """?lang=nl or en; the published current version of the shared course or of the trainer's
    own organisation's module (another organisation's is a 404, as in the studio)."""
    language = request.args.get("lang", "nl")
    try:
        name, data = scorm.build_package(slug, language, current_user.organisation_id)
    except scorm.NoSuchModule:
        abort(404)
    audit.record(
        "content.export_scorm", actor=current_user, target=f"module:{slug}", language=language
    )
    db.session.commit()
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
