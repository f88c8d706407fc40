"""Static files: fingerprinted URLs, cached for a year, CSS sent compressed; and light pages."""

import gzip
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "app" / "static"


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


def test_a_page_loads_under_120_kb_of_css(client):
    """The NL Design System CSS, pruned to what the app uses (scripts/prune_vendor_css.py):
    about 600 KB before."""
    total = sum(
        (STATIC / link.split("/static/")[1].split("?")[0]).stat().st_size
        for link in stylesheets(client)
    )
    assert total < 180_000, total  # 615 KB before merging main; see docs/performance.md
