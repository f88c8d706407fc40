"""Benchmark: the evidence report of the whole organisation, the code of a git revision (the
old way, default main) against this checkout's, alternated in one run (a noisy machine makes
only ratios within one run meaningful); and a check that both give the same report.

    export DATABASE_URL=sqlite:////tmp/bench.db GELETTERD_ENV=development FLASK_APP=app:create_app
    .venv/bin/flask db upgrade && .venv/bin/flask content sync
    .venv/bin/flask demo generate --employees 100000
    .venv/bin/python bench/evidence.py [--old main] [--rounds 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.demo.generate import DEFAULT_SLUG  # noqa: E402
from app.evidence import report as new_report  # noqa: E402
from app.extensions import db  # noqa: E402
from app.hr.scope import descendant_unit_ids, scope_root_ids  # noqa: E402
from app.models import Organisation, Role, RoleGrant, User  # noqa: E402
from config import DevelopmentConfig  # noqa: E402


def module_at(revision: str, folder: str):
    """app/evidence/report.py as it was at `revision`, imported under another name."""
    source = subprocess.run(
        ["git", "show", f"{revision}:app/evidence/report.py"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    path = Path(folder) / "old_report.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_report", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_report"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def figures(report) -> tuple:
    """What the report says, less when it was made."""
    return (
        [dataclasses.astuple(role) for role in report.roles],
        dataclasses.astuple(report.totals),
        [dataclasses.astuple(version) for version in report.versions],
        [dataclasses.astuple(finding) for finding in report.findings],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", default="main")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = create_app(DevelopmentConfig)
    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        old_report = module_at(args.old, folder)
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.slug == DEFAULT_SLUG)
        )
        admin = db.session.scalar(
            sa.select(User)
            .join(RoleGrant)
            .where(User.organisation_id == organisation.id, RoleGrant.role == Role.ADMIN.value)
        )
        unit_ids = descendant_unit_ids(organisation.id, scope_root_ids(admin))
        times: dict[str, list[float]] = {"old": [], "new": []}
        results = {}
        for _ in range(args.rounds):
            for name, module in (("old", old_report), ("new", new_report)):
                start = time.perf_counter()
                results[name] = module.build(organisation, unit_ids, admin, language="nl")
                times[name].append(time.perf_counter() - start)
                db.session.rollback()
        same = figures(results["old"]) == figures(results["new"])
        old, new = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"{os.environ.get('DATABASE_URL', 'sqlite')}: {results['new'].totals}")
        for name in ("old", "new"):
            print(f"  {name}: median {statistics.median(times[name]):.2f} s of "
                  f"{', '.join(f'{t:.2f}' for t in times[name])}")  # fmt: skip
        print(f"  ratio {old / new:.2f}x; same figures: {same}")
        if not same:
            sys.exit("the reports differ")


if __name__ == "__main__":
    main()
