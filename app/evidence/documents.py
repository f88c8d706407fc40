"""The Art. 4 evidence report as a PDF for the board to sign (fpdf2) and as a CSV for auditors.

Both are written from an `evidence.EvidenceReport`, in Dutch or English, along the four steps of
the Dutch data protection authority (AP): systems and people, goals, training, evaluation.
"""

from __future__ import annotations

import csv
import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from app.certificates.issuing import REFRESH_WINDOW
from app.certificates.pdf import FONT_DIR
from app.evidence.report import EvidenceReport, Finding
from app.hr.exports import neutralise

TEXTS = {
    "nl": {
        "title": "Art. 4-verantwoording AI-geletterdheid",
        "law": (
            "Artikel 4 van de AI-verordening geldt sinds 2 februari 2025. Sinds de Digital "
            "Omnibus van 2026 vraagt het artikel organisaties om maatregelen te nemen die de "
            "AI-geletterdheid ondersteunen van hun personeel en van anderen die namens hen met "
            "AI-systemen werken. De datum is niet veranderd."
        ),
        "approach": (
            "De Autoriteit Persoonsgegevens (AP) vraagt organisaties hun aanpak vast te leggen in "
            "vier stappen: AI-systemen en betrokken mensen in kaart brengen, doelen stellen naar "
            "risico en rol, de scholing uitvoeren, en evalueren. Dit verslag volgt die stappen."
        ),
        "coverage": (
            "De cijfers gaan over de actieve medewerkers met een account in Geletterd, binnen "
            "het bereik hieronder."
        ),
        "report": "Verslag",
        "organisation": "Organisatie",
        "scope": "Bereik",
        "whole": "hele organisatie",
        "units_below": "{units} (met alles eronder)",
        "made_by": "Opgesteld door",
        "made_at": "Opgesteld op",
        "step1": "Stap 1. AI-systemen en betrokken mensen",
        "step2": "Stap 2. Doelen per risico en rol",
        "step3": "Stap 3. Uitgevoerde scholing",
        "step4": "Stap 4. Evaluatie",
        "systems_caption": "AI-systemen in gebruik",
        "system": "AI-systeem",
        "purpose": "Doel",
        "risk": "Risicoklasse",
        "roles": "Functies",
        "register": "Algoritmeregister",
        "no_systems": "Er staan nog geen AI-systemen op de lijst.",
        "people_caption": "Betrokken mensen per functie",
        "job_role": "Functie",
        "people": "Mensen",
        "systems": "AI-systemen",
        "no_roles": "Nog geen functies in dit bereik.",
        "goals_caption": "Verplichte leerroutes per functie",
        "highest_risk": "Hoogste risico",
        "required": "Verplichte leerroutes",
        "source": "Bron",
        "from_rules": "toewijzingsregel",
        "from_assignments": "toegewezen leerroutes",
        "none": "geen",
        "totals_caption": "Totaal in dit bereik",
        "assigned": "Met een leerroute",
        "progress_caption": "Voortgang per functie",
        "completed": "Afgerond",
        "overdue": "Te laat",
        "refresher": "Opfrissen nodig",
        "unassigned": "Zonder toewijzing",
        "legend": (
            "Afgerond: alle toegewezen verplichte leerroutes afgerond, met een geldig certificaat. "
            "Te laat: een verplichte leerroute is na de deadline nog niet afgerond. Opfrissen "
            "nodig: een certificaat verloopt binnen {days} dagen of is verlopen. Zonder "
            "toewijzing: nog geen verplichte leerroute toegewezen."
        ),
        "versions_caption": "Gegeven modules: versies en inhoud",
        "module": "Module",
        "language": "Taal",
        "version": "Versie",
        "objectives": "Leerdoelen",
        "reviewed": "Laatst beoordeeld",
        "completions": "Afrondingen",
        "average": "Gemiddelde score",
        "no_versions": "Nog geen afgeronde modules in dit bereik.",
        "findings_caption": "Aandachtspunten",
        "no_findings": "Geen aandachtspunten gevonden.",
        "signature": "Vaststelling",
        "signature_text": (
            "Met mijn handtekening stel ik vast dat dit verslag de maatregelen van {organisation} "
            "voor de AI-geletterdheid van het personeel juist weergeeft."
        ),
        "name": "Naam",
        "position": "Functie",
        "date": "Datum",
        "sign": "Handtekening",
        "page": "Pagina {page} van {pages}",
        "risk_classes": {
            "prohibited": "Verboden praktijk",
            "high": "Hoog risico",
            "transparency": "Transparantieverplichting",
            "minimal": "Minimaal risico",
        },
        "findings": {
            "no_systems": "Er staan nog geen AI-systemen op de lijst.",
            "system_without_roles": "AI-systeem {subject}: er staat geen functie bij die ermee "
            "werkt.",
            "role_without_people": "Functie {subject}: werkt met een AI-systeem, maar niemand in "
            "dit bereik heeft deze functie.",
            "role_without_paths": "Functie {subject}: nog geen verplichte leerroute.",
            "role_unassigned": "Functie {subject}: {count} zonder toegewezen leerroute.",
            "role_overdue": "Functie {subject}: {count} te laat met een verplichte leerroute.",
            "role_refresher": "Functie {subject}: opfrissen nodig bij {count}.",
            "older_version": "Module {subject}: afrondingen van een oudere versie dan de "
            "huidige: {count}.",
        },
    },
    "en": {
        "title": "Art. 4 evidence report on AI literacy",
        "law": (
            "Article 4 of the AI Act has applied since 2 February 2025. Since the 2026 Digital "
            "Omnibus it asks organisations to take measures that support the AI literacy of "
            "their staff and of others dealing with AI systems on their behalf. The date did "
            "not change."
        ),
        "approach": (
            "The Dutch data protection authority (AP) asks organisations to document their "
            "approach in four steps: identify the AI systems and the people involved, set goals "
            "by risk and role, carry out the training, and evaluate. This report follows those "
            "steps."
        ),
        "coverage": (
            "The figures cover the active employees with an account in Geletterd, within the "
            "scope below."
        ),
        "report": "Report",
        "organisation": "Organisation",
        "scope": "Scope",
        "whole": "whole organisation",
        "units_below": "{units} (with everything below)",
        "made_by": "Prepared by",
        "made_at": "Prepared on",
        "step1": "Step 1. AI systems and the people involved",
        "step2": "Step 2. Goals by risk and role",
        "step3": "Step 3. Training carried out",
        "step4": "Step 4. Evaluation",
        "systems_caption": "AI systems in use",
        "system": "AI system",
        "purpose": "Purpose",
        "risk": "Risk class",
        "roles": "Job roles",
        "register": "Algorithm register",
        "no_systems": "No AI systems are listed yet.",
        "people_caption": "People involved by job role",
        "job_role": "Job role",
        "people": "People",
        "systems": "AI systems",
        "no_roles": "No job roles in this scope yet.",
        "goals_caption": "Required learning paths by job role",
        "highest_risk": "Highest risk",
        "required": "Required learning paths",
        "source": "Source",
        "from_rules": "assignment rule",
        "from_assignments": "assigned learning paths",
        "none": "none",
        "totals_caption": "Total in this scope",
        "assigned": "With a learning path",
        "progress_caption": "Progress by job role",
        "completed": "Completed",
        "overdue": "Overdue",
        "refresher": "Refresher needed",
        "unassigned": "Not assigned",
        "legend": (
            "Completed: every assigned required learning path completed, with a valid "
            "certificate. Overdue: a required learning path is not completed after its "
            "deadline. Refresher needed: a certificate expires within {days} days or has "
            "expired. Not assigned: no required learning path assigned yet."
        ),
        "versions_caption": "Modules taught: versions and content",
        "module": "Module",
        "language": "Language",
        "version": "Version",
        "objectives": "Learning objectives",
        "reviewed": "Last reviewed",
        "completions": "Completions",
        "average": "Average score",
        "no_versions": "No completed modules in this scope yet.",
        "findings_caption": "Points of attention",
        "no_findings": "No points of attention found.",
        "signature": "Adoption",
        "signature_text": (
            "By signing I confirm that this report correctly describes the measures {organisation} "
            "takes for the AI literacy of its staff."
        ),
        "name": "Name",
        "position": "Position",
        "date": "Date",
        "sign": "Signature",
        "page": "Page {page} of {pages}",
        "risk_classes": {
            "prohibited": "Prohibited practice",
            "high": "High risk",
            "transparency": "Transparency obligation",
            "minimal": "Minimal risk",
        },
        "findings": {
            "no_systems": "No AI systems are listed yet.",
            "system_without_roles": "AI system {subject}: no job role is listed as working with "
            "it.",
            "role_without_people": "Job role {subject}: works with an AI system, but nobody in "
            "this scope holds it.",
            "role_without_paths": "Job role {subject}: no required learning path yet.",
            "role_unassigned": "Job role {subject}: {count} without an assigned learning path.",
            "role_overdue": "Job role {subject}: {count} overdue with a required learning path.",
            "role_refresher": "Job role {subject}: refresher needed for {count}.",
            "older_version": "Module {subject}: completions of an older version than the "
            "current one: {count}.",
        },
    },
}


