"""Language choice: Dutch by default, English available.

The choice is kept on the account, or in the session when nobody is signed in.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from babel.support import Translations
from flask import Flask, current_app, g, session
from flask_babel import force_locale, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.core import formats
from app.extensions import babel


def N_(text: str) -> str:  # noqa: N802 - the conventional name that pybabel extracts
    """Marks text for translation where it is defined; it is translated where it is shown."""
    return text


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.language in supported:
        return current_user.language
    if session.get("language") in supported:
        return session["language"]
    # Dutch first, whatever the browser says: the audience is the Dutch public sector.
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "nl")


def request_translations() -> Translations:
    """The request's catalogue, looked up once per request instead of once per string.

    Flask-Babel finds it anew for every `_()` in a template (a handful of context look-ups
    each); a page has dozens. The locale is fixed once chosen for a request, so keeping the
    catalogue on `g` gives the same text.
    """
    translations = g.get("_translations")
    if translations is None:
        translations = g._translations = get_translations()
    return translations


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Everything translated inside speaks `language`, whatever the request's: for an e-mail to
    someone else, or a document in the language it is asked for."""
    saved = g.pop("_translations", None)
    try:
        with force_locale(language):
            yield
    finally:
        g.pop("_translations", None)
        if saved is not None:
            g._translations = saved


def init_babel(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["audience_label"] = audience_label
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.filters["tag_label"] = tag_label
    app.jinja_env.filters.update(
        # A plain date needs no time zone (and no look-up of the organisation's).
        day=lambda value: formats.day(
            value, current_language(), time_zone() if isinstance(value, dt.datetime) else None
        ),
        moment=lambda value: formats.moment(value, current_language(), time_zone()),
        clock=lambda value: formats.clock(value, time_zone()),
        when=lambda value: formats.when(value, current_language(), time_zone()),
        number=lambda value: formats.number(value, current_language()),
        percent=lambda value: formats.percent(value, current_language()),
    )


def time_zone() -> str:
    """The time zone pages show times in: the signed-in person's organisation's, else the
    installation's default (TIME_ZONE)."""
    zone = g.get("_time_zone")
    if zone is None:
        zone = current_app.config.get("TIME_ZONE") or formats.DEFAULT_ZONE
        # Outside a request (an e-mail sent by the worker) there is no current user.
        if current_user and current_user.is_authenticated:
            zone = current_user.organisation.time_zone or zone
        g._time_zone = zone
    return zone


AUDIENCE_LABELS = {
    "everyone": _l("iedereen"),
    "policy": _l("beleid"),
    "management": _l("management en bestuur"),
    "procurement": _l("inkoop"),
    "data-it": _l("data en ICT"),
}


ROLE_LABELS = {
    "learner": _l("leerling"),
    "trainer": _l("trainer"),
    "hr": _l("HR"),
    "admin": _l("beheerder"),
}


def role_label(code: str) -> str:
    return str(ROLE_LABELS.get(str(code), code))


def audience_label(code: str) -> str:
    return str(AUDIENCE_LABELS.get(code, code))


#: How abbreviations in a module's tags are written ("ai-verordening" is "AI-verordening").
TAG_WORDS = {
    "ai": "AI",
    "avg": "AVG",
    "awb": "Awb",
    "dpia": "DPIA",
    "iama": "IAMA",
    "fria": "FRIA",
    "syri": "SyRI",
    "ai-act": "AI Act",
}


def tag_label(tag: str) -> str:
    """A module's tag as words: "hoog-risico" is "hoog risico", "ai-geletterdheid" is
    "AI-geletterdheid" (an abbreviation keeps its hyphen, as Dutch writes it)."""
    if tag in TAG_WORDS:
        return TAG_WORDS[tag]
    words = [TAG_WORDS.get(word, word) for word in tag.split("-")]
    text = words[0]
    for before, word in zip(words, words[1:], strict=False):
        text += ("-" if before.isupper() or before in TAG_WORDS.values() else " ") + word
    return text
