"""A studio draft as files in the repository format, and back.

The draft is checked, published and exported by laying it out as the files a trainer would keep
in git (modules/<slug>/<language>/..., quizzes/<slug>.<language>.md) and reading those with the
same Loader that `flask content validate` uses: one format, one validator.
"""

from __future__ import annotations

import base64
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from app.content.loader import LESSON_RE, ContentSet, Loader, ParsedModule
from app.content.problems import Problem
from app.models import ModuleDraft

MODULE_FILE = "module.md"
#: Parts of a draft a problem can belong to: the module text, a lesson (by index), the quiz.
MODULE_PART = "module"
QUIZ_PART = "quiz"
MAX_ZIP_BYTES = 20_000_000
MAX_ZIP_FILES = 200


def module_dir(slug: str, language: str) -> str:
    return f"modules/{slug}/{language}"


def quiz_path(slug: str, language: str) -> str:
    return f"quizzes/{slug}.{language}.md"


def draft_files(draft: ModuleDraft) -> dict[str, bytes]:
    """{path relative to the content root: bytes}: the draft as the repository holds a module."""
    folder = module_dir(draft.slug, draft.language)
    files = {f"{folder}/{MODULE_FILE}": draft.module_text.encode()}
    for name, lesson in zip(draft.lesson_file_names(), draft.lessons, strict=True):
        files[f"{folder}/{name}"] = lesson["text"].encode()
    for name, data in (draft.assets or {}).items():
        files[f"{folder}/{name}"] = base64.b64decode(data)
    if draft.quiz_text.strip():
        files[quiz_path(draft.slug, draft.language)] = draft.quiz_text.encode()
    return files


@dataclass
class CheckedDraft:
    """What the validator found in a draft, each problem placed at its part and line."""

    parsed: ParsedModule | None
    problems: list[Problem] = field(default_factory=list)
    #: {part: [(line, message)]}; part is MODULE_PART, QUIZ_PART or the lesson's index.
    by_part: dict[str | int, list[tuple[int, str]]] = field(default_factory=dict)


def check_draft(draft: ModuleDraft, shared_slugs: set[str] = frozenset()) -> CheckedDraft:
    """Loads the draft's files as `flask content validate` would and sorts the problems by the
    text area they are in. `shared_slugs` are the other modules it may name as prerequisite."""
    with tempfile.TemporaryDirectory(prefix="geletterd-draft-") as tmp:
        root = Path(tmp)
        write_files(root, draft_files(draft))
        content = Loader(root, display_root=root).load()
    content = _without_unknown_prerequisites(content, shared_slugs)
    parsed = content.modules.get((draft.slug, draft.language)) or next(
        iter(content.modules.values()), None
    )
    checked = CheckedDraft(parsed, content.all_problems())
    parts = _parts_by_path(draft)
    for problem in checked.problems:
        part = parts.get(problem.path, MODULE_PART)
        checked.by_part.setdefault(part, []).append((problem.line, problem.message))
    return checked


def _without_unknown_prerequisites(content: ContentSet, shared_slugs: set[str]) -> ContentSet:
    """The loader knows only the draft; a prerequisite that is a published module is fine."""
    for module in content.modules.values():
        module.problems = [
            p
            for p in module.problems
            if not (
                p.message.startswith("prerequisite ")
                and p.message.split('"')[1:2]
                and p.message.split('"')[1] in shared_slugs
            )
        ]
    return content


def _parts_by_path(draft: ModuleDraft) -> dict[str, str | int]:
    folder = module_dir(draft.slug, draft.language)
    parts: dict[str, str | int] = {f"{folder}/{MODULE_FILE}": MODULE_PART}
    for index, name in enumerate(draft.lesson_file_names()):
        parts[f"{folder}/{name}"] = index
    parts[quiz_path(draft.slug, draft.language)] = QUIZ_PART
    return parts


def write_files(root: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def draft_zip(draft: ModuleDraft) -> bytes:
    """The draft as a ZIP of repository files: unpacked, `flask content validate` accepts it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, data in sorted(draft_files(draft).items()):
            archive.writestr(relative, data)
    return buffer.getvalue()


class ZipImportError(ValueError):
    """The upload is no module ZIP; the message says why, for the trainer."""


@dataclass
class ImportedModule:
    slug: str
    language: str
    module_text: str
    lessons: list[dict[str, str]]
    quiz_text: str
    assets: dict[str, str]


_MODULE_PATH = re.compile(r"^modules/([a-z0-9-]+)/([a-z]{2})/([^/]+)$")
_QUIZ_PATH = re.compile(r"^quizzes/([a-z0-9-]+)\.([a-z]{2})\.md$")


def read_zip(data: bytes) -> ImportedModule:
    """One module translation from a ZIP in the repository format (as `draft_zip` writes it).
    Raises ZipImportError, in Dutch-free plain words the view translates, when it is not one."""
    if len(data) > MAX_ZIP_BYTES:
        raise ZipImportError("too-big")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = [info for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile as error:
        raise ZipImportError("not-zip") from error
    if len(names) > MAX_ZIP_FILES or sum(i.file_size for i in names) > MAX_ZIP_BYTES:
        raise ZipImportError("too-big")
    module: dict[str, bytes] = {}
    quiz = b""
    found: set[tuple[str, str]] = set()
    for info in names:
        name = PurePosixPath(info.filename).as_posix().lstrip("./")
        if match := _MODULE_PATH.match(name):
            found.add((match.group(1), match.group(2)))
            module[match.group(3)] = archive.read(info)
        elif _QUIZ_PATH.match(name):
            quiz = archive.read(info)
    if len(found) != 1 or MODULE_FILE not in module:
        raise ZipImportError("not-one-module")
    slug, language = found.pop()
    return ImportedModule(
        slug=slug,
        language=language,
        module_text=_text(module.pop(MODULE_FILE)),
        lessons=_lessons(module),
        quiz_text=_text(quiz),
        assets={
            name: base64.b64encode(data).decode()
            for name, data in module.items()
            if not name.endswith(".md")
        },
    )


def _lessons(files: dict[str, bytes]) -> list[dict[str, str]]:
    lessons = []
    for name in sorted(files):
        if match := LESSON_RE.match(name):
            lessons.append({"slug": match.group(2), "text": _text(files[name])})
    return lessons


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        raise ZipImportError("not-utf8") from error