def texts(language: str) -> dict:
    return TEXTS.get(language, TEXTS["nl"])


def scope_text(report: EvidenceReport, t: dict) -> str:
    if report.whole_organisation:
        return t["whole"]
    return t["units_below"].format(units=", ".join(report.scope_units) or t["none"])


def finding_text(finding: Finding, t: dict) -> str:
    return t["findings"][finding.kind].format(subject=finding.subject, count=finding.count)


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"


class _Report(FPDF):
    def __init__(self, footer_text: str, page_text: str) -> None:
        super().__init__(format="A4")
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=20)
        self.set_margins(18, 18, 18)
        self.set_creator("Geletterd")
        self.footer_text = footer_text
        self.page_text = page_text

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("DejaVu", "", 8)
        page = self.page_text.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 5, f"{self.footer_text} · {page}", align="C")

    def text_block(self, text: str, size: int = 10, style: str = "", height: float = 5.5) -> None:
        self.set_font("DejaVu", style, size)
        self.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str, size: int = 14) -> None:
        if self.will_page_break(30):
            self.add_page()
        self.ln(4)
        self.text_block(text, size, "B", size * 0.55)
        self.ln(1)

    def table_of(self, caption: str, headings: list[str], rows: list[list], widths: tuple) -> None:
        self.text_block(caption, 11, "B", 7)
        self.set_font("DejaVu", "", 8)
        with self.table(
            col_widths=widths,
            line_height=4.5,
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=(225, 230, 238)),
            padding=1.2,
        ) as table:
            table.row(headings)
            for row in rows:
                table.row(["" if cell is None else str(cell) for cell in row])
        self.ln(3)


