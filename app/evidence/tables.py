"""What the Art. 4 evidence report says, described once: its front matter and, per step of the
Dutch data protection authority (AP), its tables, texts and findings. The PDF (for the board to
sign) and the CSV (for auditors) are both written from this description, so they cannot drift
apart; the words come from the Flask-Babel catalogue in the language asked for."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import pgettext

from app.certificates.issuing import REFRESH_WINDOW
from app.evidence.report import EvidenceReport, Finding, RoleRow
from app.i18n import in_language


@dataclass(frozen=True)
class Table:
    caption: str
    header: list[str]
    rows: list[list[object]]
    #: Relative column widths in the PDF.
    widths: tuple[float, ...]
    #: Said instead of the table when it has no rows; None shows the header alone.
    empty: str | None = None


@dataclass(frozen=True)
class Text:
    text: str
    small: bool = False


@dataclass(frozen=True)
class Findings:
    caption: str
    items: list[str]
    empty: str


@dataclass
class Step:
    heading: str
    blocks: list[Table | Text | Findings] = field(default_factory=list)


@dataclass
class Description:
    title: str
    #: The caption of the facts below, where they stand as a table (the CSV).
    facts_caption: str
    #: (label, value) pairs naming the organisation, scope, maker and moment.
    facts: list[tuple[str, str]]
    made_at: str
    introduction: list[str]
    steps: list[Step]
    signature_heading: str
    signature_text: str
    signature_fields: list[str]
    page_text: str  # with %(page)s and %(pages)s


def describe(report: EvidenceReport, language: str) -> Description:
    """The whole report in `language`."""
    with in_language(language):
        return Description(
            title=_("Art. 4-verantwoording AI-geletterdheid"),
            facts_caption=_("Verslag"),
            facts=_facts(report),
            made_at=_made_at(report),
            introduction=[
                _(
                    "Artikel 4 van de AI-verordening geldt sinds 2 februari 2025. Sinds de Digital "
                    "Omnibus van 2026 vraagt het artikel organisaties om maatregelen te nemen die "
                    "de AI-geletterdheid ondersteunen van hun personeel en van anderen die namens "
                    "hen met AI-systemen werken. De datum is niet veranderd."
                ),
                _(
                    "De Autoriteit Persoonsgegevens (AP) vraagt organisaties hun aanpak vast te "
                    "leggen in vier stappen: AI-systemen en betrokken mensen in kaart brengen, "
                    "doelen stellen naar risico en rol, de scholing uitvoeren, en evalueren. Dit "
                    "verslag volgt die stappen."
                ),
                _(
                    "De cijfers gaan over de actieve medewerkers met een account in Geletterd, "
                    "binnen het bereik hieronder."
                ),
            ],
            steps=[
                _systems_and_people(report),
                _goals(report),
                _training(report),
                _evaluation(report),
            ],
            signature_heading=_("Vaststelling"),
            signature_text=_(
                "Met mijn handtekening stel ik vast dat dit verslag de maatregelen van "
                "%(organisation)s voor de AI-geletterdheid van het personeel juist weergeeft.",
                organisation=report.organisation,
            ),
            signature_fields=[
                _("Naam"),
                pgettext("signature", "Functie"),
                _("Datum"),
                _("Handtekening"),
            ],
            page_text=_("Pagina %(page)s van %(pages)s"),
        )


def risk_class_label(code: str | None) -> str:
    labels = {
        "prohibited": _("Verboden praktijk"),
        "high": _("Hoog risico"),
        "transparency": _("Transparantieverplichting"),
        "minimal": _("Minimaal risico"),
    }
    return labels.get(code, code or "")


def finding_text(finding: Finding) -> str:
    texts = {
        "no_systems": _("Er staan nog geen AI-systemen op de lijst."),
        "system_without_roles": _(
            "AI-systeem %(subject)s: er staat geen functie bij die ermee werkt."
        ),
        "role_without_people": _(
            "Functie %(subject)s: werkt met een AI-systeem, maar niemand in dit bereik heeft "
            "deze functie."
        ),
        "role_without_paths": _("Functie %(subject)s: nog geen verplichte leerroute."),
        "role_unassigned": _("Functie %(subject)s: %(count)s zonder toegewezen leerroute."),
        "role_overdue": _("Functie %(subject)s: %(count)s te laat met een verplichte leerroute."),
        "role_refresher": _("Functie %(subject)s: opfrissen nodig bij %(count)s."),
        "older_version": _(
            "Module %(subject)s: afrondingen van een oudere versie dan de huidige: %(count)s."
        ),
    }
    return texts[finding.kind] % {"subject": finding.subject, "count": finding.count}


def _facts(report: EvidenceReport) -> list[tuple[str, str]]:
    if report.whole_organisation:
        scope = _("hele organisatie")
    else:
        scope = _("%(units)s (met alles eronder)", units=", ".join(report.scope_units) or "–")
    return [
        (_("Organisatie"), report.organisation),
        (_("Bereik"), scope),
        (_("Opgesteld door"), report.generated_by),
        (_("Opgesteld op"), _made_at(report)),
    ]


def _made_at(report: EvidenceReport) -> str:
    return f"{report.generated_at:%d-%m-%Y %H:%M} UTC"


def _systems_and_people(report: EvidenceReport) -> Step:
    systems = Table(
        _("AI-systemen in gebruik"),
        [_("AI-systeem"), _("Doel"), _("Risicoklasse"), _("Functies"), _("Algoritmeregister")],
        [
            [
                s.name,
                s.purpose,
                risk_class_label(s.risk_class),
                ", ".join(s.job_roles),
                s.register_url or "",
            ]
            for s in report.systems
        ],
        (3, 4, 2.4, 3.4, 4.7),
        empty=_("Er staan nog geen AI-systemen op de lijst."),
    )
    people = Table(
        _("Betrokken mensen per functie"),
        [_("Functie"), _("Mensen"), _("AI-systemen")],
        [[r.job_role, r.people, ", ".join(r.systems)] for r in report.roles],
        (4, 1.5, 8),
        empty=_("Nog geen functies in dit bereik."),
    )
    return Step(_("Stap 1. AI-systemen en betrokken mensen"), [systems, people])


def _source(role: RoleRow) -> str:
    if not role.paths:
        return ""
    return _("toewijzingsregel") if role.paths_from_rules else _("toegewezen leerroutes")


def _goals(report: EvidenceReport) -> Step:
    goals = Table(
        _("Verplichte leerroutes per functie"),
        [_("Functie"), _("Hoogste risico"), _("Verplichte leerroutes"), _("Bron")],
        [
            [
                r.job_role,
                risk_class_label(r.highest_risk),
                ", ".join(r.paths) or _("geen"),
                _source(r),
            ]
            for r in report.roles
        ],
        (4, 3, 6, 3),
        empty=_("Nog geen functies in dit bereik."),
    )
    return Step(_("Stap 2. Doelen per risico en rol"), [goals])


def _training(report: EvidenceReport) -> Step:
    totals = report.totals
    blocks: list[Table | Text | Findings] = [
        Table(
            _("Totaal in dit bereik"),
            [
                _("Mensen"),
                _("Met een leerroute"),
                _("Afgerond"),
                _("Te laat"),
                _("Opfrissen nodig"),
            ],
            [[totals.people, totals.assigned, totals.completed, totals.overdue, totals.refresher]],
            (1, 1, 1, 1, 1),
        ),
        Table(
            _("Voortgang per functie"),
            [
                _("Functie"),
                _("Mensen"),
                _("Afgerond"),
                _("Te laat"),
                _("Opfrissen nodig"),
                _("Zonder toewijzing"),
            ],
            [
                [r.job_role, r.people, r.completed, r.overdue, r.refresher, r.unassigned]
                for r in report.roles
            ],
            (4, 1.6, 1.6, 1.6, 1.8, 1.8),
            empty="",
        ),
        Text(
            _(
                "Afgerond: alle toegewezen verplichte leerroutes afgerond, met een geldig "
                "certificaat. Te laat: een verplichte leerroute is na de deadline nog niet "
                "afgerond. Opfrissen nodig: een certificaat verloopt binnen %(days)s dagen of is "
                "verlopen. Zonder toewijzing: nog geen verplichte leerroute toegewezen.",
                days=REFRESH_WINDOW.days,
            ),
            small=True,
        ),
        Table(
            _("Gegeven modules: versies en inhoud"),
            [
                _("Module"),
                _("Taal"),
                _("Versie"),
                _("Leerdoelen"),
                _("Laatst beoordeeld"),
                _("Afrondingen"),
                _("Gemiddelde score"),
            ],
            [
                [
                    v.title,
                    v.language,
                    v.version,
                    "\n".join(f"• {o}" for o in v.objectives),
                    f"{v.reviewed:%d-%m-%Y}",
                    v.completions,
                    _score(v.average_score),
                ]
                for v in report.versions
            ],
            (3, 2.2, 1.6, 3.6, 2.2, 2.2, 2.2),
            empty=_("Nog geen afgeronde modules in dit bereik."),
        ),
    ]
    return Step(_("Stap 3. Uitgevoerde scholing"), blocks)


def _evaluation(report: EvidenceReport) -> Step:
    findings = Findings(
        _("Aandachtspunten"),
        [finding_text(f) for f in report.findings],
        _("Geen aandachtspunten gevonden."),
    )
    return Step(_("Stap 4. Evaluatie"), [findings])


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"
