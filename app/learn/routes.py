"""The learner's pages: catalogue, "Mijn leren", module and lesson reader, "Mijn gegevens"."""

import base64
import json
import mimetypes

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.content.catalogue import (
    current_versions,
    lesson_neighbours,
    lesson_titles,
    matches,
    path_order,
    paths_in_order,
    pick_language,
)
from app.content.markdown import glossary_used
from app.content.published import LessonText, PublishedVersion, lesson_text
from app.extensions import db
from app.i18n import audience_label, current_language
from app.learn import personal_data
from app.learn.next_steps import next_steps
from app.learn.progress import (
    LearnerOverview,
    find_progress,
    mark_read,
    reading_state,
)
from app.models import Module, ModuleProgress, ModuleVersion

bp = Blueprint("learn", __name__)
ASSET_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
bp.add_app_template_global(glossary_used)


@bp.route("/modules")
def catalogue() -> str:
    """Every module, in the order of the paths (the learner's own first), with the learner's
    status on each; `?q=` keeps those whose text holds every word searched for."""
    language = current_language()
    query = request.args.get("q", "").strip()[:200]
    signed_in = current_user.is_authenticated
    # Signed out, the shared course only; signed in, the organisation's own modules too.
    versions = current_versions(current_user.organisation_id if signed_in else None)
    overview = LearnerOverview(current_user._get_current_object()) if signed_in else None
    order = path_order(list(versions), paths_in_order(current_user.id if signed_in else None))
    modules = []
    for slug in order:
        version = pick_language(versions[slug], language)
        labels = [audience_label(a) for a in version.audience]
        if query and not matches(version, query, labels):
            continue
        status = overview.module_state(slug).status if overview else None
        modules.append((version, status))
    return render_template("learn/catalogue.html", modules=modules, language=language, query=query)


@bp.route("/mijn-leren")
@login_required
def my_learning() -> str:
    # The user itself, not the context-local proxy: the overview asks for it once per module.
    learner = current_user._get_current_object()
    overview = LearnerOverview(learner)
    paths = overview.paths()
    assigned = {slug for state in paths for slug in state.path.module_slugs}
    others = [
        overview.module_state(slug)
        for slug, p in overview.versions.items()
        if slug not in assigned
        and pick_language(p, learner.language).module_id in overview.progress
    ]
    return render_template(
        "learn/my_learning.html",
        paths=paths,
        others=others,
        certificates=overview.certificates,
    )


def _reading(slug: str) -> tuple[PublishedVersion, ModuleProgress]:
    """The version this learner reads (the one they started, else the current one) and their
    progress on it, for pages that change or show more of it; 404 when there is no such module."""
    state = reading_state(current_user, slug) or abort(404)
    return state.version, find_progress(current_user.id, state.version.module_id)


def _lesson_of(version: PublishedVersion, lesson_slug: str) -> LessonText:
    lesson = lesson_text(version.id, lesson_slug)
    if lesson is None:
        abort(404)
    return lesson


@bp.route("/modules/<slug>")
@login_required
def module(slug: str) -> str:
    version, progress = _reading(slug)
    db.session.commit()
    read = {r.lesson_id for r in progress.lessons_read}
    steps = None
    if progress.completed_at is not None:
        steps = next_steps(current_user, version.module_id, slug)
    return render_template(
        "learn/module.html",
        version=version,
        progress=progress,
        lessons=version.lessons,
        read=read,
        steps=steps,
    )


@bp.route("/modules/<slug>/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str) -> str:
    state = reading_state(current_user, slug) or abort(404)
    version = state.version
    lesson = _lesson_of(version, lesson_slug)
    # Reading writes nothing but the progress row on a first visit (committed here): the place
    # to resume moves when a lesson is marked read. A GET stays safe to repeat and cheap.
    db.session.commit()
    toc = lesson_titles(version.id)
    previous, following = lesson_neighbours(toc, lesson.position)
    return render_template(
        "learn/lesson.html",
        version=version,
        lesson=lesson,
        toc=toc,
        previous=previous,
        next=following,
        is_read=lesson.id in state.lessons_read,
    )


@bp.route("/modules/<slug>/<lesson_slug>/gelezen", methods=["POST"])
@login_required
def mark_lesson_read(slug: str, lesson_slug: str) -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    version, progress = _reading(slug)
    lesson = _lesson_of(version, lesson_slug)
    mark_read(current_user, progress, version, lesson)
    db.session.commit()
    _, following = lesson_neighbours(lesson_titles(version.id), lesson.position)
    if following:
        return redirect(url_for("learn.lesson", slug=slug, lesson_slug=following[1]))
    return redirect(url_for("learn.module", slug=slug, _anchor="afronden"))


@bp.route("/mijn-gegevens")
@login_required
def my_data() -> str:
    return render_template("learn/my_data.html", data=personal_data.collect(current_user))


@bp.route("/mijn-gegevens.json")
@login_required
def my_data_json() -> Response:
    """All data we hold about the signed-in person (GDPR art. 15, right of access)."""
    body = json.dumps(
        personal_data.collect(current_user), ensure_ascii=False, indent=2, default=str
    )
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mijn-gegevens.json"'},
    )


@bp.route("/bestanden/<content_hash>/<name>")
@login_required
def asset(content_hash: str, name: str) -> Response:
    assets = db.session.scalar(
        sa.select(ModuleVersion.assets)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(
            ModuleVersion.content_hash == content_hash,
            Module.visible_to(current_user.organisation_id),
        )
        .limit(1)
    )
    if not assets or name not in assets:
        abort(404)
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    # Published versions never change, so their assets can be cached for a long time. An SVG
    # is a document that could hold script or fetch from elsewhere: opened on its own it runs
    # sandboxed with nothing allowed but its own styles (inside <img> browsers run none anyway).
    return Response(
        base64.b64decode(assets[name]),
        mimetype=mimetype,
        headers={
            "Cache-Control": "private, max-age=31536000, immutable",
            "Content-Security-Policy": ASSET_POLICY,
            "Content-Disposition": "inline",
        },
    )
