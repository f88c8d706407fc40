"""Certificate and transcript PDFs (fpdf2, pure Python), in a Unicode font from app/fonts."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import segno
from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from app.certificates import fonts
from app.certificates.issuing import grouped
from app.core import formats
from app.models import Certificate, User

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

ACCENT = (0x15, 0x42, 0x73)  # the site's dark blue
GREY = (0x4B, 0x4B, 0x4B)


def _texts() -> dict[str, str]:
    """The PDFs' words in the language `force_locale` chose (the message catalogues)."""
    return {
        "certificate": _("Certificaat"),
        "transcript": _("Overzicht van afgeronde scholing"),
        "holder": _("is uitgereikt aan"),
        "completed": _("voor het afronden van de module"),
        "completed_path": _("voor het afronden van de leerroute"),
        "version": _("versie"),
        "score": _("score"),
        "issued": _("Uitgereikt op"),
        "expires": _("Geldig tot"),
        "serial": _("Serienummer"),
        "verify": _("Controleer dit certificaat"),
        "code": _("Controlecode"),
        "objectives": _("Wat de houder heeft geleerd"),
        "module": _("Module"),
        "path": _("Leerroute"),
        "date": _("Datum"),
        "none": _("Nog geen afgeronde scholing."),
        "on_behalf": _("Namens %(organisation)s"),
        "literacy": _("AI-geletterdheid volgens artikel 4 van de AI-verordening"),
    }


#: How much room (mm) a line keeps before it goes to multi_cell(): rounding never decides.
FIT_TOLERANCE = 0.01


class _Document(FPDF):
    def __init__(self, fast_fonts: bool = False) -> None:
        """A4 in DejaVu: with `fast_fonts` the cut font parsed once per process
        (app/certificates/fonts.py), else the full font files, parsed now."""
        super().__init__(format="A4")
        if fast_fonts:
            fonts.add_fonts(self, "DejaVu")
        else:
            self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=20)
        self.set_margins(20, 20, 20)
        self.set_creator("Geletterd")

    def line_text(
        self, text: str, size: float = 11, style: str = "", height: float = 7, align: str = "L"
    ) -> None:
        self.set_font("DejaVu", style, size)
        self.text_block(0, height, text, new_x="LMARGIN", align=align)

    def text_block(
        self, width: float, height: float, text: str, new_x: str, align: str = "J"
    ) -> None:
        """multi_cell(), drawn line by line with cell(). fpdf2's line breaking measures the line
        again for every letter (a third of a certificate's time): a text that fits on one line
        skips it, and a longer one (a module's objectives, the same on every certificate) is
        broken once per process. Each line is drawn as multi_cell draws it (tests/certificates)."""
        width = width or self.w - self.r_margin - self.x
        if "\n" in text:
            self.multi_cell(width, height, text, new_x=new_x, new_y="NEXT", align=align)
            return
        if self.get_string_width(text) <= width - 2 * self.c_margin - FIT_TOLERANCE:
            lines = [text]
        elif align in ("L", "C") and fonts.covers(text):  # justified lines need multi_cell
            lines = _broken(self.font_style, self.font_size_pt, width, self.c_margin, text)
        else:
            self.multi_cell(width, height, text, new_x=new_x, new_y="NEXT", align=align)
            return
        # multi_cell sets the last line of a justified text flush left; cell() cannot justify.
        one_line = "L" if align == "J" else align
        for line in lines[:-1]:
            self.cell(width, height, line, new_x="LEFT", new_y="NEXT", align=one_line)
        self.cell(width, height, lines[-1], new_x=new_x, new_y="NEXT", align=one_line)


@lru_cache(maxsize=1024)
def _broken(style: str, size: float, width: float, c_margin: float, text: str) -> tuple[str, ...]:
    """`text` broken into lines as multi_cell breaks it. Only for texts the cut font covers:
    its widths are the full font's, so the lines are the same whichever font path is taken."""
    scratch = _Document(fast_fonts=True)
    scratch.c_margin = c_margin
    scratch.add_page()
    scratch.set_font("DejaVu", style, size)
    return tuple(scratch.multi_cell(width, 1, text, dry_run=True, output="LINES"))


