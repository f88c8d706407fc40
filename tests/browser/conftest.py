"""A live server on the test database, and Debian's Chromium driven by Playwright."""

import datetime as dt
import os
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Assignment, LearningPath

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Where the journeys leave their screenshots: an ignored folder, so that `make test` changes no
#: tracked file. `make screenshots` refreshes the README's pictures on purpose.
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "tmp" / "screenshots"
)
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",  # this network is closed; no update or sync calls
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def buffered_static(app):
    """Reads static files into memory before sending them.

    Chromium drops connections for fonts and stylesheets it already has; werkzeug's development
    server then lets the open file be garbage-collected unclosed, and the ResourceWarning (an error
    under this suite's warning filter) failed a random browser test. Buffering closes each file
    before the first byte is written, so nothing is left open when the browser hangs up.
    """

    def serve(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return app(environ, start_response)
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, buffered_static(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests SKIPPED")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def learner(make, content):
    """A learner with the fixture course's path assigned, due in 30 days."""
    user = make.user(name="Özlem Çelik-de Vries")
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    db.session.add(
        Assignment(
            user_id=user.id, path_id=path.id, deadline=dt.date.today() + dt.timedelta(days=30)
        )
    )
    db.session.commit()
    return user
