"""Benchmark: certificate PDFs, and the unit-wide ZIP of 1,000 certificates that HR downloads.

Builds the app on a temp SQLite database with the repository's own course synced, one organisation,
one unit and 1,000 learners with a module certificate each, then prints:

- the median time of one certificate PDF (certificate_pdf);
- the time and peak memory of a ZIP of all certificates built the way the HR route builds it:
  stream_zip over PDFs generated one by one, each chunk counted and dropped;
- the peak memory when instead every PDF is first kept in a list, and the ratio of the two.

Peak memory is measured twice: tracemalloc's peak (Python allocations during the step, in a separate
pass, because tracing slows the code down) and the growth of the process's ru_maxrss (a high-water
mark: it only grows when a step goes above every earlier step, so the streaming pass runs first).

    .venv/bin/python bench/certificates.py
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `config` lives at the repository root, outside the app package

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Certificate, ModuleVersion, OrgUnit, User  # noqa: E402
from app.services.certificate_pdf import certificate_pdf  # noqa: E402
from app.services.certificates import _issue  # noqa: E402
from app.services.content.loader import Loader  # noqa: E402
from app.services.content.publish import sync  # noqa: E402
from app.services.users import create_user, get_or_create_organisation  # noqa: E402
from app.services.zipstream import stream_zip  # noqa: E402
from config import TestingConfig  # noqa: E402

ORGANISATION = "Gemeente Voorbeeldstad"
BASE_URL = "https://geletterd.voorbeeldstad.nl"
# Names with diacritics and particles, as the real staff list has: the font must cope.
FIRST = [
    "Özlem",
    "Jan",
    "Fatima",
    "Sjoerd",
    "Anouk",
    "Mohammed",
    "Eline",
    "Björn",
    "Noëlle",
    "Kees",
]
LAST = [
    "Çelik-de Vries",
    "Jansen",
    "El Amrani",
    "van der Meer",
    "Bakker",
    "Ŝimić",
    "de Groot",
    "Nguyễn",
]


# -- setup ---------------------------------------------------------------------------------------


def make_app(database_file: Path) -> Flask:
    config = type(
        "BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_file}"}
    )
    app = create_app(config)
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
        upgrade()
    return app


def module_versions() -> list[ModuleVersion]:
    """The repository's own course, synced: real titles and objectives on the certificates."""
    report = sync(Loader(ROOT).load())
    if not report.created:
        sys.exit(f"no module of the repository's course could be synced: {report.problems[:3]}")
    return list(db.session.scalars(sa.select(ModuleVersion).order_by(ModuleVersion.id)))


def populate(count: int, seed: int) -> None:
    """One organisation, one unit, `count` learners with one module certificate each."""
    rng = random.Random(seed)
    versions = module_versions()
    organisation = get_or_create_organisation("voorbeeldstad", ORGANISATION)
    unit = OrgUnit(organisation=organisation, code="DIR-DIENSTVERLENING", name="Dienstverlening")
    db.session.add(unit)
    db.session.flush()
    for number in range(count):
        version = versions[number % len(versions)]
        user = create_user(
            organisation=organisation,
            email=f"medewerker{number}@voorbeeldstad.nl",
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            password=None,  # no argon2 hashing: 1,000 hashes would dominate the setup time
            language=version.language,
            unit_id=unit.id,
        )
        _issue(
            user,
            kind="module",
            title=version.title,
            version=version.version,
            score=rng.choice([70.0, 80.0, 85.5, 90.0, 100.0]),
            expires_on=None,
            module_version=version,
            earlier=[],
        )
    db.session.commit()


# -- what is measured ----------------------------------------------------------------------------


