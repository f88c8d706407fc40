"""Geletterd: AI literacy for Dutch civil servants. The application factory lives here."""

from flask import Flask

from config import Config, config_from_environment


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Builds the application. Does no I/O: migrations and data loading are CLI commands."""
    config_class = config_class or config_from_environment()
    config_class.check()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    register_extensions(app)
    register_blueprints(app)
    register_security(app)
    register_static_files(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from app.database import (
        begin_postgresql_transactions_at_first_write,
        ping_idle_connections,
        use_write_ahead_log_on_sqlite,
    )
    from app.extensions import (
        FRAGMENT_CACHE_CONFIG,
        csrf,
        db,
        fragment_cache,
        limiter,
        login_manager,
        migrate,
    )
    from app.i18n import init_babel

    db.init_app(app)
    use_write_ahead_log_on_sqlite(app)
    ping_idle_connections(app)
    begin_postgresql_transactions_at_first_write(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    fragment_cache.init_app(app, config=FRAGMENT_CACHE_CONFIG)
    init_babel(app)
    from app import models  # noqa: F401 - registers every table with SQLAlchemy's metadata
    from app.auth.session import init_login

    init_login(app)


def register_blueprints(app: Flask) -> None:
    from app.admin import security_routes  # noqa: F401 - access review, second-factor reset
    from app.admin.routes import bp as admin_bp
    from app.api.routes import bp as api_bp
    from app.auth import (  # noqa: F401 - second factor, own account
        account_routes,
        mfa_routes,
        passkey_routes,
        sso_routes,  # noqa: F401 - adds the single sign-on routes to the auth blueprint
    )
    from app.auth.routes import bp as auth_bp
    from app.certificates.routes import bp as certificates_bp
    from app.evidence.routes import bp as evidence_bp
    from app.hr import people_routes, rule_routes  # noqa: F401 - add their routes to the HR blueprint
    from app.hr.calendar import bp as calendar_bp
    from app.hr.routes import bp as hr_bp
    from app.interop.routes import bp as interop_bp
    from app.jobs.routes import bp as jobs_bp
    from app.learn.routes import bp as learn_bp
    from app.main.errors import register_error_handlers
    from app.main.routes import bp as main_bp
    from app.quiz.routes import bp as quiz_bp
    from app.studio import (  # noqa: F401 - add the writing and review pages to the studio
        draft_routes,
        review_routes,
    )
    from app.studio.feedback_routes import bp as feedback_bp
    from app.studio.routes import bp as studio_bp

    for blueprint in (
        main_bp,
        auth_bp,
        learn_bp,
        quiz_bp,
        certificates_bp,
        hr_bp,
        calendar_bp,
        jobs_bp,
        api_bp,
        evidence_bp,
        admin_bp,
        studio_bp,
        interop_bp,
        feedback_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)


def register_security(app: Flask) -> None:
    from app.security import init_security_headers, trust_reverse_proxies

    init_security_headers(app)
    trust_reverse_proxies(app)


def register_static_files(app: Flask) -> None:
    from app.core.static_files import init_static_files

    init_static_files(app)


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)
