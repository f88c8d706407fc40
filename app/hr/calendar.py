"""A learning path's deadline as a calendar file (iCalendar, RFC 5545), for the learner and for
HR: one all-day event on the deadline, with a reminder a week before."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.decorators import can_see_person
from app.core.time import utcnow
from app.extensions import db
from app.i18n import current_language
from app.models import Assignment, LearningPath, User

bp = Blueprint("calendar", __name__)


def _escape(text: str) -> str:
    """TEXT as RFC 5545 writes it: backslash, semicolon, comma and newline escaped."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > (75 if not out else 74):
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return "\r\n ".join(out)


def deadline_event(
    *, uid: str, title: str, description: str, url: str, deadline: dt.date, stamp: dt.datetime
) -> bytes:
    """A calendar holding one all-day event on `deadline`."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{_escape(current_app.config['SITE_NAME'])}//Deadlines//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;VALUE=DATE:{deadline.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(deadline + dt.timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{_escape(title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_escape(title)}",
        "TRIGGER:-P7D",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


@bp.route("/agenda/<path_slug>.ics")
@login_required
def deadline(path_slug: str) -> Response:
    """The deadline of one of the signed-in person's learning paths; with ?medewerker=<id>, of
    someone HR may see (404 for anyone else, and when there is no deadline)."""
    person_id = request.args.get("medewerker", type=int) or current_user.id
    person = db.session.get(User, person_id)
    if person is None or not can_see_person(current_user, person):
        abort(404)
    row = db.session.execute(
        sa.select(Assignment, LearningPath)
        .join(LearningPath, Assignment.path_id == LearningPath.id)
        .where(Assignment.user_id == person.id, LearningPath.slug == path_slug)
    ).first()
    if row is None or row.Assignment.deadline is None:
        abort(404)
    assignment, path = row
    language = current_language()
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    title = path.title(language)
    own = person.id == current_user.id
    body = deadline_event(
        uid=f"assignment-{assignment.id}-deadline@{base.split('://', 1)[-1]}",
        title=_("Deadline: %(path)s", path=title)
        if own
        else _("Deadline van %(name)s: %(path)s", name=person.name, path=title),
        description=_("Rond de leerroute %(path)s uiterlijk op deze dag af.", path=title),
        url=f"{base}/mijn-leren",
        deadline=assignment.deadline,
        stamp=utcnow(),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="deadline-{path.slug}.ics"'},
    )
