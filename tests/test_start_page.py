"""What a visitor meets first: the start page, the favicon, a description on every page."""

import re

import pytest


def test_a_visitor_gets_a_start_page_that_says_what_this_is(client):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Leer hoe AI werkt" in page and "AI-verordening" in page
    assert 'href="/login"' in page and 'href="/modules"' in page
    assert "/logo" not in page  # no logo configured: no empty image


def test_a_signed_in_learner_goes_to_mijn_leren(auth, make):
    auth.login(make.user())
    assert auth.client.get("/").headers["Location"].endswith("/mijn-leren")


def test_the_start_page_shows_the_organisations_logo_when_configured(app, client, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>')
    app.config.update(LOGO_FILE=str(logo), ORGANISATION_NAME="Gemeente Voorbeeldstad")
    try:
        page = client.get("/").get_data(as_text=True)
        assert '<img class="start__logo" src="/logo" alt="Logo van Gemeente Voorbeeldstad">' in page
        response = client.get("/logo")
        assert response.mimetype == "image/svg+xml"
        response.close()  # a file is streamed from disk
    finally:
        app.config.update(LOGO_FILE="", ORGANISATION_NAME="")


def test_the_favicon_is_served_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.data[:4] == b"\0\0\1\0"  # an ICO file
    response.close()
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/favicon.ico"' in page and "favicon.svg" in page


@pytest.mark.parametrize("path", ["/", "/modules", "/login", "/verify"])
def test_every_page_has_a_description(client, path):
    page = client.get(path).get_data(as_text=True)
    description = re.search(r'<meta name="description" content="([^"]+)">', page)
    assert description and len(description[1]) > 40, path
