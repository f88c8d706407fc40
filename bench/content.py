"""Benchmark: loading, validating and syncing a large course, and serving its lesson pages.

Generates (in a temp dir) a course of 200 single-language modules, each with 5 lessons of realistic
Markdown and a 20-question quiz, then prints:

- the time to load and validate it (`Loader(root).load()`, which also renders every lesson);
- the time to sync it into a fresh database (SQLite, and PostgreSQL with --postgres URL), and the
  time of a second sync, which must create nothing;
- the lesson page's median time and requests/s with the HTML stored at sync time, against a
  throwaway route that does the same view work but renders the lesson's Markdown per request.

Not a test: it prints figures, and says whether the target (sync under 10 s) was met.

    .venv/bin/python bench/content.py [--postgres postgresql:///dbname]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Not this folder first on sys.path: bench/http.py would shadow the standard library's `http`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))  # `config` lives at the repository root, outside the app package

import sqlalchemy as sa  # noqa: E402
from flask import Flask, abort, render_template  # noqa: E402
from flask_login import login_required  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from flask_wtf import FlaskForm  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.users import create_user, get_or_create_organisation  # noqa: E402
from app.content.catalogue import lesson_titles  # noqa: E402
from app.content.loader import ContentSet, Loader  # noqa: E402
from app.content.markdown import RenderContext, render_markdown  # noqa: E402
from app.content.publish import sync  # noqa: E402
from app.extensions import db  # noqa: E402
from app.learn.routes import _lesson_of, _reading  # noqa: E402
from app.models import ModuleVersion  # noqa: E402
from config import TestingConfig, _database_url  # noqa: E402

SYNC_TARGET_SECONDS = 10.0
PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway account in a throwaway database

# -- generating the course -----------------------------------------------------------------------

TOPICS = [
    ("algoritmeregister", "het algoritmeregister", "the algorithm register"),
    ("chatbots", "chatbots aan de balie", "chatbots at the front desk"),
    ("risicoprofilering", "risicoprofilering", "risk profiling"),
    ("taalmodellen", "taalmodellen op het werk", "language models at work"),
    ("beeldherkenning", "beeldherkenning in de openbare ruimte", "image recognition in public"),
    ("inkoop", "AI inkopen", "buying AI"),
    ("toezicht", "menselijk toezicht", "human oversight"),
    ("datakwaliteit", "datakwaliteit", "data quality"),
]

# Sentences in the register of the real course: short, concrete, about public-sector work.
SENTENCES = {
    "nl": [
        "Een lerend systeem haalt zijn regels uit voorbeelden, niet uit een wet of werkinstructie.",
        "Vraag altijd na op welke gegevens het systeem is getraind.",
        "Een score is een kans, geen oordeel over een inwoner.",
        "De medewerker blijft verantwoordelijk voor het besluit, ook als een systeem adviseert.",
        "Leg vast waarom je een advies van het systeem volgt of juist niet.",
        "Inwoners hebben recht op uitleg over een besluit dat hen raakt.",
        "Een model dat goed scoort op oude gevallen, werkt niet vanzelf goed op nieuwe gevallen.",
        "Controleer steekproefsgewijs of de uitkomsten voor alle groepen even goed zijn.",
        "De AI-verordening stelt eisen aan systemen met een hoog risico.",
        "Een taalmodel voorspelt het volgende stukje tekst; het zoekt niets op.",
        "Zet geen persoonsgegevens in een openbare chatdienst.",
        "Betrek de functionaris gegevensbescherming vroeg, niet pas aan het eind.",
        "Een leverancier moet kunnen uitleggen hoe het systeem is getest.",
        "Meld het als het systeem uitkomsten geeft die je niet kunt uitleggen.",
        "Menselijk toezicht betekent dat iemand echt kan ingrijpen, niet alleen kan tekenen.",
        "Houd bij welke versie van het model een besluit heeft ondersteund.",
        "Oude keuzes in de data worden nieuwe regels in het model.",
        "Een proxy is een gegeven dat ongemerkt samenhangt met een gevoelig kenmerk.",
    ],
    "en": [
        "A learning system takes its rules from examples, not from a law or a work instruction.",
        "Always ask which data the system was trained on.",
        "A score is a probability, not a judgement about a resident.",
        "The civil servant stays responsible for the decision, even when a system advises.",
        "Record why you follow the system's advice, or why you do not.",
        "Residents have a right to an explanation of a decision that affects them.",
        "A model that scores well on old cases does not automatically work on new ones.",
        "Check samples to see whether the results are equally good for every group.",
        "The AI Act sets requirements for high-risk systems.",
        "A language model predicts the next piece of text; it does not look anything up.",
        "Never paste personal data into a public chat service.",
        "Involve the data protection officer early, not at the very end.",
        "A supplier must be able to explain how the system was tested.",
        "Report it when the system gives results you cannot explain.",
        "Human oversight means someone can really intervene, not just sign.",
        "Keep track of which version of the model supported a decision.",
        "Old choices in the data become new rules in the model.",
        "A proxy is a data point that quietly correlates with a sensitive characteristic.",
    ],
}

WORDS = {
    "nl": {
        "lesson": "Les",
        "part": "Onderdeel",
        "steps": "Stappen",
        "table": ("Situatie", "Wat je doet", "Waarom"),
        "next": "De volgende les",
        "first": "de eerste les",
        "other": "de volgende module",
        "source": "Zie de bronnen van deze module.",
        "true": "Waar",
        "false": "Niet waar",
        "right": "Goed",
        "wrong": "Nee",
    },
    "en": {
        "lesson": "Lesson",
        "part": "Part",
        "steps": "Steps",
        "table": ("Situation", "What you do", "Why"),
        "next": "The next lesson",
        "first": "the first lesson",
        "other": "the next module",
        "source": "See the sources of this module.",
        "true": "True",
        "false": "False",
        "right": "Right",
        "wrong": "No",
    },
}

GLOSSARY = {
    "model": "The result of training, which turns new input into a prediction.",
    "trainingsdata": "The examples a model learns from.",
    "proxy": "A data point that correlates with a sensitive characteristic.",
    "hallucinatie": "An answer that sounds certain but is made up.",
}
OBJECTIVES = ("herkennen", "toepassen", "uitleggen", "melden")


@dataclass(frozen=True)
class ModuleSpec:
    slug: str
    language: str
    title: str
    next_slug: str


def module_specs(count: int) -> list[ModuleSpec]:
    """Alternating nl/en modules; each one links on to the next, the last back to the first."""
    slugs = [f"bench-{i:03d}-{TOPICS[i % len(TOPICS)][0]}" for i in range(count)]
    specs = []
    for i, slug in enumerate(slugs):
        language = "nl" if i % 2 == 0 else "en"
        topic = TOPICS[i % len(TOPICS)]
        title = topic[1] if language == "nl" else topic[2]
        specs.append(ModuleSpec(slug, language, f"{title.capitalize()} ({i + 1})", slugs[i - 1]))
    return specs


def paragraph(rng: random.Random, language: str, sentences: int = 5) -> str:
    return " ".join(rng.sample(SENTENCES[language], sentences))


def lesson_markdown(rng: random.Random, spec: ModuleSpec, number: int, count: int) -> str:
    """About 4 kB, like the real lessons: every construct the format offers, once or more."""
    w, lang = WORDS[spec.language], spec.language
    term = list(GLOSSARY)[number % len(GLOSSARY)]
    if number < count:
        onward = f"{w['next']}: [{w['lesson'].lower()} {number + 1}]({lesson_file(number + 1)})."
    else:
        onward = f"[{w['first']}]({lesson_file(1)}) · [{w['other']}](module:{spec.next_slug})."
    head = w["table"]
    rows = "\n".join(
        f"| {paragraph(rng, lang, 1)} | {paragraph(rng, lang, 1)} | [[{t}]] |" for t in GLOSSARY
    )
    bullets = "\n".join(
        f"- **{paragraph(rng, lang, 1)[:-1]}**; {paragraph(rng, lang, 1)}" for _ in range(4)
    )
    steps = "\n".join(f"{i}. {paragraph(rng, lang, 1)}" for i in range(1, 5))
    return f"""# {w["lesson"]} {number}: {spec.title}

