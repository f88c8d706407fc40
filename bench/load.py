"""Load test: N simulated learners against gunicorn on PostgreSQL, then a check of the data.

Prepares an EMPTY PostgreSQL database (the real migrations, the repository's own course, one
organisation, N learners each assigned a learning path and well into it), starts

    gunicorn -w WORKERS -b 127.0.0.1:PORT 'app:create_app()'

on it with GELETTERD_ENV=production, and runs the learners as threads in a second process (this
file with --load-generator, standard library only). Each learner behaves like a person with a
browser: signs in through the login form, opens Mijn leren, opens a module of their path, reads a
few lessons on from where they were (and marks them read), starts the quiz, answers every
question by reading the form on the question page (now and then going back to change an
answer), opens the overview, submits and opens the result; then the next module. Every redirect
is followed, as a browser would.

It prints requests/s and p50/p95/p99 latency per kind of request, the errors (any 5xx, any
connection error, any other unexpected answer) and the quizzes submitted. Then it checks the
database: every attempt the learners handed in is graded, no other attempt is, and every answer
they saved is stored exactly once, under the question at the number they posted. It exits
non-zero, saying what failed, when any of that does not hold. The tables it created are dropped
at the end; the database itself is left for you to drop.

    .venv/bin/python bench/load.py --postgres postgresql:///EMPTY_DB [--learners 200]
        [--seconds 120] [--workers 4]
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# bench/http.py would shadow the standard library's `http` (which http.client and Werkzeug
# import) if this folder stayed first on sys.path, as it is when this file runs as a script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `app` and `config` live at the repository root

import argparse  # noqa: E402
import contextlib  # noqa: E402
import html  # noqa: E402
import http.client  # noqa: E402
import io  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from urllib.parse import urlencode, urlsplit  # noqa: E402

PASSWORD = "load-test-password-123"  # noqa: S105 - throwaway accounts in a throwaway database
USER_AGENT = "geletterd-bench-load"  # constant: Flask-Login's "strong" protection hashes it
GO_BACK = 0.1  # the chance that a learner goes back from a question to change the previous answer
KNOWS = 0.8  # the chance that a learner knows the right answer to a question (else they guess)

#: Every request is counted under one kind: (method, path pattern, kind). First match wins.
KINDS = [
    ("GET", r"/login", "login page"),
    ("POST", r"/login", "sign in"),
    ("GET", r"/mijn-leren", "Mijn leren"),
    ("GET", r"/modules/[^/]+", "module page"),
    ("GET", r"/modules/[^/]+/toets", "quiz home"),
    ("POST", r"/modules/[^/]+/toets/start", "start quiz"),
    ("GET", r"/modules/[^/]+/[^/]+", "lesson"),
    ("POST", r"/modules/[^/]+/[^/]+/gelezen", "mark lesson read"),
    ("GET", r"/toets/\d+/\d+", "question page"),
    ("POST", r"/toets/\d+/\d+", "save answer"),
    ("GET", r"/toets/\d+/overzicht", "overview"),
    ("POST", r"/toets/\d+/inleveren", "submit quiz"),
    ("GET", r"/toets/\d+/resultaat", "result"),
]
KIND_ORDER = [kind for _, _, kind in KINDS] + ["other"]
#: What a browser gets when all is well: a page, or after a form a redirect.
EXPECTED_STATUS = {kind: 302 if method == "POST" else 200 for method, _, kind in KINDS}
MODULE_LINK = re.compile(r"/modules/[^/]+")
OPEN_ATTEMPT_LINK = re.compile(r"/toets/(\d+)/overzicht")


def kind_of(method: str, path: str) -> str:
    for verb, pattern, kind in KINDS:
        if verb == method and re.fullmatch(pattern, path):
            return kind
    return "other"


# ==================================================================================================
# The load generator: a separate process (this file with --load-generator), standard library only.
# ==================================================================================================


class TimeUp(Exception):
    """The run's time is over: the learner stops before sending another request."""


class Detour(Exception):
    """The server answered something a learner did not expect, or not at all. The learner notes
    it and starts again from Mijn leren."""


def squeeze(text: str) -> str:
    """Text without whitespace: how a learner recognises a question or an option on the page,
    however the HTML around it is laid out."""
    return "".join(text.split())


@dataclass
class Form:
    """A form as a browser sees it: where it posts, and what it lets the person fill in. Texts
    are squeezed (see `squeeze`)."""

    action: str | None  # None: the form posts to the page it is on
    hidden: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio and checkbox values
    checkboxes: set[str] = field(default_factory=set)  # the names in `choices` that allow several
    selects: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (value, text)
    actions: list[str] = field(default_factory=list)  # the values of its name="action" buttons
    ids: dict[str, tuple[str, str]] = field(default_factory=dict)  # id: (name, value)
    labels: dict[str, str] = field(default_factory=dict)  # id: the text of its <label for>

    def label(self, name: str, value: str = "") -> str:
        """The text of the label of the field with this name (and value, for a radio button)."""
        for element, field_id in self.ids.items():
            if field_id == (name, value):
                return self.labels.get(element, "")
        return ""


