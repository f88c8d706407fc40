"""xAPI: completions and quiz results as statements to each organisation's learning record store.

A statement is written to an outbox table in the same transaction as the event itself, with its
id (a UUID) fixed there and then. Delivery (each minute by the job queue's worker, or by hand
with `flask xapi deliver`) PUTs each pending statement with that id; an LRS treats a PUT of an
id it already holds as done (xAPI 1.0.3, 7.2.1), so a statement retried after a timeout, a crash
or a second worker is stored once. An LRS that is down keeps its statements pending until it is
back.

The learner appears as an account on the organisation's home page with a pseudonym, never an
e-mail address or a name: the LRS gets what happened, not who it is outside this installation.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

import requests
import sqlalchemy as sa
from flask import current_app

from app.content.published import PublishedVersion
from app.core import audit
from app.core.time import utcnow
from app.extensions import db
from app.interop.sealed import seal, unseal
from app.models import LrsConnection, Organisation, User, XapiOutboxEntry

XAPI_VERSION = "1.0.3"
VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
}
COURSE = "http://adlnet.gov/expapi/activities/course"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
LANGUAGE_TAGS = {"nl": "nl-NL", "en": "en-GB"}
#: Seconds to wait for an LRS: a slow one must not hold up the whole delivery run.
TIMEOUT = 10


def pseudonym(user: User) -> str:
    """Stable per person and installation, meaningless elsewhere: a keyed hash of the user id."""
    secret = current_app.config.get("INTEROP_SECRET_KEY") or current_app.config["SECRET_KEY"]
    message = f"xapi actor {user.id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def _connection(organisation_id: int) -> LrsConnection | None:
    return db.session.scalar(
        sa.select(LrsConnection).where(
            LrsConnection.organisation_id == organisation_id, LrsConnection.active.is_(True)
        )
    )


def _activity(version: PublishedVersion, quiz: bool) -> dict[str, Any]:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    language = LANGUAGE_TAGS.get(version.language, version.language)
    return {
        "objectType": "Activity",
        "id": f"{base}/modules/{version.module.slug}" + ("/toets" if quiz else ""),
        "definition": {
            "type": ASSESSMENT if quiz else COURSE,
            "name": {language: version.title},
        },
    }


def _statement(
    connection: LrsConnection, user: User, verb: str, version: PublishedVersion, quiz: bool
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": connection.home_page, "name": pseudonym(user)},
        },
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": _activity(version, quiz),
        "context": {
            "platform": current_app.config["SITE_NAME"],
            "language": LANGUAGE_TAGS.get(version.language, version.language),
            "revision": version.version,
        },
        "timestamp": utcnow().isoformat(timespec="milliseconds") + "Z",
    }
    if quiz:
        statement["context"]["contextActivities"] = {"parent": [_activity(version, quiz=False)]}
    return statement


def _enqueue(user: User, statement: dict[str, Any]) -> None:
    db.session.add(
        XapiOutboxEntry(
            statement_id=statement["id"],
            organisation_id=user.organisation_id,
            statement=statement,
        )
    )


def _score(score: float, passed: bool) -> dict[str, Any]:
    return {
        "score": {"scaled": round(score / 100, 4), "raw": score, "min": 0, "max": 100},
        "success": passed,
        "completion": True,
    }


def quiz_graded(user: User, version: PublishedVersion, score: float, passed: bool) -> None:
    """A submitted quiz: `passed` or `failed`, with the score. Nothing when no LRS is set up."""
    connection = _connection(user.organisation_id)
    if connection is None:
        return
    statement = _statement(connection, user, "passed" if passed else "failed", version, quiz=True)
    statement["result"] = _score(score, passed)
    _enqueue(user, statement)


def module_completed(user: User, version: PublishedVersion, score: float | None) -> None:
    """A module completed (its certificate issued). Nothing when no LRS is set up."""
    connection = _connection(user.organisation_id)
    if connection is None:
        return
    statement = _statement(connection, user, "completed", version, quiz=False)
    statement["result"] = {"completion": True}
    if score is not None:
        statement["result"] = _score(score, passed=True)
    _enqueue(user, statement)


# -- configuration ---------------------------------------------------------------------------


def configure(
    organisation: Organisation,
    *,
    endpoint: str,
    username: str,
    password: str | None,
    home_page: str,
    active: bool = True,
    actor: User | None = None,
) -> LrsConnection:
    """Sets (or replaces) the organisation's LRS; statements from now on go there. A password
    of None keeps the stored one. Raises ValueError for a new connection without one."""
    connection = connection_of(organisation.id) or LrsConnection(organisation_id=organisation.id)
    if password is None and connection.secret_sealed is None:
        raise ValueError("a new connection needs a password")
    connection.endpoint = endpoint.rstrip("/") + "/"
    connection.username = username
    if password is not None:
        connection.secret_sealed = seal(password)
    connection.home_page = home_page
    connection.active = active
    db.session.add(connection)
    audit.record(
        "xapi.configure",
        actor=actor,
        target=f"organisation:{organisation.slug}",
        endpoint=endpoint,
        active=active,
        password_changed=password is not None,
    )
    return connection


def connection_of(organisation_id: int) -> LrsConnection | None:
    """The organisation's connection, active or not."""
    return db.session.scalar(
        sa.select(LrsConnection).where(LrsConnection.organisation_id == organisation_id)
    )