{paragraph(rng, lang)} [[{term}]] {paragraph(rng, lang, 3)}[^1]

## {w["part"]} 1

{paragraph(rng, lang, 6)}

{bullets}

/// let-op
{paragraph(rng, lang, 3)}
///

### {w["steps"]}

{steps}

| {head[0]} | {head[1]} | {head[2]} |
| --- | --- | --- |
{rows}

## {w["part"]} 2

{paragraph(rng, lang, 6)} *{paragraph(rng, lang, 1)}* [[{term}|{term.upper()}]].

/// praktijk
{paragraph(rng, lang, 4)} [EUR-Lex](https://eur-lex.europa.eu/eli/reg/2024/1689/oj/eng).
///

{paragraph(rng, lang, 5)}

{onward}

[^1]: {w["source"]}
"""


def lesson_file(number: int) -> str:
    return f"{number:02d}-onderdeel-{number}.md"


def module_markdown(rng: random.Random, spec: ModuleSpec) -> str:
    objectives = "\n".join(f"  {key}: {paragraph(rng, spec.language, 1)}" for key in OBJECTIVES)
    glossary = "\n".join(f"  {term}: {text}" for term, text in GLOSSARY.items())
    return f"""---
slug: {spec.slug}
title: "{spec.title}"
summary: {paragraph(rng, spec.language, 1)}
language: {spec.language}
version: 1.0.0
minutes: 30
objectives:
{objectives}
audience: [everyone]
prerequisites: []
tags: [benchmark]
sources:
  - title: Verordening (EU) 2024/1689 (AI-verordening)
    url: https://eur-lex.europa.eu/eli/reg/2024/1689/oj/eng
reviewed: 2026-11-28
glossary:
{glossary}
completion: lessons-and-quiz
---

{paragraph(rng, spec.language, 4)} [{WORDS[spec.language]["first"]}]({lesson_file(1)}).
"""


def question_markdown(rng: random.Random, language: str, number: int) -> str:
    """Question `number` of the pool; the types cycle single, multiple, true-false, order, match."""
    w = WORDS[language]
    kind = ("single", "multiple", "true-false", "order", "match")[number % 5]
    objective = OBJECTIVES[number % len(OBJECTIVES)]
    head = f"## {number + 1}. {paragraph(rng, language, 1)[:-1]}?\n\ntype: {kind}\n"
    head += f"objective: {objective}\n\n{paragraph(rng, language, 2)}\n\n"
    if kind in ("single", "multiple"):
        right = {0} if kind == "single" else {0, 2}
        options = "\n".join(
            f"- [{'x' if i in right else ' '}] {paragraph(rng, language, 1)}\n"
            f"  {w['right'] if i in right else w['wrong']}: {paragraph(rng, language, 1)}"
            for i in range(4)
        )
    elif kind == "true-false":
        options = f"- [x] {w['true']}\n- [ ] {w['false']}"
    elif kind == "order":
        options = "\n".join(f"{i}. {paragraph(rng, language, 1)}" for i in range(1, 5))
    else:
        options = "\n".join(f"- {term} = {text}" for term, text in GLOSSARY.items())
    return f"{head}{options}\n\nexplanation: {paragraph(rng, language, 3)}\n"


def quiz_markdown(rng: random.Random, spec: ModuleSpec, questions: int) -> str:
    front = (
        f"---\nmodule: {spec.slug}\nlanguage: {spec.language}\npass_mark: 70\n"
        f"draw: {min(10, questions)}\nshuffle: true\nmax_attempts: 0\nwait_minutes: 0\n---\n\n"
    )
    return front + "\n".join(question_markdown(rng, spec.language, n) for n in range(questions))


def generate_course(root: Path, modules: int, lessons: int, questions: int, seed: int) -> int:
    """Writes modules/, quizzes/ under root; returns the bytes written."""
    rng = random.Random(seed)  # the same course every run, so runs compare
    written = 0
    (root / "quizzes").mkdir(parents=True)
    for spec in module_specs(modules):
        folder = root / "modules" / spec.slug / spec.language
        folder.mkdir(parents=True)
        files = {folder / "module.md": module_markdown(rng, spec)}
        for number in range(1, lessons + 1):
            files[folder / lesson_file(number)] = lesson_markdown(rng, spec, number, lessons)
        quiz = root / "quizzes" / f"{spec.slug}.{spec.language}.md"
        files[quiz] = quiz_markdown(rng, spec, questions)
        for path, text in files.items():
            written += path.write_text(text, encoding="utf-8")
    return written


# -- the app and its database --------------------------------------------------------------------


def make_app(database_url: str) -> Flask:
    config = type(
        "BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": _database_url(database_url)}
    )
    app = create_app(config)
    # Routes must be added before the first request; this one is the per-request alternative.
    app.add_url_rule(
        "/bench/render-per-request/<slug>/<lesson_slug>", view_func=lesson_rendered_per_request
    )
    return app


def migrate_quietly() -> None:
    """flask_migrate.upgrade(), without Alembic's INFO lines in the middle of the figures."""
    with contextlib.redirect_stderr(io.StringIO()):
        upgrade()


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def drop_created_tables(created: set[str]) -> None:
    """Drops exactly the tables this run created (the database was empty before)."""
    with db.engine.begin() as connection:
        for table in sorted(created):
            connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))


