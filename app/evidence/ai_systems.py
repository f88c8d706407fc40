"""The organisation's short list of AI systems in use: listing, adding and removing them.

The list is the first step of the Art. 4 evidence report: which systems, and which job roles
work with them. Adding and removing are audit-logged here, in the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.core import audit
from app.extensions import db
from app.models import AiSystem, User

#: The AI Act's risk levels, most severe first (the order the report sorts and ranks them in).
RISK_CLASSES = ("prohibited", "high", "transparency", "minimal")


def parse_job_roles(text: str | None) -> list[str]:
    """ "Beleidsmedewerker, jurist,,Jurist" -> ["beleidsmedewerker", "jurist"]: lower-cased as
    job roles are stored everywhere, without blanks or repeats, in the order given."""
    roles = (part.strip().lower() for part in (text or "").split(","))
    return list(dict.fromkeys(role for role in roles if role))


def severity(risk_class: str) -> int:
    """0 for the most severe class; unknown classes sort last."""
    return RISK_CLASSES.index(risk_class) if risk_class in RISK_CLASSES else len(RISK_CLASSES)


def for_organisation(organisation_id: int) -> list[AiSystem]:
    """The organisation's systems, most severe risk first, then by name."""
    systems = db.session.scalars(
        sa.select(AiSystem).where(AiSystem.organisation_id == organisation_id)
    )
    return sorted(systems, key=lambda s: (severity(s.risk_class), s.name.lower(), s.id))


def add(
    organisation_id: int,
    *,
    name: str,
    purpose: str,
    risk_class: str,
    job_roles: list[str],
    register_url: str | None,
    actor: User,
) -> AiSystem:
    """Adds a system to the organisation's list. Raises ValueError for an unknown risk class."""
    if risk_class not in RISK_CLASSES:
        raise ValueError(f"unknown risk class {risk_class!r}")
    system = AiSystem(
        organisation_id=organisation_id,
        name=name.strip(),
        purpose=purpose.strip(),
        risk_class=risk_class,
        job_roles=job_roles,
        register_url=(register_url or "").strip() or None,
    )
    db.session.add(system)
    db.session.flush()
    audit.record(
        "ai_system.create",
        actor=actor,
        target=f"ai_system:{system.id}",
        name=system.name,
        risk_class=risk_class,
    )
    return system


def remove(system: AiSystem, actor: User) -> None:
    audit.record(
        "ai_system.delete",
        actor=actor,
        target=f"ai_system:{system.id}",
        name=system.name,
        risk_class=system.risk_class,
    )
    db.session.delete(system)
