"""The certificate's fonts, parsed once per process instead of once per PDF.

fpdf2 reads the whole TrueType file for every document (DejaVu Sans has 6,000 glyphs: more than
half of each certificate's time went there) and, when writing it, subsets and re-encodes the
font again. For certificates, made by the thousand, this module:

1. cuts DejaVu Sans (regular and bold) once per process to the Latin script (ASCII, Latin-1,
   Latin Extended-A and -B, general punctuation (dashes, quotes, bullet, the narrow
   no-break space of Dutch numbers), euro): the font fpdf2 then parses is a tenth
   of the size;
2. parses that cut font once per process, and gives each document a shallow copy of it (the
   metrics and parsed tables shared, only read; the glyphs used its own);
3. remembers, per set of non-ASCII letters a document used, the subset font fpdf2 embeds (all
   of ASCII always in it): the subsetting runs once for thousands of documents.

A document that asks the cut font for a character it lacks (a name in Cyrillic, say) is made
again with the full font the slow way (`missing_glyphs`), so no letter is ever lost.

fpdf2 is pinned exactly in pyproject.toml: step 3 stands in for the two fontTools calls that
fpdf.output makes (Subsetter.subset and TTFont.save), and for the compression of the subset's
font file (PDFFontStream), checked by tests/certificates.
"""

from __future__ import annotations

import copy
import io
import threading
import zlib
from collections import OrderedDict
from functools import cache
from pathlib import Path

import fpdf.output
from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.syntax import Name, PDFContentStream

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
#: The characters of the cut font: what Dutch, and most European names and titles, use.
CHARACTERS = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2000, 0x2070), 0x20AC, 0x2122]
)
#: Subset fonts kept per process, by (style, glyphs used).
SUBSETS_KEPT = 256


def covers(*texts: str) -> bool:
    """True when the cut font has every character of the texts."""
    return all(ord(char) in CHARACTERS for text in texts for char in text if char != "\n")


def missing_glyphs(pdf: FPDF) -> bool:
    """True when a text of the document asked the cut font for a letter it lacks."""
    return any(getattr(font, "missing_glyphs", None) for font in pdf.fonts.values())


@cache
def _cut_font(style: str) -> bytes:
    """DejaVu cut to CHARACTERS, as TrueType bytes (about 90 KB instead of 750)."""
    font = ttLib.TTFont(FONT_DIR / FILES[style])
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.drop_tables += ["FFTM"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=sorted(CHARACTERS))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


_parsing = threading.Lock()


@cache
def _parsed(family: str, style: str) -> TTFFont:
    with _parsing:
        font = TTFFont(FPDF(), io.BytesIO(_cut_font(style)), f"{family.lower()}{style}", style)
        font.ttfont.ensureDecompiled()  # read every table now: the copies share it read-only
        return font


def add_fonts(pdf: FPDF, family: str) -> None:
    """Gives `pdf` the regular and bold cut fonts, as add_font would but without parsing."""
    for style in FILES:
        font = copy.copy(_parsed(family, style))  # metrics and tables shared, read-only
        font.i = len(pdf.fonts) + 1
        font.ttfont = _Face(font.ttfont, style)
        # What a document writes to: its own.
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        pdf.fonts[font.fontkey] = font


class _Face:
    """A document's view of the shared, parsed font: reads go to the shared font; the subset
    step and the writing of the subset are answered from the per-process cache."""

    def __init__(self, shared: ttLib.TTFont, style: str) -> None:
        self._shared = shared
        self._style = style
        self._subset: _Subset | None = None

    def __getattr__(self, name: str):
        return getattr(self._shared, name)

    def __getitem__(self, tag: str):
        return self._shared[tag]

    def __contains__(self, tag: str) -> bool:
        return tag in self._shared

    def subset_to(self, glyph_names: list[str]) -> None:
        # Every ASCII letter goes in, used or not: the subset then depends only on the few
        # other letters a certificate has (an ë, a Ç), so one subset serves thousands of PDFs.
        # It costs a few kilobytes per PDF.
        extra = set(glyph_names) - _ascii_glyphs(self._style)
        self._subset = _subset(self._style, tuple(sorted(extra)))

    def getGlyphID(self, name: str) -> int:  # noqa: N802 - fontTools' name
        return self._subset.glyph_ids[name]

    def save(self, out) -> None:
        out.write(self._subset.data)

    def close(self) -> None:
        """The shared font stays open for the next document."""