class PageParser(HTMLParser):
    """Collects a page's links, its forms with their labels, and the question it asks."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.button_links: list[str] = []  # links that look like buttons: the page's main actions
        self.forms: list[Form] = []
        self.question = ""  # the text of the element with class "question__text"
        self.form: Form | None = None
        self.select: str | None = None
        self.capture: tuple[str, str, str] | None = None  # (end tag, what, key) of a text
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if "utrecht-button-link" in a.get("class", "").split():
                self.button_links.append(a["href"])
        elif tag == "form":
            self.form = Form(a.get("action") or None)
            self.forms.append(self.form)
        elif tag == "span" and "question__text" in a.get("class", "").split():
            self.start_capture("span", "question", "")
        elif self.form is None:
            return
        elif tag == "input":
            self.add_input(self.form, a)
        elif tag == "select":
            self.select = a.get("name", "")
            self.form.selects[self.select] = []
            self.form.ids[a.get("id", "")] = (self.select, "")
        elif tag == "option" and self.select is not None and a.get("value"):
            self.start_capture("option", "option", a["value"])
        elif tag == "label" and a.get("for"):
            self.start_capture("label", "label", a["for"])
        elif tag == "button" and a.get("name") == "action":
            self.form.actions.append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self.capture is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.capture is not None and tag == self.capture[0]:
            self.end_capture()
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None

    def start_capture(self, end_tag: str, what: str, key: str) -> None:
        self.capture, self.text = (end_tag, what, key), []

    def end_capture(self) -> None:
        _, what, key = self.capture
        text = squeeze("".join(self.text))
        if what == "question":
            self.question = text
        elif what == "option":
            self.form.selects[self.select].append((key, text))
        else:
            self.form.labels[key] = text
        self.capture = None

    @staticmethod
    def add_input(form: Form, a: dict[str, str]) -> None:
        name, kind, value = a.get("name", ""), a.get("type", "text"), a.get("value", "")
        if kind == "hidden":
            form.hidden[name] = value
        elif kind in ("radio", "checkbox"):
            form.choices.setdefault(name, []).append(value)
            form.ids[a.get("id", "")] = (name, value)
            if kind == "checkbox":
                form.checkboxes.add(name)


@dataclass
class Page:
    path: str
    status: int
    location: str  # the path a redirect points to, without host or #fragment
    body: str
    parsed: PageParser | None = None

    def parse(self) -> PageParser:
        if self.parsed is None:
            self.parsed = PageParser()
            self.parsed.feed(self.body)
        return self.parsed

    def links(self, pattern: re.Pattern) -> list[str]:
        """The page's links that match `pattern` as a whole, once each, in page order."""
        return list(dict.fromkeys(h for h in self.parse().links if pattern.fullmatch(h)))

    def button_link(self, pattern: re.Pattern) -> str | None:
        """The first link shown as a button that matches `pattern` as a whole."""
        return next((h for h in self.parse().button_links if pattern.fullmatch(h)), None)

    def find_form(self, action_ending: str | None) -> Form | None:
        """The first form posting to an action that ends so; None: one posting to this page."""
        for form in self.parse().forms:
            if action_ending is None and form.action is None:
                return form
            if action_ending is not None and (form.action or "").endswith(action_ending):
                return form
        return None

    def form(self, action_ending: str | None) -> Form:
        found = self.find_form(action_ending)
        if found is None:
            raise Detour(f"GET {self.path}: no form posting to {action_ending or 'itself'}")
        return found


@dataclass
class Journal:
    """What one learner did: every request, every surprise, and what the database must now hold."""

    requests: list[tuple[str, int, float]] = field(default_factory=list)  # kind, status, seconds
    problems: list[str] = field(default_factory=list)
    answered: list[tuple[int, int]] = field(default_factory=list)  # (attempt, number): saved
    unsure_answers: list[tuple[int, int]] = field(default_factory=list)  # sent, outcome unknown
    submitted: list[int] = field(default_factory=list)  # attempts whose submit led to the result
    unsure_submits: list[int] = field(default_factory=list)
    signed_in: bool = False


class Browser:
    """One learner's browser: one HTTP/1.1 connection (http.client reopens it after gunicorn's
    sync workers close it), cookies, and a journal of every request.

    Cookies are sent whatever their Secure flag: production marks them Secure, and here they
    travel over plain http as they would between a TLS-terminating proxy and the app.
    """

    def __init__(self, port: int, deadline: float, journal: Journal, rng, think: float):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.deadline = deadline
        self.journal = journal
        self.rng = rng
        self.think = think

    def request(self, method: str, path: str, form: dict | None = None) -> Page:
        if self.think:
            time.sleep(self.rng.expovariate(1 / self.think))
        if time.monotonic() >= self.deadline:
            raise TimeUp
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        kind = kind_of(method, path)
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.journal.requests.append((kind, 0, time.perf_counter() - started))
            self.connection.close()  # the next request starts on a fresh connection
            raise Detour(f"{method} {path}: no response ({error!r})") from None
        self.journal.requests.append((kind, response.status, time.perf_counter() - started))
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        location = urlsplit(response.getheader("Location", "")).path
        return Page(path, response.status, location, data.decode())

    def get(self, path: str) -> Page:
        page = self.request("GET", path)
        if page.status != 200:
            raise Detour(f"GET {path}: HTTP {page.status}, expected 200")
        return page

    def post(self, path: str, form: dict, expect: str = ".*") -> str:
        """Sends the form; returns where the 302 points, which must match `expect` as a whole."""
        page = self.request("POST", path, form)
        if page.status != 302:
            raise Detour(f"POST {path}: HTTP {page.status}, expected 302")
        if not re.fullmatch(expect, page.location):
            raise Detour(f"POST {path}: redirected to {page.location!r}")
        return page.location


