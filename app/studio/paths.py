"""An organisation's own learning paths, made in the studio: a list of modules it may see (the
shared course and its own) with a deadline and a validity, which HR assigns like any path.

The path is kept in the repository's file format as well (paths/<slug>.<language>.md), so
`flask content export` writes it out as a file that `flask content validate` reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import yaml

from app.content.markdown import RenderContext, render_markdown
from app.core import audit
from app.extensions import db
from app.models import LearningPath, Module, User


class PathRefused(ValueError):
    """ "slug-taken" or "module-not-visible"."""


@dataclass
class PathFields:
    slug: str
    title: str
    language: str
    description: str
    module_slugs: list[str]
    deadline_days: int
    validity_months: int


def path_file(fields: PathFields) -> str:
    meta = {
        "slug": fields.slug,
        "title": fields.title,
        "language": fields.language,
        "audience": ["everyone"],
        "modules": fields.module_slugs,
        "deadline_days": fields.deadline_days,
        "validity_months": fields.validity_months,
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n{fields.description.strip()}\n"


def create_path(author: User, fields: PathFields) -> LearningPath:
    """Raises PathRefused when the slug is in use or a module is not the organisation's to use."""
    if db.session.scalar(sa.select(LearningPath.id).where(LearningPath.slug == fields.slug)):
        raise PathRefused("slug-taken")
    visible = set(
        db.session.scalars(sa.select(Module.slug).where(Module.visible_to(author.organisation_id)))
    )
    if not fields.module_slugs or not set(fields.module_slugs) <= visible:
        raise PathRefused("module-not-visible")
    description_html = render_markdown(fields.description, RenderContext(language=fields.language))
    path = LearningPath(
        slug=fields.slug,
        organisation_id=author.organisation_id,
        module_slugs=fields.module_slugs,
        audience=["everyone"],
        deadline_days=fields.deadline_days,
        validity_months=fields.validity_months,
        translations={
            fields.language: {"title": fields.title, "description_html": description_html}
        },
        source_files={fields.language: path_file(fields)},
    )
    db.session.add(path)
    db.session.flush()
    audit.record("studio.path.create", actor=author, target=f"path:{path.slug}")
    return path


def own_paths(organisation_id: int) -> list[LearningPath]:
    return list(
        db.session.scalars(
            sa.select(LearningPath)
            .where(LearningPath.organisation_id == organisation_id)
            .order_by(LearningPath.slug)
        )
    )