def disable(organisation: Organisation, actor: User | None = None) -> bool:
    connection = _connection(organisation.id)
    if connection is None:
        return False
    connection.active = False
    audit.record("xapi.disable", actor=actor, target=f"organisation:{organisation.slug}")
    return True


# -- delivery --------------------------------------------------------------------------------


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    #: Organisation slug: the error that stopped its delivery this run.
    errors: dict[str, str] | None = None


def _put(connection: LrsConnection, secret: str, entry: XapiOutboxEntry) -> str | None:
    """None when the LRS holds the statement now, else what went wrong."""
    try:
        response = requests.put(
            connection.endpoint + "statements",
            params={"statementId": entry.statement_id},
            json=entry.statement,
            auth=(connection.username, secret),
            headers={"X-Experience-API-Version": XAPI_VERSION},
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        return f"{type(error).__name__}: {error}"[:500]
    if response.status_code in (200, 204):
        return None
    return f"HTTP {response.status_code}: {response.text[:300]}"


def deliver(limit: int = 1000) -> Delivery:
    """Sends pending statements, oldest first, per organisation. Stops at an organisation's
    first failure (its LRS is probably down): the rest wait for the next run, in order."""
    result = Delivery(errors={})
    connections = db.session.scalars(sa.select(LrsConnection).where(LrsConnection.active.is_(True)))
    for connection in connections.all():
        secret = unseal(connection.secret_sealed)
        pending = db.session.scalars(
            sa.select(XapiOutboxEntry)
            .where(
                XapiOutboxEntry.organisation_id == connection.organisation_id,
                XapiOutboxEntry.sent_at.is_(None),
            )
            .order_by(XapiOutboxEntry.id)
            .limit(limit)
        ).all()
        for entry in pending:
            error = _put(connection, secret, entry)
            entry.attempts += 1
            entry.last_error = error
            if error is None:
                entry.sent_at = utcnow()
                result.sent += 1
            db.session.commit()  # each outcome kept at once: a crash later resends nothing twice
            if error is not None:
                result.failed += 1
                result.errors[str(connection.organisation_id)] = error
                break
    return result


def last_error(organisation_id: int) -> str | None:
    """Why the oldest pending statement has not arrived yet, if a delivery failed."""
    return db.session.scalar(
        sa.select(XapiOutboxEntry.last_error)
        .where(
            XapiOutboxEntry.organisation_id == organisation_id,
            XapiOutboxEntry.sent_at.is_(None),
        )
        .order_by(XapiOutboxEntry.id)
        .limit(1)
    )


def pending_count(organisation_id: int | None = None) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(XapiOutboxEntry)
        .where(XapiOutboxEntry.sent_at.is_(None))
    )
    if organisation_id is not None:
        query = query.where(XapiOutboxEntry.organisation_id == organisation_id)
    return db.session.scalar(query) or 0
