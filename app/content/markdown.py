"""Markdown to safe HTML: the one place where content becomes HTML.

Render with Python-Markdown (raw HTML switched off), then sanitise with nh3 against an allow-list.
Called once per published version at sync time, never per request.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import markdown
import nh3
from flask_babel import pgettext
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, ETX, STX

from app.i18n import in_language

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id"},
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"scope"},
}
# Classes are allowed per tag only through this table (nh3 forbids "class" in the attributes too).
ALLOWED_CLASSES = {
    "div": {"admonition", "let-op", "voorbeeld", "praktijk", "footnote"},
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref", "glossary-term"},
    "sup": {"footnote-ref"},
}
URL_SCHEMES = {"http", "https", "mailto"}

#: The kinds of callout box and their titles, translated into the module's language when rendered.
CALLOUT_KINDS = ("let-op", "voorbeeld", "praktijk")
_local = threading.local()
#: Python-Markdown's default, by which it expands tabs before anything else.
TAB_LENGTH = 4
GLOSSARY_RE = r"\[\[([^\]|\n]+)(?:\|([^\]\n]+))?\]\]"
RAW_HTML_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<!--")
#: A link target in angle brackets, as Markdown allows for one with spaces: "](<mijn les.md>)"
#: or "[naam]: <mijn les.md>". Not HTML, though it looks like a tag.
ANGLE_DESTINATION_RE = re.compile(r"(?:\]\(|^ {0,3}\[[^\]]+\]:)\s*<[^<>\n]*>")


def sanitise_html(html: str) -> str:
    """The allow-list sanitiser every piece of content HTML passes through."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def glossary_anchor(term: str) -> str:
    return "begrip-" + _term_slug(term)


