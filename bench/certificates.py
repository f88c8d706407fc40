"""Benchmark: certificate PDFs, and the unit-wide ZIP of 1,000 certificates that HR downloads.

Builds the app on a temp SQLite database with the repository's own course synced, one organisation,
one unit and 1,000 learners with a module certificate each, then prints:

- the median time of one certificate PDF (certificate_pdf), and the tracemalloc peak of one call;
- the time and memory of the ZIP of all 1,000 certificates built as the HR route builds it:
  stream_zip over PDFs made one at a time, each chunk counted and dropped (with --list-pass also
  with every PDF first kept in a list: that makes all PDFs a second time, doubling the run);
- ZIP assembly alone, traced: stream_zip over 1,000 PDFs against the same PDFs kept in a list.

How memory is measured, and why:

- ru_maxrss delta: every pass runs in a forked child, so each starts from the same process state
  and none profits from memory another freed; the child reports its peak RSS minus its RSS at the
  start. RSS only grows past memory the process already has resident, so small steps read low.
- tracemalloc peak: tracing makes fpdf2 about ten times slower (it parses the font for every PDF),
  so 1,000 traced PDFs would take half an hour. The traced passes therefore time nothing and make
  no PDFs: they zip 1,000 fresh copies of the PDFs made for the median. Add the one-call peak for
  the PDF being made.

    .venv/bin/python bench/certificates.py [--list-pass]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Not this folder first on sys.path: bench/http.py would shadow the standard library's `http`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))  # `config` lives at the repository root, outside the app package

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.users import create_user, get_or_create_organisation  # noqa: E402
from app.certificates import fonts  # noqa: E402
from app.certificates import pdf as pdf_module  # noqa: E402
from app.certificates.issuing import _issue  # noqa: E402
from app.certificates.pdf import certificate_pdf  # noqa: E402
from app.content.loader import Loader  # noqa: E402
from app.content.publish import sync  # noqa: E402
from app.core.zipstream import stream_zip  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Certificate, ModuleVersion, OrgUnit, User  # noqa: E402
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
            module_version_id=version.id,
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


def made_pdfs() -> Iterator[tuple[str, bytes]]:
    """(name in the ZIP, PDF) one at a time, as app.hr.routes.unit_certificates_zip makes them."""
    for certificate in db.session.scalars(certificates_query()):
        name = re.sub(r"[^\w.-]+", "_", certificate.user.name)
        pdf = certificate_pdf(certificate, ORGANISATION, BASE_URL, "nl")
        yield f"{name}/{certificate.serial}.pdf", pdf


def copied_pdfs(pool: list[bytes], count: int) -> Iterator[tuple[str, bytes]]:
    """`count` fresh copies of ready PDFs: ZIP assembly without the cost of making PDFs."""
    for number in range(count):
        yield f"{number:06d}.pdf", bytes(bytearray(pool[number % len(pool)]))


def zip_streamed(files: Iterable[tuple[str, bytes]]) -> int:
    """The ZIP as HR gets it: every chunk counted and dropped, as a response sends it on."""
    return sum(len(chunk) for chunk in stream_zip(files))


def zip_from_list(files: Iterable[tuple[str, bytes]]) -> int:
    """The naive alternative: make every PDF first and keep them in a list, then zip the list."""
    kept = list(files)
    return sum(len(chunk) for chunk in stream_zip(kept))


def pdf_sample(count: int) -> tuple[list[float], list[bytes]]:
    """Times of `count` certificate_pdf calls, and the PDFs."""
    certificates = db.session.scalars(
        sa.select(Certificate)
        .options(selectinload(Certificate.user), selectinload(Certificate.module_version))
        .order_by(Certificate.id)
        .limit(count)
    ).all()
    for certificate in certificates:  # warm up: fonts, imports, each name's font subset
        certificate_pdf(certificate, ORGANISATION, BASE_URL)
    times, pdfs = [], []
    for certificate in certificates:
        start = time.perf_counter()
        pdfs.append(certificate_pdf(certificate, ORGANISATION, BASE_URL))
        times.append(time.perf_counter() - start)
    return times, pdfs


def one_pdf_traced_mb() -> float:
    certificate = db.session.scalar(sa.select(Certificate).limit(1))
    tracemalloc.start()
    certificate_pdf(certificate, ORGANISATION, BASE_URL)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measured(step: Callable[[], int], traced: bool) -> dict[str, float]:
    """Runs in the child: the step's bytes, seconds, ru_maxrss delta and (if traced) peak."""
    db.session.expunge_all()
    db.engine.dispose(close=False)  # a forked process must not use its parent's connections
    rss = max_rss_mb()
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    size = step()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if traced else 0.0
    return {"bytes": size, "seconds": seconds, "rss": max_rss_mb() - rss, "traced": peak}


def _child(connection, step: Callable[[], int], traced: bool) -> None:
    connection.send(measured(step, traced))


