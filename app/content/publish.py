"""Publishing content: checks against what is published, sync into the database, export to files.

A published ModuleVersion is immutable. Sync creates a new version only where the files changed,
and only when the front matter's version was raised; a module with problems keeps its published
version as it was.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from app.content.loader import ContentSet, ParsedModule, ParsedPath
from app.content.problems import Problem
from app.content.schema import version_tuple
from app.core import audit
from app.extensions import db
from app.models import LearningPath, Lesson, Module, ModuleVersion, User


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        return (
            [f"created   {item}" for item in self.created]
            + [f"unchanged {item}" for item in self.unchanged]
            + [f"skipped   {item}" for item in self.skipped]
        )


def published_versions() -> dict[tuple[str, str], list[ModuleVersion]]:
    """Every published version, by (slug, language), oldest first."""
    rows = db.session.execute(
        sa.select(Module.slug, ModuleVersion).join(ModuleVersion.module).order_by(ModuleVersion.id)
    )
    found: dict[tuple[str, str], list[ModuleVersion]] = {}
    for slug, version in rows:
        found.setdefault((slug, version.language), []).append(version)
    return found


def owned_slugs() -> set[str]:
    """Slugs of organisations' own modules: files may not publish over them."""
    return set(
        db.session.scalars(sa.select(Module.slug).where(Module.organisation_id.is_not(None)))
    )


def ownership_problems(module: ParsedModule, owned: set[str]) -> list[Problem]:
    if module.slug not in owned:
        return []
    return [
        Problem(
            module.path,
            module.doc.line_of("slug"),
            f'slug "{module.slug}" belongs to an organisation\'s own module in the studio: '
            "choose another slug",
        )
    ]


def version_problems(module: ParsedModule, published: list[ModuleVersion]) -> list[Problem]:
    """Text changed without a version bump, or a version lower than the newest published one."""
    if not published or module.doc.problems or "version" not in module.meta:
        return []
    line = module.doc.line_of("version")
    same = next((v for v in published if v.version == module.version), None)
    if same is not None and same.content_hash != module.content_hash:
        return [
            Problem(
                module.path,
                line,
                f"the content changed but version {module.version} is "
                "already published: raise the version (PATCH or MINOR for wording, "
                "MAJOR when completions need a refresher)",
            )
        ]
    newest = max(published, key=lambda v: version_tuple(v.version))
    if same is None and version_tuple(module.version) < version_tuple(newest.version):
        return [
            Problem(
                module.path,
                line,
                f"version {module.version} is lower than the published {newest.version}",
            )
        ]
    return []


def check_against_published(content: ContentSet) -> list[Problem]:
    published = published_versions()
    owned = owned_slugs()
    problems = []
    for (slug, language), module in content.modules.items():
        problems += ownership_problems(module, owned)
        problems += version_problems(module, published.get((slug, language), []))
    return problems


