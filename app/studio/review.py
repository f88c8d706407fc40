"""Four eyes: a draft goes to review, and another trainer of the organisation (or an admin)
approves it, which publishes it as a new immutable version, or sends it back with comments.

Nobody approves a draft they sent for review or last changed. Each step is audit-logged in the
caller's transaction.
"""

from __future__ import annotations

import enum
import re

import sqlalchemy as sa

from app.content import publish
from app.content.schema import version_tuple
from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.models import DraftReview, DraftStatus, Module, ModuleDraft, ModuleVersion, User
from app.studio.draft_files import check_draft
from app.studio.drafts import FIRST_VERSION, DraftConflict, NotEditable


class Bump(enum.StrEnum):
    #: Spelling and wording: nothing changes for learners.
    PATCH = "patch"
    #: New or better text: learners who completed it keep their completion.
    MINOR = "minor"
    #: Changed substance: learners who completed an earlier major version need a refresher.
    MAJOR = "major"


class ReviewRefused(ValueError):
    """Why this person may not take this step: "own-draft", "not-in-review", "has-problems"."""


def newest_published(slug: str, language: str) -> str | None:
    versions = db.session.scalars(
        sa.select(ModuleVersion.version)
        .join(Module, Module.id == ModuleVersion.module_id)
        .where(Module.slug == slug, ModuleVersion.language == language)
    ).all()
    return max(versions, key=version_tuple) if versions else None


def next_version(newest: str | None, bump: Bump) -> str:
    """The version approval will publish: 1.0.0 first, then the newest raised by `bump`."""
    if newest is None:
        return FIRST_VERSION
    major, minor, patch = version_tuple(newest)
    if bump == Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump == Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def submit(draft: ModuleDraft, author: User, revision: int, bump: Bump, change_note: str) -> None:
    """Sends the draft to review. Raises DraftConflict, NotEditable, or ReviewRefused when the
    validator still finds problems (a reviewer should not have to read a broken module)."""
    if draft.status == DraftStatus.IN_REVIEW:
        raise NotEditable(draft.slug)
    if draft.revision != revision:
        raise DraftConflict(draft.slug)
    if check_draft(draft, visible_slugs(draft.organisation_id)).problems:
        raise ReviewRefused("has-problems")
    draft.status = DraftStatus.IN_REVIEW
    draft.bump = bump.value
    draft.change_note = change_note.strip()
    draft.submitted_by_id = author.id
    draft.revision += 1
    audit.record("studio.submit", actor=author, target=_target(draft), bump=bump.value)


def may_review(draft: ModuleDraft, reviewer: User) -> bool:
    return draft.status == DraftStatus.IN_REVIEW and reviewer.id not in (
        draft.submitted_by_id,
        draft.updated_by_id,
    )


def _check_reviewer(draft: ModuleDraft, reviewer: User, revision: int) -> None:
    if draft.status != DraftStatus.IN_REVIEW:
        raise ReviewRefused("not-in-review")
    if not may_review(draft, reviewer):
        raise ReviewRefused("own-draft")
    if draft.revision != revision:
        raise DraftConflict(draft.slug)


def send_back(draft: ModuleDraft, reviewer: User, revision: int, comment: str) -> None:
    """Returns the draft to its authors with the reviewer's comments."""
    _check_reviewer(draft, reviewer, revision)
    draft.reviews.append(DraftReview(reviewer_id=reviewer.id, decision="returned", comment=comment))
    draft.status = DraftStatus.DRAFT
    draft.revision += 1
    audit.record("studio.reject", actor=reviewer, target=_target(draft))


def approve(draft: ModuleDraft, reviewer: User, revision: int, comment: str) -> ModuleVersion:
    """Publishes the draft as the next version (raised as the author chose) and records the
    approval. Raises ReviewRefused or DraftConflict."""
    _check_reviewer(draft, reviewer, revision)
    version = next_version(newest_published(draft.slug, draft.language), Bump(draft.bump))
    draft.module_text = _with_front_matter(draft.module_text, version, utcnow().date())
    checked = check_draft(draft, visible_slugs(draft.organisation_id))
    if checked.problems or checked.parsed is None:
        raise ReviewRefused("has-problems")
    published = publish.publish_module(
        checked.parsed,
        organisation_id=draft.organisation_id,
        change_note=draft.change_note,
        actor=reviewer,
    )
    draft.reviews.append(
        DraftReview(reviewer_id=reviewer.id, decision="approved", comment=comment, version=version)
    )
    draft.status = DraftStatus.PUBLISHED
    draft.revision += 1
    audit.record("studio.approve", actor=reviewer, target=_target(draft), version=version)
    return published


def _with_front_matter(text: str, version: str, reviewed) -> str:
    """module.md with the published version and today's review date written in: the file that
    is published says exactly what it is."""
    text = re.sub(r"(?m)^version:.*$", f"version: {version}", text, count=1)
    return re.sub(r"(?m)^reviewed:.*$", f"reviewed: {reviewed.isoformat()}", text, count=1)


def visible_slugs(organisation_id: int) -> set[str]:
    """Modules a draft of the organisation may name as prerequisite or link to."""
    return set(db.session.scalars(sa.select(Module.slug).where(Module.visible_to(organisation_id))))


def _target(draft: ModuleDraft) -> str:
    return f"draft:{draft.slug}:{draft.language}"
