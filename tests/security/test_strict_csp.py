"""A strict Content-Security-Policy on every response, and pages that need nothing looser.

The policy forbids inline script and style; the pages must then carry none, or the browser would
silently drop them (and a page that needed them would break only in a real browser).
"""

from __future__ import annotations

from tests.security.html_scan import scan

#: Sources that would let injected markup run script or style again.
LOOSE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:"}


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name.lower()] = sources
    return parsed


def test_every_response_has_a_strict_policy(site_pages):
    wrong = []
    for page in site_pages:
        policy = directives(page.csp) if page.csp else {}
        if not policy:
            wrong.append(f"{page}: no Content-Security-Policy")
            continue
        for name in ("default-src", "script-src", "style-src", "object-src", "base-uri"):
            loose = LOOSE_SOURCES & set(policy.get(name, ["(missing)"]))
            if name not in policy or loose:
                wrong.append(f"{page}: {name} {policy.get(name, 'missing')}")
        if policy.get("frame-ancestors") != ["'none'"]:
            wrong.append(f"{page}: frame-ancestors {policy.get('frame-ancestors')}")
    assert wrong == []


def test_no_page_has_inline_script_or_event_handlers(html_pages):
    found = [f"{page}: {code}" for page in html_pages for code in page.found.inline_code]
    assert found == []


def test_no_page_has_style_attributes_or_style_blocks(html_pages):
    found = [f"{page}: {style}" for page in html_pages for style in page.found.inline_styles]
    assert found == []


def test_the_scanner_finds_inline_code_and_styles():
    page = """<script>alert(1)</script><script src="/static/ok.js"></script>
      <button onclick="x()">x</button><a href="javascript:void(0)">x</a>
      <meta http-equiv="refresh" content="0;url=/x"><p style="color:red">x</p><style></style>"""
    found = scan(page)
    assert len(found.inline_code) == 4 and len(found.inline_styles) == 2