def evidence_pdf(report: EvidenceReport, language: str = "nl") -> bytes:
    t = texts(language)
    made_at = f"{report.generated_at:%d-%m-%Y %H:%M} UTC"
    pdf = _Report(f"{t['title']} · {report.organisation} · {made_at}", t["page"])
    pdf.set_title(f"{t['title']}: {report.organisation}")
    pdf.set_author(report.generated_by)
    pdf.set_lang(language)
    pdf.add_page()

    pdf.text_block(report.organisation, 12)
    pdf.text_block(t["title"], 20, "B", 10)
    pdf.ln(2)
    for label, value in (
        (t["organisation"], report.organisation),
        (t["scope"], scope_text(report, t)),
        (t["made_by"], report.generated_by),
        (t["made_at"], made_at),
    ):
        pdf.text_block(f"{label}: {value}", 10)
    pdf.ln(2)
    for paragraph in ("law", "approach", "coverage"):
        pdf.text_block(t[paragraph], 9, height=4.8)
        pdf.ln(1.5)

    risk = t["risk_classes"]
    pdf.heading(t["step1"])
    if report.systems:
        pdf.table_of(
            t["systems_caption"],
            [t["system"], t["purpose"], t["risk"], t["roles"], t["register"]],
            [
                [
                    s.name,
                    s.purpose,
                    risk.get(s.risk_class, s.risk_class),
                    ", ".join(s.job_roles),
                    s.register_url or "",
                ]
                for s in report.systems
            ],
            (3, 4, 2.4, 3.4, 4.7),
        )
    else:
        pdf.text_block(t["no_systems"])
    if report.roles:
        pdf.table_of(
            t["people_caption"],
            [t["job_role"], t["people"], t["systems"]],
            [[r.job_role, r.people, ", ".join(r.systems)] for r in report.roles],
            (4, 1.5, 8),
        )
    else:
        pdf.text_block(t["no_roles"])

    pdf.heading(t["step2"])
    if report.roles:
        pdf.table_of(
            t["goals_caption"],
            [t["job_role"], t["highest_risk"], t["required"], t["source"]],
            [
                [
                    r.job_role,
                    risk.get(r.highest_risk, "") if r.highest_risk else "",
                    ", ".join(r.paths) or t["none"],
                    _source(r, t),
                ]
                for r in report.roles
            ],
            (4, 3, 6, 3),
        )
    else:
        pdf.text_block(t["no_roles"])

    pdf.heading(t["step3"])
    totals = report.totals
    pdf.table_of(
        t["totals_caption"],
        [t["people"], t["assigned"], t["completed"], t["overdue"], t["refresher"]],
        [[totals.people, totals.assigned, totals.completed, totals.overdue, totals.refresher]],
        (1, 1, 1, 1, 1),
    )
    if report.roles:
        pdf.table_of(
            t["progress_caption"],
            [
                t["job_role"],
                t["people"],
                t["completed"],
                t["overdue"],
                t["refresher"],
                t["unassigned"],
            ],
            [
                [r.job_role, r.people, r.completed, r.overdue, r.refresher, r.unassigned]
                for r in report.roles
            ],
            (4, 1.6, 1.6, 1.6, 1.8, 1.8),
        )
    pdf.text_block(t["legend"].format(days=REFRESH_WINDOW.days), 8, height=4.2)
    pdf.ln(2)
    if report.versions:
        pdf.table_of(
            t["versions_caption"],
            [
                t["module"],
                t["language"],
                t["version"],
                t["objectives"],
                t["reviewed"],
                t["completions"],
                t["average"],
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
            (3, 1, 1.2, 4.6, 2, 2.2, 2.2),
        )
    else:
        pdf.text_block(t["no_versions"])

    pdf.heading(t["step4"])
    pdf.text_block(t["findings_caption"], 11, "B", 7)
    for finding in report.findings:
        pdf.text_block(f"•  {finding_text(finding, t)}", 10)
    if not report.findings:
        pdf.text_block(t["no_findings"])

    _signature_block(pdf, report, t)
    return bytes(pdf.output())


def _source(role, t: dict) -> str:
    if not role.paths:
        return ""
    return t["from_rules"] if role.paths_from_rules else t["from_assignments"]


def _signature_block(pdf: _Report, report: EvidenceReport, t: dict) -> None:
    if pdf.will_page_break(85):
        pdf.add_page()
    pdf.heading(t["signature"])
    pdf.text_block(t["signature_text"].format(organisation=report.organisation), 10)
    pdf.ln(4)
    left = pdf.l_margin
    for label in (t["name"], t["position"], t["date"], t["sign"]):
        pdf.ln(9 if label == t["sign"] else 5)
        pdf.set_font("DejaVu", "", 10)
        pdf.set_x(left)
        pdf.cell(35, 7, f"{label}:")
        y = pdf.get_y() + 6
        pdf.line(left + 35, y, left + 120, y)
        pdf.ln(7)


def evidence_csv(report: EvidenceReport, language: str = "nl") -> str:
    """The report's tables one section after another: a title row, a header row, the rows,
    a blank row. With a BOM and ";" so Dutch Excel opens it right; every cell neutralised."""
    t = texts(language)
    risk = t["risk_classes"]
    totals = report.totals
    sections = [
        (
            t["report"],
            [t["organisation"], t["scope"], t["made_by"], t["made_at"]],
            [
                [
                    report.organisation,
                    scope_text(report, t),
                    report.generated_by,
                    f"{report.generated_at:%Y-%m-%d %H:%M} UTC",
                ]
            ],
        ),
        (
            t["systems_caption"],
            [t["system"], t["purpose"], t["risk"], t["roles"], t["register"]],
            [
                [
                    s.name,
                    s.purpose,
                    risk.get(s.risk_class, s.risk_class),
                    ", ".join(s.job_roles),
                    s.register_url,
                ]
                for s in report.systems
            ],
        ),
        (
            t["progress_caption"],
            [
                t["job_role"],
                t["systems"],
                t["highest_risk"],
                t["required"],
                t["source"],
                t["people"],
                t["completed"],
                t["overdue"],
                t["refresher"],
                t["unassigned"],
            ],
            [
                [
                    r.job_role,
                    ", ".join(r.systems),
                    risk.get(r.highest_risk, "") if r.highest_risk else "",
                    ", ".join(r.paths),
                    _source(r, t),
                    r.people,
                    r.completed,
                    r.overdue,
                    r.refresher,
                    r.unassigned,
                ]
                for r in report.roles
            ],
        ),
        (
            t["totals_caption"],
            [t["people"], t["assigned"], t["completed"], t["overdue"], t["refresher"]],
            [[totals.people, totals.assigned, totals.completed, totals.overdue, totals.refresher]],
        ),
        (
            t["versions_caption"],
            [
                t["module"],
                t["language"],
                t["version"],
                t["objectives"],
                t["reviewed"],
                t["completions"],
                t["average"],
            ],
            [
                [
                    v.title,
                    v.language,
                    v.version,
                    " | ".join(v.objectives),
                    v.reviewed.isoformat(),
                    v.completions,
                    _score(v.average_score),
                ]
                for v in report.versions
            ],
        ),
        (
            t["findings_caption"],
            [t["findings_caption"]],
            [[finding_text(f, t)] for f in report.findings],
        ),
    ]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    for title, header, rows in sections:
        writer.writerow([neutralise(title)])
        writer.writerow([neutralise(cell) for cell in header])
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
        writer.writerow([])
    return buffer.getvalue()