# -- the lesson page, two ways -------------------------------------------------------------------


@login_required
def lesson_rendered_per_request(slug: str, lesson_slug: str) -> str:
    """The naive alternative: app.learn.routes.lesson, but rendering the Markdown source per
    request instead of showing the HTML stored at sync time. Same queries, same template."""
    version, progress = _reading(slug)
    lesson = _lesson_of(version, lesson_slug)
    db.session.commit()
    toc = lesson_titles(version.id)
    index = next(i for i, item in enumerate(toc) if item[0] == lesson.position)
    # The naive page reads the version's source text too (the snapshot the real page uses has
    # no sources): one more query, and the Markdown rendered per request.
    html = render_lesson_source(db.session.get(ModuleVersion, version.id), toc, lesson.slug)
    shown = SimpleNamespace(
        position=lesson.position, slug=lesson.slug, title=lesson.title, html=html
    )
    return render_template(
        "learn/lesson.html",
        version=version,
        lesson=shown,
        toc=toc,
        previous=toc[index - 1] if index > 0 else None,
        next=toc[index + 1] if index + 1 < len(toc) else None,
        is_read=any(r.lesson_id == lesson.id for r in progress.lessons_read),
        form=FlaskForm(),
    )


def render_lesson_source(version: ModuleVersion, toc: list, lesson_slug: str) -> str:
    """The lesson's Markdown (below its title) rendered the way the loader does at sync time."""
    source = next(
        (t for p, t in version.source_files.items() if p.endswith(f"/{lesson_slug}.md")), None
    )
    if source is None:
        abort(404)
    lines = source.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    lessons = {f"{slug}.md": slug for _, slug, _ in toc}
    slug = version.module.slug

    def resolve(target: str) -> str | None:
        name, _, anchor = target.partition("#")
        suffix = f"#{anchor}" if anchor else ""
        if name in lessons:
            return f"/modules/{slug}/{lessons[name]}{suffix}"
        if name.startswith("module:"):
            return f"/modules/{name[7:]}{suffix}"
        return None

    context = RenderContext(
        language=version.language, resolve_link=resolve, glossary=version.glossary
    )
    return render_markdown("\n".join(lines[first + 1 :]), context)


