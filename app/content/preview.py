"""The studio's "preview new text": one pasted file, checked and rendered as sync would.

A lesson ("# Title" and text) gets the loader's lesson checks; text that starts with front matter
("---") is read as a module.md and gets the module's key checks. Both are rendered by the one
render-then-sanitise function, with links and glossary terms checked against the module chosen.
Nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.content.frontmatter import parse_document
from app.content.loader import Loader, link_resolver, raw_html_problems
from app.content.markdown import RenderContext, render_markdown
from app.content.problems import Problem
from app.content.schema import MODULE_KEYS, check_keys

#: The name problems carry; the page shows only "line N: message".
DISPLAY_NAME = "voorbeeld.md"


@dataclass
class PreviewContext:
    """What a pasted file may refer to: the module it belongs to, if one was chosen."""

    language: str
    module_slug: str = "voorbeeld"
    lesson_slugs: list[str] = field(default_factory=list)
    asset_names: set[str] = field(default_factory=set)
    asset_base: str = "/"
    #: Every published module, for "module:<slug>" links.
    module_slugs: set[str] = field(default_factory=set)
    glossary: dict[str, str] = field(default_factory=dict)
    glossary_html: str = ""


@dataclass
class Preview:
    #: "lesson" or "module".
    kind: str
    title: str
    html: str
    glossary_html: str
    problems: list[Problem]


def preview_text(text: str, context: PreviewContext) -> Preview:
    """Checks and renders `text`; every problem has the line it is on. Saves nothing."""
    text = text.replace("\r\n", "\n")  # browsers send a textarea with CRLF line ends
    if text.lstrip("\ufeff").startswith("---"):
        return _preview_module_file(text.lstrip("\ufeff"), context)
    return _preview_lesson(text, context)


def _render_context(context: PreviewContext, glossary: dict[str, str]) -> RenderContext:
    resolve = link_resolver(
        context.module_slug,
        context.lesson_slugs,
        context.asset_names,
        context.asset_base,
        context.module_slugs,
    )
    return RenderContext(language=context.language, resolve_link=resolve, glossary=glossary)


def _preview_lesson(text: str, context: PreviewContext) -> Preview:
    problems: list[Problem] = []
    lesson = Loader.parse_lesson(DISPLAY_NAME, 1, "voorbeeld", text, problems)
    render = _render_context(context, context.glossary)
    # Without a title line there is no lesson, but the trainer still sees what the text gives.
    html = render_markdown(lesson.body if lesson else text, render)
    Loader.report_render(DISPLAY_NAME, text, render, problems)
    return Preview(
        kind="lesson",
        title=lesson.title if lesson else "",
        html=html,
        glossary_html=context.glossary_html if "glossary-term" in html else "",
        problems=sorted(set(problems)),
    )


def _preview_module_file(text: str, context: PreviewContext) -> Preview:
    doc = parse_document(DISPLAY_NAME, text)
    problems = list(doc.problems) or check_keys(doc, MODULE_KEYS)
    problems += raw_html_problems(DISPLAY_NAME, doc.body, doc.body_line)
    glossary = doc.meta.get("glossary")
    glossary = glossary if isinstance(glossary, dict) else {}
    render = _render_context(context, glossary)
    html = render_markdown(doc.body, render)
    Loader.report_render(DISPLAY_NAME, text, render, problems)
    title = doc.meta.get("title")
    return Preview(
        kind="module",
        title=title if isinstance(title, str) else "",
        html=html,
        glossary_html=Loader.glossary_html(glossary, context.language) if glossary else "",
        problems=sorted(set(problems)),
    )
