"""The trainer's studio: modules and their figures, lesson previews, a preview of new text with
its problems, and quiz item statistics. Writing and reviewing are in draft_routes and
review_routes, on the same blueprint.

A trainer or admin sees the shared course and their own organisation's modules and drafts only.
"""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.decorators import roles_required
from app.content.catalogue import lesson_neighbours, lesson_titles
from app.content.messages import localised
from app.content.preview import preview_text
from app.i18n import current_language
from app.models import ModuleVersion, Role
from app.studio import queries
from app.studio.forms import LANGUAGE_LABELS, PreviewForm
from app.studio.item_analysis import MIN_ATTEMPTS, TOO_EASY_ABOVE, TOO_HARD_BELOW
from app.studio.item_statistics import REVIEW_BELOW_PERCENT, version_statistics
from app.studio.paths import own_paths

bp = Blueprint("studio", __name__, url_prefix="/studio")
STUDIO_ROLES = (Role.TRAINER, Role.ADMIN)
QUESTION_TYPE_LABELS = {
    "single": _l("één antwoord"),
    "multiple": _l("meer antwoorden"),
    "true-false": _l("waar of niet waar"),
    "order": _l("volgorde"),
    "match": _l("koppelen"),
}


@bp.route("")
@roles_required(*STUDIO_ROLES)
def index() -> str:
    return render_template(
        "studio/index.html",
        modules=queries.module_overview(current_user.organisation_id),
        drafts=queries.drafts_of(current_user.organisation_id),
        paths=own_paths(current_user.organisation_id),
        language=current_language(),
    )


@bp.route("/modules/<slug>")
@roles_required(*STUDIO_ROLES)
def module(slug: str) -> str:
    versions = queries.module_versions(slug, current_user.organisation_id) or abort(404)
    shown = versions.get(current_language()) or next(iter(versions.values()))
    return render_template(
        "studio/module.html",
        slug=slug,
        shared=queries.is_shared(slug),
        drafts=[d for d in queries.drafts_of(current_user.organisation_id) if d.slug == slug],
        versions=versions,
        heading=next((v for v in shown if v.is_current), shown[0]),
        language_labels=LANGUAGE_LABELS,
    )


@bp.route("/modules/<slug>/<lang>/lessons/<int:position>")
@roles_required(*STUDIO_ROLES)
def lesson_preview(slug: str, lang: str, position: int) -> str:
    """A published lesson as the learner sees it; ?versie=1.0.0 shows an older version."""
    version = queries.published_version(
        slug, lang, request.args.get("versie"), current_user.organisation_id
    )
    lesson = queries.lesson_at(version, position) if version else None
    if lesson is None:
        abort(404)
    toc = lesson_titles(version.id)
    previous, following = lesson_neighbours(toc, position)
    return render_template(
        "studio/lesson_preview.html",
        slug=slug,
        version=version,
        lesson=lesson,
        toc=toc,
        previous=previous,
        next=following,
        version_arg=None if version.is_current else version.version,
    )


@bp.route("/voorbeeld", methods=["GET", "POST"])
@roles_required(*STUDIO_ROLES)
def preview() -> tuple[str, int] | str:
    """The "Voorbeeld van nieuwe tekst" form: checks and renders pasted Markdown; saves nothing."""
    form = PreviewForm()
    form.set_modules(queries.module_choices(current_language(), current_user.organisation_id))
    if request.method == "GET":
        form.language.data = current_language()
    if not form.validate_on_submit():
        return render_template("studio/preview.html", form=form, result=None), (
            400 if request.method == "POST" else 200
        )
    context = queries.preview_context(
        form.language.data, form.module.data or None, current_user.organisation_id
    )
    if context is None:
        form.module.errors.append(
            _(
                "Deze module heeft geen gepubliceerde versie in het %(language)s.",
                language=LANGUAGE_LABELS[form.language.data],
            )
        )
        return render_template("studio/preview.html", form=form, result=None), 400
    result = preview_text(form.text.data, context)
    result.problems = [localised(problem, current_language()) for problem in result.problems]
    return render_template("studio/preview.html", form=form, result=result)


@bp.route("/modules/<slug>/statistieken")
@roles_required(*STUDIO_ROLES)
def statistics(slug: str) -> str:
    """Quiz item statistics of the current version in each language."""
    versions = [
        version
        for language in LANGUAGE_LABELS
        if (
            version := queries.published_version(slug, language, None, current_user.organisation_id)
        )
        is not None
    ]
    if not versions:
        abort(404)
    return render_template(
        "studio/statistics.html",
        slug=slug,
        sections=[(version, _statistics_of(version)) for version in versions],
        language_labels=LANGUAGE_LABELS,
        question_types=QUESTION_TYPE_LABELS,
        review_below=REVIEW_BELOW_PERCENT,
        min_attempts=MIN_ATTEMPTS,
        too_easy_above=TOO_EASY_ABOVE,
        too_hard_below=TOO_HARD_BELOW,
    )


def _statistics_of(version: ModuleVersion):
    return version_statistics(version, current_user.organisation_id) if version.has_quiz else None
