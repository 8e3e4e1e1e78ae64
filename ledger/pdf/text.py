"""Chinese text for reportlab: paragraph markup with per-character font fallback, styles, line breaking.

A character the body font lacks prints blank without an error, so text is cut into runs by the font that
has each character (`Fonts.face_for`); a character no font has is reported and printed as 〓, the
typesetter's mark for a missing glyph, so the reader sees that something is there.

Line breaking: reportlab's CJK wrapping (`wordWrap='CJK'`) lets ，；：！？》” start a line (its list lacks
them), hangs a closing mark past the margin only one at a time (so of "）。" or "”，" the second still starts
a line), and never checks the characters that must not end a line (“ 《 （). Its
two splitters — `textsplit.dumbSplit` for a paragraph in one font, `paragraph.cjkFragSplit` for one of
several runs — are replaced on import by one that follows the Chinese rules (GB/T 15834, clreq): when a
line is full it breaks at the last place where the next character may start a line and the previous one
may end it, pushing characters down rather than past the margin, so no style needs room for overhang.
Runs of Latin letters and digits (2023, 13.5%, URLs) are kept whole when they fit on a line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

import reportlab.lib.textsplit as textsplit
import reportlab.platypus.paragraph as paragraph
from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.rl_config import _FUZZ

from ledger.pdf.fonts import FontFace, Fonts

# Never at the start of a line: closing punctuation, marks, small kana and the like.
CANNOT_START = frozenset(textsplit.ALL_CANNOT_START + "，。、；：！？）」』》〉】〕〗〙〛｝”’…·・％‰℃﹚﹜")
# Never at the end of a line: opening brackets and quotes, currency signs.
CANNOT_END = frozenset(textsplit.ALL_CANNOT_END + "(（「『《〈【〔〖〘〚｛“‘")
# Printed in place of a character no font has (GETA MARK).
MISSING_MARK = "〓"


def paragraph_markup(text: str, fonts: Fonts, missing: set[str]) -> str:
    """`text` as reportlab Paragraph markup: escaped, line breaks kept, runs the body font lacks in the font
    that has them; characters no font has are added to `missing` and print as 〓."""
    parts = []
    for line_number, line in enumerate(_lines(text)):
        if line_number:
            parts.append("<br/>")
        for face, run in _runs(line, fonts, missing):
            run = escape(run)
            parts.append(run if face == fonts.main else f'<font name="{face.name}">{run}</font>')
    return "".join(parts)


def draw_string(canvas, x: float, y: float, text: str, fonts: Fonts, size: float) -> None:
    """One line of text on a canvas (headers, footers), each run in the font that has it.

    Leaves the canvas in the last run's font: set the font again before drawing with another one."""
    for face, run in _runs(" ".join(_lines(text)), fonts, set()):
        canvas.setFont(face.name, size)
        canvas.drawString(x, y, run)
        x += stringWidth(run, face.name, size)


def string_width(text: str, fonts: Fonts, size: float) -> float:
    return sum(stringWidth(run, face.name, size) for face, run in _runs(" ".join(_lines(text)), fonts, set()))


def styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    """The binder's paragraph styles, all in the body font (there is no bold Chinese face to rely on)."""
    font = fonts.main.name

    def style(name: str, size: float, leading: float, **more) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **more)

    # Sizes of Chinese official documents: 二号 22 pt, 三号 16, 小四 12, 五号 10.5, 小五 9.
    return {
        "body": style("body", 10.5, 16, spaceAfter=4),
        "small": style("small", 9, 13),
        "caption": style("caption", 9, 13, alignment=TA_CENTER),
        "cell": style("cell", 9, 12.5),
        "cell_header": style("cell_header", 9, 12.5, alignment=TA_CENTER),
        "title": style("title", 22, 32, alignment=TA_CENTER),
        "cover": style("cover", 16, 30, alignment=TA_CENTER),
        # No keepWithNext: it binds a heading to a whole long table and moves both to the next page, leaving
        # a blank one; a conditional page break before the heading keeps it off a page's foot instead.
        "heading1": style("heading1", 16, 24, spaceBefore=6, spaceAfter=8),
        "heading2": style("heading2", 12, 18, spaceBefore=6, spaceAfter=4),
        "toc1": style("toc1", 12, 18),
        "toc2": style("toc2", 10.5, 16, leftIndent=10.5),
        "toc3": style("toc3", 9, 13, leftIndent=21),
    }


