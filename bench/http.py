"""Benchmark: the learner's and HR's pages over real HTTP, against the bare route as the floor.

Prepares a fresh database (a SQLite file in a temp dir; with --postgres also an existing EMPTY
PostgreSQL database, whose tables it drops again afterwards), syncs the repository's own course,
and creates one organisation with units, learners on the "basis-iedereen" path, an HR user scoped
to the root unit, and progress (finished modules, path certificates, overdue people) so that the
HR dashboard has something to count. Then it starts

    gunicorn -w 2 -b 127.0.0.1:PORT 'app:create_app()'

on that database (GELETTERD_ENV=production) and drives it from a second process: this same file,
run with --load-generator, with one thread per concurrent client. Every client signs in through
the login form as its own learner and keeps its cookies. Each scenario runs for a fixed time after
a short warm-up; every response's status (and redirect target) is checked. A page scenario runs
in --slices short windows, each right after a window of the floor, GET /livez without a cookie
(no session, no database), and is judged against that adjacent floor: the machine's speed
drifts over minutes. It prints, per database: requests/s, p50/p95/p99 latency, the ratio to the
adjacent floor and to the floor at the start, the target and whether it was met (against the
adjacent floor), the CPU each request cost in the app workers, the database server and the load
generator, and the CPU other processes used meanwhile (the machine may be shared: a run where
they did is disturbed).

Not a test: it prints figures.

    .venv/bin/python bench/http.py [--postgres postgresql:///EMPTY_DB] [--seconds 10]
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# This file is called http.py: with its own folder first on sys.path, `import http.client` (ours
# and Werkzeug's) would import this script instead of the standard library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))  # `config` and `tests` live at the repository root

import argparse  # noqa: E402
import contextlib  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

# -- what is measured, and the targets from the issue ----------------------------------------------

#: (key, label, target as % of the bare route's requests/s, or None)
SCENARIOS = [
    ("livez", "bare route GET /livez, no cookie (the floor)", None),
    ("livez-session", "GET /livez with a learner's session cookie", None),
    ("lesson", "lesson page", 40),
    ("my-learning", "Mijn leren", 30),
    ("quiz-page", "quiz question page", None),
    ("save-answer", "saving a quiz answer", 25),
    ("hr-dashboard", "HR dashboard", None),
    ("submit", "submitting a quiz (the submit POST)", 15),
    ("livez-again", "bare route again, at the end (drift check)", None),
]
#: The scenarios that are the floor themselves; every other one alternates with the floor.
FLOORS = {"livez", "livez-again"}
PASSWORD = "bench-password-123"  # noqa: S105 - throwaway accounts in a throwaway database
USER_AGENT = "geletterd-bench-http"  # constant: Flask-Login's "strong" protection hashes it
LESSON_MODULE = "wat-is-ai"  # the lesson page scenario reads this module's lessons in turn
QUIZ_MODULE = "ai-verordening"  # the quiz page and saving an answer use an attempt at this one
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ==================================================================================================
# The load generator: a separate process (this file with --load-generator), standard library only.
# ==================================================================================================


@dataclass
class Session:
    """One signed-in person as a browser keeps them: cookies, and the CSRF token of their forms."""

    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""


@dataclass
class Reply:
    status: int
    location: str
    body: str


@dataclass
class Call:
    """One request and what must come back: a status and, for a redirect, where it points."""

    session: Session
    method: str
    path: str
    status: int
    form: dict | None = None
    location: str = ""


class Browser:
    """One client: an HTTP/1.1 connection, reused for as long as the server keeps it open.

    http.client reconnects by itself after a response that says `Connection: close` (gunicorn's
    sync workers close after every response), so each scenario pays the same connection cost.
    Cookies are sent whatever their Secure flag: production marks them Secure, and here they
    travel over plain http as they would between a TLS-terminating proxy and the app.
    """

    def __init__(self, host: str, port: int):
        self.connection = http.client.HTTPConnection(host, port, timeout=60)

    def send(self, session: Session, method: str, path: str, form: dict | None = None) -> Reply:
        headers = {"User-Agent": USER_AGENT}
        if session.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            data = response.read()  # read it all: a browser does, and the connection needs it
        except (OSError, http.client.HTTPException):
            self.connection.close()  # start the next request on a fresh connection
            raise
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            session.cookies[name.strip()] = rest.split(";", 1)[0]
        return Reply(response.status, response.getheader("Location", ""), data.decode())

    def check(self, call: Call) -> str:
        """Performs the call; returns "" when the answer is as expected, else what was wrong."""
        try:
            reply = self.send(call.session, call.method, call.path, call.form)
        except (OSError, http.client.HTTPException) as error:
            return f"{call.method} {call.path}: {error!r}"
        if reply.status != call.status:
            return f"{call.method} {call.path}: {reply.status}, expected {call.status}"
        if call.location and not reply.location.endswith(call.location):
            return f"{call.method} {call.path}: redirected to {reply.location!r}"
        return ""

    def sign_in(self, email: str) -> Session:
        """Signs in through the login form, as a person does; then fetches a CSRF token."""
        session = Session()
        page = self.send(session, "GET", "/login")
        form = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
        reply = self.send(session, "POST", "/login", form)
        if reply.status != 302:
            raise SignInError(f"sign-in as {email} failed: HTTP {reply.status}")
        page = self.send(session, "GET", "/mijn-leren")
        if page.status != 200:
            # The server does not see the session cookie as signed in.
            raise SignInError(f"{email} is not signed in after login: HTTP {page.status}")
        session.csrf = csrf_token(page)
        return session


class SignInError(Exception):
    pass


def csrf_token(page: Reply) -> str:
    match = CSRF_RE.search(page.body)
    if match is None:
        raise SignInError(f"no CSRF token in a page (HTTP {page.status})")
    return match.group(1)


@dataclass
class Client:
    """What one concurrent client needs for every scenario; the plan comes from the parent."""

    browser: Browser
    learner: Session
    hr: Session
    lessons: list[str]
    attempt: int
    answers: list[dict]
    pool: list[tuple[Session, int]]  # (owner, open attempt) pairs for the submit scenario


# Each scenario makes the i-th call of a client, or None when it has nothing left to send.


def call_livez(c: Client, i: int) -> Call:
    # No cookie, as a load balancer's probe: the route then touches neither session nor database.
    return Call(Session(), "GET", "/livez", 200)


def call_livez_session(c: Client, i: int) -> Call:
    # The same route with a signed-in cookie: what every page pays before its view runs.
    return Call(c.learner, "GET", "/livez", 200)


def call_lesson(c: Client, i: int) -> Call:
    # Lessons in turn, as a learner reads (a GET: it writes nothing once the module is started).
    return Call(c.learner, "GET", c.lessons[i % len(c.lessons)], 200)


def call_my_learning(c: Client, i: int) -> Call:
    return Call(c.learner, "GET", "/mijn-leren", 200)


def call_quiz_page(c: Client, i: int) -> Call:
    return Call(c.learner, "GET", f"/toets/{c.attempt}/{i % len(c.answers) + 1}", 200)


def call_save_answer(c: Client, i: int) -> Call:
    number, total = i % len(c.answers) + 1, len(c.answers)
    action = "next" if number < total else "overview"
    after = (
        f"/toets/{c.attempt}/{number + 1}" if number < total else f"/toets/{c.attempt}/overzicht"
    )
    form = {**c.answers[number - 1], "action": action, "csrf_token": c.learner.csrf}
    return Call(c.learner, "POST", f"/toets/{c.attempt}/{number}", 302, form, after)


def call_hr_dashboard(c: Client, i: int) -> Call:
    return Call(c.hr, "GET", "/hr/", 200)


def call_submit(c: Client, i: int) -> Call | None:
    # Every submit needs an open attempt with its answers saved: the parent prepared a pool.
    if not c.pool:
        return None
    owner, attempt = c.pool.pop()
    form = {"csrf_token": owner.csrf}
    return Call(owner, "POST", f"/toets/{attempt}/inleveren", 302, form, f"/{attempt}/resultaat")


CALLS: dict[str, Callable[[Client, int], Call | None]] = {
    "livez": call_livez,
    "livez-session": call_livez_session,
    "lesson": call_lesson,
    "my-learning": call_my_learning,
    "quiz-page": call_quiz_page,
    "save-answer": call_save_answer,
    "hr-dashboard": call_hr_dashboard,
    "submit": call_submit,
    "livez-again": call_livez,
}


# -- CPU time of the other processes, from /proc ---------------------------------------------------


def proc_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name: [state, ppid, ..., utime (11), stime (12), ...]."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text[text.rindex(")") + 2 :].split()


def all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def gunicorn_workers(master: int) -> list[int]:
    return [pid for pid in all_pids() if (f := proc_fields(pid)) and f[1] == str(master)]


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL backends serving `database` ("postgres: ... root NAME [local] idle"):
    other databases on the same server (say, a test run) are someone else's work."""
    found = []
    for pid in all_pids():
        with contextlib.suppress(OSError):
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if title.startswith("postgres:") and f" {database} " in title:
                found.append(pid)
    return found


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat's first line."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        if fields := proc_fields(pid):
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