def log_in(app: Flask):
    """A learner with a session cookie, signed in through the real login form and its CSRF token."""
    with app.app_context():
        organisation = get_or_create_organisation("bench", "Gemeente Benchmark")
        create_user(
            organisation=organisation,
            email="leerling@bench.example",
            name="Özlem Çelik",
            password=PASSWORD,
        )
        db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"email": "leerling@bench.example", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, "login failed"
    return client


def pick_lesson(app: Flask, lessons: int) -> tuple[str, str]:
    """The middle lesson of the middle module, so neither end of any index is favoured."""
    with app.app_context():
        versions = db.session.scalars(sa.select(ModuleVersion).order_by(ModuleVersion.id)).all()
        version = versions[len(versions) // 2]
        lesson = next(x for x in version.lessons if x.position == (lessons + 1) // 2)
        # Like for like: rendering per request must produce exactly the HTML stored at sync.
        assert render_lesson_source(version, lesson_titles(version.id), lesson.slug) == lesson.html
        return version.module.slug, lesson.slug


def time_requests(client, urls: dict[str, str], count: int) -> dict[str, list[float]]:
    """Interleaves the variants request by request, so machine noise hits both alike."""
    for url in urls.values():  # warm up: first visit starts progress, templates compile
        for _ in range(10):
            assert client.get(url).status_code == 200
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(count):
        for name, url in urls.items():
            start = time.perf_counter()
            response = client.get(url)
            times[name].append(time.perf_counter() - start)
            assert response.status_code == 200
    return times


def render_only_times(app: Flask, slug: str, lesson_slug: str, count: int) -> list[float]:
    """render_markdown alone on the same lesson: a cross-check of the difference between routes."""
    with app.app_context():
        version = db.session.scalar(
            sa.select(ModuleVersion).where(ModuleVersion.module.has(slug=slug))
        )
        toc = lesson_titles(version.id)
        times = []
        for _ in range(count):
            start = time.perf_counter()
            render_lesson_source(version, toc, lesson_slug)
            times.append(time.perf_counter() - start)
        return times


# -- reporting -----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.2f} ms"


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def prepare_database(label: str, url: str) -> tuple[Flask, set[str]]:
    """The app on an empty database, migrated; and the tables this run created."""
    app = make_app(url)
    with app.app_context():
        before = table_names()
        if before:
            # Refuse rather than mix with (or later drop) tables this run did not create.
            sys.exit(
                f"{label}: the database is not empty ({len(before)} tables); name an empty one"
            )
        migrate_quietly()
        return app, table_names() - before


def close_database(app: Flask, drop: set[str]) -> None:
    with app.app_context():
        db.session.remove()
        drop_created_tables(drop)
        db.engine.dispose()


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"{label:50}{seconds:8.2f} s   {note}".rstrip())


def against_target(seconds: float) -> str:
    met = "met" if seconds < SYNC_TARGET_SECONDS else "MISSED"
    return f"target < {SYNC_TARGET_SECONDS:.0f} s: {met}"


def report_sync(label: str, app: Flask, content: ContentSet, load: float) -> None:
    with app.app_context():
        report, first = timed(sync, content)
        assert not report.skipped, report.problems[:5]
        again, second = timed(sync, content)
        assert again.created == [], again.created[:5]  # idempotent: the second run changes nothing
    print(f"\n== {label} ==")
    row(f"sync, first run ({len(report.created)} created)", first, against_target(first))
    row(f"sync, second run ({len(again.unchanged)} unchanged, 0 created)", second)
    total = load + first
    row("load + validate + sync (= flask content sync)", total, against_target(total))


def report_pages(app: Flask, args: argparse.Namespace) -> None:
    client = log_in(app)
    slug, lesson_slug = pick_lesson(app, args.lessons)
    urls = {
        "stored HTML": f"/modules/{slug}/{lesson_slug}",
        "render per request": f"/bench/render-per-request/{slug}/{lesson_slug}",
    }
    times = time_requests(client, urls, args.requests)
    render = render_only_times(app, slug, lesson_slug, args.requests)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"lesson page {urls['stored HTML']}, {args.requests} requests each, interleaved:")
    for name, values in times.items():
        print(f"  {name:30} median {ms(medians[name])}  {len(values) / sum(values):6.1f} req/s")
    ratio = medians["render per request"] / medians["stored HTML"]
    print(f"  {'ratio render per request / stored':37} {ratio:8.2f}x")
    difference = medians["render per request"] - medians["stored HTML"]
    print(f"  {'render_markdown alone':30} median {ms(statistics.median(render))}", end="")
    print(f"  (the routes differ by {ms(difference).strip()})")


