"""Writing a module in the studio: creating a draft, saving it, its lessons and images.

Every function takes plain arguments and works inside the caller's transaction (the view
commits). A save never refuses text for being invalid: the validator's problems are shown
beside it. It refuses only a save based on an older revision, so two trainers editing the same
draft see a conflict instead of one silently overwriting the other.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
import yaml

from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.models import DraftStatus, Module, ModuleDraft, User
from app.studio import images
from app.studio.draft_files import ImportedModule

FIRST_VERSION = "1.0.0"


class DraftConflict(Exception):
    """Someone saved the draft after this form was opened."""


class SlugTaken(ValueError):
    """Another module or draft already uses the name."""


class NotEditable(ValueError):
    """The draft is being reviewed: it cannot change under the reviewer's eyes."""


@dataclass
class ModuleFields:
    """The front matter of a new module as the studio's form asks for it."""

    title: str
    slug: str
    language: str
    summary: str
    minutes: int
    audience: list[str]
    #: One learning objective per line.
    objectives: list[str]
    #: (title, url) per source.
    sources: list[tuple[str, str]]
    intro: str
    with_quiz: bool


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")


def module_text(fields: ModuleFields, today: dt.date) -> str:
    """module.md for the fields: YAML front matter written by the YAML library (so quotes and
    colons in a title are safe), then the introduction."""
    meta = {
        "slug": fields.slug,
        "title": fields.title,
        "summary": fields.summary,
        "language": fields.language,
        "version": FIRST_VERSION,
        "minutes": fields.minutes,
        "objectives": {f"doel-{i}": text for i, text in enumerate(fields.objectives, start=1)},
        "audience": fields.audience,
        "sources": [{"title": title, "url": url} for title, url in fields.sources],
        "reviewed": today,
        "completion": "lessons-and-quiz" if fields.with_quiz else "lessons",
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n{fields.intro.strip()}\n"


EXAMPLE_QUESTION = {
    "nl": "## Schrijf hier je vraag\n\nobjective: doel-1\n\n- [x] Het goede antwoord\n"
    "- [ ] Een fout antwoord\n\nexplanation: Leg uit waarom dit het goede antwoord is.\n",
    "en": "## Write your question here\n\nobjective: doel-1\n\n- [x] The right answer\n"
    "- [ ] A wrong answer\n\nexplanation: Explain why this is the right answer.\n",
}


def starter_quiz(fields: ModuleFields) -> str:
    """A quiz file to start from: its front matter and one example question to replace."""
    return (
        f"---\nmodule: {fields.slug}\nlanguage: {fields.language}\npass_mark: 70\n"
        f"draw: 1\nshuffle: true\n---\n\n{EXAMPLE_QUESTION[fields.language]}"
    )


def slug_is_free(slug: str, language: str, organisation_id: int) -> bool:
    """Free when no module of someone else uses it and this language has no draft yet."""
    owner = db.session.execute(sa.select(Module.organisation_id).where(Module.slug == slug)).first()
    if owner is not None and owner[0] != organisation_id:
        return False
    other_draft = db.session.scalar(
        sa.select(ModuleDraft.id).where(
            ModuleDraft.slug == slug,
            sa.or_(
                ModuleDraft.language == language, ModuleDraft.organisation_id != organisation_id
            ),
        )
    )
    return other_draft is None


def create_draft(author: User, fields: ModuleFields) -> ModuleDraft:
    """A new draft of an own module of the author's organisation. Raises SlugTaken."""
    if not slug_is_free(fields.slug, fields.language, author.organisation_id):
        raise SlugTaken(fields.slug)
    draft = ModuleDraft(
        organisation_id=author.organisation_id,
        slug=fields.slug,
        language=fields.language,
        status=DraftStatus.DRAFT,
        module_text=module_text(fields, utcnow().date()),
        lessons=[],
        quiz_text=starter_quiz(fields) if fields.with_quiz else "",
        assets={},
        revision=1,
        created_by_id=author.id,
        updated_by_id=author.id,
    )
    db.session.add(draft)
    db.session.flush()
    audit.record("studio.create", actor=author, target=_target(draft))
    return draft


def import_draft(author: User, imported: ImportedModule) -> ModuleDraft:
    """A draft from an exported ZIP; its images pass the same checks as an upload. Raises
    SlugTaken, or images.ImageRefused naming the first image refused."""
    if not slug_is_free(imported.slug, imported.language, author.organisation_id):
        raise SlugTaken(imported.slug)
    for name, data in imported.assets.items():
        if images.checked_image(name, base64.b64decode(data)) != name:
            raise images.ImageRefused("not-an-image")
    draft = ModuleDraft(
        organisation_id=author.organisation_id,
        slug=imported.slug,
        language=imported.language,
        status=DraftStatus.DRAFT,
        module_text=imported.module_text,
        lessons=imported.lessons,
        quiz_text=imported.quiz_text,
        assets=imported.assets,
        revision=1,
        created_by_id=author.id,
        updated_by_id=author.id,
    )
    db.session.add(draft)
    db.session.flush()
    audit.record("studio.create", actor=author, target=_target(draft), imported=True)
    return draft


def _bump_revision(draft: ModuleDraft, editor: User, revision: int, **values) -> None:
    """Writes `values` only if the draft is still at `revision`: one UPDATE, so two saves at
    the same moment cannot both win. Raises DraftConflict or NotEditable."""
    if draft.status == DraftStatus.IN_REVIEW:
        raise NotEditable(draft.slug)
    result = db.session.execute(
        sa.update(ModuleDraft)
        .where(ModuleDraft.id == draft.id, ModuleDraft.revision == revision)
        .values(
            revision=revision + 1,
            updated_by_id=editor.id,
            updated_at=utcnow(),
            status=DraftStatus.DRAFT,
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DraftConflict(draft.slug)
    db.session.refresh(draft)


def save_draft(
    draft: ModuleDraft,
    editor: User,
    revision: int,
    *,
    module_text: str,
    lesson_texts: list[str],
    quiz_text: str,
) -> None:
    """Saves the texts as they are, problems and all."""
    if len(lesson_texts) != len(draft.lessons):
        raise DraftConflict(draft.slug)  # a lesson was added or moved meanwhile
    lessons = [
        {"slug": lesson["slug"], "text": text}
        for lesson, text in zip(draft.lessons, lesson_texts, strict=True)
    ]
    _bump_revision(
        draft,
        editor,
        revision,
        module_text=_clean(module_text),
        lessons=lessons,
        quiz_text=_clean(quiz_text),
    )


def add_lesson(draft: ModuleDraft, editor: User, revision: int, title: str) -> None:
    """A new lesson at the end, starting with its title."""
    slug = slugify(title) or f"les-{len(draft.lessons) + 1}"
    taken = {lesson["slug"] for lesson in draft.lessons}
    base, number = slug, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    lessons = [*draft.lessons, {"slug": slug, "text": f"# {title.strip()}\n\n"}]
    _bump_revision(draft, editor, revision, lessons=lessons)


def move_lesson(draft: ModuleDraft, editor: User, revision: int, index: int, step: int) -> None:
    """Moves lesson `index` one place up (step -1) or down (+1); the file numbers follow."""
    target = index + step
    if not (0 <= index < len(draft.lessons) and 0 <= target < len(draft.lessons)):
        return
    lessons = list(draft.lessons)
    lessons[index], lessons[target] = lessons[target], lessons[index]
    _bump_revision(draft, editor, revision, lessons=lessons)


def add_image(draft: ModuleDraft, editor: User, revision: int, name: str, data: bytes) -> str:
    """Stores an uploaded image under a safe name and returns that name (to write in a lesson:
    ![what it shows](name)). Raises images.ImageRefused."""
    safe = images.checked_image(name, data)
    assets = {**(draft.assets or {}), safe: base64.b64encode(data).decode()}
    _bump_revision(draft, editor, revision, assets=assets)
    return safe


def _clean(text: str) -> str:
    """Browsers send text areas with CRLF line ends; files have LF."""
    return (text or "").replace("\r\n", "\n")


def _target(draft: ModuleDraft) -> str:
    return f"draft:{draft.slug}:{draft.language}"
