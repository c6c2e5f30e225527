"""Right-to-left paragraphs in the notices (Arabic, Urdu, Yiddish).

reportlab lays words out left to right and its own right-to-left layout needs rlbidi, which is
not on PyPI. So a paragraph whose first strong letter is right to left is laid out here: broken
into lines in the order it is read (logical order), then each line is written in visual order
(the words of a right-to-left run last first; a run of left-to-right words such as a reference
number or a Latin name keeps its own order) and right aligned. HarfBuzz orders the letters
within each word (notice_fonts). A paragraph that starts with a left-to-right letter (a text not
yet translated, a URL) stays an ordinary left-aligned paragraph.
"""

import unicodedata
from copy import copy

from reportlab.lib.enums import TA_RIGHT
from reportlab.platypus import Flowable, Paragraph

from . import notice_fonts

# Unshaped widths are measured; keep a margin so that reportlab never rewraps a line we broke.
FILL = 0.96


def starts_right_to_left(text: str) -> bool:
    """The paragraph's direction: that of its first strong letter (Unicode bidi rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def visual_order(words: list[str]) -> list[str]:
    """A right-to-left line's words as printed from left to right."""
    groups: list[tuple[bool, list[str]]] = []
    for word in words:
        rtl = notice_fonts.is_rtl(word) or not any(ch.isalpha() for ch in word)
        if groups and groups[-1][0] == rtl:
            groups[-1][1].append(word)
        else:
            groups.append((rtl, [word]))
    out = []
    for rtl, group in reversed(groups):
        out += list(reversed(group)) if rtl else group
    return out


def _tokens(text: str, base: str) -> list[str]:
    """The words of `text`; punctuation at either end of a right-to-left word that the word's
    font lacks (Noto Sans Hebrew has no "." or ":") becomes a word of its own: reportlab shapes a
    word in the font of its first letter, so a word must not change font."""
    tokens = []
    for word in text.split():
        letters = [ch for ch in word if unicodedata.bidirectional(ch) in ("R", "AL")]
        font = notice_fonts.font_for(letters[0], base) if letters else None
        if font is None:
            tokens.append(word)
            continue
        start, end = 0, len(word)
        while start < end and not notice_fonts.covers(font, word[start]):
            start += 1
        while end > start and not notice_fonts.covers(font, word[end - 1]):
            end -= 1
        tokens += [part for part in (word[:start], word[start:end], word[end:]) if part]
    return tokens


def break_lines(text: str, base: str, size: float, width: float) -> list[list[str]]:
    lines, line = [], []
    for word in _tokens(text, base):
        trial = " ".join([*line, word])
        if line and notice_fonts.text_width(trial, base, size) > width * FILL:
            lines.append(line)
            line = [word]
        else:
            line.append(word)
    return [*lines, line] if line else lines


class RightToLeftParagraph(Flowable):
    def __init__(self, text: str, style):
        super().__init__()
        self.text = text
        self.style = copy(style)
        self.style.alignment = TA_RIGHT
        self.base = notice_fonts.BOLD if style.fontName == notice_fonts.BOLD else notice_fonts.BODY
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter
        self._lines: list[tuple[Paragraph, float]] = []

    def wrap(self, available_width, available_height):
        self._lines = []
        for words in break_lines(self.text, self.base, self.style.fontSize, available_width):
            line = " ".join(visual_order(words))
            paragraph = Paragraph(notice_fonts.markup(line, self.base), self.style)
            _, height = paragraph.wrap(available_width, available_height)
            self._lines.append((paragraph, height))
        self.width = available_width
        self.height = sum(height for _, height in self._lines)
        return self.width, self.height

    def draw(self):
        y = self.height
        for paragraph, height in self._lines:
            y -= height
            paragraph.drawOn(self.canv, 0, y)
