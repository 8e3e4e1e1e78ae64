"""The binder's pages and the pieces every part of it is laid out with, and its front (cover and contents).

A4 with a wider binding edge (swapped on even pages in duplex), the `Book` that carries the fonts, styles and
options through a layout and notes where marked flowables land, the ruled tables, the document template, and
the front: laid out once with placeholder page numbers to learn its length, then again with the real ones.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ledger.fields import Field
from ledger.pdf.fonts import Fonts
from ledger.pdf.selection import Part
from ledger.pdf.text import paragraph_markup, styles

if TYPE_CHECKING:
    from ledger.pdf.binder import BinderOptions


PAGE_WIDTH, PAGE_HEIGHT = A4
BINDING = 25 * mm  # the bound edge: holes and staples
OUTER = 15 * mm
TOP = 20 * mm  # room for the running header
BOTTOM = 18 * mm  # room for the page number
FRAME_WIDTH = PAGE_WIDTH - BINDING - OUTER
FRAME_HEIGHT = PAGE_HEIGHT - TOP - BOTTOM
#: A heading lower than this on a page goes to the next, with what it heads.
HEADING_ROOM = 50 * mm
#: A photo's box: the frame's width by a little under half its height, two to a page with captions.
PHOTO_BOX = (FRAME_WIDTH, FRAME_HEIGHT / 2 - 16 * mm)


# Text and styles -------------------------------------------------------------------------------


@dataclass
class Book:
    fonts: Fonts
    options: BinderOptions
    title: str
    pairing: str
    year: int
    compiling_unit: str
    missing: set[str] = field(default_factory=set)
    starts: dict[Any, int] = field(default_factory=dict)  # where marked flowables landed, body pages from 1
    volume: tuple[int, int] | None = None  # (this volume, of how many) when the binder is split
    sizing: bool = False  # laying out only to learn where pages fall

    def __post_init__(self) -> None:
        self.styles = styles(self.fonts)

    def para(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(paragraph_markup(text, self.fonts, self.missing), self.styles[style])

    def value(self, field: Field, value: Any) -> str:
        """A field's value on the record sheet: ID and phone numbers masked when personal data is protected."""
        text = field.values.display(value)
        if text and self.options.mask_personal:
            return field.values.masked(text)
        return text


def ruled_table(
    book: Book, rows: list[list[Any]], widths: list[float], *, header: bool = True, commands: Sequence[tuple] = ()
) -> Table:
    cells = [
        [cell if isinstance(cell, Flowable) else book.para(str(cell or ""), "cell") for cell in row] for row in rows
    ]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), book.fonts.main.name),  # else the cells' Helvetica is put in the file
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#808080")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9E1F2")))
    table.setStyle(TableStyle([*style, *commands]))
    return table


# Pages -----------------------------------------------------------------------------------------


class Mark(Flowable):
    """Takes no room; notes the page it lands on, so the contents and bookmarks can point there."""

    def __init__(self, marks: dict[Any, int], key: Any):
        super().__init__()
        self.marks, self.key = marks, key
        self.width = self.height = 0

    def draw(self) -> None:
        self.marks.setdefault(self.key, self.canv.getPageNumber())


def document(buffer: io.BytesIO, book: Book, first_page: int) -> BaseDocTemplate:
    """A document whose odd and even pages swap margins in duplex, so the binding edge stays inside."""
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=book.title,
        author=book.compiling_unit,
        creator="协作台账",
        pageCompression=1,
        initialFontName=book.fonts.main.name,  # else an unused, unembedded Helvetica is listed in the file
    )

    def frame(left: float) -> Frame:
        return Frame(
            left, BOTTOM, FRAME_WIDTH, FRAME_HEIGHT, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
        )

    recto = PageTemplate("recto", [frame(BINDING)])
    verso = PageTemplate("verso", [frame(OUTER)])
    if book.options.duplex:
        # The first page of this document is page `first_page` of the binder: odd pages bind on the left.
        first, second = (recto, verso) if first_page % 2 else (verso, recto)
        first.autoNextPageTemplate, second.autoNextPageTemplate = second.id, first.id
        doc.addPageTemplates([first, second])
    else:
        doc.addPageTemplates([recto])
    return doc


# The front -------------------------------------------------------------------------------------


@dataclass
class Front:
    pdf: bytes
    pages: int
    contents_page: int  # within the front, from 1


def lay_out_front(
    book: Book, parts: list[Part], lists: list[tuple[str, str]], starts: dict[Any, int], *, offset: int = 0
) -> Front:
    """Cover and contents. Without `starts` the page numbers are placeholders of the same width."""

    def page(key: Any) -> str:
        return str(starts[key] + offset) if key in starts else "000"

    marks: dict[Any, int] = {}
    story: list[Flowable] = [Spacer(0, 60 * mm), book.para(book.title, "title"), Spacer(0, 20 * mm)]
    if book.volume:
        story[-1:] = [Spacer(0, 6 * mm), book.para("第{}册　共{}册".format(*book.volume), "cover"), Spacer(0, 14 * mm)]
    for label, value in (("结对关系", book.pairing), ("年　　度", f"{book.year}年"), ("编制单位", book.compiling_unit)):
        story.append(book.para(f"{label}：{value}", "cover"))
    story += [book.para(f"编制日期：{date.today():%Y年%m月%d日}", "cover"), PageBreak()]
    story += [Mark(marks, "contents"), book.para("目　　录", "heading1"), Spacer(0, 4 * mm)]
    rows: list[list[Any]] = [["", book.para(title, "toc1"), page(key)] for key, title in lists]
    keep: list[tuple] = []  # a section's line stays on the page of its first record's
    for part in parts:
        style = "toc1" if part.level == 0 else "toc2"
        keep.append(("NOSPLIT", (0, len(rows)), (-1, len(rows) + 1)))
        rows.append(["", book.para(part.heading, style), page(part.key)])
        for item in part.items:
            rows.append(
                [
                    str(item.number),
                    book.para(f"{item.record.title}（{item.when}）", "toc3"),
                    page(("item", item.number)),
                ]
            )
    if rows:
        table = ruled_table(book, rows, [14 * mm, FRAME_WIDTH - 30 * mm, 16 * mm], header=False)
        lines = [("GRID", (0, 0), (-1, -1), 0, colors.white), ("ALIGN", (2, 0), (2, -1), "RIGHT")]
        table.setStyle(TableStyle(lines + [rule for rule in keep if rule[2][1] < len(rows)]))
        story.append(table)
    buffer = io.BytesIO()
    document(buffer, book, 1).build(story)
    pdf = buffer.getvalue()
    return Front(pdf, len(PdfReader(io.BytesIO(pdf)).pages), marks.get("contents", 2))