# -- what a learner does ---------------------------------------------------------------------------


@dataclass
class Learner:
    """One simulated person: their browser, their luck, and what they know."""

    browser: Browser
    rng: random.Random
    #: The right answers by question text, as the course has them (see `answer_sheet`).
    sheet: dict[str, list[dict]]
    #: Modules whose quiz this learner may not start now: they go to another module.
    closed: set[str] = field(default_factory=set)

    @property
    def journal(self) -> Journal:
        return self.browser.journal


def sign_in(me: Learner, email: str) -> None:
    form = me.browser.get("/login").form(None)
    me.browser.post("/login", {**form.hidden, "email": email, "password": PASSWORD})
    me.journal.signed_in = True


def take_a_module(me: Learner, turn: int) -> None:
    """From Mijn leren through one module of the path: a few lessons, then its quiz."""
    home = me.browser.get("/mijn-leren")
    listed = home.links(MODULE_LINK)
    if not listed:
        raise Detour("Mijn leren lists no module")
    modules = [m for m in listed if m not in me.closed]
    if not modules:
        # Every quiz this learner may take is behind them (a fast server gets them there within
        # a short run): they look a lesson up again, as people do.
        review_a_lesson(me, me.rng.choice(listed))
        return
    module = modules[turn % len(modules)]  # learners take their path in turn, each from elsewhere
    page = me.browser.get(module)
    read_lessons(me, page, module)
    attempt = start_quiz(me.browser, page, module)
    if attempt is None:
        me.closed.add(module)
        return
    answer_questions(me, attempt)
    hand_in(me, attempt)


def lesson_link(module: str) -> re.Pattern:
    """The links to this module's lessons (not to its quiz)."""
    return re.compile(re.escape(module) + r"/(?!toets$)[^/]+")


def review_a_lesson(me: Learner, module: str) -> None:
    lessons = me.browser.get(module).links(lesson_link(module))
    if not lessons:
        raise Detour(f"GET {module}: no lessons listed")
    me.browser.get(me.rng.choice(lessons))


def read_lessons(me: Learner, page: Page, module: str) -> None:
    """One to three lessons in a row from where the learner was (the module page's button
    "Verder waar ik was"), each marked read ("gelezen"); the redirect after marking leads to
    the next lesson, or to the module page after the last."""
    lessons = page.links(lesson_link(module))
    if not lessons:
        raise Detour(f"GET {module}: no lessons listed")
    path = page.button_link(lesson_link(module)) or me.rng.choice(lessons)
    for _ in range(me.rng.randint(1, 3)):
        form = me.browser.get(path).form("/gelezen")
        path = me.browser.post(form.action, form.hidden, expect=re.escape(module) + r"(/[^/]+)?")
        if path not in lessons:
            break
    me.browser.get(path)  # a browser follows the last redirect too


def start_quiz(browser: Browser, module_page: Page, module: str) -> int | None:
    """The attempt to answer: a new one, or one left open earlier; None when the quiz is closed
    to this learner (attempts used up, a wait, no quiz)."""
    quiz_home = f"{module}/toets"
    if quiz_home not in module_page.links(re.compile(re.escape(quiz_home))):
        return None
    home = browser.get(quiz_home)
    form = home.find_form("/toets/start")
    if form is None:  # no start button: an open attempt to go on with, or the quiz is closed
        open_attempt = home.links(OPEN_ATTEMPT_LINK)
        return int(OPEN_ATTEMPT_LINK.fullmatch(open_attempt[0])[1]) if open_attempt else None
    expect = rf"/toets/\d+/1|{re.escape(quiz_home)}"
    location = browser.post(form.action, form.hidden, expect=expect)
    if location == quiz_home:
        browser.get(location)  # back at the quiz home, which says why it cannot start now
        return None
    return int(location.split("/")[2])


def right_answer(form: Form, known: dict) -> dict:
    """The fields that answer the question rightly, found by the texts of the options."""
    fields: dict = {}
    for name, values in form.choices.items():
        right = [v for v in values if form.label(name, v) in known.get("choose", ())]
        fields[name] = right if name in form.checkboxes else right[:1]
    order, pairs = known.get("order", []), known.get("match", {})
    for name, options in form.selects.items():
        label = form.label(name)
        if label in order:
            fields[name] = str(order.index(label) + 1)
        elif label in pairs:
            fields[name] = next((value for value, text in options if text == pairs[label]), "")
    return fields


