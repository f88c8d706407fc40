"""Writes the audit log. State-changing services call `record` in the same transaction."""

from typing import Any

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditEvent, User


def record(
    action: str,
    *,
    actor: User | None = None,
    target: str | None = None,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target=target,
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
