"""The studio's writing pages: a new module, editing a draft, its lessons and images, ZIP export
and import, and an organisation's own learning path. Every draft belongs to one organisation;
another organisation's draft is a 404."""

from __future__ import annotations

import base64
import mimetypes

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from app.auth.decorators import own_or_404, roles_required
from app.content.messages import translated
from app.extensions import db
from app.i18n import current_language
from app.models import DraftStatus, ModuleDraft
from app.studio import draft_files, drafts, images, paths, queries
from app.studio.draft_files import MODULE_PART, QUIZ_PART, check_draft
from app.studio.forms import (
    AddLessonForm,
    DraftForm,
    ImageForm,
    ImportForm,
    MoveLessonForm,
    NewModuleForm,
    PathForm,
)
from app.studio.review import may_review, visible_slugs
from app.studio.routes import STUDIO_ROLES, bp

IMAGE_REFUSALS = {
    "empty": _l("Het bestand is leeg."),
    "too-big": _l("De afbeelding is groter dan 2 MB: maak hem kleiner."),
    "svg": _l(
        "SVG-afbeeldingen kunnen scripts bevatten en nemen we niet aan: "
        "sla de afbeelding op als PNG."
    ),
    "not-an-image": _l("Dit is geen PNG-, JPEG-, GIF- of WebP-afbeelding."),
}
ZIP_REFUSALS = {
    "too-big": _l("Het ZIP-bestand is te groot (meer dan 20 MB of 200 bestanden)."),
    "not-zip": _l("Dit is geen ZIP-bestand."),
    "not-one-module": _l(
        "Het ZIP-bestand bevat niet precies één module in één taal "
        "(modules/<naam>/<taal>/module.md)."
    ),
    "not-utf8": _l("Een tekstbestand in de ZIP is geen UTF-8-tekst."),
}


def own_draft(draft_id: int) -> ModuleDraft:
    """The draft, if it belongs to the signed-in trainer's organisation; 404 otherwise, so
    nobody learns which drafts other organisations have."""
    return own_or_404(ModuleDraft, draft_id)


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required(*STUDIO_ROLES)
def new_module() -> str | BaseResponse:
    form = NewModuleForm()
    if request.method == "GET":
        form.language.data = current_language()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("studio/new_module.html", form=form), status
    fields = drafts.ModuleFields(
        title=form.title.data.strip(),
        slug=form.slug.data or drafts.slugify(form.title.data),
        language=form.language.data,
        summary=form.summary.data.strip(),
        minutes=form.minutes.data,
        audience=form.audience.data,
        objectives=[line.strip() for line in form.objectives.data.splitlines() if line.strip()],
        sources=form.source_pairs(),
        intro=form.intro.data or "",
        with_quiz=form.with_quiz.data,
    )
    try:
        draft = drafts.create_draft(current_user, fields)
    except drafts.SlugTaken:
        form.slug.errors.append(_("Deze korte naam is al in gebruik: kies een andere."))
        return render_template("studio/new_module.html", form=form), 400
    db.session.commit()
    flash(_("De module is aangemaakt. Voeg nu een les toe."), "success")
    return redirect(url_for("studio.edit_draft", draft_id=draft.id))


@bp.route("/concepten/<int:draft_id>", methods=["GET", "POST"])
@roles_required(*STUDIO_ROLES)
def edit_draft(draft_id: int) -> str | BaseResponse | tuple[str, int]:
    """Saves whatever is written, problems and all, then shows every problem at its line."""
    draft = own_draft(draft_id)
    form = DraftForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            drafts.save_draft(
                draft,
                current_user,
                int(form.revision.data),
                module_text=form.module_text.data,
                lesson_texts=[entry.data for entry in form.lessons],
                quiz_text=form.quiz_text.data,
            )
        except (drafts.DraftConflict, drafts.NotEditable) as error:
            db.session.rollback()
            return _draft_page(draft, form, conflict=error), 409
        db.session.commit()
        flash(_("Opgeslagen."), "success")
        return redirect(url_for("studio.edit_draft", draft_id=draft.id))
    if request.method == "POST":
        abort(400)
    return _draft_page(draft, _filled_form(draft))


