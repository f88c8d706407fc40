"""Read-only helpers for published content: which version a learner sees, in which language.

Which version is current is asked of the database on every call (it changes when content is
published); what a version holds comes from the per-process snapshot cache (it never changes).
"""

from __future__ import annotations

import unicodedata
from typing import TypeVar

import sqlalchemy as sa

from app.content.published import PublishedVersion, published, published_many
from app.extensions import db
from app.models import Assignment, LearningPath, Module, ModuleVersion

V = TypeVar("V")


def current_version_ids(organisation_id: int | None = None) -> dict[str, dict[str, int]]:
    """{slug: {language: id of the current version}}, in module order, from one light query:
    the shared course and the own modules of `organisation_id` (None: the shared course only)."""
    rows = db.session.execute(
        sa.select(Module.slug, ModuleVersion.language, ModuleVersion.id)
        .join(ModuleVersion.module)
        .where(ModuleVersion.is_current, Module.visible_to(organisation_id))
        .order_by(Module.id)
    )
    found: dict[str, dict[str, int]] = {}
    for slug, language, version_id in rows:
        found.setdefault(slug, {})[language] = version_id
    return found


def current_versions(
    organisation_id: int | None = None,
) -> dict[str, dict[str, PublishedVersion]]:
    """{slug: {language: current version}} for every module `organisation_id` may see."""
    ids = current_version_ids(organisation_id)
    snapshots = published_many([i for by_language in ids.values() for i in by_language.values()])
    return {
        slug: {language: snapshots[i] for language, i in by_language.items() if i in snapshots}
        for slug, by_language in ids.items()
    }


def pick_language(translations: dict[str, V], language: str) -> V | None:
    """The translation in `language`, else the other one (the page then says so)."""
    return translations.get(language) or next(iter(translations.values()), None)


def lesson_titles(version_id: int) -> list[tuple[int, str, str]]:
    """(position, slug, title) of a version's lessons."""
    version = published(version_id)
    return [(e.position, e.slug, e.title) for e in version.lessons] if version else []


TocEntry = tuple[int, str, str]


def lesson_neighbours(toc: list[TocEntry], position: int) -> tuple[TocEntry | None, ...]:
    """The contents entries before and after the lesson at `position`; None at either end."""
    index = next(i for i, item in enumerate(toc) if item[0] == position)
    before = toc[index - 1] if index > 0 else None
    after = toc[index + 1] if index + 1 < len(toc) else None
    return before, after


def path_order(slugs: list[str], paths: list[list[str]]) -> list[str]:
    """`slugs` in the order the paths take them (the first path first, so its starting module
    leads); modules in no path follow in their own order."""
    ordered = dict.fromkeys(s for modules in paths for s in modules if s in slugs)
    return list(ordered) + [s for s in slugs if s not in ordered]


def paths_in_order(user_id: int | None) -> list[list[str]]:
    """The module slugs of every path: the learner's assigned paths first, then paths for
    everyone, then the rest."""
    assigned = []
    if user_id is not None:
        assigned = list(
            db.session.scalars(
                sa.select(Assignment.path_id)
                .where(Assignment.user_id == user_id)
                .order_by(Assignment.id)
            )
        )
    paths = db.session.scalars(sa.select(LearningPath).order_by(LearningPath.id)).all()
    rank = {path_id: i for i, path_id in enumerate(assigned)}
    paths.sort(key=lambda p: (rank.get(p.id, len(rank)), "everyone" not in (p.audience or [])))
    return [p.module_slugs for p in paths]


def _folded(text: str) -> str:
    """Lower case without accents: "Çelik" and "celik" match, as do "AVG" and "avg"."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c))


def matches(version: PublishedVersion, query: str, labels: list[str] = ()) -> bool:
    """Whether every word of `query` occurs in the module's title, summary, learning
    objectives, topics or audience (`labels`: the audience as the reader names it)."""
    haystack = _folded(
        " ".join(
            [version.title, version.summary, *version.objectives.values(), *version.tags, *labels]
        )
    )
    return all(word in haystack for word in _folded(query).split())