def sync(content: ContentSet, *, dry_run: bool = False) -> SyncReport:
    """Loads valid modules and paths into the database. Idempotent: a second run changes nothing."""
    report = SyncReport()
    published = published_versions()
    owned = owned_slugs()
    for (slug, language), module in sorted(content.modules.items()):
        label = f"module {slug} ({language}) {module.version}"
        problems = (
            module.all_problems
            + ownership_problems(module, owned)
            + version_problems(module, published.get((slug, language), []))
        )
        if problems:
            report.skipped.append(f"{label}: {len(problems)} problem(s)")
            report.problems += problems
            continue
        if any(v.version == module.version for v in published.get((slug, language), [])):
            report.unchanged.append(label)
            continue
        report.created.append(label)
        if not dry_run:
            publish_module(module)
    for path in content.paths:
        _sync_path_translation(path, report, dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def publish_module(
    parsed: ParsedModule,
    *,
    organisation_id: int | None = None,
    change_note: str | None = None,
    actor: User | None = None,
) -> ModuleVersion:
    """Writes `parsed` as the new current version (of an organisation's own module when
    `organisation_id` is given). The caller has checked it has no problems."""
    module = db.session.scalar(sa.select(Module).where(Module.slug == parsed.slug))
    if module is None:
        module = Module(slug=parsed.slug, organisation_id=organisation_id)
        db.session.add(module)
        db.session.flush()
    db.session.execute(
        sa.update(ModuleVersion)
        .where(ModuleVersion.module_id == module.id, ModuleVersion.language == parsed.language)
        .values(is_current=False)
    )
    meta = parsed.meta
    quiz = None
    if parsed.quiz is not None:
        quiz = dict(parsed.quiz.settings, questions=parsed.quiz.questions)
    version = ModuleVersion(
        module=module,
        language=parsed.language,
        version=parsed.version,
        major=parsed.major,
        is_current=True,
        content_hash=parsed.content_hash,
        title=meta["title"],
        summary=meta["summary"],
        minutes=meta["minutes"],
        objectives=meta["objectives"],
        audience=meta["audience"],
        prerequisites=meta.get("prerequisites") or [],
        tags=meta.get("tags") or [],
        sources=meta["sources"],
        glossary=meta.get("glossary") or {},
        reviewed=meta["reviewed"],
        completion_rule=meta.get("completion", "lessons-and-quiz"),
        intro_html=parsed.intro_html,
        glossary_html=parsed.glossary_html,
        quiz=quiz,
        source_files=parsed.source_files,
        assets=parsed.assets,
        change_note=change_note,
    )
    version.lessons = [
        Lesson(position=lesson.position, slug=lesson.slug, title=lesson.title, html=lesson.html)
        for lesson in parsed.lessons
    ]
    db.session.add(version)
    audit.record(
        "content.publish",
        actor=actor,
        target=f"module:{parsed.slug}:{parsed.language}:{parsed.version}",
    )
    return version


def _sync_path_translation(parsed: ParsedPath, report: SyncReport, dry_run: bool) -> None:
    meta = parsed.doc.meta
    label = f"path {meta.get('slug')} ({meta.get('language')})"
    if parsed.problems:
        report.skipped.append(f"{label}: {len(parsed.problems)} problem(s)")
        report.problems += parsed.problems
        return
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == meta["slug"]))
    translation = {"title": meta["title"], "description_html": parsed.description_html}
    if (
        path is not None
        and path.translations.get(meta["language"]) == translation
        and path.source_files.get(meta["language"]) == parsed.source
        and path.module_slugs == meta["modules"]
    ):
        report.unchanged.append(label)
        return
    report.created.append(label)
    if dry_run:
        return
    if path is None:
        path = LearningPath(slug=meta["slug"], translations={}, source_files={})
        db.session.add(path)
    # Paths are not versioned: certificates copy what they need at issue time.
    path.module_slugs = meta["modules"]
    path.audience = meta["audience"]
    path.deadline_days = meta["deadline_days"]
    path.validity_months = meta["validity_months"]
    path.translations = {**path.translations, meta["language"]: translation}
    path.source_files = {**path.source_files, meta["language"]: parsed.source}
    db.session.flush()


def export(target: Path) -> list[Path]:
    """Writes the current version of every module (and every path) back as files under `target`."""
    written = []
    versions = db.session.scalars(
        sa.select(ModuleVersion)
        .where(ModuleVersion.is_current)
        .options(undefer(ModuleVersion.source_files), undefer(ModuleVersion.assets))
    )
    for version in versions:
        for relative, text in version.source_files.items():
            written.append(_write(target / relative, text.encode()))
        module_dir = next(
            (Path(r).parent for r in version.source_files if r.endswith("module.md")), None
        )
        for name, data in (version.assets or {}).items():
            if module_dir is not None:
                written.append(_write(target / module_dir / name, base64.b64decode(data)))
    paths = sa.select(LearningPath).options(undefer(LearningPath.source_files))
    for path in db.session.scalars(paths):
        for language, text in path.source_files.items():
            written.append(_write(target / "paths" / f"{path.slug}.{language}.md", text.encode()))
    return written


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
