"""Benchmark: the HR dashboards and exports for an organisation of 100,000 employees.

Per database (PostgreSQL and a SQLite temp file), it:

- syncs a synthetic course of 20 modules (made by bench/content.py's generator) with five learning
  paths over them, one for everyone and four for job-role audiences;
- generates the organisation with `app.demo.generate` (what `flask demo generate` runs):
  a unit tree, job roles, assignment rules and months of progress, about 2 million progress rows
  at 100,000 employees, in bulk inserts;
- signs in through the login form as two HR officers, one scoped to the whole organisation and
  one to a single directorate, and times every HR page through the Flask test client: median
  and p95 of --runs requests after one warm-up, the CPU per request (this process, which
  includes SQLite, plus the PostgreSQL backends: it varies less than time on a busy machine),
  and the SQL statements per request;
- times each export (employees CSV and XLSX, evidence CSV and PDF) streamed to the end, chunk by
  chunk, each in a fresh process that reports its peak RSS growth over the download (after a
  warm-up download of one team's export).

Not a test: it prints figures, and says which pages miss the 300 ms target.

    psql -h 127.0.0.1 -U root -d postgres -c 'CREATE DATABASE geletterd_bench_hr'
    .venv/bin/python bench/hr.py [--employees 100000] [--sqlite-only | --postgres-only]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Not this folder first on sys.path: bench/http.py would shadow the standard library's `http`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))  # `config` lives at the repository root, outside the app package

import pyotp  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from app import create_app  # noqa: E402
from app.content.loader import Loader  # noqa: E402
from app.content.publish import sync  # noqa: E402
from app.demo import (  # noqa: E402
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    generate,  # noqa: E402
)
from app.extensions import db  # noqa: E402
from app.models import Certificate, HrScope, OrgUnit, User  # noqa: E402
from config import TestingConfig, _database_url  # noqa: E402


def _bench_module(name: str):
    """Another bench script as a module (bench/ is not a package, and must not be on sys.path)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


course = _bench_module("content")
http_bench = _bench_module("http")  # its CPU meters, read from /proc

TARGET_MS = 300
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SLUG = "bench-ministerie"
#: (slug, title, audience, module indexes, deadline in days after the rollout)
PATHS = (
    ("bench-basis", "Basis voor iedereen", "everyone", range(0, 5), 90),
    ("bench-beleid", "Beleid", "policy", [*range(0, 5), *range(5, 12)], 240),
    ("bench-management", "Management", "management", [*range(0, 5), *range(12, 16), 8, 9], 120),
    ("bench-data", "Data en ICT", "data-it", [*range(0, 5), *range(16, 20), 10], 200),
    ("bench-inkoop", "Inkoop", "procurement", [*range(0, 5), 6, 13, 17], 180),
)


# -- the database, the course and the organisation -----------------------------------------------


def make_app(url: str) -> Flask:
    config = type(
        "BenchHrConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": _database_url(url)}
    )
    return create_app(config)


def write_paths(root: Path, modules: int) -> None:
    slugs = [spec.slug for spec in course.module_specs(modules)]
    (root / "paths").mkdir()
    for slug, title, audience, indexes, deadline in PATHS:
        members = ", ".join(slugs[i] for i in indexes if i < len(slugs))
        (root / "paths" / f"{slug}.nl.md").write_text(
            f"---\nslug: {slug}\ntitle: {title}\nlanguage: nl\naudience: [{audience}]\n"
            f"modules: [{members}]\ndeadline_days: {deadline}\nvalidity_months: 24\n---\n\n"
            f"{title}: de leerroute voor de benchmark.\n",
            encoding="utf-8",
        )


def load_course(root: Path, args: argparse.Namespace):
    course.generate_course(root, args.modules, args.lessons, args.questions, args.seed)
    write_paths(root, args.modules)
    started = time.perf_counter()
    content = Loader(root).load()
    problems = content.all_problems()
    assert not problems, "\n".join(map(str, problems[:10]))
    print(
        f"course: {len(content.modules)} modules x {args.lessons} lessons, "
        f"{args.questions}-question quizzes, {len(PATHS)} paths "
        f"(loaded in {time.perf_counter() - started:.1f} s)"
    )
    return content


