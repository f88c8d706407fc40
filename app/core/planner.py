"""Fresh planner statistics after a bulk load.

PostgreSQL's autovacuum analyses a table only some time after it changed a lot; until then the
planner guesses row counts from stale or no statistics, and the evidence report and HR pages over
100,000 people took seconds where they take a fraction of one (docs/performance.md). SQLite plans
without them as well as with, so only PostgreSQL is asked.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db


def refresh_statistics(*tables: str) -> None:
    """ANALYZE the tables (every table when none are named), in the current transaction."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables or ("",):
        db.session.execute(sa.text(f"ANALYZE {table}"))
