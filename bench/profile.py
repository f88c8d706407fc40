"""Profile: where one page's time goes, in-process, on bench/http.py's data.

bench/http.py says *whether* a page meets its target; this says *why not*. It prepares the same
data as bench/http.py (the repository's course, 40 learners by default; a SQLite temp file, or
an existing EMPTY PostgreSQL database with --postgres, whose tables it drops afterwards), builds
the app with the production configuration, signs a learner in through the login form and then
requests each page --runs times through the Flask test client (no HTTP server: only the app's
own work). Per page it prints the CPU per request of this process, the part spent rendering
templates, the SQL statements per request, PostgreSQL's own CPU per request (its backends, from
/proc) and the wall time; with --profile PAGE it prints pyinstrument's
call tree of that page, and with --statements the statements themselves.

Not a test: it prints figures. In-process CPU is lower than under gunicorn (no HTTP parsing,
no socket); compare pages and changes with each other, in the same run.

    .venv/bin/python bench/profile.py [--postgres postgresql:///EMPTY_DB] [--profile lesson]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import importlib.util
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Not this folder first on sys.path: bench/http.py would shadow the standard library's `http`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

import flask.templating  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from config import ProductionConfig, engine_options  # noqa: E402


def _bench_module(name: str):
    """Another bench script as a module (bench/ is not a package, and must not be on sys.path)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


http_bench = _bench_module("http")  # its data and its sign-in details


class Meter:
    """CPU of this process, the part inside template rendering, and the SQL statements sent."""

    def __init__(self, app: Flask):
        self.template_seconds = 0.0
        self.statements: list[str] = []
        render = flask.templating._render

        def timed_render(*args, **kwargs):
            started = time.process_time()
            try:
                return render(*args, **kwargs)
            finally:
                self.template_seconds += time.process_time() - started

        flask.templating._render = timed_render
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._statement)

    def _statement(self, _conn, _cursor, statement: str, *_args) -> None:
        self.statements.append(" ".join(statement.split())[:140])

    def reset(self) -> None:
        self.template_seconds, self.statements = 0.0, []


def production_app(url: str) -> Flask:
    """The production configuration on the bench database. The test client speaks https, as
    production's Secure cookie needs; Flask-WTF's https referrer check has no referrer to see."""
    config = type(
        "ProfileConfig",
        (ProductionConfig,),
        {
            "SECRET_KEY": secrets.token_hex(32),
            "SQLALCHEMY_DATABASE_URI": http_bench.sqlalchemy_url(url),
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(http_bench.sqlalchemy_url(url)),
            "WTF_CSRF_SSL_STRICT": False,
        },
    )
    return create_app(config)


def signed_in(app: Flask, email: str) -> tuple[FlaskClient, str]:
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_USER_AGENT": "bench-profile"})
    page = client.get("/login").get_data(as_text=True)
    form = {"email": email, "password": http_bench.PASSWORD}
    form["csrf_token"] = http_bench.CSRF_RE.search(page).group(1)
    if client.post("/login", data=form).status_code != 302:
        sys.exit(f"could not sign in as {email}")
    token = http_bench.CSRF_RE.search(client.get("/mijn-leren").get_data(as_text=True)).group(1)
    return client, token