def guess(form: Form, rng: random.Random) -> dict:
    """What a person who does not know might fill in: any radio button, a few checkboxes, each
    item to order its own place, any answer for each item to match."""
    fields: dict = {}
    for name, values in form.choices.items():
        if name in form.checkboxes:
            fields[name] = rng.sample(values, rng.randint(1, len(values)))
        else:
            fields[name] = rng.choice(values)
    positions = [name for name in form.selects if name.startswith("position-")]
    places = [str(place) for place in range(1, len(positions) + 1)]
    rng.shuffle(places)
    fields.update(zip(positions, places, strict=True))
    for name, options in form.selects.items():
        if name not in positions and options:
            fields[name] = rng.choice(options)[0]
    return fields


def choose_answer(me: Learner, page: Page) -> dict:
    """The learner knows the answer with probability KNOWS, and guesses otherwise."""
    form = page.form(None)
    fields: dict = {}
    if me.rng.random() < KNOWS:
        # Modules may ask the same question ("Wat doe je?"): the answer that fits the options.
        for known in me.sheet.get(page.parse().question, []):
            fields = right_answer(form, known)
            if fields and all(fields.values()):
                break
    if not fields or not all(fields.values()):
        fields = guess(form, me.rng)
    if not fields:
        raise Detour(f"GET {page.path}: a question page without answer fields")
    return {**form.hidden, **fields}


def answer_questions(me: Learner, attempt: int) -> None:
    """Every question in turn, saved with "next", the last with "overview"; now and then the
    learner goes back ("previous") and answers the previous question again."""
    number, went_back = 1, set()
    while True:
        path = f"/toets/{attempt}/{number}"
        page = me.browser.get(path)
        fields = choose_answer(me, page)
        buttons = page.form(None).actions
        if "previous" in buttons and number not in went_back and me.rng.random() < GO_BACK:
            went_back.add(number)
            action, target = "previous", f"/toets/{attempt}/{number - 1}"
        elif "next" in buttons:
            action, target = "next", f"/toets/{attempt}/{number + 1}"
        else:
            action, target = "overview", f"/toets/{attempt}/overzicht"
        try:
            me.browser.post(path, {**fields, "action": action}, expect=re.escape(target))
        except Detour:
            me.journal.unsure_answers.append((attempt, number))
            raise
        me.journal.answered.append((attempt, number))
        if action == "overview":
            return
        number += 1 if action == "next" else -1


def hand_in(me: Learner, attempt: int) -> None:
    form = me.browser.get(f"/toets/{attempt}/overzicht").form("/inleveren")
    result = f"/toets/{attempt}/resultaat"
    try:
        me.browser.post(form.action, form.hidden, expect=re.escape(result))
    except Detour:
        me.journal.unsure_submits.append(attempt)
        raise
    me.journal.submitted.append(attempt)
    me.browser.get(result)


def learn(index: int, email: str, plan: dict, deadline: float, journal: Journal) -> None:
    """One learner's thread: sign in, then module after module until the time is up."""
    rng = random.Random(f"{plan['seed']}-{index}")
    browser = Browser(plan["port"], deadline, journal, rng, plan["think"])
    me = Learner(browser, rng, plan["sheet"])
    try:
        sign_in(me, email)
        for turn in itertools.count(index):
            try:
                take_a_module(me, turn)
            except Detour as detour:
                journal.problems.append(str(detour))
                time.sleep(0.5)  # a server that keeps failing must not be hammered in a loop
    except TimeUp:
        pass
    except Detour as detour:  # signing in failed: nothing else to do
        journal.problems.append(f"{email}: {detour}")
    except Exception:  # a bug in this script: say so rather than lose the thread silently
        journal.problems.append(f"learner {index} crashed:\n{traceback.format_exc()}")
    finally:
        browser.connection.close()


def merge(journals: list[Journal]) -> dict:
    return {
        "requests": [r for j in journals for r in j.requests],
        "problems": [p for j in journals for p in j.problems],
        "answered": [a for j in journals for a in j.answered],
        "unsure_answers": [a for j in journals for a in j.unsure_answers],
        "submitted": [a for j in journals for a in j.submitted],
        "unsure_submits": [a for j in journals for a in j.unsure_submits],
        "signed_in": sum(j.signed_in for j in journals),
    }


