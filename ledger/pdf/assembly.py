"""Putting a volume of the binder together with pypdf, and moving the volumes in as one set.

The front and body laid out by reportlab are joined, each scan's page put in place of its placeholder (scaled
down to A4 when larger, a landscape one turned to be bound as landscape tables are), every page stamped with
the running header and 第 X 页 共 Y 页 in one numbering, bookmarks added nested as the contents are, and the
file written beside its final name. The volumes (分册) are named and go in together (`outputs.publish`), so a
failed or cancelled build leaves the earlier set or the new one, never a half file or a mix.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ledger.jobs import Job
from ledger.pdf.body import GAPS, SUMMARY, Body
from ledger.pdf.layout import BINDING, BOTTOM, OUTER, PAGE_HEIGHT, PAGE_WIDTH, TOP, Book, Front
from ledger.pdf.text import draw_string, string_width
from ledger.storage.outputs import forget, publish, temporary_beside, write_synced

if TYPE_CHECKING:
    from ledger.pdf.binder import BinderResult


def assemble(
    book: Book,
    front: Front,
    body: Body,
    result: BinderResult,
    out: Path,
    job: Job,
    notes: Path | None = None,
) -> Path:
    """The volume's pages put together in a temporary file beside `out` (noted in `notes`), returned for
    renaming."""
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(front.pdf)).pages:
        writer.add_page(page)
    readers: dict[Path, PdfReader] = {}
    for number, page in enumerate(PdfReader(io.BytesIO(body.pdf)).pages, 1):
        if number in body.scans:
            scan_path, index = body.scans[number]
            reader = readers.get(scan_path) or readers.setdefault(scan_path, PdfReader(scan_path, strict=False))
            _place(writer.add_blank_page(PAGE_WIDTH, PAGE_HEIGHT), reader.pages[index])
        else:
            writer.add_page(page)
        if number % 50 == 0:
            job.check()
    total = len(writer.pages)
    headers = _headers(book, front, body, total)
    overlay = PdfReader(io.BytesIO(_overlay(book, headers, total)))
    for page, stamp in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(stamp)
    _bookmarks(writer, book, front, body)
    writer.add_metadata({"/Title": book.title, "/Author": book.compiling_unit, "/Creator": "协作台账"})
    result.pages += total
    return _write_temporary(writer, out, notes)


def _place(page, source) -> None:
    """Draws a scan's page on a blank A4 `page` of the writer, centred, scaled down to fit when larger.

    It is turned as it displays (its /Rotate folded into the placement, since merging ignores it), and a
    landscape page is turned a further quarter with its top to the left, as landscape tables are bound, so
    it prints at full size instead of shrunk to the width of a portrait page."""
    box = source.cropbox
    rotation = source.get("/Rotate", 0) % 360
    width, height = float(box.width), float(box.height)
    if rotation % 180:
        width, height = height, width
    if width > height:
        rotation = (rotation - 90) % 360
        width, height = height, width
    scale = min(1.0, PAGE_WIDTH / width, PAGE_HEIGHT / height)
    centre_x, centre_y = float(box.left) + float(box.width) / 2, float(box.bottom) + float(box.height) / 2
    placement = (
        Transformation()
        .translate(-centre_x, -centre_y)
        .rotate(-rotation)
        .scale(scale)
        .translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    )
    page.merge_transformed_page(source, placement)


def _headers(book: Book, front: Front, body: Body, total: int) -> list[str]:
    """The running header of every page: the section it belongs to."""
    headers = [""] * front.pages  # the cover has none; the contents say 目录
    for index in range(front.contents_page - 1, front.pages):
        headers[index] = "目录"
    current = ""
    starts = dict(body.sections)
    for page in range(1, body.pages + 1):
        current = starts.get(page, current)
        headers.append(current)
    return headers


def _overlay(book: Book, headers: list[str], total: int) -> bytes:
    """One page per binder page carrying its running header and 第 X 页 共 Y 页."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=book.fonts.main.name)
    size = 9
    for number, header in enumerate(headers, 1):
        recto = not book.options.duplex or number % 2 == 1
        left = BINDING if recto else OUTER
        right = PAGE_WIDTH - (OUTER if recto else BINDING)
        if number > 1:
            top = f"{book.pairing}　{book.year}年　{header}".rstrip()
            canvas.setStrokeColor(colors.HexColor("#808080"))
            canvas.setLineWidth(0.5)
            canvas.line(left, PAGE_HEIGHT - TOP + 4 * mm, right, PAGE_HEIGHT - TOP + 4 * mm)
            draw_string(canvas, left, PAGE_HEIGHT - TOP + 6 * mm, top, book.fonts, size)
        footer = f"第 {number} 页　共 {total} 页"
        width = string_width(footer, book.fonts, size)
        x = (left + right - width) / 2
        # A white band keeps the number legible on a scanned page that prints to its edge.
        canvas.setFillColor(colors.white)
        canvas.rect(x - 2 * mm, BOTTOM - 12 * mm, width + 4 * mm, 6 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        draw_string(canvas, x, BOTTOM - 10 * mm, footer, book.fonts, size)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _bookmarks(writer: PdfWriter, book: Book, front: Front, body: Body) -> None:
    """Bookmarks nested as the contents: sections by level, then their records."""
    offset = front.pages - 1  # body page 1 is binder page front.pages + 1, index front.pages
    writer.add_outline_item(title="目录", page_number=front.contents_page - 1)
    for key, title in (("gaps", GAPS), ("summary", SUMMARY)):
        if key in body.starts:
            writer.add_outline_item(title=title, page_number=body.starts[key] + offset)
    parents: list[Any] = []
    for part in body.parts:
        page = body.starts.get(("section", part.section.number))
        if page is None:
            continue
        del parents[part.level :]
        parent = parents[-1] if parents else None
        node = writer.add_outline_item(title=part.heading, page_number=page + offset, parent=parent)
        parents.append(node)
        for item in part.items:
            writer.add_outline_item(
                title=f"{item.number}　{item.record.title}",
                page_number=body.starts[("item", item.number)] + offset,
                parent=node,
            )


def _write_temporary(writer: PdfWriter, out: Path, notes: Path | None = None) -> Path:
    handle, temporary = temporary_beside(out, notes)
    try:
        write_synced(handle, writer.write)
    except BaseException:
        temporary.unlink(missing_ok=True)
        forget(temporary, notes)
        raise
    return temporary


# The volumes -----------------------------------------------------------------------------------


def volume_paths(out: Path, count: int) -> list[Path]:
    """`out` itself for one volume; 佐证材料-第1册.pdf, 佐证材料-第2册.pdf … beside it for several."""
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-第{number}册{out.suffix}") for number in range(1, count + 1)]


def earlier_volumes(out: Path) -> list[Path]:
    """`out` and its volumes 佐证材料-第N册.pdf as a build before this one left them."""
    found = [out] if os.path.lexists(out) else []
    if out.parent.is_dir():
        pattern = re.compile(re.escape(out.stem) + r"-第(\d+)册" + re.escape(out.suffix))
        found += sorted(
            (path for path in out.parent.iterdir() if pattern.fullmatch(path.name)),
            key=lambda path: int(pattern.fullmatch(path.name)[1]),
        )
    return found


def publish_volumes(volumes: Iterable[tuple[Path, Path]], replaces: list[Path], notes: Path) -> None:
    """Takes each volume's (temporary file, final name) as `volumes` makes it, then moves the set in under the
    final names, `replaces` (an earlier set) going; if making or moving any fails, the temporaries go."""
    written: list[tuple[Path, Path]] = []  # (temporary, final)
    try:
        for volume in volumes:  # one at a time: those made before a failure are known, to be removed
            written.append(volume)
        # The old set aside, the new one in, the old one removed: a kill leaves one set whole, never a mix.
        publish(written, replaces=replaces, notes=notes)
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
            forget(temporary, notes)
        raise
