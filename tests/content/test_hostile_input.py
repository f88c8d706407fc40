"""The parser and renderer against hostile input: never a crash, never script through."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.frontmatter import parse_document
from app.content.markdown import RenderContext, render_markdown, sanitise_html
from app.content.quizparse import parse_quiz

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<a href="#" onclick="alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](vbscript:msgbox(1))",
    "<form action='https://evil.example'><input name=x></form>",
    "[[<script>alert(1)</script>]]",
    "<!-- <script>alert(1)</script> -->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]

FORBIDDEN_TAGS = {"script", "iframe", "svg", "style", "form", "input", "math", "object", "embed"}
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#|[\w.-]+(/|$))", re.IGNORECASE)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and value and not SAFE_URL.match(value.strip()):
                self.found.append(f"{tag}[{name}={value}]")


def dangerous_parts(html: str) -> list[str]:
    """Elements and attributes that could run script, as a browser would parse `html`."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_never_lets_script_through(payload):
    html = render_markdown(f"Tekst\n\n{payload}\n\n- {payload}\n\n| a |\n|---|\n| {payload} |")
    assert dangerous_parts(html) == [], html


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_sanitiser_alone_strips_hostile_html(payload):
    assert dangerous_parts(sanitise_html(payload)) == []


def test_external_links_get_rel_noopener_and_internal_ones_resolve():
    context = RenderContext(
        resolve_link=lambda target: "/modules/x/02-b" if target == "02-b.md" else None
    )
    html = render_markdown("[a](https://example.org) [b](02-b.md)", context)
    assert '<a href="https://example.org" rel="noopener noreferrer">a</a>' in html
    assert '<a href="/modules/x/02-b">b</a>' in html


def test_headings_get_anchors():
    assert '<h2 id="wat-is-ai">Wat is AI?</h2>' in render_markdown("## Wat is AI?")


def test_broken_yaml_becomes_a_problem_with_a_line_number():
    doc = parse_document("x.md", "---\ntitle: ok\nslug: [open\n---\nbody")
    assert doc.problems and doc.problems[0].line in (3, 4, 5)
    assert "cannot be read" in doc.problems[0].message


def test_a_huge_file_is_refused_not_parsed(tmp_path):
    from app.content.loader import read_text

    path = tmp_path / "groot.md"
    path.write_text("# Titel\n" + "a" * 2_000_000)
    problems = []
    assert read_text(path, "groot.md", problems) is None
    assert "the limit is" in problems[0].message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_random_text_never_crashes_the_renderer_or_lets_script_through(text):
    assert dangerous_parts(render_markdown(text)) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=1500))
def test_random_text_never_crashes_the_document_and_quiz_parsers(text):
    for prefix in ("", "---\n", "---\nmodule: x\nlanguage: nl\npass_mark: 50\ndraw: 1\n---\n## "):
        doc = parse_document("q.md", prefix + text)
        quiz = parse_quiz(doc, {"a"})
        for problem in quiz.problems:
            assert problem.line >= 1 and problem.message
