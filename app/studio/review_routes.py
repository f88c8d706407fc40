"""The studio's four-eyes pages: send a draft for review, read what changed, approve (which
publishes) or send back; and what changed between any two published versions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import undefer
from werkzeug.wrappers import Response as BaseResponse

from app.auth.decorators import roles_required
from app.extensions import db
from app.models import Module, ModuleVersion
from app.studio import diff, drafts, review
from app.studio.draft_files import draft_files
from app.studio.draft_routes import own_draft
from app.studio.forms import ReviewForm, SubmitForm
from app.studio.routes import STUDIO_ROLES, bp

REFUSALS = {
    "own-draft": _l(
        "Je kunt je eigen werk niet goedkeuren: vraag een andere trainer van je organisatie."
    ),
    "not-in-review": _l("Deze module wacht niet op beoordeling."),
    "has-problems": _l("De module heeft nog problemen: los ze eerst op."),
}


@bp.route("/concepten/<int:draft_id>/insturen", methods=["GET", "POST"])
@roles_required(*STUDIO_ROLES)
def submit_draft(draft_id: int) -> str | BaseResponse | tuple[str, int]:
    draft = own_draft(draft_id)
    form = SubmitForm() if request.method == "POST" else SubmitForm(revision=draft.revision)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("studio/submit.html", draft=draft, form=form), status
    try:
        review.submit(
            draft,
            current_user,
            int(form.revision.data),
            review.Bump(form.bump.data),
            form.change_note.data,
        )
    except review.ReviewRefused as refused:
        flash(str(REFUSALS[str(refused)]), "error")
        return redirect(url_for("studio.edit_draft", draft_id=draft.id))
    except (drafts.DraftConflict, drafts.NotEditable):
        flash(_("Iemand anders heeft de module intussen veranderd of ingestuurd."), "error")
        return redirect(url_for("studio.edit_draft", draft_id=draft.id))
    db.session.commit()
    flash(_("Ingestuurd. Een andere trainer van je organisatie kan hem nu beoordelen."), "success")
    return redirect(url_for("studio.index"))


def _published_files(slug: str, language: str, organisation_id: int) -> tuple[str | None, dict]:
    """The newest published version of a module the organisation sees, and its source files."""
    newest = review.newest_published(slug, language)
    if newest is None:
        return None, {}
    version = _version(slug, language, newest, organisation_id)
    return newest, dict(version.source_files) if version else {}


def _version(slug: str, language: str, number: str, organisation_id: int) -> ModuleVersion | None:
    return db.session.scalar(
        sa.select(ModuleVersion)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(
            Module.slug == slug,
            ModuleVersion.language == language,
            ModuleVersion.version == number,
            Module.visible_to(organisation_id),
        )
        .options(undefer(ModuleVersion.source_files))
    )


@bp.route("/concepten/<int:draft_id>/beoordelen")
@roles_required(*STUDIO_ROLES)
def review_draft(draft_id: int) -> str:
    """What changed since the published version, in words, and the approve / send back forms."""
    draft = own_draft(draft_id)
    newest, old_files = _published_files(draft.slug, draft.language, draft.organisation_id)
    new_files = {
        path: data.decode() for path, data in draft_files(draft).items() if path.endswith(".md")
    }
    return render_template(
        "studio/review.html",
        draft=draft,
        newest=newest,
        next_version=review.next_version(newest, review.Bump(draft.bump or "minor")),
        changes=diff.compare(old_files, new_files),
        form=ReviewForm(formdata=None, revision=draft.revision),
        may_review=review.may_review(draft, current_user),
    )


@bp.route("/concepten/<int:draft_id>/besluit", methods=["POST"])
@roles_required(*STUDIO_ROLES)
def decide(draft_id: int) -> BaseResponse:
    """Approve (publishes) or send back, by the button pressed."""
    draft = own_draft(draft_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    approving = request.form.get("decision") == "approve"
    try:
        if approving:
            version = review.approve(
                draft, current_user, int(form.revision.data), form.comment.data or ""
            )
        else:
            review.send_back(draft, current_user, int(form.revision.data), form.comment.data or "")
    except review.ReviewRefused as refused:
        db.session.rollback()
        flash(str(REFUSALS[str(refused)]), "error")
        return redirect(url_for("studio.review_draft", draft_id=draft.id))
    except drafts.DraftConflict:
        db.session.rollback()
        flash(_("De module is intussen veranderd: bekijk de verschillen opnieuw."), "error")
        return redirect(url_for("studio.review_draft", draft_id=draft.id))
    db.session.commit()
    if approving:
        flash(
            _("Goedgekeurd en gepubliceerd als versie %(version)s.", version=version.version),
            "success",
        )
    else:
        flash(_("Teruggestuurd naar de schrijver, met je opmerkingen."), "success")
    return redirect(url_for("studio.index"))


@bp.route("/modules/<slug>/<lang>/verschil")
@roles_required(*STUDIO_ROLES)
def version_diff(slug: str, lang: str) -> str:
    """What changed between two published versions (?van=1.0.0&naar=1.1.0)."""
    older = _version(slug, lang, request.args.get("van", ""), current_user.organisation_id)
    newer = _version(slug, lang, request.args.get("naar", ""), current_user.organisation_id)
    if older is None or newer is None:
        abort(404)
    return render_template(
        "studio/version_diff.html",
        slug=slug,
        older=older,
        newer=newer,
        changes=diff.compare(older.source_files, newer.source_files),
    )
