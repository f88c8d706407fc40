"""Certificate and transcript PDFs (fpdf2, pure Python), in a Unicode font from app/fonts."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from fpdf import FPDF

from app.certificates import fonts
from app.certificates.issuing import grouped
from app.models import Certificate, User

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

TEXTS = {
    "nl": {
        "certificate": "Certificaat",
        "transcript": "Overzicht van afgeronde scholing",
        "holder": "is uitgereikt aan",
        "completed": "voor het afronden van",
        "version": "versie",
        "score": "score",
        "issued": "Uitgereikt op",
        "expires": "Geldig tot",
        "serial": "Serienummer",
        "verify": "Controleer dit certificaat",
        "code": "Controlecode",
        "objectives": "Leerdoelen",
        "module": "Module",
        "path": "Leerroute",
        "date": "Datum",
        "none": "Nog geen afgeronde scholing.",
    },
    "en": {
        "certificate": "Certificate",
        "transcript": "Record of completed training",
        "holder": "is awarded to",
        "completed": "for completing",
        "version": "version",
        "score": "score",
        "issued": "Issued on",
        "expires": "Valid until",
        "serial": "Serial number",
        "verify": "Verify this certificate",
        "code": "Verification code",
        "objectives": "Learning objectives",
        "module": "Module",
        "path": "Learning path",
        "date": "Date",
        "none": "No completed training yet.",
    },
}


class _Document(FPDF):
    def __init__(self, *texts: str) -> None:
        """A4 in DejaVu: the per-process parsed cut font when it has every character of
        `texts` (app/certificates/fonts.py), else the full font file, parsed now."""
        super().__init__(format="A4")
        if texts and fonts.covers(*texts):
            fonts.add_fonts(self, "DejaVu")
        else:
            self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=20)
        self.set_margins(20, 20, 20)
        self.set_creator("Geletterd")

    def line_text(self, text: str, size: int = 11, style: str = "", height: float = 7) -> None:
        self.set_font("DejaVu", style, size)
        self.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def verify_url(base_url: str, certificate: Certificate) -> str:
    return f"{base_url.rstrip('/')}/verify/{certificate.code}"


def certificate_pdf(
    certificate: Certificate, organisation_name: str, base_url: str, language: str = "nl"
) -> bytes:
    t = TEXTS.get(language, TEXTS["nl"])
    objectives = (
        list(certificate.module_version.objectives.values())
        if certificate.module_version is not None
        else []
    )
    pdf = _Document(
        organisation_name, certificate.user.name, certificate.title, base_url, *objectives
    )
    pdf.set_title(f"{t['certificate']} {certificate.serial}")
    pdf.add_page()
    pdf.line_text(organisation_name, 12)
    pdf.ln(8)
    pdf.line_text(t["certificate"], 28, "B", 14)
    pdf.ln(6)
    pdf.line_text(t["holder"], 12)
    pdf.line_text(certificate.user.name, 22, "B", 12)
    pdf.ln(4)
    pdf.line_text(t["completed"], 12)
    title = certificate.title
    if certificate.version:
        title += f" ({t['version']} {certificate.version})"
    pdf.line_text(title, 16, "B", 9)
    if certificate.score is not None:
        pdf.line_text(f"{t['score']}: {certificate.score:g}%", 11)
    if objectives:
        pdf.ln(3)
        pdf.line_text(t["objectives"], 11, "B")
        for objective in objectives:
            pdf.line_text(f"•  {objective}", 10, height=6)
    pdf.ln(6)
    pdf.line_text(f"{t['issued']}: {certificate.issued_at:%d-%m-%Y}", 11)
    if certificate.expires_on:
        pdf.line_text(f"{t['expires']}: {certificate.expires_on:%d-%m-%Y}", 11)
    pdf.line_text(f"{t['serial']}: {certificate.serial}", 11)
    pdf.line_text(f"{t['code']}: {grouped(certificate.code)}", 11)
    url = verify_url(base_url, certificate)
    pdf.ln(4)
    pdf.line_text(f"{t['verify']}: {url}", 9, height=5)
    qr = segno.make(url, error="m")
    pdf.image(_qr_png(qr), x=150, y=pdf.get_y() + 2, w=40)
    return bytes(pdf.output())


def _qr_png(qr: segno.QRCode) -> io.BytesIO:
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def transcript_pdf(
    user: User, certificates: list[Certificate], base_url: str, language: str = "nl"
) -> bytes:
    """Every module and path completed by one employee: the "certificate per employee"."""
    t = TEXTS.get(language, TEXTS["nl"])
    pdf = _Document()
    pdf.set_title(f"{t['transcript']} {user.name}")
    pdf.add_page()
    pdf.line_text(user.organisation.name, 12)
    pdf.line_text(t["transcript"], 20, "B", 12)
    pdf.line_text(user.name, 16, "B", 10)
    pdf.ln(4)
    shown = [c for c in certificates if c.revoked_at is None]
    if not shown:
        pdf.line_text(t["none"], 11)
    for certificate in shown:
        kind = t["path"] if certificate.kind == "path" else t["module"]
        version = f" ({t['version']} {certificate.version})" if certificate.version else ""
        pdf.line_text(f"{kind}: {certificate.title}{version}", 11, "B", 6)
        details = (
            f"{t['date']}: {certificate.issued_at:%d-%m-%Y} · {t['serial']}: {certificate.serial}"
        )
        if certificate.expires_on:
            details += f" · {t['expires']}: {certificate.expires_on:%d-%m-%Y}"
        pdf.line_text(details, 9, height=5)
        pdf.line_text(verify_url(base_url, certificate), 8, height=5)
        pdf.ln(2)
    return bytes(pdf.output())