def prepare(label: str, url: str, args: argparse.Namespace, content) -> tuple[Flask, set[str]]:
    """The app on the database: migrated, course synced, organisation generated (or, with
    --reuse, as a kept earlier run left it). Returns the app and the tables this run made."""
    app = make_app(url)
    with app.app_context():
        before = course.table_names()
        if args.reuse and before:
            print(f"\n== {label}: reusing the organisation already there ==")
            return app, set()
        if args.reuse:
            sys.exit(f"{label}: nothing to reuse: the database is empty")
        if before:
            sys.exit(
                f"{label}: the database is not empty ({len(before)} tables); name an empty one"
            )
        course.migrate_quietly()
        created = course.table_names() - before
        report = sync(content)
        assert not report.problems, report.problems[:5]
        started = time.perf_counter()
        generated = generate.generate(args.employees, slug=SLUG, seed=args.seed)
        db.session.commit()
        seconds = time.perf_counter() - started
    print(f"\n== {label} ==")
    print(
        f"generated in {seconds:.0f} s: {generated.employees:,} people in {generated.units:,} "
        f"units, {generated.assignments:,} assignments, {generated.module_progress:,} modules "
        f"started;\n  {generated.progress_rows:,} progress rows ({generated.lesson_reads:,} "
        f"lessons read, {generated.attempts:,} quiz attempts, {generated.completions:,} "
        f"completions); {generated.module_certificates:,} module and "
        f"{generated.path_certificates:,} path certificates"
    )
    with app.app_context():
        analyse()
    return app, created


def analyse() -> None:
    """The tables as autovacuum leaves them a minute after a real import: vacuumed (so that the
    visibility map allows index-only scans) and with fresh planner statistics. Measuring the
    minute before that would measure the import, not the pages."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM (ANALYZE)"))
    else:
        with db.engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))


# -- what to request -----------------------------------------------------------------------------


@dataclass
class Viewer:
    label: str
    email: str
    root_id: int


def viewers() -> list[Viewer]:
    """The HR officer of the whole organisation and the one of the first directorate."""
    rows = db.session.execute(
        sa.select(User.email, HrScope.unit_id, OrgUnit.code)
        .join(HrScope, HrScope.user_id == User.id)
        .join(OrgUnit, HrScope.unit_id == OrgUnit.id)
        .where(User.email.in_([f"hr@{SLUG}.example.org", f"hr-dir-01@{SLUG}.example.org"]))
        .order_by(User.email.desc())
    ).all()
    return [
        Viewer("whole organisation" if code == "MIN" else f"directorate {code}", email, unit)
        for email, unit, code in rows
    ]


def first_child(unit_id: int) -> int:
    return db.session.scalar(
        sa.select(OrgUnit.id).where(OrgUnit.parent_id == unit_id).order_by(OrgUnit.code).limit(1)
    )


def pages(viewer: Viewer) -> dict[str, str]:
    """The HR pages, down the viewer's part of the tree: their top unit, a directorate (for the
    whole organisation), a department, a team; a person in that team with certificates."""
    units = [viewer.root_id]
    while (child := first_child(units[-1])) is not None:
        units.append(child)
    labels = ["top unit", "directorate", "department", "team"][-len(units) :]
    person = db.session.scalar(
        sa.select(User.id)
        .join(Certificate, Certificate.user_id == User.id)
        .where(User.unit_id == units[-1])
        .order_by(User.id)
        .limit(1)
    )
    found = {"dashboard": "/hr/"}
    for label, unit_id in zip(labels, units, strict=True):
        found[f"drill-down: {label}"] = f"/hr/eenheden/{unit_id}"
    found["person page"] = f"/hr/mensen/{person}"
    found["assignment rules"] = "/hr/toewijzingen"
    found["evidence report"] = "/hr/verantwoording/"
    found["evidence report, one department"] = f"/hr/verantwoording/?unit={units[-2]}"
    return found


#: Exports still answered within the request. The employees CSV and XLSX, and the evidence PDF
#: of a large scope, are background jobs now (issue 21): bench/jobs.py times their work.
EXPORTS = {
    "evidence CSV": "/hr/verantwoording/rapport.csv",
}


# -- measuring -----------------------------------------------------------------------------------


def log_in(app: Flask, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    if response.location.startswith("/login/code"):  # the second factor: the demo app's code
        page = client.get("/login/code").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        response = client.post("/login/code", data={"code": code, "csrf_token": token})
    assert response.status_code == 302, f"login as {email} failed"
    return client


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args) -> None:
        self.count += 1


@dataclass
class Timing:
    seconds: list[float]
    statements: int
    #: CPU per request: this process (the app, and SQLite) plus the PostgreSQL backends.
    cpu: float


def database_name(app: Flask) -> str | None:
    with app.app_context():
        url = db.engine.url
    return url.database if url.get_backend_name() == "postgresql" else None


def cpu_now(database: str | None) -> float:
    backends = http_bench.cpu_seconds(http_bench.postgres_backends(database)) if database else 0
    return time.process_time() + backends


def time_page(app: Flask, client, url: str, runs: int) -> Timing:
    """Seconds per request (after one warm-up), SQL statements and CPU per request."""
    counter = StatementCounter()
    with app.app_context():
        engine = db.engine
    database = database_name(app)
    assert client.get(url).status_code == 200, url
    sa.event.listen(engine, "before_cursor_execute", counter)
    times = []
    cpu = cpu_now(database)
    try:
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    return Timing(times, counter.count // runs, (cpu_now(database) - cpu) / runs)


def _rss_mb() -> float:
    """Resident memory now. Not ru_maxrss: signing in hashes with argon2, which takes 64 MB for
    a moment, so the lifetime peak would hide any smaller growth during the download."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE_SIZE / 1e6


