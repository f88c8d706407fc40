"""The audit log as people read it: each event said in words ("Rollen van Jan Jansen gewijzigd
door Piet de Vries"), at local time, filtered by person, kind of action and date.

The stored events stay as written (a dotted action, a target such as "user:12", details); the
words are made when shown, in the reader's language, so they read well however the texts change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import formats
from app.extensions import db
from app.i18n import role_label, time_zone
from app.jobs.kinds import KINDS as KINDS_OF_JOB
from app.models import ApiToken, AuditEvent, User

#: The kinds of action to filter on: (action prefix, label), in the order the form shows them.
KINDS = [
    ("auth.", _l("Inloggen en wachtwoorden")),
    ("user.", _l("Accounts en rechten")),
    ("users.import", _l("Imports van medewerkers")),
    ("assignment_rule.", _l("Toewijzingen van leerroutes")),
    ("certificate.", _l("Certificaten")),
    ("api_token.", _l("API-sleutels")),
    ("report.", _l("Downloads van voortgang")),
    ("ai_system.", _l("AI-systemen")),
    ("audit.", _l("Het logboek zelf")),
    ("studio.", _l("Modules schrijven en beoordelen")),
    ("content.", _l("Gepubliceerde modules")),
    ("job.", _l("Taken en downloads")),
]


#: Targets shown by what follows their kind: "certificate:GL-2026-000123" as "GL-2026-000123".
NAMED_BY_THEIR_CODE = ("certificate", "email", "unit", "module", "draft", "path")


def _sentences() -> dict:
    """{action: text}, in the current language. %(actor)s is who did it, %(target)s what it
    was done to, and further names come from the event's details."""
    return {
        "auth.login": _("%(actor)s logde in"),
        "auth.logout": _("%(actor)s logde uit"),
        "auth.login_failed": _("Mislukte inlogpoging voor %(target)s"),
        "auth.sso_login": _("%(actor)s logde in via de inlogdienst van de organisatie"),
        "auth.sso_login_failed": _("Mislukte inlogpoging via de inlogdienst"),
        "auth.sso_account_created": _("Account van %(target)s gemaakt bij de eerste inlog"),
        "auth.password_reset_requested": _("%(actor)s vroeg een link voor een nieuw wachtwoord"),
        "auth.password_reset": _("%(actor)s koos een nieuw wachtwoord"),
        "auth.mfa_passed": _("%(actor)s deed de tweede stap van het inloggen"),
        "auth.mfa_failed": _("%(actor)s deed de tweede stap van het inloggen zonder succes"),
        "auth.mfa_disabled": _("%(actor)s zette tweestapsverificatie uit"),
        "auth.recovery_codes_renewed": _("%(actor)s maakte nieuwe herstelcodes"),
        "auth.password_confirm_failed": _(
            "%(actor)s gaf een verkeerd wachtwoord bij een wijziging van de tweestapsverificatie"
        ),
        "auth.passkey_added": _("%(actor)s voegde toegangssleutel ‘%(name)s’ toe"),
        "auth.passkey_removed": _("%(actor)s verwijderde toegangssleutel ‘%(name)s’"),
        "auth.totp_reencrypted": _(
            "Geheimen voor tweestapsverificatie opnieuw versleuteld met de nieuwe sleutel"
        ),
        "user.access_change": _("Rollen van %(target)s gewijzigd door %(actor)s"),
        "user.create": _("Account van %(target)s gemaakt door %(actor)s"),
        "user.password_link_sent": _(
            "%(actor)s stuurde %(target)s een link om een wachtwoord te kiezen"
        ),
        "users.import": _("Medewerkers geïmporteerd door %(actor)s"),
        "assignment_rule.create": _("Toewijzing gemaakt door %(actor)s"),
        "assignment_rule.update": _("Toewijzing gewijzigd door %(actor)s"),
        "assignment_rule.delete": _("Toewijzing verwijderd door %(actor)s"),
        "certificate.issue": _("Certificaat %(target)s uitgereikt aan %(actor)s"),
        "certificate.revoke": _("Certificaat %(target)s ingetrokken door %(actor)s"),
        "certificate.export_zip": _("%(actor)s downloadde de certificaten van %(target)s"),
        "report.export_csv": _("%(actor)s downloadde de voortgang per medewerker (CSV)"),
        "report.export_xlsx": _("%(actor)s downloadde de voortgang per medewerker (Excel)"),
        "audit.export": _("%(actor)s downloadde het logboek"),
        "api_token.create": _("API-sleutel %(target)s gemaakt door %(actor)s"),
        "api_token.revoke": _("API-sleutel %(target)s ingetrokken door %(actor)s"),
        "ai_system.create": _("AI-systeem %(name)s toegevoegd door %(actor)s"),
        "ai_system.delete": _("AI-systeem %(name)s verwijderd door %(actor)s"),
        "sso.provider_saved": _("Instellingen van de inlogdienst opgeslagen door %(actor)s"),
        "auth.mfa_enrolled": _("%(actor)s zette tweestapsverificatie aan"),
        "auth.mfa_enrol_failed": _("%(actor)s kon tweestapsverificatie niet aanzetten"),
        "auth.mfa_reset": _("Tweestapsverificatie van %(target)s hersteld door %(actor)s"),
        "auth.password_change": _("%(actor)s wijzigde het wachtwoord"),
        "auth.password_change_failed": _("%(actor)s kon het wachtwoord niet wijzigen"),
        "access_review.export": _("%(actor)s downloadde de toegangscontrole"),
        "api.use": _("API-sleutel %(target)s gebruikt"),
        "content.publish": _("Module %(target)s gepubliceerd door %(actor)s"),
        "content.export_scorm": _("%(actor)s downloadde module %(target)s als SCORM-pakket"),
        "studio.create": _("Module %(target)s begonnen door %(actor)s"),
        "studio.submit": _("Module %(target)s ingestuurd voor beoordeling door %(actor)s"),
        "studio.approve": _("Module %(target)s goedgekeurd door %(actor)s"),
        "studio.reject": _("Module %(target)s teruggestuurd door %(actor)s"),
        "studio.path.create": _("Leerroute %(target)s gemaakt door %(actor)s"),
        "xapi.configure": _("Koppeling met de leerregistratie ingesteld door %(actor)s"),
        "xapi.disable": _("Koppeling met de leerregistratie uitgezet"),
        "badges.rotate_key": _("Nieuwe sleutel voor digitale certificaten gemaakt"),
        "privacy.purge": _("Gegevens van oud-medewerkers gewist na de bewaartermijn"),
        "job.start": _("%(actor)s vroeg een taak aan: %(name)s"),
        "job.download": _("%(actor)s downloadde het resultaat van een taak: %(name)s"),
        "job.retry": _("%(actor)s startte een taak opnieuw: %(name)s"),
    }


