"""The database goes away and comes back: pages answer a clear 503 quickly, then recover alone.

A TCP proxy stands between the app and the real PostgreSQL; stopping it is the outage. Runs on
PostgreSQL only (TEST_DATABASE_URL=postgresql:///...): SQLite has no server to lose.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.extensions import db
from config import TestingConfig, engine_options
from tests.conftest import Auth, FreshContextClient, csrf_token
from tests.security.html_scan import scan
from tests.security.tcp_proxy import TcpProxy

#: An outage must be reported within this many seconds, not after a proxy's 60-second time-out.
QUICKLY = 3.0

pytestmark = pytest.mark.skipif(
    not TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"),
    reason="needs PostgreSQL: run with TEST_DATABASE_URL=postgresql:///<database>",
)


@pytest.fixture
def proxy():
    url = sa.engine.make_url(TestingConfig.SQLALCHEMY_DATABASE_URI)
    tcp_proxy = TcpProxy(upstream=(url.host or "127.0.0.1", url.port or 5432))
    tcp_proxy.start()
    yield tcp_proxy
    tcp_proxy.stop()


@pytest.fixture
def app_via_proxy(app: Flask, proxy: TcpProxy):
    """A second app, built by the real factory, whose database connections go through the proxy."""
    url = sa.engine.make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).set(
        host="127.0.0.1", port=proxy.port
    )
    uri = url.render_as_string(hide_password=False)
    config = type(
        "ViaProxyConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": uri, "SQLALCHEMY_ENGINE_OPTIONS": engine_options(uri)},
    )
    application = create_app(config)
    application.test_client_class = FreshContextClient
    yield application
    with application.app_context():
        db.engine.dispose()


def timed(request) -> tuple:
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def assert_clear_503(response, seconds: float, limit: float = QUICKLY) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:500]
    assert seconds < limit, f"took {seconds:.1f} s"
    assert response.headers["Retry-After"].isdigit()
    assert "Tijdelijk niet beschikbaar" in page and "Traceback" not in page
    assert '<html lang="nl"' in page
    assert scan(page).inline_code == [] and scan(page).inline_styles == []
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_pages_answer_503_while_the_database_is_away_and_recover_by_themselves(
    app_via_proxy, proxy, make
):
    """Does the app say "temporarily unavailable" quickly when PostgreSQL vanishes, and carry on
    without a restart when it is back?"""
    user = make.user(email="door-de-proxy@example.org")
    signed_in = Auth(app_via_proxy.test_client())
    assert signed_in.login(user).status_code == 302
    assert signed_in.client.get("/mijn-leren").status_code == 200
    visitor = app_via_proxy.test_client()
    token = csrf_token(visitor)

    proxy.stop()
    health, seconds = timed(lambda: visitor.get("/healthz"))
    assert health.status_code == 503 and seconds < QUICKLY
    assert health.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert_clear_503(*timed(lambda: signed_in.client.get("/mijn-leren")))
    assert_clear_503(*timed(lambda: visitor.get("/modules")))
    login = {"email": user.email, "password": "whatever it is", "csrf_token": token}
    assert_clear_503(*timed(lambda: visitor.post("/login", data=login)))
    api = visitor.get("/api/v1/employees", headers={"Authorization": "Bearer glt_x"})
    assert api.status_code == 503 and api.get_json()["code"] == 503

    proxy.start()
    assert visitor.get("/healthz").status_code == 200
    assert signed_in.client.get("/mijn-leren").status_code == 200, "the session survives"
    assert visitor.get("/modules").status_code == 200
    assert Auth(app_via_proxy.test_client()).login(user).status_code == 302


def test_a_database_that_hangs_gives_503_after_the_connect_timeout_not_a_hang(
    app_via_proxy, proxy, make
):
    """A network that swallows packets is worse than a refused connection: the connect time-out
    (DATABASE_CONNECT_TIMEOUT, 5 s) must end the wait."""
    user = make.user(email="hangt@example.org")
    signed_in = Auth(app_via_proxy.test_client())
    assert signed_in.login(user).status_code == 302
    timeout = app_via_proxy.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["connect_timeout"]

    proxy.stop()
    proxy.start(forward=False)
    assert_clear_503(*timed(lambda: signed_in.client.get("/mijn-leren")), limit=timeout + 3)

    proxy.stop()
    proxy.start()
    assert signed_in.client.get("/mijn-leren").status_code == 200
