"""Configuration, one class per environment, read from environment variables alone."""

import os
import tempfile
from importlib.util import find_spec
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production, see check_production


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs say postgres://; SQLAlchemy wants the driver spelled out.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


#: Seconds to wait for a database connection: when the database is away, a page answers 503
#: within a few seconds instead of hanging until the proxy in front gives up.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
#: A pooled connection idle for longer than this many seconds is tested (a ping) before use, so
#: after a database restart, a fail-over or a network break the app reconnects by itself. One
#: used more recently is trusted: under load that saves a round trip on every request.
DATABASE_PING_AFTER_IDLE = float(os.environ.get("DATABASE_PING_AFTER_IDLE", "1"))


def engine_options(url: str) -> dict:
    """SQLAlchemy engine options for the database at `url`.

    (A pooled connection that sat idle is tested before use: app.database.ping_idle_connections.)
    """
    options: dict = {}
    if url.startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": DATABASE_CONNECT_TIMEOUT}
    return options


#: URLs that name Redis, for the rate limits (limits) and the job queue (huey).
REDIS_URL_PREFIXES = ("redis://", "rediss://", "redis+", "unix://")


class Config:
    """Settings shared by every environment."""

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a Redis URL when the redis package (the optional extra
        `geletterd[redis]`) is missing: else the first sign-in or export would fail instead."""
        for name in ("RATELIMIT_STORAGE_URI", "JOB_QUEUE_URL"):
            if getattr(cls, name).startswith(REDIS_URL_PREFIXES) and find_spec("redis") is None:
                raise RuntimeError(
                    f"{name} names a Redis server, but the redis package is not installed: "
                    "install Geletterd with its redis extra, pip install '.[redis]'"
                )

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{BASE_DIR / 'instance' / 'geletterd.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    DATABASE_PING_AFTER_IDLE = DATABASE_PING_AFTER_IDLE
    CONTENT_DIR = os.environ.get("CONTENT_DIR", str(BASE_DIR))
    SITE_NAME = os.environ.get("SITE_NAME", "Geletterd")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    #: An organisation's own design-token CSS file (its house style), served after the defaults.
    THEME_CSS_FILE = os.environ.get("THEME_CSS_FILE", "")
    #: The CSS class its tokens are scoped to; the open example tokens use "voorbeeld-theme".
    THEME_CLASS = os.environ.get("THEME_CLASS", "voorbeeld-theme")
    #: Time zone for visitors who are not signed in (an organisation's own zone is kept with it).
    TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
    #: The organisation's logo (PNG, JPEG or SVG), shown on the start page and on certificates,
    #: and its name for the start page (certificates name each holder's own organisation).
    LOGO_FILE = os.environ.get("LOGO_FILE", "")
    ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "")
    #: Who signs certificates: a name and a role, e.g. "J. de Vries" and "Gemeentesecretaris".
    CERTIFICATE_SIGNATORY_NAME = os.environ.get("CERTIFICATE_SIGNATORY_NAME", "")
    CERTIFICATE_SIGNATORY_ROLE = os.environ.get("CERTIFICATE_SIGNATORY_ROLE", "")
    #: Encrypts the badge signing keys and LRS passwords in the database (app/interop/sealed.py);
    #: SECRET_KEY when unset. Set it on its own if you may ever change SECRET_KEY.
    INTEROP_SECRET_KEY = os.environ.get("INTEROP_SECRET_KEY", "")
    BABEL_DEFAULT_LOCALE = "nl"
    LANGUAGES = ("nl", "en")
    LOAD_DEMO_DATA = False

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "geletterd@localhost")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60
    #: Sign out after this long without a request, and this long after signing in, whatever.
    SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
    SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(10 * 60 * 60)))
    WTF_CSRF_TIME_LIMIT = None  # a long lesson must not make the "mark as read" form expire
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    #: Where rate-limit counters live; set to redis://... when running more than one app server.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    #: How many reverse proxies (nginx, a load balancer) stand in front and set X-Forwarded-For.
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
    RATELIMIT_HEADERS_ENABLED = True
    #: Failed sign-ins allowed per account and per client address before a pause.
    LOGIN_RATE_LIMIT_ACCOUNT = os.environ.get("LOGIN_RATE_LIMIT_ACCOUNT", "10 per 15 minutes")
    LOGIN_RATE_LIMIT_ADDRESS = os.environ.get("LOGIN_RATE_LIMIT_ADDRESS", "50 per 15 minutes")
    #: Wrong second-factor codes allowed per account before a pause.
    MFA_RATE_LIMIT = os.environ.get("MFA_RATE_LIMIT", "5 per 15 minutes")
    #: AES-256-GCM key (32 bytes, base64url) that encrypts TOTP secrets at rest; comma-separated
    #: earlier keys still decrypt after a rotation until `flask auth reencrypt-totp` has run.
    #: Empty: secrets are stored unencrypted.
    MFA_ENCRYPTION_KEY = os.environ.get("MFA_ENCRYPTION_KEY", "")
    MFA_ENCRYPTION_OLD_KEYS = os.environ.get("MFA_ENCRYPTION_OLD_KEYS", "")
    #: Passkeys (WebAuthn): the domain they are bound to (the "relying party id") and the
    #: origins (comma-separated) whose browsers may use them. Empty: taken from PUBLIC_BASE_URL.
    #: The RP id must be the site's host name or a parent domain of it, never an IP address.
    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
    WEBAUTHN_ORIGINS = os.environ.get("WEBAUTHN_ORIGINS", "")
    #: Seconds a passkey challenge stays valid.
    WEBAUTHN_CHALLENGE_SECONDS = int(os.environ.get("WEBAUTHN_CHALLENGE_SECONDS", "300"))
    #: API requests allowed per token; more get 429 with Retry-After.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    #: Days after someone leaves before `flask privacy purge` replaces their personal data.
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", str(2 * 365)))
    #: Seconds the HR dashboard may show figures counted earlier, for scopes too large to count
    #: per view (app/hr/snapshots.py); `flask figures refresh` recounts them.
    HR_FIGURES_MAX_AGE = int(os.environ.get("HR_FIGURES_MAX_AGE", str(10 * 60)))
    #: Public certificate verification, per client address.
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute")
    #: argon2id cost (a profile of argon2.profiles): RFC 9106's low-memory choice, 64 MiB.
    PASSWORD_HASH_PROFILE = "RFC_9106_LOW_MEMORY"  # noqa: S105 - a cost profile, not a password

    #: The job queue: a SQLite file by default (nothing to install), redis://host:port/db in
    #: production. Every app server and worker must name the same queue.
    JOB_QUEUE_URL = os.environ.get(
        "JOB_QUEUE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'job-queue.db'}"
    )
    JOB_QUEUE_NAME = os.environ.get("JOB_QUEUE_NAME", "geletterd")
    #: Where finished exports and ZIPs wait for their download; shared storage when the app
    #: servers and workers run on more than one machine.
    JOB_RESULTS_DIR = os.environ.get("JOB_RESULTS_DIR", str(BASE_DIR / "instance" / "job-results"))
    #: Hours a result is kept before the cleanup deletes it.
    JOB_RESULT_HOURS = float(os.environ.get("JOB_RESULT_HOURS", "24"))
    #: A running job whose worker has not said "still here" for this many seconds is failed.
    JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "120"))
    JOB_HEARTBEAT_SECONDS = float(os.environ.get("JOB_HEARTBEAT_SECONDS", "10"))
    #: The evidence report PDF of a scope with more people than this is made in the background.
    EVIDENCE_PDF_JOB_THRESHOLD = int(os.environ.get("EVIDENCE_PDF_JOB_THRESHOLD", "2000"))


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    LOAD_DEMO_DATA = True


_TEST_JOB_DIR = os.environ.get(
    "TEST_JOB_DIR", os.path.join(tempfile.gettempdir(), "geletterd-test-jobs")
)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    WTF_CSRF_ENABLED = True
    LOAD_DEMO_DATA = False
    #: tests/conftest.py names a fresh folder per run; the subprocess workers of the tests
    #: inherit it, so they share the queue and the results with the app under test.
    JOB_QUEUE_URL = os.environ.get("TEST_JOB_QUEUE_URL", f"sqlite:///{_TEST_JOB_DIR}/job-queue.db")
    JOB_RESULTS_DIR = f"{_TEST_JOB_DIR}/job-results"
    JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "3"))
    JOB_HEARTBEAT_SECONDS = float(os.environ.get("JOB_HEARTBEAT_SECONDS", "0.5"))
    #: Hashing at production cost took about 60 % of the suite's time; tests of the production
    #: cost set it back (tests/auth/test_password_cost.py).
    PASSWORD_HASH_PROFILE = "CHEAPEST"  # noqa: S105 - a cost profile, not a password
    #: The suite runs with TOTP secrets encrypted, as production should.
    MFA_ENCRYPTION_KEY = "Z2VsZXR0ZXJkLXRlc3QtdG90cC1rZXktMzItYnl0ZXM"  # noqa: S105 - tests only


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to run production with a guessable key: sessions and CSRF tokens depend on it."""
        super().check()
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEFAULT_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError(
                "SECRET_KEY is missing, the default, or shorter than 32 characters. "
                "Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """Picks the config class named by GELETTERD_ENV (default: production, the safe choice)."""
    name = os.environ.get("GELETTERD_ENV", "production")
    if name not in CONFIGS:
        raise RuntimeError(f"GELETTERD_ENV={name!r} is not one of {', '.join(CONFIGS)}")
    return CONFIGS[name]