def load_course(root: Path, args: argparse.Namespace) -> tuple[ContentSet, float]:
    size = generate_course(root, args.modules, args.lessons, args.questions, args.seed)
    content, load = timed(Loader(root).load)
    problems = content.all_problems()
    assert not problems, "\n".join(map(str, problems[:10]))
    print(
        f"course: {len(content.modules)} modules x {args.lessons} lessons + "
        f"{args.questions}-question quiz, {size / 1e6:.1f} MB of Markdown"
    )
    row(
        "load + validate (parse, render, check)",
        load,
        f"{load / len(content.modules) * 1000:.0f} ms per module",
    )
    return content, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--lessons", type=int, default=5, help="lessons per module")
    parser.add_argument("--questions", type=int, default=20, help="quiz questions per module")
    parser.add_argument(
        "--requests", type=int, default=300, help="lesson page requests per variant"
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--postgres", metavar="URL", help="also sync into this EMPTY PostgreSQL database"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="geletterd-bench-") as temp:
        # Databases first: a PostgreSQL database that is not empty stops the run before the work.
        databases = {"SQLite": prepare_database("SQLite", f"sqlite:///{Path(temp) / 'bench.db'}")}
        if args.postgres:
            databases["PostgreSQL"] = prepare_database("PostgreSQL", args.postgres)
        try:
            content, load = load_course(Path(temp) / "course", args)
            for label, (app, _) in databases.items():
                report_sync(label, app, content, load)
                report_pages(app, args)
        finally:
            for label, (app, created) in databases.items():
                # SQLite's file goes with the temp dir; PostgreSQL loses the tables made here.
                close_database(app, created if label == "PostgreSQL" else set())


if __name__ == "__main__":
    main()
