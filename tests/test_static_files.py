"""Static files: fingerprinted URLs, cached for a year, CSS sent compressed; and light pages."""

import gzip
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRUNE_SCRIPT = ROOT / "scripts" / "prune_vendor_css.py"


def stylesheets(client) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', client.get("/login").text)


def test_pages_link_fingerprinted_stylesheets_cached_for_a_year(client):
    links = stylesheets(client)
    assert links and all(re.search(r"\?v=[0-9a-f]{12}$", link) for link in links)
    response = client.get(links[-1])
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    response.close()


def test_css_goes_out_gzipped_to_browsers_that_accept_it(client):
    link = stylesheets(client)[0]
    plain = client.get(link)
    plain_body = plain.get_data()
    plain.close()
    packed = client.get(link, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain_body
    assert len(packed.get_data()) < len(plain_body) / 3


def stylesheet_bytes(client, page: str) -> int:
    """The bytes of CSS a page links, as the browser receives them (uncompressed)."""
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', client.get(page).text)
    assert links
    total = 0
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        total += len(response.get_data())
        response.close()
    return total


def test_a_page_loads_under_100_kb_of_css(auth, make, content):
    """The NL Design System CSS, pruned to what the app uses (scripts/prune_vendor_css.py):
    615 KB before, 170 KB after the first pruning; the issue's target is under 100 KB."""
    assert stylesheet_bytes(auth.client, "/login") < 100_000
    auth.login(make.user())
    assert stylesheet_bytes(auth.client, "/modules/proef/01-wat-is-een-model") < 100_000


def test_the_committed_vendor_css_is_what_the_prune_script_writes(monkeypatch):
    """Nobody edits the pruned files by hand, and a template that starts using a component
    fails here until `python scripts/prune_vendor_css.py` is run and its output committed."""
    monkeypatch.syspath_prepend(str(PRUNE_SCRIPT.parent))  # as when run: its helper module
    spec = importlib.util.spec_from_file_location("prune_vendor_css", PRUNE_SCRIPT)
    prune = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(prune)
    for path, text in prune.build().items():
        assert path.read_text(encoding="utf-8") == text, f"run scripts/prune_vendor_css.py: {path}"
