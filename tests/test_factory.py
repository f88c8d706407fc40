"""The application factory, configuration and the health check."""

import subprocess
import sys

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from config import DEFAULT_SECRET_KEY, ProductionConfig, TestingConfig, engine_options


def test_testing_config_is_used(app):
    assert app.testing
    assert create_app(TestingConfig).testing


@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET_KEY, "short"])
def test_production_refuses_a_missing_or_default_secret_key(secret):
    """Can production start with a guessable SECRET_KEY? It must not."""
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": secret})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_starts_with_a_real_secret_key_and_never_loads_demo_data():
    config = type(
        "Prod",
        (ProductionConfig,),
        {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"},
    )
    app = create_app(config)
    assert not app.config["LOAD_DEMO_DATA"]
    assert app.config["SESSION_COOKIE_SECURE"]
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "only loaded in development" in result.output


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable():
    config = type(
        "Broken",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        },
    )
    app = create_app(config)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"


def test_security_headers_are_set_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_migrations_downgrade_to_empty_and_upgrade_again(app):
    """Can the schema be built from nothing and taken down again, on this database?"""
    from flask_migrate import downgrade, upgrade

    from app.extensions import db

    downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {
        "users",
        "organisations",
        "org_units",
        "role_grants",
        "hr_scopes",
        "module_versions",
        "quiz_attempts",
        "certificates",
    } <= tables


@pytest.mark.parametrize(
    "url", ["/modules/a%00b", "/verify?code=%00", "/api/v1/employees?unit=%00"]
)
def test_a_nul_byte_anywhere_in_the_request_is_a_400_not_a_crash(client, url):
    assert client.get(url).status_code == 400


def test_sqlite_runs_in_write_ahead_log_mode_with_full_sync(tmp_path):
    """Readers keep going while a worker writes; a commit still survives a power cut."""
    url = f"sqlite:///{tmp_path}/wal.db"
    config = type(
        "FileConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url)},
    )
    with create_app(config).app_context():
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(sa.text("PRAGMA synchronous")).scalar() == 2  # FULL
        db.engine.dispose()


def test_a_wrong_method_on_a_page_gets_405_with_allow(client):
    """RFC 9110: every 405, also on the HTML pages, says which methods are allowed."""
    response = client.delete("/login")
    assert response.status_code == 405
    assert {"GET", "POST"} <= set(response.headers["Allow"].replace(" ", "").split(","))


def test_the_app_runs_without_the_redis_package_when_no_redis_is_configured(tmp_path):
    """Does a one-machine install (no `geletterd[redis]`) start, serve the sign-in page and
    make its job queue?"""
    script = (
        "import sys; sys.modules['redis'] = None\n"  # makes `import redis` fail, as if absent
        "from app import create_app\n"
        "from app.jobs.queue import huey_for\n"
        "from config import TestingConfig\n"
        f"config = type('One', (TestingConfig,), {{'JOB_QUEUE_URL': 'sqlite:///{tmp_path}/q.db'}})\n"
        "app = create_app(config)\n"
        "assert app.test_client().get('/login').status_code == 200\n"
        "assert type(huey_for(app)).__name__ == 'SqliteHuey'\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("setting", ["RATELIMIT_STORAGE_URI", "JOB_QUEUE_URL"])
def test_a_redis_url_without_the_redis_package_names_the_extra(monkeypatch, setting):
    monkeypatch.setitem(sys.modules, "redis", None)  # as if `geletterd[redis]` was not installed
    config = type("Scaled", (TestingConfig,), {setting: "redis://redis.internal:6379/0"})
    with pytest.raises(
        RuntimeError, match=rf"{setting} names a Redis .* pip install '\.\[redis\]'"
    ):
        create_app(config)
