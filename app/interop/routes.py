"""Other learning systems in the interface: a module as a SCORM 1.2 package (trainers) and the
organisation's learning record store for xAPI (admins).

The Open Badges documents live with the certificates (app/certificates/routes.py).
"""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import roles_required
from app.core import audit
from app.extensions import db
from app.interop import scorm, xapi
from app.interop.forms import LrsForm
from app.models import Organisation, Role

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


@bp.route("/admin/leerregistratie", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def learning_record_store() -> str | Response:
    """The admin's own organisation's LRS: where completions and quiz results go (xAPI)."""
    organisation = db.session.get(Organisation, current_user.organisation_id)
    connection = xapi.connection_of(organisation.id)
    form = LrsForm(obj=connection)
    if form.validate_on_submit():
        if connection is None and not form.password.data:
            form.password.errors.append(_("Vul het wachtwoord in."))
        else:
            xapi.configure(
                organisation,
                endpoint=form.endpoint.data.strip(),
                username=form.username.data.strip(),
                password=form.password.data or None,
                home_page=form.home_page.data.strip(),
                active=form.active.data,
                actor=current_user,
            )
            db.session.commit()
            flash(_("De koppeling is opgeslagen."), "success")
            return redirect(url_for("interop.learning_record_store"))
    return render_template(
        "interop/lrs.html",
        form=form,
        connection=connection,
        pending=xapi.pending_count(organisation.id),
        last_error=xapi.last_error(organisation.id),
    ), 400 if form.errors else 200
