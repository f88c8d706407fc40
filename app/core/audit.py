"""Writes the audit log. State-changing services call `record` in the same transaction."""

from typing import Any

from flask import has_request_context, request

from app.core import audit_chain
from app.models import AuditEvent, User


def record(
    action: str,
    *,
    actor: User | None = None,
    target: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Appends an entry to the hash-chained log; it is written now, in the caller's
    transaction, and kept only if that commits."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target=target,
        detail=detail,
        ip=request.remote_addr if has_request_context() else None,
    )
    audit_chain.append(event)
    return event