def _term_slug(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def glossary_entry(glossary: dict[str, str], term: str) -> str | None:
    """The glossary's key for `term`, matched as its anchor is: "machine-learning" finds
    "machine learning", "ai-systeem" finds "AI-systeem". None when the glossary lacks it."""
    if term in glossary:
        return term
    wanted = _term_slug(term)
    return next((key for key in glossary if _term_slug(key) == wanted), None)


def shown_term(written: str, entry: str | None) -> str:
    """The words a [[term]] shows: as written, unless it was written as a slug
    ("machine-learning") and the glossary has the words ("machine learning")."""
    if entry is not None and written == _term_slug(written):
        return entry
    return written


_GLOSSARY_ENTRY_RE = re.compile(r'<dt id="(begrip-[^"]+)">(.*?)</dt>\s*<dd>(.*?)</dd>', re.S)
_TERM_USE_RE = re.compile(
    r'<a class="glossary-term" href="#(begrip-[^"]+)"|'
    r'<a href="#(begrip-[^"]+)" class="glossary-term"'
)


def glossary_used(glossary_html: str, html: str) -> list[tuple[str, str, str]]:
    """(anchor, term, explanation HTML) of the glossary entries that `html` links to, in the
    order of their first use: a lesson explains the terms it uses, not the module's whole list.
    Both arguments are sanitised HTML made by this module."""
    entries = {m[1]: (m[1], m[2], m[3]) for m in _GLOSSARY_ENTRY_RE.finditer(glossary_html)}
    used = dict.fromkeys(a or b for a, b in _TERM_USE_RE.findall(html))
    return [entries[anchor] for anchor in used if anchor in entries]


@dataclass
class RenderContext:
    """What the renderer needs to resolve links, and what it found while rendering."""

    language: str = "nl"
    #: Maps a link target as written (e.g. "02-les.md", "module:x", "plaatje.svg") to a URL,
    #: or returns None when the target does not exist.
    resolve_link: Callable[[str], str | None] = lambda target: target
    glossary: dict[str, str] = field(default_factory=dict)
    broken_links: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    external_images: list[str] = field(default_factory=list)
    unknown_terms: list[str] = field(default_factory=list)


class GlossaryTermProcessor(InlineProcessor):
    """[[term]] or [[term|shown text]] links to the term's entry in the module glossary."""

    def __init__(self, pattern: str, extension: ContentExtension):
        super().__init__(pattern)
        self.extension = extension

    @property
    def context(self) -> RenderContext:
        return self.extension.context

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 - Markdown's API name
        term = m.group(1).strip()
        entry = glossary_entry(self.context.glossary, term)
        if entry is None:
            self.context.unknown_terms.append(term)
        element = etree.Element(
            "a", {"href": "#" + glossary_anchor(term), "class": "glossary-term"}
        )
        element.text = (m.group(2) or shown_term(term, entry)).strip()
        return element, m.start(0), m.end(0)


class LinkTreeprocessor(Treeprocessor):
    """Points lesson, module and asset links at their URLs; marks external links; checks images."""

    def __init__(self, md: markdown.Markdown, extension: ContentExtension):
        super().__init__(md)
        self.extension = extension

    @property
    def context(self) -> RenderContext:
        return self.extension.context

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a" and element.get("class") not in {"glossary-term"}:
                self._link(element, "href")
            elif element.tag == "img":
                if not (element.get("alt") or "").strip():
                    self.context.images_without_alt.append(as_written(element.get("src", "")))
                self._link(element, "src")

    def _link(self, element: etree.Element, attribute: str) -> None:
        target = as_written(element.get(attribute, ""))
        if target.startswith(("#", "mailto:")) or element.get("class", "").startswith("footnote"):
            return
        if target.startswith(("http://", "https://")):
            if element.tag == "a":
                element.set("rel", "noopener noreferrer")
            else:
                self.context.external_images.append(target)
            return
        resolved = self.context.resolve_link(target)
        if resolved is None:
            self.context.broken_links.append(target)
            element.set(attribute, "#")
        else:
            element.set(attribute, resolved)


#: What Markdown has put in place of a character when the link is looked at: a backslash
#: escape ("bestand\_1.png") as STX code ETX, and each character of an autolinked e-mail
#: address (<a@b.nl>, "mailto:" included) as a numeric entity, to hide it from harvesters.
_PLACEHOLDER_RE = re.compile(f"{STX}(\\d+){ETX}|{re.escape(AMP_SUBSTITUTE)}#(\\d+);")


def as_written(target: str) -> str:
    """A link target with Markdown's placeholders turned back into the characters they hold."""
    return _PLACEHOLDER_RE.sub(lambda m: chr(int(m[1] or m[2])), target)


class ContentExtension(Extension):
    def __init__(self, context: RenderContext):
        super().__init__()
        self.context = context

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API name
        # Raw HTML is not part of the format: without these it is shown as text, not parsed.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(GlossaryTermProcessor(GLOSSARY_RE, self), "glossary", 175)
        md.treeprocessors.register(LinkTreeprocessor(md, self), "content_links", 1)


@cache
def _callout_types(language: str) -> list[dict[str, str]]:
    with in_language(language):
        titles = {
            "let-op": pgettext("callout", "Let op"),
            "voorbeeld": pgettext("callout", "Voorbeeld"),
            "praktijk": pgettext("callout", "In de praktijk"),
        }
    return [{"name": name, "class": name, "title": titles[name]} for name in CALLOUT_KINDS]


def _converter(language: str) -> tuple[markdown.Markdown, ContentExtension]:
    """One converter per thread and language, reused: building one costs more than most
    conversions (a quiz renders over a hundred snippets)."""
    converters = _local.__dict__.setdefault("converters", {})
    if language not in converters:
        extension = ContentExtension(RenderContext(language=language))
        converter = markdown.Markdown(
            extensions=[
                "tables",
                "footnotes",
                "sane_lists",
                "toc",
                "pymdownx.blocks.admonition",
                extension,
            ],
            extension_configs={
                "pymdownx.blocks.admonition": {"types": _callout_types(language)},
                "footnotes": {"BACKLINK_TITLE": "", "SUPERSCRIPT_TEXT": "{}"},
            },
            output_format="html",
            tab_length=TAB_LENGTH,
        )
        converters[language] = (converter, extension)
    return converters[language]


#: One line of ordinary prose: letters, digits, single spaces and punctuation that neither
#: Markdown nor HTML gives a meaning. Not starting with what could open a list, a heading, a
#: quote, code or a callout. Most quiz options and feedback lines are like this.
PLAIN_PROSE_RE = re.compile(r"(?![\d+\-/ ])(?:[^\W_]|[,.;:?!()'’%/–—-]| (?! ))+(?<! )\Z")


def render_markdown(text: str, context: RenderContext | None = None) -> str:
    """Markdown → sanitised HTML; fills `context` with broken links, unknown terms, bad images."""
    if PLAIN_PROSE_RE.match(text):
        # What Markdown would make of it, without the cost: a sync renders thousands of these.
        return f"<p>{text}</p>"
    return render_with_markdown(text, context)


def render_with_markdown(text: str, context: RenderContext | None = None) -> str:
    """`render_markdown` without the shortcut for plain prose."""
    context = context or RenderContext()
    converter, extension = _converter(context.language)
    extension.context = context
    try:
        return sanitise_html(converter.reset().convert(text))
    finally:
        extension.context = RenderContext(language=context.language)


def link_line(text: str, target: str) -> int:
    """The line (1-based) of `text` where the link or image `target` is written: inline
    ("](target"), as a reference definition ("[name]: target") or anywhere on a line; 1 when
    not found. Tabs are expanded as Markdown does first, so the target matches as rendered."""
    # A backslash may stand before any punctuation in the file: "bestand\_1.png".
    written = "".join(re.escape(c) if c.isalnum() else rf"\\?{re.escape(c)}" for c in target)
    patterns = (rf"\]\(\s*<?{written}", rf"^ {{0,3}}\[[^\]]+\]:\s*<?{written}", written)
    lines = text.expandtabs(TAB_LENGTH).split("\n")
    for pattern in map(re.compile, patterns):
        for number, line in enumerate(lines, start=1):
            if pattern.search(line):
                return number
    return 1


def raw_html_lines(text: str) -> list[int]:
    """Line numbers (1-based) of raw HTML outside code: the format does not allow it."""
    found, in_fence = [], False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or line.startswith("    "):
            continue
        without_code = ANGLE_DESTINATION_RE.sub("", re.sub(r"`[^`]*`", "", line))
        if RAW_HTML_RE.search(without_code):
            found.append(number)
    return found
