"""SCORM 1.2 package of one module in one language, for an organisation's own LMS.

One SCO (index.html): the introduction, each lesson as a page of its own and the quiz as the
last page; without JavaScript every page shows at once. scorm.js finds the LMS's SCORM 1.2 API,
keeps the page reached in cmi.core.lesson_location, scores the quiz in the browser (the same
rules as app/content/questions.py) and reports cmi.core.score.raw and cmi.core.lesson_status
(passed or failed against the pass mark; completed for a module without a quiz), then
LMSCommit and, when the learner leaves, LMSFinish. The package carries the right answers: an
LMS package always does, which is why Geletterd's own certificates never come from one.
"""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import sqlalchemy as sa
from flask import current_app, render_template

from app.extensions import db
from app.i18n import in_language
from app.models import Module, ModuleVersion

STATIC = Path(__file__).parent / "scorm_static"
#: Fixed timestamps in the ZIP, so the same version always gives the same bytes.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
_LOCAL_LINK = re.compile(r'(href|src)="(/[^"]*)"')


class NoSuchModule(LookupError):
    """No published module with this slug in this language."""


#: Passed as `organisation_id` when the caller may package any module (the command line).
ANY_ORGANISATION = -1


def current_version(slug: str, language: str, organisation_id: int | None) -> ModuleVersion:
    """The current version, if the module is the shared course's or `organisation_id`'s own."""
    query = (
        sa.select(ModuleVersion)
        .join(Module)
        .where(
            Module.slug == slug,
            ModuleVersion.language == language,
            ModuleVersion.is_current.is_(True),
        )
    )
    if organisation_id != ANY_ORGANISATION:
        query = query.where(Module.visible_to(organisation_id))
    version = db.session.scalar(query)
    if version is None:
        raise NoSuchModule(f'no published module "{slug}" in "{language}"')
    return version


def _local_links(html: str, version: ModuleVersion) -> str:
    """Links as the package sees them: its own assets and lessons inside it, the rest to this
    installation."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    lesson_slugs = {lesson.slug for lesson in version.lessons}
    own_module = f"/modules/{version.module.slug}/"

    def rewrite(match: re.Match) -> str:
        attribute, target = match.groups()
        if target.startswith("/bestanden/"):
            return f'{attribute}="assets/{target.rsplit("/", 1)[-1]}"'
        if target.startswith(own_module):
            lesson, _, anchor = target.removeprefix(own_module).partition("#")
            if lesson in lesson_slugs:
                return f'{attribute}="#{anchor or "les-" + lesson}"'
        return f'{attribute}="{base}{target}"'

    return _LOCAL_LINK.sub(rewrite, html)


def _quiz_data(version: ModuleVersion) -> dict | None:
    if not version.has_quiz:
        return None
    quiz = version.quiz
    questions = [
        {
            "id": question["id"],
            "type": question["type"],
            "text": question["text"],
            "stem_html": question["stem_html"],
            "explanation_html": question["explanation_html"],
            "options": [
                {
                    "html": option.get("right_html", option["html"]),
                    "left_html": option.get("left_html", ""),
                    "correct": option["correct"],
                }
                for option in question["options"]
            ],
        }
        for question in quiz["questions"]
    ]
    return {
        "pass_mark": quiz["pass_mark"],
        "draw": quiz["draw"],
        "shuffle": quiz.get("shuffle", True),
        "questions": questions,
    }


def _manifest(version: ModuleVersion, files: list[str], mastery: int | None) -> str:
    identifier = f"geletterd-{version.module.slug}-{version.language}-{version.version}"
    title = escape(version.title)
    mastery_line = (
        f"\n        <adlcp:masteryscore>{mastery}</adlcp:masteryscore>" if mastery else ""
    )
    file_lines = "\n".join(f"      <file href={quoteattr(name)}/>" for name in files)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(identifier)} version={quoteattr(version.version)}
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="geletterd">
    <organization identifier="geletterd">
      <title>{title}</title>
      <item identifier="module" identifierref="sco" isvisible="true">
        <title>{title}</title>{mastery_line}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco" type="webcontent" adlcp:scormtype="sco" href="index.html">
{file_lines}
    </resource>
  </resources>
</manifest>
"""


def build_package(
    slug: str, language: str, organisation_id: int | None = ANY_ORGANISATION
) -> tuple[str, bytes]:
    """(file name, ZIP bytes) of the current published version. Raises NoSuchModule, also for
    another organisation's own module."""
    version = current_version(slug, language, organisation_id)
    quiz = _quiz_data(version)
    with in_language(version.language):
        index = render_template(
            "interop/scorm_index.html",
            version=version,
            lessons=[(lesson, _local_links(lesson.html, version)) for lesson in version.lessons],
            intro_html=_local_links(version.intro_html, version),
            quiz=quiz,
        )
    files: dict[str, bytes] = {
        "index.html": index.encode(),
        "scorm.js": (STATIC / "scorm.js").read_bytes(),
        "style.css": (STATIC / "style.css").read_bytes(),
    }
    if quiz is not None:
        files["quiz-data.js"] = f"window.GELETTERD_QUIZ = {json.dumps(quiz)};\n".encode()
    for name, data in sorted((version.assets or {}).items()):
        files[f"assets/{name}"] = base64.b64decode(data)
    manifest = _manifest(version, list(files), quiz["pass_mark"] if quiz else None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in [("imsmanifest.xml", manifest.encode()), *files.items()]:
            package.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return f"{slug}-{language}-{version.version}-scorm12.zip", buffer.getvalue()
