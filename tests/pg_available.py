"""Exit 0 when the PostgreSQL database at the URL given answers, 1 otherwise (used by make)."""

import sys

import sqlalchemy as sa

from config import _database_url


def main(url: str) -> int:
    try:
        engine = sa.create_engine(_database_url(url), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