def verify_url(base_url: str, certificate: Certificate) -> str:
    return f"{base_url.rstrip('/')}/verify/{certificate.code}"


def _setting(name: str) -> str:
    return current_app.config.get(name, "") if has_app_context() else ""


def certificate_pdf(
    certificate: Certificate, organisation_name: str, base_url: str, language: str = "nl"
) -> bytes:
    """One certificate as a formal A4 page: a band with the organisation (and its logo), the
    holder, what they completed and learned, the date, the signatory, the code and a QR code
    that opens the public verification page. Words, numbers and dates in `language`.

    Made with the per-process cut font; a text with a letter that font lacks (a name in
    Cyrillic, say) is made again with the full font, so no letter is ever lost."""
    pdf = _certificate(certificate, organisation_name, base_url, language, fast_fonts=True)
    if fonts.missing_glyphs(pdf):
        pdf = _certificate(certificate, organisation_name, base_url, language, fast_fonts=False)
    return bytes(pdf.output())


def _certificate(
    certificate: Certificate,
    organisation_name: str,
    base_url: str,
    language: str,
    fast_fonts: bool,
) -> FPDF:
    with force_locale(language):
        t = _texts()
    zone = certificate.user.organisation.time_zone
    pdf = _Document(fast_fonts)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{t['certificate']} {certificate.serial}")
    pdf.add_page()
    _frame(pdf, organisation_name)
    pdf.set_text_color(*ACCENT)
    pdf.set_y(62)
    pdf.line_text(t["certificate"].upper(), 30, "B", 14, align="C")
    pdf.set_text_color(*GREY)
    pdf.line_text(t["literacy"], 10, height=6, align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(6)
    pdf.line_text(t["holder"], 12, align="C")
    pdf.line_text(certificate.user.name, 24, "B", 13, align="C")
    pdf.ln(3)
    pdf.line_text(
        t["completed" if certificate.kind == "module" else "completed_path"], 12, align="C"
    )
    pdf.line_text(certificate.title, 17, "B", 9, align="C")
    details = []
    if certificate.version:
        details.append(f"{t['version']} {certificate.version}")
    if certificate.score is not None:
        details.append(f"{t['score']} {formats.percent(certificate.score, language)}")
    if details:
        pdf.set_text_color(*GREY)
        pdf.line_text(" · ".join(details), 10, height=6, align="C")
        pdf.set_text_color(0, 0, 0)
    objectives = (
        list(certificate.module_version.objectives.values())
        if certificate.module_version is not None
        else []
    )
    if objectives:
        pdf.ln(5)
        pdf.set_x(30)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, t["objectives"], new_x="LMARGIN", new_y="NEXT")
        size = 9.5 if len(objectives) <= 6 else 8.5
        pdf.set_font("DejaVu", "", size)
        for objective in objectives:
            pdf.set_x(30)
            pdf.cell(5, size * 0.5, "•")
            pdf.text_block(145, size * 0.5, objective, new_x="LMARGIN", align="L")
            pdf.ln(0.8)
    _footer(pdf, certificate, organisation_name, base_url, language, zone, t)
    return pdf