def load_generator() -> None:
    """Reads the plan (JSON) on stdin, writes what happened (JSON) on stdout."""
    plan = json.load(sys.stdin)
    journals = [Journal() for _ in plan["emails"]]
    start = time.monotonic()
    deadline = start + plan["seconds"]
    threads = [
        threading.Thread(target=learn, args=(i, email, plan, deadline, journal))
        for i, (email, journal) in enumerate(zip(plan["emails"], journals, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    outcome = {"elapsed": elapsed, "cpu": time.process_time(), **merge(journals)}
    json.dump(outcome, sys.stdout)


# The load generator needs only the standard library: it starts here, before the app is imported,
# which would take it seconds on a busy machine.
if __name__ == "__main__" and "--load-generator" in sys.argv:
    load_generator()
    sys.exit()


# ==================================================================================================
# The parent: preparing the database, running the server and the load generator, checking, report.
# ==================================================================================================

import datetime as dt  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.users import create_user, get_or_create_organisation  # noqa: E402
from app.content import published  # noqa: E402
from app.content.catalogue import current_versions  # noqa: E402
from app.content.loader import Loader  # noqa: E402
from app.content.publish import sync  # noqa: E402
from app.extensions import db  # noqa: E402
from app.learn.progress import get_or_start_progress  # noqa: E402
from app.models import (  # noqa: E402
    Assignment,
    Certificate,
    Completion,
    LearningPath,
    Lesson,
    LessonRead,
    ModuleVersion,
    QuizAnswer,
    QuizAttempt,
    User,
)
from config import TestingConfig  # noqa: E402

NAMES = ["Özlem Çelik-de Vries", "Jan Jansen", "Fatima El Amrani", "Sjoerd van der Meer"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class LoadTestError(Exception):
    """The run could not be made (not a failed check: those are in the report)."""


# -- the database ----------------------------------------------------------------------------------


def setup_app(url: str) -> Flask:
    """The app for preparing and checking, on `url`. TestingConfig: no demo data, and no
    production key check in this process; the server under test runs production."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    config = type("LoadTestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    return create_app(config)


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def prepare(learners: int) -> list[str]:
    """Schema, course, organisation and learners, each with a path and progress on it (see
    `started_on`); returns the learners' email addresses."""
    with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
        upgrade()
    report = sync(Loader(ROOT).load())
    if not report.created:
        raise LoadTestError(f"the repository's course could not be synced: {report.problems[:3]}")
    paths = db.session.scalars(sa.select(LearningPath).order_by(LearningPath.slug)).all()
    versions = {slug: by_language["nl"] for slug, by_language in current_versions().items()}
    lessons: dict[int, list[int]] = defaultdict(list)
    for version_id, lesson_id in db.session.execute(
        sa.select(Lesson.module_version_id, Lesson.id).order_by(Lesson.position)
    ):
        lessons[version_id].append(lesson_id)
    organisation = get_or_create_organisation("voorbeeldstad", "Gemeente Voorbeeldstad")
    # A cheap argon2 hash: N people signing in at once at the default cost (0.1-0.3 s each on
    # this machine) would measure password hashing, not learning.
    password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    emails = []
    for number in range(learners):
        user = create_user(
            organisation=organisation,
            email=f"leerling{number:04d}@load.example",
            name=NAMES[number % len(NAMES)],
            password=None,
        )
        user.password_hash = password_hash
        path = paths[number % len(paths)]  # every learning path has learners
        deadline = dt.date.today() + dt.timedelta(days=path.deadline_days)
        db.session.add(Assignment(user_id=user.id, path_id=path.id, deadline=deadline))
        for slug in path.module_slugs:
            started_on(user, versions[slug], lessons[versions[slug].id])
        emails.append(user.email)
        db.session.commit()
    return emails


def started_on(user: User, version, lesson_ids: list[int]) -> None:
    """Every lesson read but the last two, and the place to go on from at the first of those:
    reading on and passing the quiz completes the module (and issues its certificate), as it
    does for a learner who has been at it a while."""
    progress = get_or_start_progress(user, version)
    progress.lessons_read.extend(LessonRead(lesson_id=i) for i in lesson_ids[:-2])
    progress.last_lesson_position = max(1, len(lesson_ids) - 1)


def text_of(fragment: str) -> str:
    """The squeezed text a browser shows for an HTML fragment."""
    return squeeze(html.unescape(re.sub(r"<[^>]+>", "", fragment)))


def answer_sheet() -> dict[str, list[dict]]:
    """The right answers of every quiz in the course, by question text, in the texts the pages
    show: what a learner who knows an answer knows."""
    sheet: dict[str, list[dict]] = defaultdict(list)
    for quiz in db.session.scalars(sa.select(ModuleVersion.quiz)):
        for question in (quiz or {}).get("questions", []):
            options = question["options"]
            if question["type"] == "order":  # the options are stored in the right order
                known = {"order": [text_of(o["html"]) for o in options]}
            elif question["type"] == "match":
                known = {
                    "match": {text_of(o["left_html"]): text_of(o["right_html"]) for o in options}
                }
            else:
                known = {"choose": [text_of(o["html"]) for o in options if o["correct"]]}
            sheet[squeeze(question["text"])].append(known)
    return sheet


def drop_tables() -> None:
    """Drops every table: the database was empty before the run, so all of them are ours."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in sorted(table_names()):
            connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))


# -- the server and the load generator -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    until = time.monotonic() + 60
    while time.monotonic() < until:
        if server.poll() is not None:
            raise LoadTestError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", "/livez")
                if connection.getresponse().status == 200:
                    return
            finally:
                connection.close()
        time.sleep(0.2)
    raise LoadTestError(f"gunicorn did not answer /livez within 60 s:\n{log.read_text()}")


@dataclass
class Server:
    pid: int
    port: int


@contextlib.contextmanager
def running_server(url: str, workers: int, log: Path) -> Iterator[Server]:
    """gunicorn on the prepared database, configured by the environment alone, as in production."""
    port = free_port()
    environment = {
        **os.environ,
        "GELETTERD_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
    }
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    with log.open("w") as output:  # the child keeps its own copy of the file descriptor
        server = subprocess.Popen(
            [*command, "app:create_app()"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(server, port, log)
        yield Server(server.pid, port)
    finally:
        server.terminate()  # SIGTERM to the master we started: it stops its own workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_load_generator(plan: dict) -> dict:
    """This file again, as a second process: it shares no interpreter (and no GIL) with us."""
    finished = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--load-generator"],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if finished.returncode != 0:
        raise LoadTestError(
            f"the load generator failed with exit code {finished.returncode}:\n"
            f"{finished.stderr[-3000:]}"
        )
    return json.loads(finished.stdout)


# -- CPU time, from /proc: the machine may be shared -----------------------------------------------


def proc_cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            text = Path(f"/proc/{pid}/stat").read_text()
            fields = text[text.rindex(")") + 2 :].split()  # state, ppid, ... utime 11, stime 12
            ticks += int(fields[11]) + int(fields[12])
    return ticks / CLOCK_TICKS


def processes() -> Iterator[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(f"/proc/{name}/stat").read_text()
            command = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            yield int(name), int(stat[stat.rindex(")") + 2 :].split()[1]), command


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


@dataclass
class CpuReading:
    """CPU seconds so far of the app workers, the database's backends and the whole machine."""

    app: float
    database: float
    machine: float
    wall: float

    @classmethod
    def take(cls, server_pid: int, database: str) -> CpuReading:
        found = list(processes())
        workers = [pid for pid, parent, _ in found if parent == server_pid]
        # "postgres: root DBNAME [local] idle": other databases on the server are others' work.
        backends = [
            pid for pid, _, c in found if c.startswith("postgres:") and f" {database} " in c
        ]
        return cls(
            proc_cpu_seconds(workers),
            proc_cpu_seconds(backends),
            machine_busy_seconds(),
            time.monotonic(),
        )


# -- checking the database -------------------------------------------------------------------------


def check_database(outcome: dict) -> tuple[list[str], dict[str, int]]:
    """Compares what the learners were told with what the database holds. Returns the problems
    found and some counts."""
    answered: dict[int, set[int]] = defaultdict(set)
    unsure: dict[int, set[int]] = defaultdict(set)
    for attempt, number in outcome["answered"]:
        answered[attempt].add(number)
    for attempt, number in outcome["unsure_answers"]:
        unsure[attempt].add(number)
    submitted, unsure_submits = set(outcome["submitted"]), set(outcome["unsure_submits"])
    problems = [
        f"attempt {a}: handed in {n} times by the learners"
        for a, n in Counter(outcome["submitted"]).items()
        if n > 1
    ]
    ids = set(answered) | set(unsure) | submitted | unsure_submits
    attempts = {
        a.id: a for a in db.session.scalars(sa.select(QuizAttempt).where(QuizAttempt.id.in_(ids)))
    }
    stored: dict[int, list[str]] = defaultdict(list)
    for attempt_id, question_id in db.session.execute(
        sa.select(QuizAnswer.attempt_id, QuizAnswer.question_id)
    ):
        stored[attempt_id].append(question_id)
    for attempt_id in sorted(ids):
        attempt = attempts.get(attempt_id)
        if attempt is None:
            problems.append(f"attempt {attempt_id}: not in the database")
            continue
        problems += check_answers(attempt, answered[attempt_id], unsure[attempt_id], stored)
        problems += check_grading(attempt, submitted, unsure_submits)
    problems += [
        f"attempt {a}: {len(stored[a])} answers stored, but the learners saved none there"
        for a in sorted(set(stored) - ids)
    ]
    graded = count_attempts(QuizAttempt.submitted_at.is_not(None))
    if not len(submitted) <= graded <= len(submitted | unsure_submits):
        problems.append(f"{graded} attempts are graded, but {len(submitted)} were handed in")
    passed = count_attempts(QuizAttempt.passed.is_(True))
    counts = {
        "attempts": len(ids),
        "answers": sum(len(stored[a]) for a in ids),
        "graded": graded,
        "passed": passed,
        # Made during the run: the preparation makes none.
        "completions": db.session.scalar(sa.select(sa.func.count()).select_from(Completion)),
        "certificates": db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)),
    }
    return problems, counts


def count_attempts(condition) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt).where(condition))


