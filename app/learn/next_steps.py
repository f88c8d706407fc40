"""What a learner can do next when they finish something: their certificate, the next module of
their path, or the path's certificate when the module completed it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.learn.progress import LearnerOverview, ModuleState, Status
from app.models import Certificate, ModuleVersion, User

# The learner's newest certificate for a module that still counts (not revoked, not replaced).
_MODULE_CERTIFICATE = (
    sa.select(Certificate.id)
    .join(ModuleVersion, Certificate.module_version_id == ModuleVersion.id)
    .where(
        Certificate.user_id == sa.bindparam("user_id"),
        ModuleVersion.module_id == sa.bindparam("module_id"),
        Certificate.revoked_at.is_(None),
        Certificate.superseded_by_id.is_(None),
    )
    .order_by(Certificate.id.desc())
    .limit(1)
)


@dataclass(frozen=True)
class PathCertificate:
    id: int
    title: str


@dataclass(frozen=True)
class NextSteps:
    """After a module: its certificate, where to go on, and the certificates of the paths it
    completed. Any of them may be missing (a module outside every path has no next module)."""

    certificate_id: int | None
    next_module: ModuleState | None
    completed_paths: list[PathCertificate]

    @property
    def nothing_left(self) -> bool:
        """Every assigned path that holds the module is done."""
        return self.next_module is None and bool(self.completed_paths)


def next_steps(user: User, module_id: int, slug: str) -> NextSteps:
    """The learner's next steps after module `slug` (its id `module_id`)."""
    certificate_id = db.session.scalar(
        _MODULE_CERTIFICATE, {"user_id": user.id, "module_id": module_id}
    )
    following, completed = None, []
    for state in LearnerOverview(user).paths():
        if slug not in state.path.module_slugs:
            continue
        if state.status is Status.COMPLETED and state.certificate is not None:
            completed.append(PathCertificate(state.certificate.id, state.certificate.title))
        elif following is None:
            following = _after(state.modules, slug)
    return NextSteps(certificate_id, following, completed)


def _after(modules: list[ModuleState], slug: str) -> ModuleState | None:
    """The first module not completed yet, looking on from `slug` and then from the start."""
    index = next(i for i, m in enumerate(modules) if m.slug == slug)
    for state in modules[index + 1 :] + modules[:index]:
        if state.version is not None and state.status is not Status.COMPLETED:
            return state
    return None
