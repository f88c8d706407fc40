"""What we hold about one person, for "Mijn gegevens" and its JSON export (GDPR art. 15)."""

from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Assignment,
    AuditEvent,
    Certificate,
    Completion,
    ModuleProgress,
    QuizAttempt,
    User,
)


def collect(user: User) -> dict[str, Any]:
    def rows(statement):
        return list(db.session.scalars(statement))

    return {
        "account": {
            "name": user.name,
            "email": user.email,
            "employee_number": user.employee_number,
            "organisation": user.organisation.name,
            "unit": user.unit.name if user.unit else None,
            "language": user.language,
            "roles": sorted(user.roles),
            "active": user.active,
            "created_at": user.created_at,
        },
        "assignments": [
            {"path": a.path.slug, "assigned_at": a.assigned_at, "deadline": a.deadline}
            for a in rows(sa.select(Assignment).where(Assignment.user_id == user.id))
        ],
        "modules": [
            {
                "module": p.module.slug,
                "version": p.module_version.version,
                "language": p.module_version.language,
                "started_at": p.started_at,
                "completed_at": p.completed_at,
                "lessons_read": [r.read_at for r in p.lessons_read],
            }
            for p in rows(sa.select(ModuleProgress).where(ModuleProgress.user_id == user.id))
        ],
        "quiz_attempts": [
            {
                "module": a.module_version.module.slug,
                "version": a.module_version.version,
                "number": a.number,
                "started_at": a.started_at,
                "submitted_at": a.submitted_at,
                "score": a.score,
                "passed": a.passed,
                "answers": a.answers_by_question(),
            }
            for a in rows(sa.select(QuizAttempt).where(QuizAttempt.user_id == user.id))
        ],
        "completions": [
            {
                "module": c.module.slug,
                "version": c.module_version.version,
                "completed_at": c.completed_at,
                "score": c.score,
            }
            for c in rows(sa.select(Completion).where(Completion.user_id == user.id))
        ],
        "certificates": [
            {
                "serial": c.serial,
                "title": c.title,
                "kind": c.kind,
                "version": c.version,
                "issued_at": c.issued_at,
                "expires_on": c.expires_on,
                "revoked_at": c.revoked_at,
            }
            for c in rows(sa.select(Certificate).where(Certificate.user_id == user.id))
        ],
        "sign_ins": [
            {"at": e.at, "action": e.action, "ip": e.ip}
            for e in rows(
                sa.select(AuditEvent)
                .where(AuditEvent.actor_id == user.id, AuditEvent.action.like("auth.%"))
                .order_by(AuditEvent.at.desc())
                .limit(100)
            )
        ],
    }
