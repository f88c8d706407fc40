"""The learner's "Was deze les duidelijk?" form (under every lesson) and the trainer's page
with the answers. The form is posted here, not to the lesson reader, so the reader stays
the learner pages' own."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from app.auth.decorators import roles_required
from app.content.published import lesson_text
from app.extensions import db
from app.learn.progress import reading_state
from app.studio import queries
from app.studio.feedback import feedback_of_module, give_feedback
from app.studio.forms import LessonFeedbackForm
from app.studio.routes import STUDIO_ROLES

bp = Blueprint("feedback", __name__)


@bp.route("/modules/<slug>/<lesson_slug>/duidelijk", methods=["POST"])
@login_required
def give(slug: str, lesson_slug: str) -> BaseResponse:
    form = LessonFeedbackForm()
    if not form.validate_on_submit():
        abort(400)
    state = reading_state(current_user, slug) or abort(404)
    lesson = lesson_text(state.version.id, lesson_slug) or abort(404)
    give_feedback(current_user, lesson.id, form.clear.data == "ja", form.comment.data or "")
    db.session.commit()
    flash(_("Dank je! Je reactie helpt de trainers de les te verbeteren."), "success")
    return redirect(url_for("learn.lesson", slug=slug, lesson_slug=lesson_slug))


@bp.route("/studio/modules/<slug>/reacties")
@roles_required(*STUDIO_ROLES)
def module_feedback(slug: str) -> str:
    versions = queries.module_versions(slug, current_user.organisation_id) or abort(404)
    return render_template(
        "studio/feedback.html",
        slug=slug,
        title=next(iter(versions.values()))[0].title,
        lessons=feedback_of_module(slug, current_user.organisation_id),
    )