def check_answers(attempt: QuizAttempt, numbers: set[int], unsure: set[int], stored) -> list[str]:
    """One row per question answered: the question drawn at each number posted, no duplicates,
    none missing. An answer whose POST got no clear reply may be there or not."""
    drawn = [d["id"] for d in attempt.draw]
    expected = {drawn[n - 1] for n in numbers}
    maybe = {drawn[n - 1] for n in unsure}
    got = stored.get(attempt.id, [])
    problems = [
        f"attempt {attempt.id}: question {q} stored {n} times"
        for q, n in Counter(got).items()
        if n > 1
    ]
    if missing := expected - set(got):
        problems.append(f"attempt {attempt.id}: saved answers missing for {sorted(missing)}")
    if extra := set(got) - expected - maybe:
        problems.append(f"attempt {attempt.id}: answers stored that were never saved: {extra}")
    return problems


def check_grading(attempt: QuizAttempt, submitted: set[int], unsure: set[int]) -> list[str]:
    """Handed in: graded once, every drawn question scored. Not handed in: still open."""
    if attempt.id in submitted:
        if attempt.submitted_at is None:
            return [f"attempt {attempt.id}: handed in, but submitted_at is not set"]
        scored = set(attempt.results or {})
        if attempt.score is None or scored != {d["id"] for d in attempt.draw}:
            return [f"attempt {attempt.id}: handed in, but not (fully) graded"]
    elif attempt.id not in unsure and attempt.submitted_at is not None:
        return [f"attempt {attempt.id}: graded, but never handed in"]
    return []


