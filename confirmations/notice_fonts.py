"""The fonts of the notices, and the markup that prints any script in them.

Noto fonts are vendored in confirmations/fonts/ (see its README for sources and licence) and
embedded in every PDF, so a name in Chinese, Korean, Arabic, Hebrew, Bengali or Cyrillic prints
in every notice, the English one included. No single TrueType font covers every script, so text is
cut into runs and each run that Noto Sans cannot print goes into the first fallback that can.

Shaping (Arabic joining, Bengali conjuncts, Hebrew and Arabic glyph order within a word) is done by
reportlab with HarfBuzz (the uharfbuzz package; ParagraphStyle(shaping=1)). reportlab lays words
out left to right, so a run of right-to-left words inside a left-to-right line is written in
reverse word order here (the visual order). docs/decisions/0011-notice-languages-and-fonts.md
has the limits.
"""

import functools
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
BODY = "NotoSans"
BOLD = "NotoSans-Bold"
FILES = {
    BODY: "NotoSans-Regular.ttf",
    BOLD: "NotoSans-Bold.ttf",
    "NotoSansArabic": "NotoSansArabic-Regular.ttf",
    "NotoSansHebrew": "NotoSansHebrew-Regular.ttf",
    "NotoSansBengali": "NotoSansBengali-Regular.ttf",
    "NotoSansSC": "NotoSansSC-Regular.ttf",
    "NotoSansKR": "NotoSansKR-Regular.ttf",
}
FALLBACKS = ("NotoSansArabic", "NotoSansHebrew", "NotoSansBengali", "NotoSansSC", "NotoSansKR")


@functools.cache
def register() -> None:
    """Register the fonts with reportlab once per process."""
    # HarfBuzz's optional ligatures would print "fi" as one glyph that a PDF reader copies, finds
    # and reads aloud as U+FB01, and "محمد" as one sign: off. The ligatures a script needs
    # (Arabic lam-alef, Bengali conjuncts) are required features and stay on.
    ttfonts.shapeFragWord.__defaults__[0].update(liga=False, dlig=False)
    for name, filename in FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


def _covers(font_name: str, char: str) -> bool:
    return ord(char) in pdfmetrics.getFont(font_name).face.charToGlyph


def covers(font_name: str, char: str) -> bool:
    return _covers(font_name, char)


def font_for(char: str, base: str = BODY) -> str:
    """The font a letter prints in."""
    register()
    return _font_for(char, base, base)


def _font_for(char: str, base: str, current: str) -> str:
    if char.isspace() or (unicodedata.category(char)[0] in "PZ" and _covers(current, char)):
        return current  # spaces and punctuation stay with the run they are in
    if _covers(base, char):
        return base
    return next((name for name in FALLBACKS if _covers(name, char)), base)


# Scripts that need HarfBuzz: Arabic letters join, Bengali forms conjuncts, Hebrew and Arabic run
# right to left within a word. Other text is not shaped: reportlab shapes a word in the font of
# its first letter, so a word that changes font midway (a Latin code after Chinese punctuation)
# would print the wrong glyphs.
_SHAPED_SCRIPTS = ((0x0590, 0x08FF), (0x0980, 0x09FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


def needs_shaping(text: str) -> bool:
    return any(low <= ord(ch) <= high for ch in text for low, high in _SHAPED_SCRIPTS)


def is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def visual_word_order(text: str) -> str:
    """In a left-to-right line, a run of right-to-left words (a name in Arabic script) is
    printed last word first: HarfBuzz orders the letters within each word, reportlab the words."""
    words = text.split(" ")
    out, run = [], []
    for word in words:
        if is_rtl(word):
            run.append(word)
            continue
        out += reversed(run)
        run = []
        out.append(word)
    out += reversed(run)
    return " ".join(out)


def runs(text: str, base: str = BODY) -> list[tuple[str, str]]:
    """`text` cut into (font, piece) runs, each piece in a font that can print it."""
    register()
    pieces, run, run_font = [], "", base
    for char in text:
        font = _font_for(char, base, run_font)
        if font != run_font and run:
            pieces.append((run_font, run))
            run = ""
        run_font = font
        run += char
    if run:
        pieces.append((run_font, run))
    return pieces


def text_width(text: str, base: str, size: float) -> float:
    """The printed width of `text` before shaping (joined Arabic letters are narrower)."""
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece in runs(text, base))


def markup(text: str, base: str = BODY) -> str:
    """reportlab Paragraph markup for `text`: escaped, each run in a font that can print it."""
    return "".join(
        escape(piece) if font == base else f'<font face="{font}">{escape(piece)}</font>'
        for font, piece in runs(text, base)
    )
