"""Reads a content tree (modules/, quizzes/, paths/) from disk: parsed, rendered, and checked.

Everything here works on files alone; checks against what is already published live in publish.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import escape

from app.content.frontmatter import Document, parse_document
from app.content.markdown import (
    RenderContext,
    glossary_anchor,
    link_line,
    raw_html_lines,
    render_markdown,
    sanitise_html,
)
from app.content.problems import Problem, did_you_mean
from app.content.quizparse import ParsedQuiz, parse_quiz
from app.content.schema import (
    LANGUAGES,
    MODULE_KEYS,
    PATH_KEYS,
    check_keys,
    major_of,
)

LESSON_RE = re.compile(r"^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
MAX_TEXT_BYTES = 1_000_000
MAX_ASSET_BYTES = 2_000_000


@dataclass
class ParsedLesson:
    path: str
    position: int
    slug: str
    title: str
    #: The whole file, for line numbers in messages.
    source: str
    #: The Markdown below the title.
    body: str
    html: str = ""


@dataclass
class ParsedModule:
    """One translation of a module: module.md, its lessons and assets, and its quiz."""

    path: str
    folder_slug: str
    folder_language: str
    doc: Document
    lessons: list[ParsedLesson] = field(default_factory=list)
    assets: dict[str, str] = field(default_factory=dict)
    source_files: dict[str, str] = field(default_factory=dict)
    quiz: ParsedQuiz | None = None
    intro_html: str = ""
    glossary_html: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.doc.meta.get("slug", self.folder_slug))

    @property
    def language(self) -> str:
        return str(self.doc.meta.get("language", self.folder_language))

    @property
    def meta(self) -> dict[str, Any]:
        return self.doc.meta

    @property
    def version(self) -> str:
        return str(self.meta.get("version", ""))

    @property
    def major(self) -> int:
        return major_of(self.version)

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + (self.quiz.problems if self.quiz else [])

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.source_files):
            digest.update(name.encode() + b"\0" + self.source_files[name].encode() + b"\0")
        for name in sorted(self.assets):
            digest.update(name.encode() + b"\0" + self.assets[name].encode() + b"\0")
        return digest.hexdigest()


@dataclass
class ParsedPath:
    path: str
    doc: Document
    description_html: str
    source: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ContentSet:
    root: Path
    modules: dict[tuple[str, str], ParsedModule] = field(default_factory=dict)
    paths: list[ParsedPath] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def all_problems(self) -> list[Problem]:
        found = list(self.problems)
        for module in self.modules.values():
            found += module.all_problems
        for path in self.paths:
            found += path.problems
        return sorted(set(found))

    def all_warnings(self) -> list[Problem]:
        """What an examiner would point out but that blocks nothing (quiz cues)."""
        return sorted(
            {w for module in self.modules.values() if module.quiz for w in module.quiz.warnings}
        )


def read_text(path: Path, display: str, problems: list[Problem]) -> str | None:
    """The file as text, or None with a problem when it is too big or not UTF-8."""
    data = path.read_bytes()
    if len(data) > MAX_TEXT_BYTES:
        problems.append(
            Problem(
                display,
                1,
                f"the file is {len(data):,} bytes; the limit is "
                f"{MAX_TEXT_BYTES:,}: split it into more lessons",
            )
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(Problem(display, line, "the file is not UTF-8 text: save it as UTF-8"))
        return None
    if "\0" in text:
        problems.append(Problem(display, 1, "the file contains binary data, not text"))
        return None
    return text.replace("\r\n", "\n")


class Loader:
    def __init__(
        self,
        root: Path,
        display_root: Path | None = None,
        other_modules: set[str] | frozenset[str] = frozenset(),
    ):
        self.root = root.resolve()
        self.display_root = display_root
        #: Modules outside this tree that prerequisites and "module:" links may name (a studio
        #: draft is checked on its own, beside the modules already published).
        self.other_modules = set(other_modules)

    def display(self, path: Path) -> str:
        """The path as printed in messages: relative to the current directory when possible."""
        try:
            return str(path.resolve().relative_to(self.display_root or Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def load(self) -> ContentSet:
        content = ContentSet(self.root)
        module_slugs = self._load_modules(content) | self.other_modules
        self._load_quizzes(content)
        self._load_paths(content)
        for module in content.modules.values():
            self._render(module, module_slugs)
        self._check_cross_references(content, module_slugs)
        return content

    # -- modules -------------------------------------------------------------------------------

    def _load_modules(self, content: ContentSet) -> set[str]:
        modules_dir = self.root / "modules"
        if not modules_dir.is_dir():
            return set()
        for module_dir in sorted(p for p in modules_dir.iterdir() if p.is_dir()):
            for language_dir in sorted(p for p in module_dir.iterdir() if p.is_dir()):
                module = self._load_module(language_dir)
                if module is None:
                    continue
                key = (module.slug, module.language)
                if key in content.modules:
                    module.problems.append(
                        Problem(
                            module.path,
                            module.doc.line_of("slug"),
                            f'slug "{module.slug}" in language '
                            f'"{module.language}" is also used by '
                            f"{content.modules[key].path}",
                        )
                    )
                    key = (module.folder_slug + "?", module.language)
                content.modules[key] = module
            stray = [p for p in module_dir.iterdir() if p.is_file()]
            for path in stray:
                content.problems.append(
                    Problem(
                        self.display(path),
                        1,
                        "files of a module go in its language folder, e.g. modules/<slug>/nl/",
                    )
                )
        return {module.slug for module in content.modules.values()}

    def _load_module(self, folder: Path) -> ParsedModule | None:
        module_file = folder / "module.md"
        display = self.display(module_file)
        problems: list[Problem] = []
        if folder.name not in LANGUAGES:
            problems.append(
                Problem(
                    self.display(folder),
                    1,
                    f'"{folder.name}" is not a language folder; use {" or ".join(LANGUAGES)}',
                )
            )
        if not module_file.is_file():
            problems.append(Problem(self.display(folder), 1, "the folder has no module.md"))
            return ParsedModule(
                display,
                folder.parent.name,
                folder.name,
                Document(display, {}, {}, "", 1),
                problems=problems,
            )
        text = read_text(module_file, display, problems)
        doc = parse_document(display, text or "")
        module = ParsedModule(
            display, folder.parent.name, folder.name, doc, problems=problems + doc.problems
        )
        if text is not None:
            module.source_files[self.relative(module_file)] = text
        if not doc.problems:
            module.problems += check_keys(doc, MODULE_KEYS)
            self._check_folder_names(module)
        module.problems += raw_html_problems(display, doc.body, doc.body_line)
        self._load_lessons_and_assets(module, folder)
        return module

    def _check_folder_names(self, module: ParsedModule) -> None:
        meta = module.meta
        if "slug" in meta and meta["slug"] != module.folder_slug:
            module.problems.append(
                Problem(
                    module.path,
                    module.doc.line_of("slug"),
                    f'slug "{meta["slug"]}" does not match the folder name "{module.folder_slug}"',
                )
            )
        if "language" in meta and meta["language"] != module.folder_language:
            module.problems.append(
                Problem(
                    module.path,
                    module.doc.line_of("language"),
                    f'language "{meta["language"]}" does not match the '
                    f'folder "{module.folder_language}"',
                )
            )

    def _load_lessons_and_assets(self, module: ParsedModule, folder: Path) -> None:
        numbers: list[tuple[int, str]] = []
        for path in sorted(folder.iterdir()):
            display = self.display(path)
            if path.name == "module.md" or path.is_dir():
                continue
            if path.suffix.lower() in ASSET_SUFFIXES:
                data = path.read_bytes()
                if len(data) > MAX_ASSET_BYTES:
                    module.problems.append(
                        Problem(
                            display,
                            1,
                            f"the image is {len(data):,} bytes; the limit is {MAX_ASSET_BYTES:,}",
                        )
                    )
                else:
                    module.assets[path.name] = base64.b64encode(data).decode()
                continue
            match = LESSON_RE.match(path.name)
            if path.suffix != ".md" or not match:
                module.problems.append(
                    Problem(
                        display,
                        1,
                        "a lesson file is named "
                        '"<number>-<name>.md", e.g. "01-inleiding.md"; '
                        f"images end in {', '.join(sorted(ASSET_SUFFIXES))}",
                    )
                )
                continue
            text = read_text(path, display, module.problems)
            if text is None:
                continue
            module.source_files[self.relative(path)] = text
            lesson = self.parse_lesson(
                display, int(match.group(1)), path.stem, text, module.problems
            )
            if lesson is not None:
                module.lessons.append(lesson)
                numbers.append((lesson.position, display))
        self._check_lesson_order(module, numbers)

    @staticmethod
    def parse_lesson(
        display: str, number: int, slug: str, text: str, problems: list[Problem]
    ) -> ParsedLesson | None:
        """One lesson file's own checks (title, text, tables, raw HTML); the studio's preview
        calls this too. None, with a problem, when there is no lesson to render."""
        lines = text.split("\n")
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None:
            problems.append(Problem(display, 1, "the lesson is empty"))
            return None
        if not lines[first].startswith("# "):
            problems.append(
                Problem(
                    display, first + 1, 'a lesson starts with its title: "# Title of the lesson"'
                )
            )
            return None
        if not "\n".join(lines[first + 1 :]).strip():
            problems.append(Problem(display, first + 1, "the lesson has a title but no text"))
        for line_number, line in enumerate(lines, start=1):
            if line.lstrip().startswith("|") and re.search(r"\[\[[^\]]*\|", line):
                problems.append(
                    Problem(
                        display,
                        line_number,
                        "in a table, write a glossary term as "
                        '[[term]] without "|": the "|" would split the cell',
                    )
                )
        problems += raw_html_problems(display, text)
        return ParsedLesson(
            display, number, slug, lines[first][2:].strip(), text, "\n".join(lines[first + 1 :])
        )

    def _check_lesson_order(self, module: ParsedModule, numbers: list[tuple[int, str]]) -> None:
        if not numbers:
            module.problems.append(
                Problem(
                    module.path, 1, "the module has no lessons: add 01-<name>.md beside module.md"
                )
            )
            return
        found = sorted(number for number, _ in numbers)
        if found != list(range(1, len(found) + 1)):
            shown = ", ".join(f"{n:02d}" for n in found)
            display = (
                next(
                    d for n, d in numbers if n not in range(1, len(found) + 1) or found.count(n) > 1
                )
                if found
                else module.path
            )
            module.problems.append(
                Problem(
                    display,
                    1,
                    "lessons must be numbered 01, 02, 03 ... "
                    f"without gaps or doubles; found {shown}",
                )
            )
        module.lessons.sort(key=lambda lesson: lesson.position)

    # -- rendering -----------------------------------------------------------------------------

    def _render(self, module: ParsedModule, module_slugs: set[str]) -> None:
        resolve = link_resolver(
            module.slug,
            [lesson.slug for lesson in module.lessons],
            set(module.assets),
            f"/bestanden/{module.content_hash}/",
            module_slugs,
        )
        glossary = (
            module.meta.get("glossary") if isinstance(module.meta.get("glossary"), dict) else {}
        )
        language = module.language if module.language in LANGUAGES else "nl"
        for lesson in module.lessons:
            context = RenderContext(language=language, resolve_link=resolve, glossary=glossary)
            lesson.html = render_markdown(lesson.body, context)
            if module.doc.problems:
                # The glossary is in the unreadable front matter: every term would be "unknown".
                context.unknown_terms.clear()
            self.report_render(lesson.path, lesson.source, context, module.problems)
        context = RenderContext(language=language, resolve_link=resolve, glossary=glossary)
        module.intro_html = render_markdown(module.doc.body, context)
        module_source = next(iter(module.source_files.values()), "")
        self.report_render(module.path, module_source, context, module.problems)
        module.glossary_html = self.glossary_html(glossary, language)

    @staticmethod
    def glossary_html(glossary: dict[str, str], language: str) -> str:
        if not glossary:
            return ""
        items = []
        for term, explanation in sorted(glossary.items(), key=lambda item: item[0].lower()):
            items.append(
                f'<dt id="{glossary_anchor(term)}">{escape(term)}</dt>\n'
                f"<dd>{render_markdown(explanation, RenderContext(language=language))}</dd>"
            )
        return sanitise_html("<dl>\n" + "\n".join(items) + "\n</dl>")

    @staticmethod
    def report_render(
        display: str, text: str, context: RenderContext, problems: list[Problem]
    ) -> None:
        """Adds what rendering found (broken links, images, unknown terms) with their lines."""

        for target in context.broken_links:
            problems.append(
                Problem(
                    display,
                    link_line(text, target),
                    f'the link "{target}" points '
                    "at no lesson, module or image here: check the file name",
                )
            )
        for source in context.images_without_alt:
            problems.append(
                Problem(
                    display,
                    link_line(text, source),
                    f'the image "{source}" has no '
                    "alt text: describe it, ![what the image shows](file)",
                )
            )
        for source in context.external_images:
            problems.append(
                Problem(
                    display,
                    link_line(text, source),
                    f'the image "{source}" is on another website, which the app does not load '
                    "(privacy and security): save the image beside the lesson and link to the file",
                )
            )
        for term in context.unknown_terms:
            problems.append(
                Problem(
                    display,
                    link_line(text, f"[[{term}"),
                    f'"{term}" is not in the '
                    f"module's glossary{did_you_mean(term, context.glossary)}",
                )
            )

    # -- quizzes and paths ---------------------------------------------------------------------

    def _documents(
        self, folder: str, content: ContentSet
    ) -> Iterator[tuple[Path, str, str, Document]]:
        """Each .md file in `folder` (quizzes, paths), sorted, with its display name, text and
        parsed front matter; a file that cannot be read is reported in `content` instead."""
        directory = self.root / folder
        if not directory.is_dir():
            return
        for path in sorted(directory.glob("*.md")):
            display = self.display(path)
            problems: list[Problem] = []
            text = read_text(path, display, problems)
            if text is None:
                content.problems += problems
                continue
            yield path, display, text, parse_document(display, text)

    def _load_quizzes(self, content: ContentSet) -> None:
        for path, display, text, doc in self._documents("quizzes", content):
            module = content.modules.get(
                (str(doc.meta.get("module")), str(doc.meta.get("language")))
            )
            # Unknown when the module's front matter could not be read: that one problem is
            # reported, not one "unknown objective" per question that follows from it.
            objectives = (
                set(module.meta.get("objectives") or {})
                if module and not module.doc.problems
                else None
            )
            quiz = parse_quiz(doc, objectives)
            quiz.problems += raw_html_problems(display, doc.body, doc.body_line)
            expected = f"{quiz.module}.{quiz.language}.md"
            if not doc.problems and path.name != expected:
                quiz.problems.append(
                    Problem(
                        display,
                        1,
                        f'the file should be named "{expected}" after its module and language',
                    )
                )
            if module is None:
                if not doc.problems and "module" in doc.meta:
                    known = {slug for slug, _ in content.modules}
                    quiz.problems.append(
                        Problem(
                            display,
                            doc.line_of("module"),
                            f"the quiz is for "
                            f'module "{quiz.module}" in "{quiz.language}", '
                            "which does not exist"
                            f"{did_you_mean(quiz.module, known)}",
                        )
                    )
                content.problems += quiz.problems
                continue
            if module.quiz is not None:
                quiz.problems.append(
                    Problem(display, 1, f"{module.quiz.path} is already the quiz of this module")
                )
                content.problems += quiz.problems
                continue
            module.quiz = quiz
            module.source_files[self.relative(path)] = text

    def _load_paths(self, content: ContentSet) -> None:
        for _path, display, text, doc in self._documents("paths", content):
            problems = list(doc.problems or check_keys(doc, PATH_KEYS))
            html = render_markdown(doc.body, RenderContext(language=str(doc.meta.get("language"))))
            content.paths.append(ParsedPath(display, doc, html, text, problems))

    def _check_cross_references(self, content: ContentSet, module_slugs: set[str]) -> None:
        for module in content.modules.values():
            for prerequisite in module.meta.get("prerequisites") or []:
                if prerequisite not in module_slugs:
                    module.problems.append(
                        Problem(
                            module.path,
                            module.doc.line_of("prerequisites"),
                            f'prerequisite "{prerequisite}" is not a module'
                            f"{did_you_mean(prerequisite, module_slugs)}",
                        )
                    )
            other = content.modules.get((module.slug, "en" if module.language == "nl" else "nl"))
            mine, theirs = (
                module.meta.get("objectives"),
                other.meta.get("objectives") if other else None,
            )
            if isinstance(mine, dict) and isinstance(theirs, dict) and set(mine) != set(theirs):
                module.problems.append(
                    Problem(
                        module.path,
                        module.doc.line_of("objectives"),
                        "the objective keys differ from the other "
                        f"translation ({other.path}): use the same keys",
                    )
                )
            rule = module.meta.get("completion", "lessons-and-quiz")
            if "quiz" in str(rule) and module.quiz is None and not module.problems:
                module.problems.append(
                    Problem(
                        module.path,
                        1,
                        f'completion "{rule}" needs a quiz:'
                        f" add quizzes/{module.slug}.{module.language}.md",
                    )
                )
        for parsed in content.paths:
            for slug in parsed.doc.meta.get("modules") or []:
                if isinstance(slug, str) and slug not in module_slugs:
                    parsed.problems.append(
                        Problem(
                            parsed.path,
                            parsed.doc.line_of("modules"),
                            f'module "{slug}" does not exist{did_you_mean(slug, module_slugs)}',
                        )
                    )


def link_resolver(
    module_slug: str,
    lesson_slugs: list[str],
    asset_names: set[str],
    asset_base: str,
    module_slugs: set[str],
) -> Callable[[str], str | None]:
    """Maps a link as written in a module ("02-les.md", "module:x", "schema.svg") to its URL."""
    lesson_files = {f"{slug}.md": slug for slug in lesson_slugs}

    def resolve(target: str) -> str | None:
        name, _, anchor = target.partition("#")
        suffix = f"#{anchor}" if anchor else ""
        if name in lesson_files:
            return f"/modules/{module_slug}/{lesson_files[name]}{suffix}"
        if name.startswith("module:") and name[7:] in module_slugs:
            return f"/modules/{name[7:]}{suffix}"
        if name in asset_names:
            return asset_base + name
        return None

    return resolve


def raw_html_problems(display: str, text: str, first_line: int = 1) -> list[Problem]:
    return [
        Problem(
            display,
            first_line + line - 1,
            "raw HTML is not part of the format: use Markdown (callouts: /// let-op ... ///)",
        )
        for line in raw_html_lines(text)
    ]


def find_content_root(path: Path) -> Path:
    """The nearest folder at or above `path` holding modules/, quizzes/ or paths/."""
    path = path.resolve()
    for candidate in [path, *path.parents]:
        if candidate.is_dir() and any(
            (candidate / name).is_dir() for name in ("modules", "quizzes", "paths")
        ):
            return candidate
    return path if path.is_dir() else path.parent