def pages(app: Flask, plan: dict) -> tuple[dict[str, Callable[[int], object]], int]:
    """Each page as a call that makes its i-th request, like bench/http.py's scenarios; and how
    many submissions there are to make (each open attempt can be handed in once)."""
    first = plan["clients"][0]
    client, token = signed_in(app, first["learner"])
    anonymous = app.test_client()
    lessons, answers, attempt = plan["lessons"], first["answers"], first["attempt"]
    submits = [pair for spec in plan["clients"] for pair in spec["pool"]]
    # Signed in beforehand: signing in is not what the submit figures are about.
    clients = {email: signed_in(app, email) for email in {email for email, _ in submits}}

    def save(i: int):
        number = i % len(answers) + 1
        action = "next" if number < len(answers) else "overview"
        form = {**answers[number - 1], "action": action, "csrf_token": token}
        return client.post(f"/toets/{attempt}/{number}", data=form)

    def submit(i: int):
        email, submitted = submits[i]
        owner, owner_token = clients[email]
        return owner.post(f"/toets/{submitted}/inleveren", data={"csrf_token": owner_token})

    calls = {
        "livez": lambda i: anonymous.get("/livez"),
        "livez-session": lambda i: client.get("/livez"),
        "lesson": lambda i: client.get(lessons[i % len(lessons)]),
        "my-learning": lambda i: client.get("/mijn-leren"),
        "quiz-page": lambda i: client.get(f"/toets/{attempt}/{i % len(answers) + 1}"),
        "save-answer": save,
        "submit": submit,
    }
    return calls, len(submits)


def database_cpu_seconds(args: argparse.Namespace) -> float:
    """CPU seconds PostgreSQL's backends for the bench database have used (SQLite works inside
    this process, so its share is in the CPU column already)."""
    if not args.postgres:
        return 0.0
    return http_bench.cpu_seconds(http_bench.postgres_backends(args.postgres.rsplit("/", 1)[-1]))


def measure(name: str, call, runs: int, meter: Meter, args: argparse.Namespace) -> None:
    if runs == 0:
        print(f"| {name} | (nothing to request) | | | | |")
        return
    if name != "submit":  # a submission can only happen once: no warm-up for it
        for i in range(10):
            call(i)
    profiler = None
    if args.profile == name:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
    meter.reset()
    database_before = database_cpu_seconds(args)
    started, wall_started = time.process_time(), time.perf_counter()
    for i in range(runs):
        reply = call(i)
        if reply.status_code >= 400:
            sys.exit(f"{name}: HTTP {reply.status_code}")
    cpu = (time.process_time() - started) / runs
    wall = (time.perf_counter() - wall_started) / runs
    database_cpu = (database_cpu_seconds(args) - database_before) / runs
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    print(
        f"| {name} | {cpu * 1000:.2f} | {meter.template_seconds / runs * 1000:.2f} "
        f"| {len(meter.statements) / runs:.1f} | {database_cpu * 1000:.2f} | {wall * 1000:.2f} |"
    )
    if args.statements:
        for statement, count in collections.Counter(meter.statements).most_common():
            print(f"|   | {count / runs:.2f} × `{statement}` | | | | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="an EMPTY database instead of SQLite")
    parser.add_argument("--runs", type=int, default=300, help="requests per page")
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--only", help="pages to measure, comma-separated")
    parser.add_argument("--profile", metavar="PAGE", help="print pyinstrument's tree of PAGE")
    parser.add_argument("--statements", action="store_true", help="list each page's statements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = args.postgres or f"sqlite:///{workdir}/profile.db"
        setup = http_bench.setup_app(url)
        with setup.app_context():
            if http_bench.table_names():
                sys.exit("the database is not empty; name an empty one")
            http_bench.migrate_quietly()
            created = http_bench.table_names()
            http_bench.sync_course()
            data = argparse.Namespace(seed=1, learners=args.learners, concurrency=2)
            plan = http_bench.populate(data)
            db.session.remove()
        try:
            app = production_app(url)
            meter = Meter(app)
            calls, submissions = pages(app, plan)
            wanted = args.only.split(",") if args.only else list(calls)
            print(f"{url.split(':')[0]}, {args.runs} requests per page, in-process")
            print(
                "| page | CPU ms/request | of which templates | statements/request "
                "| PostgreSQL CPU ms/request | wall ms/request |"
            )
            print("| --- | ---: | ---: | ---: | ---: | ---: |")
            for name in wanted:
                runs = min(args.runs, submissions) if name == "submit" else args.runs
                measure(name, calls[name], runs, meter, args)
        finally:
            if args.postgres:
                with setup.app_context(), db.engine.begin() as connection:
                    for table in sorted(created):
                        connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
            with contextlib.suppress(Exception), setup.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
