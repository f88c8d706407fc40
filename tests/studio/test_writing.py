"""Writing a module in the studio, through HTTP as a trainer's browser does: create, save with
problems, lessons, images, conflicts, review by a second trainer, publication, and who sees it."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Module, ModuleDraft, Role
from tests.conftest import Auth

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

LESSON = """# Wat doet een chatbot?

Een chatbot voorspelt het volgende woord. Een mens controleert de uitkomst.

![Schema van een chatbot](schema.png)
"""

QUIZ = """---
module: eigen-ai
language: nl
pass_mark: 50
draw: 1
---

## Wie controleert de uitkomst?

objective: doel-1

- [x] Een mens
- [ ] Niemand

explanation: Een mens blijft verantwoordelijk.
"""

NEW_MODULE = {
    "title": "Eigen AI-beleid",
    "slug": "eigen-ai",
    "language": "nl",
    "summary": "Hoe onze gemeente AI gebruikt.",
    "minutes": "15",
    "audience": ["everyone"],
    "objectives": "Je kent ons AI-beleid.",
    "sources": "AI-verordening https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
    "intro": "Deze module gaat over ons eigen beleid.",
    "with_quiz": "y",
}


def signed_in(app, user) -> Auth:
    session = Auth(app.test_client())
    session.login(user)
    return session


def draft_of(slug: str = "eigen-ai") -> ModuleDraft:
    db.session.expire_all()
    return db.session.scalar(sa.select(ModuleDraft).where(ModuleDraft.slug == slug))


def form_of(draft: ModuleDraft, **changes) -> dict:
    data = {
        "revision": str(draft.revision),
        "module_text": draft.module_text,
        "quiz_text": draft.quiz_text,
    }
    for index, lesson in enumerate(draft.lessons):
        data[f"lessons-{index}"] = lesson["text"]
    return {**data, **changes}


@pytest.fixture
def writer(app, make):
    return make.user(Role.TRAINER, email="schrijver@example.org")


@pytest.fixture
def written(app, make, writer):
    """A complete module with a lesson, an image and a quiz, saved as a draft."""
    trainer = signed_in(app, writer)
    response = trainer.post("/studio/nieuw", NEW_MODULE)
    assert response.status_code == 302, response.get_data(as_text=True)
    draft = draft_of()
    trainer.post(
        f"/studio/concepten/{draft.id}/lessen",
        {"revision": draft.revision, "title": "Wat doet een chatbot?"},
    )
    draft = draft_of()
    trainer.post(
        f"/studio/concepten/{draft.id}/afbeeldingen",
        {"revision": draft.revision, "image": (io.BytesIO(PNG), "Schéma 1.PNG")},
        content_type="multipart/form-data",
    )
    draft = draft_of()
    assert set(draft.assets) == {"schema-1.png"}
    lesson = LESSON.replace("schema.png", "schema-1.png")
    trainer.post(
        f"/studio/concepten/{draft.id}", form_of(draft, **{"lessons-0": lesson, "quiz_text": QUIZ})
    )
    return trainer, draft_of()


def test_a_draft_with_problems_is_saved_as_written_and_shows_them_at_their_line(app, written):
    """Can a trainer save a broken lesson, keep the text, and see the problem in Dutch?"""
    trainer, draft = written
    broken = "# Kapot\n\nEerste regel.\n\nEen [[modell]] hier.\n"
    response = trainer.post(
        f"/studio/concepten/{draft.id}", form_of(draft, **{"lessons-0": broken})
    )
    assert response.status_code == 302
    assert draft_of().lessons[0]["text"] == broken
    page = trainer.client.get(f"/studio/concepten/{draft.id}").get_data(as_text=True)
    assert "Les 1, regel 5: &#34;modell&#34; staat niet in de begrippenlijst van de module" in page
    assert 'href="#lessons-0"' in page


def test_two_trainers_saving_the_same_draft_get_a_conflict_not_an_overwrite(app, make, written):
    trainer, draft = written
    colleague = signed_in(app, make.user(Role.TRAINER))
    first = colleague.post(f"/studio/concepten/{draft.id}", form_of(draft, quiz_text=QUIZ + "\n"))
    assert first.status_code == 302
    second = trainer.post(f"/studio/concepten/{draft.id}", form_of(draft, quiz_text="weg"))
    assert second.status_code == 409
    assert "iemand anders heeft deze module intussen veranderd" in second.get_data(as_text=True)
    assert draft_of().quiz_text == QUIZ + "\n"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.svg", b"<svg onload='alert(1)'></svg>", "SVG-afbeeldingen"),
        ("plaatje.png", b"<?xml version='1.0'?><svg/>", "SVG-afbeeldingen"),
        ("virus.png", b"MZ\x90\x00 not an image", "Dit is geen PNG"),
        ("groot.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 2_000_001, "groter dan 2 MB"),
    ],
)
def test_an_upload_that_is_no_safe_image_is_refused_with_a_reason(
    app, written, name, data, message
):
    trainer, draft = written
    response = trainer.post(
        f"/studio/concepten/{draft.id}/afbeeldingen",
        {"revision": draft.revision, "image": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert message in response.get_data(as_text=True)
    assert set(draft_of().assets) == {"schema-1.png"}


def test_lessons_can_be_reordered(app, written):
    trainer, draft = written
    trainer.post(
        f"/studio/concepten/{draft.id}/lessen", {"revision": draft.revision, "title": "Tweede les"}
    )
    draft = draft_of()
    trainer.post(
        f"/studio/concepten/{draft.id}/volgorde",
        {"revision": draft.revision, "index": 1, "step": -1},
    )
    assert draft_of().lesson_file_names() == ["01-tweede-les.md", "02-wat-doet-een-chatbot.md"]


def test_four_eyes_the_writer_cannot_approve_a_colleague_can_and_it_is_published(
    app, make, written, writer
):
    trainer, draft = written
    response = trainer.post(
        f"/studio/concepten/{draft.id}/insturen",
        {"revision": draft.revision, "bump": "minor", "change_note": "Eerste versie."},
    )
    assert response.status_code == 302
    draft = draft_of()
    assert draft.status == "in-review"
    own = trainer.post(
        f"/studio/concepten/{draft.id}/besluit", {"revision": draft.revision, "decision": "approve"}
    )
    assert own.status_code == 302 and draft_of().status == "in-review"

    colleague = signed_in(app, make.user(Role.TRAINER))
    page = colleague.client.get(f"/studio/concepten/{draft.id}/beoordelen").get_data(as_text=True)
    assert "Wat doet een chatbot?" in page and "<ins>" in page
    colleague.post(
        f"/studio/concepten/{draft.id}/besluit",
        {"revision": draft.revision, "decision": "approve", "comment": "Helder."},
    )
    module = db.session.scalar(sa.select(Module).where(Module.slug == "eigen-ai"))
    assert module is not None and module.organisation_id == writer.organisation_id
    assert module.versions[0].version == "1.0.0"
    assert module.versions[0].change_note == "Eerste versie."
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"studio.create", "studio.submit", "studio.approve", "content.publish"} <= actions


def test_sending_back_returns_the_draft_with_the_comments(app, make, written):
    trainer, draft = written
    trainer.post(
        f"/studio/concepten/{draft.id}/insturen",
        {"revision": draft.revision, "bump": "patch", "change_note": "Tikfout."},
    )
    draft = draft_of()
    colleague = signed_in(app, make.user(Role.TRAINER))
    colleague.post(
        f"/studio/concepten/{draft.id}/besluit",
        {"revision": draft.revision, "decision": "return", "comment": "Voeg een voorbeeld toe."},
    )
    assert draft_of().status == "draft"
    page = trainer.client.get(f"/studio/concepten/{draft.id}").get_data(as_text=True)
    assert "Voeg een voorbeeld toe." in page
    assert "studio.reject" in set(db.session.scalars(sa.select(AuditEvent.action)))


def published(app, make, written) -> None:
    trainer, draft = written
    trainer.post(
        f"/studio/concepten/{draft.id}/insturen",
        {"revision": draft.revision, "bump": "minor", "change_note": "Eerste versie."},
    )
    draft = draft_of()
    colleague = signed_in(app, make.user(Role.TRAINER))
    colleague.post(
        f"/studio/concepten/{draft.id}/besluit", {"revision": draft.revision, "decision": "approve"}
    )


def test_an_own_module_is_seen_by_its_organisation_only(app, make, written, content):
    published(app, make, written)
    _, draft = written
    ours = signed_in(app, make.user())
    assert "Eigen AI-beleid" in ours.client.get("/modules").get_data(as_text=True)
    assert ours.client.get("/modules/eigen-ai").status_code == 200
    other = make.organisation("gemeente-b", "Gemeente B")
    theirs = signed_in(app, make.user(organisation=other))
    assert "Eigen AI-beleid" not in theirs.client.get("/modules").get_data(as_text=True)
    assert "Proefmodule over AI" in theirs.client.get("/modules").get_data(as_text=True)
    assert theirs.client.get("/modules/eigen-ai").status_code == 404
    assert theirs.client.get("/modules/eigen-ai/toets").status_code == 404
    their_trainer = signed_in(app, make.user(Role.TRAINER, organisation=other))
    assert their_trainer.client.get(f"/studio/concepten/{draft.id}").status_code == 404
    assert their_trainer.client.get("/studio/modules/eigen-ai").status_code == 404
    assert "eigen-ai" not in their_trainer.client.get("/studio").get_data(as_text=True)


def test_the_exported_zip_validates_unchanged_and_imports_again(
    app, make, written, runner, tmp_path
):
    trainer, draft = written
    response = trainer.client.get(f"/studio/concepten/{draft.id}/export.zip")
    assert response.mimetype == "application/zip"
    zipfile.ZipFile(io.BytesIO(response.data)).extractall(tmp_path)
    result = runner.invoke(args=["content", "validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    other = make.organisation("gemeente-b", "Gemeente B")
    theirs = signed_in(app, make.user(Role.TRAINER, organisation=other))
    taken = theirs.post(
        "/studio/importeren",
        {"archive": (io.BytesIO(response.data), "eigen-ai.nl.zip")},
        content_type="multipart/form-data",
    )
    assert taken.status_code == 400  # the name belongs to another organisation's module
    renamed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(response.data)) as source, zipfile.ZipFile(renamed, "w") as out:
        for info in source.infolist():
            text = source.read(info).replace(b"eigen-ai", b"ander-ai")
            out.writestr(info.filename.replace("eigen-ai", "ander-ai"), text)
    imported = theirs.post(
        "/studio/importeren",
        {"archive": (io.BytesIO(renamed.getvalue()), "ander.zip")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302
    assert draft_of("ander-ai").organisation_id == other.id


def test_a_shared_module_is_read_only_in_the_studio_and_says_why(app, make, content):
    trainer = signed_in(app, make.user(Role.TRAINER))
    page = trainer.client.get("/studio/modules/proef").get_data(as_text=True)
    assert "gedeelde cursus" in page and "flask content sync" in page
    assert "Bewerken" not in page
