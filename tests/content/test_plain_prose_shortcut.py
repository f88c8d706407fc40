"""render_markdown skips Python-Markdown for one line of plain prose: the shortcut must give
exactly what the full renderer gives, and must not fire for anything Markdown would change."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.content.markdown import PLAIN_PROSE_RE, render_markdown, render_with_markdown

# Letters (Dutch and beyond), digits, punctuation with and without a Markdown meaning, spaces.
PROSE = "abcXYZéëïĳÆß0123456789 ,.;:?!()'’%/–—-"
ALPHABET = PROSE + '_*`[]<>&#|\\=+~^"\n'


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=PROSE, min_size=1, max_size=60))
def test_where_the_shortcut_fires_it_gives_what_markdown_gives(text):
    assert render_markdown(text) == render_with_markdown(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=40))
def test_with_markdown_syntax_mixed_in_the_result_is_still_the_same(text):
    assert render_markdown(text) == render_with_markdown(text)


@pytest.mark.parametrize(
    "text",
    [
        "Een model leert patronen uit voorbeelden.",
        "Wat zegt art. 4 van de AI-verordening (AI Act)?",
        "l’IA n’est pas magique; elle calcule.",
    ],
)
def test_plain_prose_takes_the_shortcut(text):
    assert PLAIN_PROSE_RE.match(text)
    assert render_markdown(text) == render_with_markdown(text) == f"<p>{text}</p>"


@pytest.mark.parametrize(
    "text",
    ["1. een lijst", "- een lijst", "# kop", "a_b_", "*nadruk*", "[[term]]", "a  ", "/// let-op"],
)
def test_anything_markdown_would_change_goes_through_markdown(text):
    assert not PLAIN_PROSE_RE.match(text)