def certificates_query() -> sa.Select:
    """The HR route's query: the unit's valid certificates, read 100 rows at a time."""
    return (
        sa.select(Certificate)
        .join(Certificate.user)
        .where(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
        .order_by(User.name, Certificate.id)
        .execution_options(yield_per=100)
    )


def pdf_files() -> Iterator[tuple[str, bytes]]:
    """(name in the ZIP, PDF) one at a time, as app.hr.routes.unit_certificates_zip makes them."""
    for certificate in db.session.scalars(certificates_query()):
        name = re.sub(r"[^\w.-]+", "_", certificate.user.name)
        pdf = certificate_pdf(certificate, ORGANISATION, BASE_URL, "nl")
        yield f"{name}/{certificate.serial}.pdf", pdf


def zip_streamed() -> int:
    """The ZIP as HR gets it: every chunk counted and dropped, as a response sends it on."""
    return sum(len(chunk) for chunk in stream_zip(pdf_files()))


def zip_from_list() -> int:
    """The naive alternative: make every PDF first, keep them in a list, then zip the list."""
    files = list(pdf_files())
    return sum(len(chunk) for chunk in stream_zip(files))


def median_pdf_ms(count: int) -> float:
    certificates = db.session.scalars(
        sa.select(Certificate)
        .options(selectinload(Certificate.user), selectinload(Certificate.module_version))
        .order_by(Certificate.id)
        .limit(count)
    ).all()
    certificate_pdf(certificates[0], ORGANISATION, BASE_URL)  # warm up: fonts, imports
    times = []
    for certificate in certificates:
        start = time.perf_counter()
        certificate_pdf(certificate, ORGANISATION, BASE_URL)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def fresh_session() -> None:
    """Each pass starts with an empty identity map, so no pass reuses rows another one loaded."""
    db.session.expunge_all()
    gc.collect()


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def timed_with_rss(step: Callable[[], int]) -> tuple[int, float, float]:
    """(bytes, seconds, growth of the process's peak RSS in MB); no tracing, so time is real."""
    fresh_session()
    rss = max_rss_mb()
    start = time.perf_counter()
    size = step()
    return size, time.perf_counter() - start, max_rss_mb() - rss


def traced_peak_mb(step: Callable[[], int]) -> float:
    """The peak of Python allocations made during the step, in MB."""
    fresh_session()
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


# -- reporting -----------------------------------------------------------------------------------


def report(args: argparse.Namespace) -> None:
    print(
        f"median certificate_pdf over {args.pdfs} certificates: {median_pdf_ms(args.pdfs):7.1f} ms"
    )
    # The streaming pass first: ru_maxrss only moves when a step sets a new process-wide peak.
    stream_size, stream_s, stream_rss = timed_with_rss(zip_streamed)
    list_size, list_s, list_rss = timed_with_rss(zip_from_list)
    # The same PDFs both ways; only their creation timestamps may compress a few bytes differently.
    assert abs(stream_size - list_size) < stream_size / 100
    stream_peak = traced_peak_mb(zip_streamed)
    list_peak = traced_peak_mb(zip_from_list)
    n = args.certificates
    print(f"ZIP of {n} certificates ({stream_size / 1e6:.1f} MB):")
    print(f"  {'':26}{'time':>9}{'cert/s':>9}{'tracemalloc peak':>19}{'ru_maxrss growth':>19}")
    for label, seconds, peak, rss in (
        ("stream_zip, chunks dropped", stream_s, stream_peak, stream_rss),
        ("all PDFs kept in a list", list_s, list_peak, list_rss),
    ):
        print(f"  {label:26}{seconds:8.1f}s{n / seconds:9.1f}{peak:16.1f} MB{rss:16.1f} MB")
    print(f"  peak memory ratio, list / stream (tracemalloc): {list_peak / stream_peak:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=1000, help="learners, one each")
    parser.add_argument("--pdfs", type=int, default=50, help="PDFs for the median")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="geletterd-bench-") as temp:
        app = make_app(Path(temp) / "bench.db")
        with app.app_context():
            start = time.perf_counter()
            populate(args.certificates, args.seed)
            print(
                f"setup: course synced, {args.certificates} learners with a certificate each "
                f"({time.perf_counter() - start:.1f} s)"
            )
            try:
                report(args)
            finally:
                db.session.remove()
                db.engine.dispose()  # close the file before the temp dir goes


if __name__ == "__main__":
    main()