def _lines(text: str) -> list[str]:
    # Tabs print as nothing in these fonts; text pasted from Windows programs brings "\r\n".
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n")


def _runs(text: str, fonts: Fonts, missing: set[str]) -> Iterator[tuple[FontFace, str]]:
    """`text` cut into (face, run); control and format characters (zero-width space, BOM) are dropped."""
    current, run = fonts.main, []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf"):
            continue
        if char.isspace():
            face = current  # a space never starts a run of its own
        else:
            face = fonts.face_for(char)
            if face is None:
                missing.add(char)
                char, face = MISSING_MARK, fonts.face_for(MISSING_MARK) or fonts.main
        if face != current and run:
            yield current, "".join(run)
            run = []
        current = face
        run.append(char)
    if run:
        yield current, "".join(run)


# Line breaking -----------------------------------------------------------------------------------


def _may_break(before: str, after: str) -> bool:
    if after in CANNOT_START or before in CANNOT_END:
        return False
    return not (_in_word(before) and _in_word(after))


def _in_word(char: str) -> bool:
    # Below the CJK blocks and not a space: Latin, digits, and the dashes and ellipses that go in pairs (——, ……).
    return bool(char) and ord(char) < 0x2E80 and not char.isspace()


def _break_lines(
    chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float], hard: set[int]
) -> list[tuple[int, int, float, bool]]:
    """(start, end, width available, ends at a hard break) of each line of `chars`.

    `hard` holds the indices of <br/> marks, which end their line. Where no break is allowed in a full line
    (one long number) it breaks where the line is full."""
    lines = []
    start, count = 0, len(chars)
    while start < count:
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        end, used, is_hard = start, 0.0, False
        while end < count:
            if end in hard:
                end, is_hard = end + 1, True
                break
            if end > start and used + widths[end] > limit + _FUZZ:
                end = next((at for at in range(end, start, -1) if _may_break(chars[at - 1], chars[at])), end)
                break
            used += widths[end]
            end += 1
        lines.append((start, end, limit, is_hard))
        start = end
        while not is_hard and start < count and chars[start].isspace():
            start += 1  # a space where a line was broken is not printed
    return lines


def _dumb_split(word: str, widths: Sequence[float], max_widths: float | Sequence[float]) -> list[list]:
    """textsplit.dumbSplit (a paragraph in one font): [[space left, line text], …]."""
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    return [
        [limit - sum(widths[start:end]), word[start:end].strip()]
        for start, end, limit, _ in _break_lines(word, widths, max_widths, set())
    ]


def _cjk_frag_split(frags, max_widths, calc_bounds, encoding="utf8"):
    """paragraph.cjkFragSplit (a paragraph of several runs, or with <br/>): reportlab's line objects."""
    units = []
    for frag in frags:
        text = frag.text.decode(encoding) if isinstance(frag.text, bytes) else frag.text
        # A frag without text (a <br/>) still takes a place, as in reportlab's own version.
        units += [paragraph.cjkU(char, frag, encoding) for char in text] or [paragraph.cjkU(text, frag, encoding)]
    widths = [unit.width for unit in units]
    hard = {at for at, unit in enumerate(units) if hasattr(unit.frag, "lineBreak")}
    lines = []
    for start, end, limit, is_hard in _break_lines(units, widths, max_widths, hard):
        used = sum(widths[start:end])
        lines.append(paragraph.makeCJKParaLine(units[start:end], limit, used, limit - used, is_hard, calc_bounds))
    return paragraph.ParaLines(kind=1, lines=lines)


textsplit.dumbSplit = _dumb_split
paragraph.cjkFragSplit = _cjk_frag_split
# reportlab writes images and page streams as ASCII85 text by default, in pure Python: half the time of a
# binder with photos and a fifth of its size. PDFs are binary files; nothing needs the text form.
rl_config.useA85 = 0