def _filled_form(draft: ModuleDraft) -> DraftForm:
    form = DraftForm(formdata=None)
    form.revision.data = str(draft.revision)
    form.module_text.data = draft.module_text
    form.quiz_text.data = draft.quiz_text
    for lesson in draft.lessons:
        form.lessons.append_entry(lesson["text"])
    return form


def _draft_page(draft: ModuleDraft, form: DraftForm, conflict: Exception | None = None) -> str:
    checked = check_draft(draft, visible_slugs(draft.organisation_id))
    language = current_language()
    problems = {
        part: [(line, translated(message, language)) for line, message in sorted(found)]
        for part, found in checked.by_part.items()
    }
    return render_template(
        "studio/draft.html",
        draft=draft,
        form=form,
        problems=problems,
        problem_count=sum(len(found) for found in problems.values()),
        part_ids={MODULE_PART: form.module_text.id, QUIZ_PART: form.quiz_text.id},
        conflict=conflict,
        # Sent for review meanwhile: nothing may change under the reviewer's eyes.
        in_review=isinstance(conflict, drafts.NotEditable),
        editable=draft.status != DraftStatus.IN_REVIEW and conflict is None,
        add_form=AddLessonForm(formdata=None, revision=draft.revision),
        move_form=MoveLessonForm(formdata=None, revision=draft.revision),
        image_form=ImageForm(formdata=None, revision=draft.revision),
        may_review=may_review(draft, current_user),
    )


@bp.route("/concepten/<int:draft_id>/lessen", methods=["POST"])
@roles_required(*STUDIO_ROLES)
def add_lesson(draft_id: int) -> BaseResponse | tuple[str, int]:
    draft = own_draft(draft_id)
    form = AddLessonForm()
    if not form.validate_on_submit():
        flash(_("Geef de les een titel."), "error")
        return redirect(url_for("studio.edit_draft", draft_id=draft.id, _anchor="les-toevoegen"))
    return _change(
        draft,
        lambda: drafts.add_lesson(draft, current_user, int(form.revision.data), form.title.data),
    )


@bp.route("/concepten/<int:draft_id>/volgorde", methods=["POST"])
@roles_required(*STUDIO_ROLES)
def move_lesson(draft_id: int) -> BaseResponse | tuple[str, int]:
    draft = own_draft(draft_id)
    form = MoveLessonForm()
    if not form.validate_on_submit():
        abort(400)
    return _change(
        draft,
        lambda: drafts.move_lesson(
            draft, current_user, int(form.revision.data), form.index.data, form.step.data
        ),
    )


@bp.route("/concepten/<int:draft_id>/afbeeldingen", methods=["POST"])
@roles_required(*STUDIO_ROLES)
def upload_image(draft_id: int) -> BaseResponse | tuple[str, int]:
    draft = own_draft(draft_id)
    form = ImageForm()
    if not form.validate_on_submit() or not form.image.data:
        flash(_("Kies een afbeelding."), "error")
        return redirect(url_for("studio.edit_draft", draft_id=draft.id, _anchor="afbeeldingen"))
    upload = form.image.data
    try:
        name = drafts.add_image(
            draft, current_user, int(form.revision.data), upload.filename or "", upload.read()
        )
    except images.ImageRefused as refused:
        db.session.rollback()
        flash(str(IMAGE_REFUSALS[str(refused)]), "error")
        return redirect(url_for("studio.edit_draft", draft_id=draft.id, _anchor="afbeeldingen"))
    except (drafts.DraftConflict, drafts.NotEditable) as error:
        db.session.rollback()
        return _draft_page(draft, _filled_form(draft), conflict=error), 409
    db.session.commit()
    flash(
        _(
            "Afbeelding opgeslagen als %(name)s. Zet in een les: "
            "![wat de afbeelding laat zien](%(name)s)",
            name=name,
        ),
        "success",
    )
    return redirect(url_for("studio.edit_draft", draft_id=draft.id, _anchor="afbeeldingen"))


def _change(draft: ModuleDraft, change) -> BaseResponse | tuple[str, int]:
    """Runs a change to the draft; a conflict shows the page with its message instead."""
    try:
        change()
    except (drafts.DraftConflict, drafts.NotEditable) as error:
        db.session.rollback()
        return _draft_page(draft, _filled_form(draft), conflict=error), 409
    db.session.commit()
    return redirect(url_for("studio.edit_draft", draft_id=draft.id))