class _Subset:
    def __init__(self, data: bytes, glyph_ids: dict[str, int]) -> None:
        self.data = data
        self.glyph_ids = glyph_ids
        # As fpdf.output compresses a font file, once instead of for every document.
        self.compressed = zlib.compress(data, level=PDFContentStream._COMPRESSION_LEVEL)


_subsets: OrderedDict[tuple, _Subset] = OrderedDict()
#: The kept subsets' compressed font files, by their TrueType bytes (what fpdf.output has).
_compressed: dict[bytes, bytes] = {}
_subsets_lock = threading.Lock()


@cache
def _ascii_glyphs(style: str) -> frozenset[str]:
    cmap = ttLib.TTFont(io.BytesIO(_cut_font(style))).getBestCmap()
    return frozenset(cmap[code] for code in range(0x20, 0x7F) if code in cmap)


def _subset(style: str, extra_glyphs: tuple[str, ...]) -> _Subset:
    key = (style, extra_glyphs)
    with _subsets_lock:
        if key in _subsets:
            _subsets.move_to_end(key)
            return _subsets[key]
    font = ttLib.TTFont(io.BytesIO(_cut_font(style)))
    subsetter = _RealSubsetter(_LAST_OPTIONS.get() or ftsubset.Options())
    glyph_names = sorted(_ascii_glyphs(style) | set(extra_glyphs))
    subsetter.populate(glyphs=glyph_names)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    found = _Subset(out.getvalue(), {name: font.getGlyphID(name) for name in font.getGlyphOrder()})
    with _subsets_lock:
        _subsets[key] = found
        _compressed[found.data] = found.compressed
        while len(_subsets) > SUBSETS_KEPT:
            _compressed.pop(_subsets.popitem(last=False)[1].data, None)
    return found


_RealSubsetter = ftsubset.Subsetter


class _LastOptions(threading.local):
    options: ftsubset.Options | None = None

    def get(self) -> ftsubset.Options | None:
        return self.options


_LAST_OPTIONS = _LastOptions()


class _Subsetter:
    """What fpdf.output sees as fontTools' Subsetter: our faces are answered from the cache,
    every other font (the evidence report's, a transcript's) goes to fontTools as before."""

    def __init__(self, options: ftsubset.Options) -> None:
        self._options = options
        self._glyphs: list[str] = []

    def populate(self, glyphs=(), **kwargs) -> None:
        self._glyphs = list(glyphs)
        self._kwargs = kwargs

    def subset(self, font) -> None:
        if isinstance(font, _Face):
            _LAST_OPTIONS.options = self._options
            font.subset_to(self._glyphs)
            return
        real = _RealSubsetter(self._options)
        real.populate(glyphs=self._glyphs, **self._kwargs)
        real.subset(font)


class _SubsetModule:
    """fpdf.output's `ftsubset`, with our Subsetter in place of fontTools' own."""

    Subsetter = _Subsetter

    def __getattr__(self, name: str):
        return getattr(ftsubset, name)


class _FontStream(fpdf.output.PDFFontStream):
    """fpdf.output's font file stream: a kept subset's file comes compressed from the cache
    (the same bytes zlib gives), every other font is compressed as before."""

    def __init__(self, contents: bytes) -> None:
        compressed = _compressed.get(contents)
        if compressed is None:
            super().__init__(contents)
            return
        PDFContentStream.__init__(self, contents=b"", compress=False)
        self._contents = compressed
        self.filter = Name("FlateDecode")
        self.length = len(compressed)
        self.length1 = len(contents)


fpdf.output.ftsubset = _SubsetModule()
fpdf.output.PDFFontStream = _FontStream