def _frame(pdf: _Document, organisation_name: str) -> None:
    """A double border, and a band at the top with the organisation's name and logo."""
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 194, 281)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, 188, 275)
    pdf.set_fill_color(*ACCENT)
    pdf.rect(11, 11, 188, 30, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(20, 19)
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(120, 14, organisation_name)
    logo = _setting("LOGO_FILE")
    if logo and Path(logo).is_file():
        # On a white tile: a logo is drawn for a light background.
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(146, 15, 48, 22, style="F")
        pdf.image(logo, x=148, y=16, w=44, h=20, keep_aspect_ratio=True)
    pdf.set_text_color(0, 0, 0)


def _footer(
    pdf: _Document,
    certificate: Certificate,
    organisation_name: str,
    base_url: str,
    language: str,
    zone: str,
    t: dict[str, str],
) -> None:
    """The signatory on the left; date, serial and code in the middle; the QR code right."""
    top = 226
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.3)
    pdf.line(22, top + 14, 92, top + 14)
    pdf.set_xy(22, top + 16)
    name, role = _setting("CERTIFICATE_SIGNATORY_NAME"), _setting("CERTIFICATE_SIGNATORY_ROLE")
    pdf.set_font("DejaVu", "B", 10)
    pdf.text_block(70, 5, name or organisation_name, new_x="LEFT")
    pdf.set_font("DejaVu", "", 9)
    pdf.text_block(70, 4.5, role or t["on_behalf"] % {"organisation": organisation_name}, "LEFT")
    rows = [(t["issued"], formats.day(certificate.issued_at, language, zone))]
    if certificate.expires_on:
        rows.append((t["expires"], formats.day(certificate.expires_on, language)))
    rows += [(t["serial"], certificate.serial), (t["code"], grouped(certificate.code))]
    y = top
    for label, value in rows:
        pdf.set_xy(100, y)
        pdf.set_font("DejaVu", "", 8)
        pdf.set_text_color(*GREY)
        pdf.cell(55, 4, label)
        pdf.set_xy(100, y + 4)
        pdf.set_font("DejaVu", "B", 9)
        pdf.set_text_color(0, 0, 0)
        pdf.cell(55, 5, value)
        y += 11
    url = verify_url(base_url, certificate)
    draw_qr(pdf, segno.make(url, error="m", mask=QR_MASK), x=166, y=top - 2, width=28)
    pdf.set_xy(22, 272)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5, f"{t['verify']}: {url}", align="C")
    pdf.set_text_color(0, 0, 0)


#: A fixed QR mask pattern. Any of the eight is valid (ISO/IEC 18004); letting segno score all
#: eight and pick the best took two thirds of the QR code's time (13 of 20 ms on a busy machine).
QR_MASK = 0
QR_BORDER = 2  # modules of quiet zone around the code, as the PNG had


def draw_qr(pdf: FPDF, qr: segno.QRCode, x: float, y: float, width: float) -> None:
    """The QR code as filled rectangles (one per run of dark modules in a row), written as one
    path: sharp at any zoom or print size, and about 15 ms less per certificate than encoding a
    PNG for fpdf2 to decode and embed again (docs/performance.md)."""
    module = width / (qr.symbol_size(border=0)[0] + 2 * QR_BORDER)
    k, page_height = pdf.k, pdf.h
    boxes = []
    for row_number, row in enumerate(qr.matrix):
        top = page_height - (y + (row_number + QR_BORDER) * module)
        for start, length in _dark_runs(row):
            left = x + (start + QR_BORDER) * module
            boxes.append(
                f"{left * k:.2f} {top * k:.2f} {length * module * k:.2f} {-module * k:.2f} re"
            )
    # fpdf2 has no public call for a path of many rectangles; pdf.rect() per run costs as much
    # as the PNG. q/Q keep the black fill from leaking into fpdf2's graphics state.
    pdf._out(f"q 0 g {' '.join(boxes)} f Q")


def _dark_runs(row) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row of segno's matrix."""
    runs, start = [], None
    for index, value in enumerate(row):
        if value & 1 and start is None:
            start = index
        elif not value & 1 and start is not None:
            runs.append((start, index - start))
            start = None
    if start is not None:
        runs.append((start, len(row) - start))
    return runs


def transcript_pdf(
    user: User, certificates: list[Certificate], base_url: str, language: str = "nl"
) -> bytes:
    """Every module and path completed by one employee: the "certificate per employee"."""
    with force_locale(language):
        t = _texts()
    zone = user.organisation.time_zone
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
        issued = formats.day(certificate.issued_at, language, zone)
        details = f"{t['date']}: {issued} · {t['serial']}: {certificate.serial}"
        if certificate.expires_on:
            details += f" · {t['expires']}: {formats.day(certificate.expires_on, language)}"
        pdf.line_text(details, 9, height=5)
        pdf.line_text(verify_url(base_url, certificate), 8, height=5)
        pdf.ln(2)
    return bytes(pdf.output())