@bp.route("/concepten/<int:draft_id>/export.zip")
@roles_required(*STUDIO_ROLES)
def export_draft(draft_id: int) -> Response:
    """The draft as files in the repository format: unpacked, `flask content validate` takes it."""
    draft = own_draft(draft_id)
    return Response(
        draft_files.draft_zip(draft),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{draft.slug}.{draft.language}.zip"'
        },
    )


@bp.route("/importeren", methods=["GET", "POST"])
@roles_required(*STUDIO_ROLES)
def import_module() -> str | BaseResponse | tuple[str, int]:
    form = ImportForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("studio/import.html", form=form), status
    try:
        imported = draft_files.read_zip(form.archive.data.read())
        draft = drafts.import_draft(current_user, imported)
    except draft_files.ZipImportError as error:
        form.archive.errors.append(str(ZIP_REFUSALS[str(error)]))
    except images.ImageRefused as refused:
        form.archive.errors.append(str(IMAGE_REFUSALS[str(refused)]))
    except drafts.SlugTaken:
        form.archive.errors.append(
            _("Er is al een module met deze korte naam en taal: importeren kan niet.")
        )
    if form.archive.errors:
        db.session.rollback()
        return render_template("studio/import.html", form=form), 400
    db.session.commit()
    flash(_("De module is geïmporteerd als concept."), "success")
    return redirect(url_for("studio.edit_draft", draft_id=draft.id))


@bp.route("/leerroutes/nieuw", methods=["GET", "POST"])
@roles_required(*STUDIO_ROLES)
def new_path() -> str | BaseResponse | tuple[str, int]:
    """An organisation's own learning path, from shared and own modules; HR assigns it."""
    form = PathForm()
    form.modules.choices = [
        SelectChoice(slug, title)
        for slug, title in queries.module_choices(current_language(), current_user.organisation_id)
    ]
    if request.method == "GET":
        form.language.data = current_language()
    if form.validate_on_submit():
        fields = paths.PathFields(
            slug=drafts.slugify(form.title.data),
            title=form.title.data.strip(),
            language=form.language.data,
            description=form.description.data or "",
            module_slugs=form.modules.data,
            deadline_days=form.deadline_days.data,
            validity_months=form.validity_months.data,
        )
        try:
            paths.create_path(current_user, fields)
        except paths.PathRefused:
            form.title.errors.append(_("Er is al een leerroute met deze naam: kies een andere."))
        else:
            db.session.commit()
            flash(_("De leerroute is gemaakt. HR kan hem nu toewijzen."), "success")
            return redirect(url_for("studio.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("studio/new_path.html", form=form), status


@bp.route("/concepten/<int:draft_id>/voorbeeld/<int:position>")
@roles_required(*STUDIO_ROLES)
def draft_preview(draft_id: int, position: int) -> str:
    """A lesson of the draft rendered as the learner will see it, before it is published."""
    draft = own_draft(draft_id)
    checked = check_draft(draft, visible_slugs(draft.organisation_id))
    lessons = checked.parsed.lessons if checked.parsed else []
    lesson = next((item for item in lessons if item.position == position), None)
    if lesson is None:
        abort(404)
    # The renderer points images at the published files; a draft's are served from the draft.
    asset_base = f"/bestanden/{checked.parsed.content_hash}/"
    html = lesson.html.replace(
        asset_base, url_for("studio.draft_asset", draft_id=draft.id, name="")
    )
    return render_template(
        "studio/draft_preview.html",
        draft=draft,
        lesson=lesson,
        html=html,
        lessons=lessons,
        glossary_html=checked.parsed.glossary_html if "glossary-term" in html else "",
    )


@bp.route("/concepten/<int:draft_id>/bestanden/<name>")
@roles_required(*STUDIO_ROLES)
def draft_asset(draft_id: int, name: str) -> Response:
    draft = own_draft(draft_id)
    data = (draft.assets or {}).get(name)
    if data is None:
        abort(404)
    return Response(
        base64.b64decode(data),
        mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
        headers={"Cache-Control": "private, no-cache"},
    )