@dataclass
class Meter:
    """CPU seconds of the app workers, the database server, this process and the whole machine,
    at one moment: whatever the machine did beyond the first three was someone else's work."""

    app: float
    db: float
    client: float
    machine: float

    @classmethod
    def read(cls, master: int, database: str | None) -> Meter:
        return cls(
            cpu_seconds(gunicorn_workers(master)),
            cpu_seconds(postgres_backends(database)) if database else 0.0,
            time.process_time(),
            machine_busy_seconds(),
        )


# -- running one scenario --------------------------------------------------------------------------


@dataclass
class Tally:
    """One client's share of a scenario's timed window."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished: float = 0.0
    ran_out: bool = False
    sent: int = 0  # warm-up included: the submit check compares it with the attempts graded


def drive(client: Client, make, warmup: float, window: dict, barrier, tally: Tally) -> None:
    """Warm up (untimed: the workers' first requests load templates), wait for the others, then
    send requests back to back until the window closes."""
    i = 0
    warm_until = time.perf_counter() + warmup
    while time.perf_counter() < warm_until and (call := make(client, i)) is not None:
        client.browser.check(call)
        i += 1
        tally.sent += 1
    barrier.wait()
    deadline = window["start"] + window["seconds"]
    while time.perf_counter() < deadline:
        call = make(client, i)
        i += 1
        if call is None:
            tally.ran_out = True
            break
        started = time.perf_counter()
        problem = client.browser.check(call)
        tally.latencies.append(time.perf_counter() - started)
        tally.sent += 1
        if problem:
            tally.errors.append(problem)
    tally.finished = time.perf_counter()


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


@dataclass
class Window:
    """One timed window of one scenario: what each client did, and the CPU meters around it."""

    tallies: list[Tally]
    start: float
    before: Meter
    after: Meter

    @property
    def seconds(self) -> float:
        return max(t.finished for t in self.tallies) - self.start


def run_window(
    key: str, clients: list[Client], plan: dict, seconds: float, warmup: float
) -> Window:
    for client in clients:
        client.browser.connection.close()  # no connection left idle since the last window
    window = {"seconds": seconds}
    meters = {}

    def open_window() -> None:  # runs once, when every client has warmed up
        meters["start"] = Meter.read(plan["server_pid"], plan["postgres_db"])
        window["start"] = time.perf_counter()

    barrier = threading.Barrier(len(clients), action=open_window)
    tallies = [Tally() for _ in clients]
    threads = [
        threading.Thread(target=drive, args=(client, CALLS[key], warmup, window, barrier, tally))
        for client, tally in zip(clients, tallies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    end = Meter.read(plan["server_pid"], plan["postgres_db"])
    return Window(tallies, window["start"], meters["start"], end)


def run_scenario(key: str, clients: list[Client], plan: dict) -> dict:
    return summarise(key, [run_window(key, clients, plan, plan["seconds"], plan["warmup"])])


def run_beside_floor(key: str, clients: list[Client], plan: dict) -> dict:
    """The scenario in `slices` short windows, each right after a window of the floor, so that
    both see the machine at the same speed: it drifts over minutes and stalls for seconds (other
    tenants of the host). The result carries the floor measured beside it."""
    slices = plan["slices"]
    seconds = plan["seconds"] / slices
    page, floor = [], []
    for index in range(slices):
        # The first windows warm up as long as a scenario does; the workers are warm after that.
        warmup = plan["warmup"] if index == 0 else min(plan["warmup"], 0.2)
        floor.append(run_window("livez", clients, plan, seconds, warmup))
        page.append(run_window(key, clients, plan, seconds, warmup))
        if any(t.ran_out for t in page[-1].tallies):
            break  # the submit pool is spent
    result = summarise(key, page)
    result["adjacent_floor"] = summarise("livez", floor[: len(page)])
    return result


def summarise(key: str, windows: list[Window]) -> dict:
    tallies = [t for w in windows for t in w.tallies]
    latencies = sorted(x for t in tallies for x in t.latencies)
    errors = [e for t in tallies for e in t.errors]
    seconds = sum(w.seconds for w in windows)
    count = len(latencies) or 1

    def used(part: str) -> float:
        return sum(getattr(w.after, part) - getattr(w.before, part) for w in windows)

    return {
        "key": key,
        "requests": len(latencies),
        "seconds": seconds,
        "rps": len(latencies) / seconds,
        "p50": 1000 * percentile(latencies, 50),
        "p95": 1000 * percentile(latencies, 95),
        "p99": 1000 * percentile(latencies, 99),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "ran_out": any(t.ran_out for t in tallies),
        "sent": sum(t.sent for t in tallies),
        "cpu_ms": {part: 1000 * used(part) / count for part in ("app", "db", "client")},
        # Cores busy with other processes during the window: not zero means a disturbed run.
        "other_cores": (used("machine") - sum(used(p) for p in ("app", "db", "client"))) / seconds,
    }


def make_clients(plan: dict) -> list[Client]:
    """Signs every client's people in, in parallel (sign-in is not measured)."""
    clients: list[Client | None] = [None] * len(plan["clients"])

    def prepare(index: int, spec: dict) -> None:
        browser = Browser("127.0.0.1", plan["port"])
        try:
            sessions = {email: browser.sign_in(email) for email in spec["emails"]}
            sessions[spec["hr"]] = hr = browser.sign_in(spec["hr"])
        except (SignInError, OSError, http.client.HTTPException) as error:
            print(f"  client {index}: {error!r}", file=sys.stderr)
            return
        pool = [(sessions[email], attempt) for email, attempt in spec["pool"]]
        clients[index] = Client(
            browser,
            sessions[spec["learner"]],
            hr,
            plan["lessons"],
            spec["attempt"],
            spec["answers"],
            pool[::-1],  # popped from the end: the first pair goes first
        )

    threads = [
        threading.Thread(target=prepare, args=(i, spec)) for i, spec in enumerate(plan["clients"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if None in clients:
        raise SystemExit(
            "a client could not sign in (see above); if the server refuses the "
            "Secure session cookie over plain http, try --env development"
        )
    return clients


def load_generator() -> None:
    """Reads the plan (JSON) on stdin, writes the figures (JSON) on stdout; progress on stderr."""
    plan = json.load(sys.stdin)
    started = time.perf_counter()
    clients = make_clients(plan)
    signed_in = sum(len(c["emails"]) + 1 for c in plan["clients"])
    print(
        f"  {signed_in} sessions signed in in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    results = []
    for key, label, _ in SCENARIOS:
        if key in FLOORS:
            result = run_scenario(key, clients, plan)
        else:  # judged against the floor measured beside it, slice by slice
            result = run_beside_floor(key, clients, plan)
        print(f"  {label}: {result['rps']:.0f} req/s, {result['errors']} errors", file=sys.stderr)
        results.append(result)
    json.dump(results, sys.stdout)


# ==================================================================================================
# The parent: preparing the database, running the server and the load generator, reporting.
# ==================================================================================================

import sqlalchemy as sa  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.users import create_user, get_or_create_organisation  # noqa: E402
from app.content.catalogue import current_versions, lesson_titles  # noqa: E402
from app.content.loader import Loader  # noqa: E402
from app.content.publish import sync  # noqa: E402
from app.extensions import db  # noqa: E402
from app.learn.progress import get_or_start_progress  # noqa: E402
from app.models import (  # noqa: E402
    Assignment,
    Certificate,
    Completion,
    HrScope,
    LearningPath,
    Lesson,
    LessonRead,
    ModuleVersion,
    OrgUnit,
    QuizAttempt,
    Role,
    User,
    UserJobRole,
)
from app.quiz import attempts  # noqa: E402
from config import TestingConfig  # noqa: E402
from tests.learn.helpers import answer_fields  # noqa: E402 - how a learner fills in a question

UNITS = [  # (code, name, parent code)
    ("GEM", "Gemeente Voorbeeldstad", None),
    ("DIV-SD", "Sociaal Domein", "GEM"),
    ("DIV-BV", "Bedrijfsvoering", "GEM"),
    ("TEAM-IW", "Team Inkomen en Werk", "DIV-SD"),
    ("TEAM-ZORG", "Team Zorg", "DIV-SD"),
    ("TEAM-ICT", "Team ICT", "DIV-BV"),
    ("TEAM-HRM", "Team HRM", "DIV-BV"),
]
TEAMS = ["TEAM-IW", "TEAM-ZORG", "TEAM-ICT", "TEAM-HRM"]
JOB_ROLES = ["klantcontact", "beleidsmedewerker", "consulent", "informatieadviseur"]
NAMES = ["Özlem Çelik-de Vries", "Jan Jansen", "Fatima El Amrani", "Sjoerd van der Meer"]


def sqlalchemy_url(url: str) -> str:
    """postgresql://... with the app's driver spelled out, as config does for DATABASE_URL."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def setup_app(url: str) -> Flask:
    # TestingConfig: no demo data and no production key check, for this setup process only.
    config = type("BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url)})
    return create_app(config)


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def migrate_quietly() -> None:
    with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
        upgrade()


def sync_course() -> None:
    report = sync(Loader(ROOT).load())
    if not report.created:
        sys.exit(f"the repository's course could not be synced: {report.problems[:3]}")


# -- the organisation and its people ---------------------------------------------------------------


@dataclass
class Course:
    """The current Dutch versions by module slug, and their lessons' ids."""

    versions: dict[str, ModuleVersion]
    lesson_ids: dict[int, list[int]]
    path: LearningPath

    @classmethod
    def load(cls) -> Course:
        versions = {slug: by_language["nl"] for slug, by_language in current_versions().items()}
        lesson_ids: dict[int, list[int]] = {}
        for version_id, lesson_id in db.session.execute(
            sa.select(Lesson.module_version_id, Lesson.id).order_by(Lesson.position)
        ):
            lesson_ids.setdefault(version_id, []).append(lesson_id)
        path = db.session.scalar(
            sa.select(LearningPath).where(LearningPath.slug == "basis-iedereen")
        )
        return cls(versions, lesson_ids, path)


def make_units() -> dict[str, int]:
    """The organisation's tree; returns unit ids by code."""
    organisation = get_or_create_organisation("voorbeeldstad", "Gemeente Voorbeeldstad")
    units: dict[str, OrgUnit] = {}
    for code, name, parent in UNITS:
        units[code] = OrgUnit(
            organisation=organisation, code=code, name=name, parent=units.get(parent)
        )
        db.session.add(units[code])
    db.session.flush()
    return {code: unit.id for code, unit in units.items()}


def add_hr(units: dict[str, int], password_hash: str) -> str:
    """An HR officer scoped to the root unit: the dashboard counts the whole organisation."""
    hr = create_user(
        organisation=db.session.get(OrgUnit, units["GEM"]).organisation,
        email="hr@bench.example",
        name="Hanneke de Vries",
        password=None,
        roles={Role.HR},
        unit_id=units["DIV-BV"],
    )
    hr.password_hash = password_hash
    db.session.add(HrScope(user_id=hr.id, unit_id=units["GEM"]))
    return hr.email


def read_all_lessons(user: User, version: ModuleVersion, course: Course) -> None:
    progress = get_or_start_progress(user, version)
    lessons = course.lesson_ids[version.id]
    progress.lessons_read.extend(LessonRead(lesson_id=lesson_id) for lesson_id in lessons)
    progress.last_lesson_position = len(lessons)


def answered_attempt(user: User, version: ModuleVersion, rng: random.Random, right: float):
    """An open attempt with every question answered, each rightly with probability `right`."""
    attempt = attempts.start_attempt(user, version, rng)
    for index in range(len(attempt.draw)):
        fields = answer_fields(attempt, index, rng.random() < right)
        attempts.save_answer(attempt, index, MultiDict(fields))
    return attempt


def finish_module(user: User, version: ModuleVersion, course: Course, rng: random.Random) -> None:
    """All lessons read and the quiz passed: a completion and a certificate, as in real life."""
    read_all_lessons(user, version, course)
    attempt = answered_attempt(user, version, rng, right=1.0)
    attempts.submit(user, attempt.id)


def finished_modules(number: int, course: Course) -> list[str]:
    """One in five learners finished the whole path, two in five its first module, the rest none."""
    if number % 5 == 0:
        return list(course.path.module_slugs)
    if number % 5 in (1, 2):
        return course.path.module_slugs[:1]
    return []


def submit_pool(user: User, number: int, course: Course, rng: random.Random) -> list[int]:
    """Open attempts, answers saved and lessons read, on every module this learner has not
    finished (except the quiz-page module): the submit scenario hands them in. About four in
    five pass and complete the module, issuing a certificate, as a learner's last step does."""
    done = set(finished_modules(number, course)) | {QUIZ_MODULE}
    attempts = []
    for slug, version in course.versions.items():
        if slug in done or not version.has_quiz:
            continue
        read_all_lessons(user, version, course)
        attempts.append(answered_attempt(user, version, rng, right=0.85).id)
    return attempts


@dataclass
class Learner:
    email: str
    pool: list[int]  # open attempts, answers saved, for the submit scenario
    attempt: int = 0  # for a client's own learner: the quiz page and saving an answer use it
    answers: list[dict] = field(default_factory=list)  # the form fields per question


def add_learner(number: int, units: dict[str, int], course: Course, password_hash: str, rng):
    user = create_user(
        organisation=db.session.get(OrgUnit, units["GEM"]).organisation,
        email=f"leerling{number:04d}@bench.example",
        name=NAMES[number % len(NAMES)],
        password=None,
        unit_id=units[TEAMS[number % len(TEAMS)]],
    )
    # A cheap argon2 hash: signing in is not measured, and hundreds of sign-ins at the default
    # cost (about 0.1-0.3 s each here) would only make the preparation slow.
    user.password_hash = password_hash
    db.session.add(UserJobRole(user_id=user.id, job_role=JOB_ROLES[number % len(JOB_ROLES)]))
    overdue = number % 4 == 3  # a quarter of the deadlines have passed
    deadline = dt.date.today() + dt.timedelta(days=-10 if overdue else course.path.deadline_days)
    db.session.add(Assignment(user_id=user.id, path_id=course.path.id, deadline=deadline))
    db.session.flush()
    for slug in finished_modules(number, course):
        finish_module(user, course.versions[slug], course, rng)
    return Learner(user.email, submit_pool(user, number, course, rng)), user


def start_own_attempt(learner: Learner, user: User, course: Course, rng) -> None:
    """The attempt a client's own learner keeps open, and the right answers' form fields."""
    attempt = attempts.start_attempt(user, course.versions[QUIZ_MODULE], rng)
    learner.attempt = attempt.id
    learner.answers = [answer_fields(attempt, q, True) for q in range(len(attempt.draw))]


def spread_certificates_over_weeks(rng: random.Random) -> None:
    """Path certificates issued over the last 12 weeks, so the dashboard's chart has bars."""
    for certificate in db.session.scalars(sa.select(Certificate).where(Certificate.kind == "path")):
        certificate.issued_at -= dt.timedelta(days=rng.randrange(84))


def populate(args: argparse.Namespace) -> dict:
    """Creates the organisation, its people and their progress; returns the load generator's plan
    (the parts that depend on the data)."""
    rng = random.Random(args.seed)
    password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    units = make_units()
    hr = add_hr(units, password_hash)
    db.session.commit()
    learners = []
    for number in range(args.learners):
        # A fresh session per learner: a flush scans every object the session holds, so one
        # long session would make the preparation quadratic in the number of learners.
        db.session.remove()
        course = Course.load()
        learner, user = add_learner(number, units, course, password_hash, rng)
        if number < args.concurrency:
            start_own_attempt(learner, user, course, rng)
        db.session.commit()
        learners.append(learner)
    spread_certificates_over_weeks(rng)
    db.session.commit()
    return make_plan(args, learners, hr, Course.load())


def make_plan(args, learners: list[Learner], hr: str, course: Course) -> dict:
    """Client i is learner i, and holds the submit pools of learners i, i+C, i+2C, ..."""
    lesson_version = course.versions[LESSON_MODULE]
    lessons = [
        f"/modules/{LESSON_MODULE}/{slug}" for _, slug, _ in lesson_titles(lesson_version.id)
    ]
    clients = []
    for i in range(args.concurrency):
        owned = learners[i :: args.concurrency]
        # Interleaved: one attempt of each owned learner in turn, as separate people would submit.
        longest = max(len(learner.pool) for learner in owned)
        pool = [
            (learner.email, learner.pool[k])
            for k in range(longest)
            for learner in owned
            if k < len(learner.pool)
        ]
        clients.append(
            {
                "learner": learners[i].email,
                "emails": [learner.email for learner in owned],
                "hr": hr,
                "attempt": learners[i].attempt,
                "answers": learners[i].answers,
                "pool": pool,
            }
        )
    return {"lessons": lessons, "clients": clients}


# -- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    """Polls the bare route until it answers; the server's log tells why if it never does."""
    until = time.monotonic() + 30
    while time.monotonic() < until:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/livez")
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
        time.sleep(0.1)
    sys.exit(f"gunicorn did not answer /livez within 30 s:\n{log.read_text()}")


@contextlib.contextmanager
def running_server(url: str, args: argparse.Namespace, workdir: Path) -> Iterator[dict]:
    """gunicorn on the prepared database, configured by the environment alone, as in production."""
    port = free_port()
    environment = {
        **os.environ,
        "GELETTERD_ENV": args.env,
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
    }
    log = workdir / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-w", str(args.workers)]
    command += ["-b", f"127.0.0.1:{port}", "app:create_app()"]
    with log.open("w") as log_file:
        server = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        wait_until_up(server, port, log)
        yield {"port": port, "pid": server.pid, "log": log}
    finally:
        server.terminate()  # SIGTERM to the master we started: it stops its own workers
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_load_generator(plan: dict, server_log: Path) -> list[dict]:
    """This file again, as a second process: it shares no interpreter (and no GIL) with us."""
    finished = subprocess.run(
        [sys.executable, __file__, "--load-generator"],
        input=json.dumps(plan),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        # What the server said is what explains a failure; its temp dir is gone after the run.
        print(*server_log.read_text().splitlines()[-40:], sep="\n", file=sys.stderr)
        sys.exit(f"the load generator failed with exit code {finished.returncode}")
    return json.loads(finished.stdout)


# -- one database, start to end --------------------------------------------------------------------


def count_rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def submit_outcome(plan: dict, submits: int, before: dict[str, int]) -> str:
    """What the submit scenario did to the data: every POST must have graded exactly one attempt."""
    ids = [attempt for client in plan["clients"] for _, attempt in client["pool"]]
    graded = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(QuizAttempt)
        .where(QuizAttempt.id.in_(ids), QuizAttempt.submitted_at.is_not(None))
    )
    passed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(QuizAttempt)
        .where(QuizAttempt.id.in_(ids), QuizAttempt.passed.is_(True))
    )
    completions = count_rows(Completion) - before["completions"]
    issued = count_rows(Certificate) - before["certificates"]
    verdict = "as expected" if graded == submits else f"MISMATCH: {submits} submit POSTs sent"
    return (
        f"submit: {graded} attempts graded ({verdict}), {passed} passed; "
        f"{completions} modules completed, {issued} certificates issued"
    )


def database_version(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    return "PostgreSQL " + db.session.scalar(sa.text("SHOW server_version"))


def bench_database(label: str, url: str, args: argparse.Namespace, workdir: Path) -> None:
    print(f"\n== {label} ==", flush=True)
    app = setup_app(url)
    with app.app_context():
        if table_names():
            # Refuse rather than mix with (or later drop) tables this run did not create.
            sys.exit(f"{label}: the database is not empty; name an empty one")
        migrate_quietly()
        created = table_names()
    try:
        run_against(label, url, app, args, workdir)
    finally:
        if not url.startswith("sqlite"):  # the SQLite file goes with the temp dir
            with app.app_context(), db.engine.begin() as connection:
                for table in sorted(created):
                    connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))


def run_against(label: str, url: str, app: Flask, args: argparse.Namespace, workdir: Path) -> None:
    started = time.perf_counter()
    with app.app_context():
        sync_course()
        plan = populate(args)
        before = {"completions": count_rows(Completion), "certificates": count_rows(Certificate)}
        version = database_version(url)
        db.session.remove()
        db.engine.dispose()  # the server gets the database to itself
    print(f"  prepared in {time.perf_counter() - started:.0f} s ({version})", flush=True)
    with running_server(url, args, workdir) as server:
        plan |= {
            "port": server["port"],
            "server_pid": server["pid"],
            # Named, so that only its backends' CPU counts as the database's.
            "postgres_db": None if url.startswith("sqlite") else sa.make_url(url).database,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "slices": args.slices,
        }
        results = run_load_generator(plan, server["log"])
    submits = next(r for r in results if r["key"] == "submit")
    with app.app_context():
        outcome = submit_outcome(plan, submits["sent"], before)
    report(label, version, results, outcome, submits, args)


# -- the report ------------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cpus = len(os.sched_getaffinity(0))
    return f"nproc {cpus}, {model}, Linux {platform.release()}, Python {platform.python_version()}"


def cpu_per_request(result: dict) -> float:
    return sum(result["cpu_ms"].values())


def row(result: dict, floors: tuple[dict, dict], target, label: str, postgres: bool) -> str:
    start_floor, signed_in = floors
    # Judged against the floor measured right before it; the floors themselves against the first.
    floor = result.get("adjacent_floor", start_floor)
    ratio = 100 * result["rps"] / floor["rps"]
    verdict = "—" if target is None else ("met" if ratio >= target else "**missed**")
    cpu = result["cpu_ms"]
    cells = [
        label,
        f"{result['rps']:.0f}",
        f"{result['p50']:.1f}",
        f"{result['p95']:.1f}",
        f"{result['p99']:.1f}",
        f"{floor['rps']:.0f}",
        # One decimal: the verdict compares this unrounded, and 39.7 % must not print as 40 %.
        f"{ratio:.1f}%",
        f"{100 * result['rps'] / start_floor['rps']:.0f}%",
        f"{100 * result['rps'] / signed_in['rps']:.0f}%",
        # What the ratio would be if CPU were all that limits: others' load hardly moves it.
        f"{100 * cpu_per_request(floor) / cpu_per_request(result):.0f}%",
        f"≥ {target}%" if target else "—",
        verdict,
        str(result["errors"]),
        f"{cpu['app']:.2f}",
        f"{cpu['db']:.2f}" if postgres else "(in app)",
        f"{cpu['client']:.2f}",
        f"{result['other_cores']:.2f}",
    ]
    return "| " + " | ".join(cells) + " |"


HEADER = (
    "| scenario | req/s | p50 ms | p95 ms | p99 ms | floor next to it, req/s "
    "| % of floor next to it | % of floor at the start | % of signed-in /livez "
    "| % of floor by CPU cost | target | result | errors | app CPU ms/req | db CPU ms/req "
    "| client CPU ms/req | other procs, cores |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: "
    "| ---: | ---: | ---: | ---: |"
)


def report(label, version, results, outcome, submits, args) -> None:
    by_key = {result["key"]: result for result in results}
    floor = by_key["livez"]["rps"]
    floors = (by_key["livez"], by_key["livez-session"])
    postgres = "PostgreSQL" in version
    print(
        f"\n### {label}: {version}, gunicorn -w {args.workers} (GELETTERD_ENV={args.env}), "
        f"{args.concurrency} clients, {args.seconds:g} s per scenario (pages: {args.slices} "
        f"slices, each after a slice of the floor) after {args.warmup:g} s "
        f"warm-up, {args.learners} learners\n"
    )
    print(HEADER)
    labels = {key: (text, target) for key, text, target in SCENARIOS}
    for result in results:
        text, target = labels[result["key"]]
        print(row(result, floors, target, text, postgres))
    print(f"\n{outcome}")
    drift = by_key["livez-again"]["rps"] / floor
    print(f"the floor at the end of the run: {100 * drift:.0f}% of the floor at its start")
    busiest = max(results, key=lambda r: r["other_cores"])
    if busiest["other_cores"] > 0.1:
        print(
            f"WARNING: other processes kept up to {busiest['other_cores']:.2f} cores busy "
            f"(during {busiest['key']}): these figures are disturbed"
        )
    if submits["ran_out"]:
        print(f"note: the submit pool ran out after {submits['seconds']:.1f} s (--learners)")
    for result in results:
        for sample in result["error_samples"]:
            print(f"error in {result['key']}: {sample}")


def main() -> None:
    if "--load-generator" in sys.argv:
        load_generator()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also run on this EMPTY database")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--seconds", type=float, default=10.0, help="timed window per scenario")
    parser.add_argument("--warmup", type=float, default=1.0, help="untimed seconds first")
    parser.add_argument(
        "--slices",
        type=int,
        default=5,
        help="windows per page scenario, each after a window of the floor",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--learners", type=int, default=200, help="learners (>= concurrency)")
    parser.add_argument("--env", choices=["production", "development"], default="production")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.learners < args.concurrency:
        parser.error("--learners must be at least --concurrency: each client is its own learner")
    print(f"machine: {machine()}")
    before = machine_busy_seconds()
    time.sleep(2)
    print(f"busy before the run: {(machine_busy_seconds() - before) / 2:.2f} cores (others' work)")
    print(f"command: {' '.join(['bench/http.py', *sys.argv[1:]])}")
    with tempfile.TemporaryDirectory(prefix="geletterd-bench-http-") as tmp:
        workdir = Path(tmp)
        if args.sqlite:
            bench_database("SQLite", f"sqlite:///{workdir / 'bench.db'}", args, workdir)
        if args.postgres:
            bench_database(f"PostgreSQL {args.postgres}", args.postgres, args, workdir)


if __name__ == "__main__":
    main()
