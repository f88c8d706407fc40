"""Extension objects, created unbound; create_app binds them to an application."""

import sqlalchemy as sa
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

# Named constraints make migrations reversible on SQLite (batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay readable after commit: a view commits, then renders what it just loaded.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Counts live in RATELIMIT_STORAGE_URI: Redis in production, so all app servers share them.
limiter = Limiter(key_func=get_remote_address)
# Rendered page fragments that depend only on published (immutable) content, such as a
# lesson's text and contents list, kept in each worker's memory: two servers cannot disagree
# about them, so they need no shared store. Nothing that can change may go in here.
fragment_cache = Cache()
FRAGMENT_CACHE_CONFIG = {
    "CACHE_TYPE": "SimpleCache",
    "CACHE_DEFAULT_TIMEOUT": 0,  # never expires: the content it is made from cannot change
    "CACHE_THRESHOLD": 2048,  # a bound on the memory: a few kB per fragment
}