@dataclass
class Filters:
    person: str = ""
    kind: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def as_args(self) -> dict:
        """The filters as the page's address gives them (for links to other pages, the CSV)."""
        return {
            "wie": self.person or None,
            "actie": self.kind or None,
            "van": self.since.isoformat() if self.since else None,
            "tot": self.until.isoformat() if self.until else None,
        }


def _utc_start_of(day: dt.date) -> dt.datetime:
    """Local midnight at the start of `day`, as the naive UTC the log stores."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=formats.zone(time_zone()))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def query(organisation_id: int, filters: Filters) -> sa.Select:
    """Events by people of the organisation, newest first, as (event, actor name)."""
    members = sa.select(User.id).where(User.organisation_id == organisation_id)
    statement = (
        sa.select(AuditEvent, User.name)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(AuditEvent.actor_id.in_(members))
        .order_by(AuditEvent.id.desc())
    )
    if filters.kind:
        statement = statement.where(AuditEvent.action.startswith(filters.kind))
    if filters.since:
        statement = statement.where(AuditEvent.at >= _utc_start_of(filters.since))
    if filters.until:
        next_day = filters.until + dt.timedelta(days=1)
        statement = statement.where(AuditEvent.at < _utc_start_of(next_day))
    if filters.person:
        like = f"%{filters.person.lower()}%"
        matching = db.session.scalars(
            sa.select(User.id)
            .where(
                User.organisation_id == organisation_id,
                sa.or_(sa.func.lower(User.name).like(like), User.email.like(like)),
            )
            .limit(200)
        ).all()
        # By the person, or done to them.
        statement = statement.where(
            sa.or_(
                AuditEvent.actor_id.in_(matching),
                AuditEvent.target.in_([f"user:{user_id}" for user_id in matching]),
            )
        )
    return statement


class Describer:
    """Says events in words. Names of the people and tokens they point at are read once for a
    whole page of events, not once per event."""

    def __init__(self, rows: list[tuple[AuditEvent, str | None]]) -> None:
        self.sentences = _sentences()
        targets = {event.target for event, _ in rows if event.target}
        self.users = self._names(User, User.name, targets, "user:")
        self.tokens = self._names(ApiToken, ApiToken.name, targets, "api_token:")

    @staticmethod
    def _names(model, column, targets: set[str], prefix: str) -> dict[str, str]:
        ids = [
            int(t[len(prefix) :])
            for t in targets
            if t.startswith(prefix) and t[len(prefix) :].isdigit()
        ]
        if not ids:
            return {}
        return {
            f"{prefix}{row_id}": name
            for row_id, name in db.session.execute(
                sa.select(model.id, column).where(model.id.in_(ids))
            )
        }

    def target(self, target: str | None) -> str:
        if not target:
            return ""
        if target in self.users:
            return self.users[target]
        if target in self.tokens:
            return f"‘{self.tokens[target]}’"
        kind, _, rest = target.partition(":")
        return rest if kind in NAMED_BY_THEIR_CODE else target

    def __call__(self, event: AuditEvent, actor: str | None) -> str:
        detail = event.detail or {}
        words = {
            "actor": actor or _("het systeem"),
            "target": self.target(event.target),
            "name": str(detail.get("name", "")),
        }
        sentence = self.sentences.get(event.action)
        if sentence is None and event.action.startswith("job."):
            # "job.start.export_csv": the kind of job, by its title.
            family, _dot, kind = event.action.rpartition(".")
            sentence = self.sentences.get(family)
            words["name"] = str(KINDS_OF_JOB[kind].title) if kind in KINDS_OF_JOB else kind
        if sentence is None:
            return _("%(action)s door %(actor)s", action=event.action, actor=words["actor"]) + (
                f" ({words['target']})" if words["target"] else ""
            )
        return sentence % words + self._more(event.action, detail)

    @staticmethod
    def _more(action: str, detail: dict) -> str:
        """What the details add, said briefly."""
        if action == "user.access_change":
            roles = ", ".join(role_label(r) for r in detail.get("roles_after", []))
            text = _(": nu %(roles)s", roles=roles)
            if detail.get("active_before") and not detail.get("active_after", True):
                text += _(", account op inactief")
            return text
        if action == "users.import":
            return _(
                ": %(created)s nieuw, %(updated)s gewijzigd, %(off)s op inactief",
                created=detail.get("created", 0),
                updated=detail.get("updated", 0),
                off=detail.get("deactivated", 0),
            )
        if action in ("auth.mfa_passed", "auth.mfa_failed"):
            return _second_step_method(detail.get("method"))
        if action == "certificate.revoke" and detail.get("reason"):
            return _(" (reden: %(reason)s)", reason=detail["reason"])
        return ""


def _second_step_method(method: str | None) -> str:
    methods = {
        "totp": _(", met een code uit de app"),
        "recovery_code": _(", met een herstelcode"),
        "passkey": _(", met een toegangssleutel"),
    }
    return methods.get(method or "", "")