def in_child(step: Callable[[], int], traced: bool = False) -> dict[str, float]:
    """Runs the step in a forked copy of this process: every pass starts from the same state, and
    its memory figures are its own, not lowered by memory an earlier pass freed."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, step, traced))
    child.start()
    result = receiver.recv()
    child.join()
    return result


# -- reporting -----------------------------------------------------------------------------------

STREAM, KEPT = "stream_zip, chunks dropped", "all PDFs kept in a list"


def report_pdf(args: argparse.Namespace) -> tuple[list[bytes], float]:
    """Prints the median PDF time (QR code included), against the full font parsed per PDF as
    before (alternating, in this run); returns the PDFs and the median in seconds."""
    times, pdfs = pdf_sample(args.pdfs)
    with qr_as_png():
        png_times, _ = pdf_sample(args.pdfs)
    with full_font_per_pdf():
        full_times, full_pdfs = pdf_sample(max(5, args.pdfs // 5))
    again, _ = pdf_sample(args.pdfs)
    with qr_as_png():
        png_again, _ = pdf_sample(args.pdfs)
    median = statistics.median(times + again)
    full = statistics.median(full_times)
    png = statistics.median(png_times + png_again)
    print(
        f"certificate_pdf, median of {2 * args.pdfs}: {median * 1000:.1f} ms"
        f"   (tracemalloc peak of one call {one_pdf_traced_mb():.1f} MB;"
        f" PDF {statistics.median(map(len, pdfs)) / 1000:.0f} kB)"
    )
    print(
        f"  the full font parsed per PDF (as before), median of {len(full_times)}: "
        f"{full * 1000:.1f} ms (PDF {statistics.median(map(len, full_pdfs)) / 1000:.0f} kB);"
        f" ratio {full / median:.1f}x"
    )
    print(
        f"  the QR code as a PNG image, best of eight masks (as before), median of "
        f"{2 * args.pdfs}: {png * 1000:.1f} ms; ratio {png / median:.2f}x"
    )
    return pdfs, median


@contextlib.contextmanager
def qr_as_png() -> Iterator[None]:
    """The QR code as it was drawn before: segno scoring all eight masks, a PNG at scale 6
    that fpdf2 decodes and embeds."""
    draw_qr, mask = pdf_module.draw_qr, pdf_module.QR_MASK

    def as_png(pdf, qr, x: float, y: float, width: float) -> None:
        buffer = io.BytesIO()
        qr.save(buffer, kind="png", scale=6, border=2)
        buffer.seek(0)
        pdf.image(buffer, x=x, y=y, w=width)

    pdf_module.draw_qr, pdf_module.QR_MASK = as_png, None  # None: segno picks the best
    try:
        yield
    finally:
        pdf_module.draw_qr, pdf_module.QR_MASK = draw_qr, mask


@contextlib.contextmanager
def full_font_per_pdf() -> Iterator[None]:
    """The certificate as it was made before fonts were kept per process."""
    add_fonts = fonts.add_fonts

    def parse_full_font(pdf, family: str) -> None:
        pdf.add_font(family, "", str(fonts.FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font(family, "B", str(fonts.FONT_DIR / "DejaVuSans-Bold.ttf"))

    fonts.add_fonts = parse_full_font
    try:
        yield
    finally:
        fonts.add_fonts = add_fonts


def report_route_zip(args: argparse.Namespace, pdf_seconds: float) -> None:
    n = args.certificates
    seconds = pdf_seconds * n * (2 if args.list_pass else 1)
    print(f"\n(making {n} PDFs per pass: about {seconds:.0f} s in all at the median above)")
    passes = {STREAM: in_child(lambda: zip_streamed(made_pdfs()))}
    if args.list_pass:
        passes[KEPT] = in_child(lambda: zip_from_list(made_pdfs()))
    size = passes[STREAM]["bytes"]
    print(f"\nZIP of {n} certificates, PDFs made one by one as the HR route does:", end=" ")
    print(f"{size / 1e6:.1f} MB")
    print(f"  {'':28}{'time':>8}{'cert/s':>9}{'ru_maxrss delta':>18}")
    for label, r in passes.items():
        print(f"  {label:28}{r['seconds']:7.1f}s{n / r['seconds']:9.1f}{r['rss']:15.1f} MB")
    if args.list_pass:
        ratio = passes[KEPT]["rss"] / passes[STREAM]["rss"]
        print(f"  ratio list / stream, ru_maxrss delta: {ratio:.1f}x")
    else:
        print("  (--list-pass also makes the PDFs again for a list: as long again)")


def report_assembly(args: argparse.Namespace, pdfs: list[bytes]) -> None:
    n = args.certificates
    stream = in_child(lambda: zip_streamed(copied_pdfs(pdfs, n)), traced=True)
    kept = in_child(lambda: zip_from_list(copied_pdfs(pdfs, n)), traced=True)
    print(f"\nZIP assembly alone: {n} fresh copies of the {len(pdfs)} PDFs above, traced")
    print(f"  {'':28}{'tracemalloc peak':>18}{'ru_maxrss delta':>18}")
    for label, r in ((STREAM, stream), (KEPT, kept)):
        print(f"  {label:28}{r['traced']:15.1f} MB{r['rss']:15.1f} MB")
    print(f"  ratio list / stream, tracemalloc peak: {kept['traced'] / stream['traced']:.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=1000, help="learners, one each")
    parser.add_argument("--pdfs", type=int, default=50, help="PDFs for the median")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--list-pass",
        action="store_true",
        help="also make all PDFs into a list, as the route would without streaming (twice as long)",
    )
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
                pdfs, pdf_seconds = report_pdf(args)
                report_route_zip(args, pdf_seconds)
                report_assembly(args, pdfs)
            finally:
                db.session.remove()
                db.engine.dispose()  # close the file before the temp dir goes


if __name__ == "__main__":
    main()