# -- the report ------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


@dataclass
class KindFigures:
    kind: str
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    server_errors: int  # 5xx
    connection_errors: int  # no response at all
    unexpected: int  # any other status than the one a browser would expect here

    @classmethod
    def of(cls, kind: str, rows: list[tuple[str, int, float]], seconds: float) -> KindFigures:
        """The figures of `rows` (kind, status or 0 for no response, seconds) under `kind`."""
        latencies = sorted(1000 * r[2] for r in rows if r[1])
        return cls(
            kind,
            len(rows),
            len(rows) / seconds,
            percentile(latencies, 50),
            percentile(latencies, 95),
            percentile(latencies, 99),
            sum(1 for r in rows if r[1] >= 500),
            sum(1 for r in rows if r[1] == 0),
            sum(1 for r in rows if 0 < r[1] < 500 and r[1] != EXPECTED_STATUS.get(r[0], 200)),
        )

    def row(self) -> str:
        cells = [self.kind, f"{self.requests:,}", f"{self.per_second:.1f}"]
        cells += [f"{v:.0f}" for v in (self.p50_ms, self.p95_ms, self.p99_ms)]
        cells += [str(self.server_errors), str(self.connection_errors), str(self.unexpected)]
        return "| " + " | ".join(cells) + " |"


@dataclass
class Report:
    learners: int
    seconds: float
    workers: int
    database: str  # "PostgreSQL 15.x"
    elapsed: float
    signed_in: int
    kinds: list[KindFigures]
    total: KindFigures
    quizzes_submitted: int
    answers_saved: int
    problems: list[str]  # what the learners did not expect, as they noted it
    database_problems: list[str]
    counts: dict[str, int]
    cores: dict[str, float]
    server_log_tail: str = ""

    @property
    def server_errors(self) -> int:
        return self.total.server_errors

    @property
    def connection_errors(self) -> int:
        return self.total.connection_errors

    def failures(self) -> list[str]:
        """Every check that failed, in words; empty when the run passed."""
        failed = []
        if self.server_errors:
            failed.append(f"{self.server_errors} responses with a 5xx status")
        if self.connection_errors:
            failed.append(f"{self.connection_errors} requests got no response")
        if self.problems:
            samples = "\n    ".join(sorted(set(self.problems))[:10])
            failed.append(f"{len(self.problems)} unexpected answers, e.g.:\n    {samples}")
        if self.signed_in < self.learners:
            failed.append(f"only {self.signed_in} of {self.learners} learners could sign in")
        if not self.quizzes_submitted:
            failed.append("no quiz was submitted")
        if self.database_problems:
            samples = "\n    ".join(self.database_problems[:10])
            failed.append(
                f"database check: {len(self.database_problems)} problems, e.g.:\n    {samples}"
            )
        return failed

    def text(self) -> str:
        lines = [
            f"### {self.learners} learners, {self.seconds:g} s, gunicorn -w {self.workers} "
            f"(GELETTERD_ENV=production), {self.database}",
            "",
            "| kind | requests | req/s | p50 ms | p95 ms | p99 ms | 5xx | no response "
            "| other unexpected |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *(kind.row() for kind in self.kinds),
            self.total.row().replace("| all |", "| **all** |", 1),
            "",
            f"- {self.elapsed:.1f} s from the first request to the last reply; "
            f"{self.signed_in} of {self.learners} learners signed in",
            f"- quizzes submitted: {self.quizzes_submitted:,} ({self.counts.get('passed', 0):,} "
            f"passed); answers saved: {self.answers_saved:,} (302 received); modules completed: "
            f"{self.counts.get('completions', 0):,}; certificates issued: "
            f"{self.counts.get('certificates', 0):,}",
            f"- database check: {self.counts.get('attempts', 0):,} attempts, "
            f"{self.counts.get('answers', 0):,} answer rows, {self.counts.get('graded', 0):,} "
            f"graded: "
            + (
                "every answer stored exactly once, every handed-in attempt graded once"
                if not self.database_problems
                else f"{len(self.database_problems)} problems"
            ),
            "- CPU, in cores busy on average: "
            + ", ".join(f"{part} {value:.2f}" for part, value in self.cores.items()),
        ]
        return "\n".join(lines)


