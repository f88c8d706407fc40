"""The certificate fonts parsed once per process: the same text as the full font, any name."""

import datetime as dt
import io
import re
import types

import fpdf.output
import pytest
from pypdf import PdfReader

from app.certificates import fonts
from app.certificates.pdf import certificate_pdf


def certificate(name: str):
    return types.SimpleNamespace(
        serial="GL-2026-000123",
        code="ABCDEFGHJKLMNPQRSTUV",
        title="AI-geletterdheid – de basis",
        version="1.0.0",
        score=87.5,
        kind="module",
        user=types.SimpleNamespace(
            name=name, organisation=types.SimpleNamespace(time_zone="Europe/Amsterdam")
        ),
        module_version=types.SimpleNamespace(objectives={"a": "Je legt uit wat AI is."}),
        issued_at=dt.datetime(2026, 12, 1),
        expires_on=dt.date(2028, 12, 1),
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    "name", ["Özlem Çelik-de Vries", "IJsbrand Ærtssen", "Zoë Łukasiewicz", "Ольга Иванова"]
)
def test_every_name_is_printed_whichever_font_path_it_takes(name):
    pdf = certificate_pdf(certificate(name), "Gemeente Voorbeeldstad", "https://example.nl")
    assert name in text_of(pdf)
    assert fonts.covers(name) == (name != "Ольга Иванова")  # the others: the cut font


def test_documents_made_one_after_another_do_not_share_their_glyphs():
    """A later certificate with fewer letters still shows all of its own, and an earlier
    one's letters do not leak into it (each document has its own subset)."""
    first = certificate_pdf(certificate("Ğülşen Ÿılmaz"), "Gemeente A", "https://example.nl")
    second = certificate_pdf(certificate("Jan Jansen"), "Gemeente A", "https://example.nl")
    again = certificate_pdf(certificate("Ğülşen Ÿılmaz"), "Gemeente A", "https://example.nl")
    assert "Ğülşen Ÿılmaz" in text_of(first) and "Jan Jansen" in text_of(second)
    assert len(second) < len(first) and text_of(again) == text_of(first)


@pytest.mark.parametrize("name", ["Jan Jansen", "Zoë Łukasiewicz", "Ольга Иванова"])
def test_a_kept_subset_embeds_the_bytes_fpdf2_would_compress(name, monkeypatch):
    """The font file of a kept subset comes compressed from the cache: the PDF is byte for
    byte the one fpdf2 writes when it compresses the file itself."""
    made = certificate(name)
    kept = certificate_pdf(made, "Gemeente A", "https://example.nl")
    monkeypatch.setattr(fpdf.output, "PDFFontStream", fpdf.output.PDFFontStream.__base__)
    compressed_now = certificate_pdf(made, "Gemeente A", "https://example.nl")
    assert without_date_and_id(kept) == without_date_and_id(compressed_now)


def without_date_and_id(pdf: bytes) -> bytes:
    pdf = re.sub(rb"/CreationDate \(D:[^)]*\)", b"", pdf)
    return re.sub(rb"/ID \[<[0-9A-Fa-f]*><[0-9A-Fa-f]*>\]", b"", pdf)
