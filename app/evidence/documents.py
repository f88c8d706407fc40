"""The Art. 4 evidence report as a PDF for the board to sign (fpdf2) and as a CSV for auditors.

Both are written from one description of the report (app/evidence/tables.py), in Dutch or
English, along the four steps of the Dutch data protection authority (AP): systems and people,
goals, training, evaluation.
"""

from __future__ import annotations

import csv
import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from app.certificates.pdf import FONT_DIR
from app.evidence.report import EvidenceReport
from app.evidence.tables import Description, Findings, Table, Text, describe
from app.hr.exports import neutralise


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
        page = self.page_text % {"page": self.page_no(), "pages": "{nb}"}
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
    described = describe(report, language)
    pdf = _Report(
        f"{described.title} · {report.organisation} · {described.made_at}", described.page_text
    )
    pdf.set_title(f"{described.title}: {report.organisation}")
    pdf.set_author(report.generated_by)
    pdf.set_lang(language)
    pdf.add_page()

    pdf.text_block(report.organisation, 12)
    pdf.text_block(described.title, 20, "B", 10)
    pdf.ln(2)
    for label, value in described.facts:
        pdf.text_block(f"{label}: {value}", 10)
    pdf.ln(2)
    for paragraph in described.introduction:
        pdf.text_block(paragraph, 9, height=4.8)
        pdf.ln(1.5)
    for step in described.steps:
        pdf.heading(step.heading)
        for block in step.blocks:
            _pdf_block(pdf, block)
    _signature_block(pdf, described)
    return bytes(pdf.output())


def _pdf_block(pdf: _Report, block: Table | Text | Findings) -> None:
    if isinstance(block, Text):
        pdf.text_block(block.text, 8 if block.small else 10, height=4.2 if block.small else 5.5)
        pdf.ln(2)
    elif isinstance(block, Findings):
        pdf.text_block(block.caption, 11, "B", 7)
        for item in block.items or [block.empty]:
            pdf.text_block(f"•  {item}" if block.items else item, 10)
    elif block.rows or block.empty is None:
        pdf.table_of(block.caption, block.header, block.rows, block.widths)
    elif block.empty:
        pdf.text_block(block.empty)


def _signature_block(pdf: _Report, described: Description) -> None:
    if pdf.will_page_break(85):
        pdf.add_page()
    pdf.heading(described.signature_heading)
    pdf.text_block(described.signature_text, 10)
    pdf.ln(4)
    left = pdf.l_margin
    *fields, signature = described.signature_fields
    for label in [*fields, signature]:
        pdf.ln(9 if label is signature else 5)
        pdf.set_font("DejaVu", "", 10)
        pdf.set_x(left)
        pdf.cell(35, 7, f"{label}:")
        y = pdf.get_y() + 6
        pdf.line(left + 35, y, left + 120, y)
        pdf.ln(7)


def evidence_csv(report: EvidenceReport, language: str = "nl") -> str:
    """The report's tables one section after another: a title row, a header row, the rows,
    a blank row. With a BOM and ";" so Dutch Excel opens it right; every cell neutralised."""
    described = describe(report, language)
    sections = [
        (
            described.facts_caption,
            [label for label, _ in described.facts],
            [[value for _, value in described.facts]],
        )
    ]
    for step in described.steps:
        for block in step.blocks:
            if isinstance(block, Table):
                sections.append((block.caption, block.header, block.rows))
            elif isinstance(block, Findings):
                sections.append((block.caption, [block.caption], [[item] for item in block.items]))
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
