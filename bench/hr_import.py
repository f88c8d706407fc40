"""Times `flask users import` work for a large HR export: plan (read and compare) and apply.

Usage: .venv/bin/python bench/hr_import.py [--rows 100000]
Target (issue #7): 100,000 rows in under a minute. Prints a second run too, which must change
nothing.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p).resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.users import get_or_create_organisation  # noqa: E402
from app.extensions import db  # noqa: E402
from app.hr.imports.employees import apply_import, plan_import  # noqa: E402
from app.hr.imports.units import import_units  # noqa: E402
from config import DevelopmentConfig  # noqa: E402

UNITS = 50


def export(rows: int) -> bytes:
    lines = ["personeelsnummer;e-mailadres;naam;afdeling;functie"]
    for number in range(rows):
        lines.append(
            f"{100000 + number};m{number}@example.org;Medewerker {number};"
            f"T{number % UNITS};{'beleidsmedewerker' if number % 3 else 'inkoper'}"
        )
    return ("\n".join(lines) + "\n").encode()


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        config = type(
            "Bench", (DevelopmentConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db"}
        )
        app = create_app(config)
        with app.app_context():
            upgrade()
            organisation = get_or_create_organisation("bench", "Bench")
            units = "code;naam\n" + "".join(f"T{i};Team {i}\n" for i in range(UNITS))
            import_units(organisation, units.encode())
            db.session.commit()
            data = export(rows)
            print(f"{rows:,} rows, {len(data) / 1e6:.1f} MB, SQLite")
            for run in ("first", "second"):
                plan = timed(
                    f"{run} run: plan",
                    lambda: plan_import(organisation, data, deactivate_missing=False),
                )
                timed(
                    f"{run} run: apply + commit",
                    lambda plan=plan: (
                        apply_import(organisation, plan, actor=None),
                        db.session.commit(),
                    ),
                )
                print(
                    f"  created {len(plan.create):,}, updated {len(plan.update):,}, "
                    f"unchanged {plan.unchanged:,}, rejected {len(plan.errors):,}"
                )


if __name__ == "__main__":
    main()
