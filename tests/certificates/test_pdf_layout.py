"""A line that fits is drawn with cell() instead of multi_cell(): the page must not change."""

import datetime as dt

import pytest

from app.certificates.pdf import _Document

SHORT = "Certificaat"
LONG = "Je herkent wanneer een AI-systeem onder de AI-verordening valt en " * 3
FIXED_DATE = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)


def page(draw) -> bytes:
    pdf = _Document(fast_fonts=True)
    pdf.creation_date = FIXED_DATE
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_xy(22, 40)
    draw(pdf)
    pdf.cell(10, 5, "na")  # where the next text starts shows where the block left x and y
    return bytes(pdf.output())


@pytest.mark.parametrize("text", [SHORT, LONG, "twee\nregels", "", "AI" * 36, "AI" * 37])
@pytest.mark.parametrize("width", [0, 70, 145])
@pytest.mark.parametrize("align", ["L", "C", "J"])
@pytest.mark.parametrize("new_x", ["LMARGIN", "LEFT"])
def test_text_block_draws_what_multi_cell_draws(text, width, align, new_x):
    by_multi_cell = page(
        lambda pdf: pdf.multi_cell(width, 5, text, new_x=new_x, new_y="NEXT", align=align)
    )
    by_text_block = page(lambda pdf: pdf.text_block(width, 5, text, new_x=new_x, align=align))
    assert by_text_block == by_multi_cell


def test_a_line_that_fits_skips_line_breaking(monkeypatch):
    pdf = _Document(fast_fonts=True)
    pdf.add_page()
    pdf.set_font("DejaVu", "", 12)
    monkeypatch.setattr(pdf, "multi_cell", lambda *args, **kwargs: pytest.fail("multi_cell"))
    pdf.text_block(0, 5, SHORT, new_x="LMARGIN")


def longest_fitting(width: float) -> str:
    """The longest run of "Ab" that multi_cell still sets on one line in `width` mm."""
    pdf = _Document(fast_fonts=True)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 12)
    text = "Ab"
    while len(pdf.multi_cell(width, 5, text + "b", dry_run=True, output="LINES")) == 1:
        text += "b"
    return text


@pytest.mark.parametrize("extra", ["", "b", "bb"])
@pytest.mark.parametrize("align", ["L", "C"])
def test_a_line_at_the_edge_of_fitting_is_set_as_multi_cell_sets_it(extra, align):
    text = longest_fitting(70)[:-1] + extra
    by_multi_cell = page(
        lambda pdf: pdf.multi_cell(70, 5, text, new_x="LEFT", new_y="NEXT", align=align)
    )
    by_text_block = page(lambda pdf: pdf.text_block(70, 5, text, new_x="LEFT", align=align))
    assert by_text_block == by_multi_cell