def build_report(args: dict, outcome: dict, checked, cores, log_tail: str) -> Report:
    problems, counts = checked
    rows = [tuple(r) for r in outcome["requests"]]
    by_kind: dict[str, list] = defaultdict(list)
    for row in rows:
        by_kind[row[0]].append(row)
    seconds = outcome["elapsed"]
    kinds = [KindFigures.of(k, by_kind[k], seconds) for k in KIND_ORDER if by_kind[k]]
    total = KindFigures.of("all", rows, seconds)
    return Report(
        **args,
        elapsed=seconds,
        signed_in=outcome["signed_in"],
        kinds=kinds,
        total=total,
        quizzes_submitted=len(outcome["submitted"]),
        answers_saved=len(outcome["answered"]),
        problems=outcome["problems"],
        database_problems=problems,
        counts=counts,
        cores=cores,
        server_log_tail=log_tail,
    )


# -- the whole run ---------------------------------------------------------------------------------


def run(
    url: str,
    learners: int = 200,
    seconds: float = 120.0,
    workers: int = 4,
    *,
    seed: int = 1,
    think: float = 0.0,
) -> Report:
    """Prepares the EMPTY PostgreSQL database at `url`, runs the learners against gunicorn,
    checks the data and drops the tables again. Raises LoadTestError when it cannot run."""
    if not url.startswith("postgresql"):
        raise LoadTestError(f"a PostgreSQL URL is needed, not {url!r}")
    app = setup_app(url)
    # Version snapshots are cached per process by id. A caller that used another database (the
    # test suite does) must not lend us its snapshots, nor get ours.
    published.clear()
    try:
        with app.app_context():
            if table_names():
                # Refuse rather than mix with (or later drop) tables this run did not create.
                raise LoadTestError("the database is not empty; name an empty one")
            try:
                return prepare_run_and_check(url, learners, seconds, workers, seed, think)
            finally:
                drop_tables()
    finally:
        published.clear()
        with app.app_context():
            db.engine.dispose()


def prepare_run_and_check(url, learners, seconds, workers, seed, think) -> Report:
    started = time.perf_counter()
    emails = prepare(learners)
    sheet = answer_sheet()
    version = "PostgreSQL " + db.session.scalar(sa.text("SHOW server_version"))
    database = db.engine.url.database
    db.session.remove()
    db.engine.dispose()  # the server gets the database to itself
    say(f"prepared {learners} learners", started)
    with tempfile.TemporaryDirectory(prefix="geletterd-load-") as tmp:
        log = Path(tmp) / "gunicorn.log"
        with running_server(url, workers, log) as server:
            say(f"gunicorn -w {workers} answers", started)
            plan = {"port": server.port, "emails": emails, "seconds": seconds, "seed": seed}
            plan |= {"think": think, "sheet": sheet}
            before = CpuReading.take(server.pid, database)
            outcome = run_load_generator(plan)
            after = CpuReading.take(server.pid, database)
            say("the learners are done", started)
        log_tail = "\n".join(log.read_text().splitlines()[-30:])
    cores = cores_busy(before, after, outcome["cpu"])
    db.session.remove()
    checked = check_database(outcome)
    say("database checked", started)
    args = {"learners": learners, "seconds": seconds, "workers": workers, "database": version}
    return build_report(args, outcome, checked, cores, log_tail)


def say(what: str, since: float) -> None:
    print(f"{time.perf_counter() - since:5.1f} s  {what}", flush=True)


def cores_busy(before: CpuReading, after: CpuReading, generator_cpu: float) -> dict[str, float]:
    """Average cores busy between the two readings, by whom; "other processes" is the rest of
    the machine: on a shared machine, a run where it is not near zero was disturbed."""
    wall = after.wall - before.wall
    cores = {
        "app workers": (after.app - before.app) / wall,
        "PostgreSQL": (after.database - before.database) / wall,
        "load generator": generator_cpu / wall,  # its whole life, start-up included
    }
    cores["other processes"] = (after.machine - before.machine) / wall - sum(cores.values())
    return cores


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"nproc {len(os.sched_getaffinity(0))}, {model}, Linux {platform.release()}, "
        f"Python {platform.python_version()}; load average before the run: {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", required=True, help="an EMPTY database")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a learner waits before a request"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"command: {' '.join(['bench/load.py', *sys.argv[1:]])}", flush=True)
    try:
        report = run(
            args.postgres,
            args.learners,
            args.seconds,
            args.workers,
            seed=args.seed,
            think=args.think,
        )
    except LoadTestError as error:
        sys.exit(f"load test could not run: {error}")
    print()
    print(report.text())
    if failures := report.failures():
        print("\nFAILED:\n- " + "\n- ".join(failures))
        if report.server_errors or report.connection_errors:
            print(f"\nlast lines of the gunicorn log:\n{report.server_log_tail}")
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