def with_unit(url: str, unit_id: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}unit={unit_id}"


def download(database_url: str, email: str, url: str, warm_up_unit: int) -> dict:
    """Runs in a fresh process (--download): the export for one unit first, so code, templates
    and connections are loaded; then the whole export, chunk by chunk, each dropped, with the
    resident memory read after every chunk. A fresh process has no freed memory lying around to
    hide growth in, as a forked one would."""
    app = make_app(database_url)
    client = log_in(app, email)
    warm_up = client.get(with_unit(url, warm_up_unit), buffered=False)
    sum(len(chunk) for chunk in warm_up.iter_encoded())
    warm_up.close()
    rss = peak = _rss_mb()
    start = time.perf_counter()
    response = client.get(url, buffered=False)
    size = 0
    for chunk in response.iter_encoded():
        size += len(chunk)
        peak = max(peak, _rss_mb())
    response.close()
    return {
        "status": response.status_code,
        "bytes": size,
        "seconds": time.perf_counter() - start,
        "rss": max(peak, _rss_mb()) - rss,
    }


def measure_export(database_url: str, email: str, url: str, warm_up_unit: int) -> dict:
    command = [sys.executable, __file__, "--download", url, "--as", email]
    command += ["--database", database_url, "--warm-up-unit", str(warm_up_unit)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(output.splitlines()[-1])
    assert result["status"] == 200, (url, result)
    return result


def percentile_95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def report(label: str, app: Flask, database_url: str, args: argparse.Namespace) -> None:
    with app.app_context():
        plan = [(viewer, pages(viewer)) for viewer in viewers()]
    for viewer, urls in plan:
        client = log_in(app, viewer.email)
        print(f"\n{label}, HR scoped to the {viewer.label} ({viewer.email}), {args.runs} runs:")
        print("| page | median ms | p95 ms | CPU ms | statements | target |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        for name, url in urls.items():
            timing = time_page(app, client, url, args.runs)
            median = statistics.median(timing.seconds) * 1000
            p95 = percentile_95(timing.seconds) * 1000
            verdict = "met" if p95 < TARGET_MS else "**missed**"  # the target is p95
            print(
                f"| {name} | {median:.0f} | {p95:.0f} | {timing.cpu * 1000:.0f} "
                f"| {timing.statements} | {verdict} |"
            )
        if args.pages_only:
            continue
        team = int(urls["drill-down: team"].rsplit("/", 1)[1])
        print("\n| export | size | seconds | RSS growth |")
        print("| --- | ---: | ---: | ---: |")
        for name, url in EXPORTS.items():
            result = measure_export(database_url, viewer.email, url, team)
            print(
                f"| {name} | {result['bytes'] / 1e6:.1f} MB | {result['seconds']:.1f} "
                f"| {result['rss']:.1f} MB |"
            )


def close(app: Flask, drop: set[str], keep: bool) -> None:
    with app.app_context():
        db.session.remove()
        if drop and not keep:
            course.drop_created_tables(drop)
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--modules", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=5, help="lessons per module")
    parser.add_argument("--questions", type=int, default=12, help="quiz questions per module")
    parser.add_argument("--runs", type=int, default=9, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default="postgresql:///geletterd_bench_hr",
        help="an EXISTING, EMPTY database (default: %(default)s)",
    )
    parser.add_argument("--sqlite", metavar="FILE", help="SQLite file (default: a temp file)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true")
    only.add_argument("--postgres-only", action="store_true")
    parser.add_argument(
        "--keep", action="store_true", help="leave the generated data (PostgreSQL tables, --sqlite)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data a --keep run left, generate nothing"
    )
    parser.add_argument("--pages-only", action="store_true", help="time the pages, no exports")
    parser.add_argument("--download", help=argparse.SUPPRESS)  # the child of measure_export
    parser.add_argument("--as", dest="email", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--warm-up-unit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.download:
        result = download(args.database, args.email, args.download, args.warm_up_unit)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="geletterd-bench-hr-") as temp:
        urls = {}
        if not args.postgres_only:
            urls["SQLite"] = f"sqlite:///{args.sqlite or Path(temp) / 'bench.db'}"
        if not args.sqlite_only:
            urls["PostgreSQL"] = args.postgres
        content = None if args.reuse else load_course(Path(temp) / "course", args)
        for label, url in urls.items():
            app, created = prepare(label, url, args, content)
            try:
                report(label, app, url, args)
            finally:
                # SQLite's temp file goes with the temp dir; PostgreSQL loses the tables made here.
                close(app, created if label == "PostgreSQL" else set(), args.keep)


if __name__ == "__main__":
    main()
