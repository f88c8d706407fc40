"""Benchmark: the background jobs' bulk work at 100,000 employees.

Against an organisation made by `flask demo generate --employees 100000` (DATABASE_URL names
its database), prints:

- the whole-organisation XLSX export as the job writes it (xlsxwriter, constant memory), and,
  on the first --old-rows rows, the same rows written the earlier way (openpyxl write-only):
  time per 1,000 rows and the ratio, in this run;
- the CSV export of the whole organisation;
- the evidence report (app.evidence.report.build) of the whole organisation: median of --runs.

    export DATABASE_URL=sqlite:////tmp/bench.db GELETTERD_ENV=development FLASK_APP=app:create_app
    .venv/bin/flask db upgrade && .venv/bin/flask content sync
    .venv/bin/flask demo generate --employees 100000
    .venv/bin/python bench/jobs.py [--old-rows 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from app import create_app  # noqa: E402
from app.demo.generate import DEFAULT_SLUG  # noqa: E402
from app.evidence import report as evidence_report  # noqa: E402
from app.extensions import db  # noqa: E402
from app.hr import exports  # noqa: E402
from app.hr.scope import descendant_unit_ids, scope_root_ids  # noqa: E402
from app.models import Organisation, Role, RoleGrant, User  # noqa: E402
from config import DevelopmentConfig  # noqa: E402


def old_xlsx(path: Path, rows) -> None:
    """The export as it was written before (openpyxl write-only, every cell a string)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Voortgang")
    sheet.append(exports.HEADER)
    for row in rows:
        sheet.append([exports.xlsx_cell("" if cell is None else cell) for cell in row])
    workbook.save(path)


def timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old-rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = create_app(DevelopmentConfig)
    with app.app_context(), tempfile.TemporaryDirectory() as temp:
        organisation = db.session.scalar(
            sa.select(Organisation).where(Organisation.slug == DEFAULT_SLUG)
        )
        admin = db.session.scalar(
            sa.select(User)
            .join(RoleGrant)
            .where(User.organisation_id == organisation.id, RoleGrant.role == Role.ADMIN.value)
        )
        unit_ids = descendant_unit_ids(organisation.id, scope_root_ids(admin))
        total = exports.count_rows(unit_ids)
        print(f"{os.environ.get('DATABASE_URL', 'sqlite')}: {total:,} rows to export")

        rows = list(itertools.islice(exports.completion_rows(unit_ids), args.old_rows))
        old = timed(lambda: old_xlsx(Path(temp) / "old.xlsx", rows))
        new = timed(lambda: exports.write_xlsx(Path(temp) / "new.xlsx", exports.HEADER, rows))
        print(
            f"XLSX of the first {len(rows):,} rows (rows in memory): openpyxl {old:.2f} s, "
            f"xlsxwriter {new:.2f} s; ratio {old / new:.1f}x"
        )
        path = Path(temp) / "all.xlsx"
        whole = timed(
            lambda: exports.write_xlsx(path, exports.HEADER, exports.completion_rows(unit_ids))
        )
        print(
            f"XLSX of all {total:,} rows, query included: {whole:.1f} s "
            f"({path.stat().st_size / 1e6:.1f} MB)"
        )
        csv_path = Path(temp) / "all.csv"
        csv_time = timed(lambda: exports.write_csv(csv_path, exports.completion_rows(unit_ids)))
        print(f"CSV of all {total:,} rows: {csv_time:.1f} s")

        times = []
        for _ in range(args.runs):
            times.append(
                timed(lambda: evidence_report.build(organisation, unit_ids, admin, language="nl"))
            )
            db.session.rollback()
        print(
            f"evidence report, whole organisation: median {statistics.median(times):.2f} s "
            f"of {args.runs} ({', '.join(f'{t:.2f}' for t in times)})"
        )


if __name__ == "__main__":
    main()
