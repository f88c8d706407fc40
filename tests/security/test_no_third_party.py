"""Nothing on any page makes the browser contact another host by itself.

A visitor's browser must not tell a font service, a CDN or an analytics firm that a civil servant
is studying AI law: scripts, styles, images, fonts, frames and form targets all come from us.
Links (<a href>) to sources such as EUR-Lex stay allowed: the reader chooses to follow them.
"""

from __future__ import annotations

from pathlib import Path

from tests.security.html_scan import css_urls, is_foreign, scan

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"


def test_no_page_loads_anything_from_another_host(html_pages):
    found = [f"{page}: {load}" for page in html_pages for load in page.found.foreign_loads]
    assert found == []


def test_the_crawl_reached_every_kind_of_page(html_pages):
    """Guards the test above: a crawl that reached nothing would prove nothing."""
    reached = {(page.role, page.url.split("/")[1]) for page in html_pages if page.status == 200}
    for role in ("learner", "owner", "hr", "admin", "trainer", "anonymous", "anonymous-en"):
        assert (role, "modules") in reached, role
    for role, area in (("hr", "hr"), ("admin", "admin"), ("anonymous", "verify")):
        assert (role, area) in reached
    lessons = [p for p in html_pages if p.url.count("/") == 3 and p.url.startswith("/modules/")]
    assert len(lessons) > 50, "the lessons of the real course, in Dutch and English"
    assert {page.status for page in html_pages} >= {200, 400, 403, 404, 405}


def test_course_text_links_to_sources_but_never_embeds_them(html_pages):
    """The course cites EUR-Lex and others as links; that is fine and must stay possible."""
    lessons = [p for p in html_pages if p.url.startswith("/modules/") and p.status == 200]
    assert any('href="https://' in page.html for page in lessons)


def test_static_stylesheets_load_nothing_from_another_host():
    stylesheets = sorted(STATIC.rglob("*.css"))
    assert stylesheets, STATIC
    found = [
        f"{css.relative_to(STATIC)}: {url}"
        for css in stylesheets
        for url in css_urls(css.read_text(encoding="utf-8"))
        if is_foreign(url)
    ]
    assert found == []


def test_the_scanner_sees_what_a_browser_would_load():
    """The scanner itself, on a page that does everything wrong."""
    page = """
      <link rel="stylesheet" href="https://fonts.example/css">
      <link rel="icon" href="//cdn.example/i"><script src="https://cdn.example/x.js"></script>
      <img src="/ok.png" srcset="https://a.example/x 2x">
      <iframe src="https://video.example"></iframe><form action="https://evil.example/post"></form>
      <div style="background: url('https://t.example/p.gif')"></div>
      <style>@import "https://fonts.example/a.css"; body { background: url(/ok.png) }</style>
      <a href="https://eur-lex.europa.eu/">AI Act</a><img src="data:image/png;base64,AAAA">
    """
    assert len(scan(page).foreign_loads) == 8
