"""Archive-box paperwork for the printed binder, after DA/T 22-2015 归档文件整理规则 (6.4 装盒): one A4 PDF.

The records of each framework section go into an archive box (档案盒, 310 × 220 mm, its spine 20, 30, 40
or 50 mm thick), and the standard asks for three things on paper:

- 盒脊, the spine (6.4.1.2, 附录 D 图 D2): 全宗号, 年度, 保管期限, 起止件号 (the first item in the upper cell,
  the last in the lower) and 盒号, top to bottom, each a label cell above its value cell. The Chinese runs
  one character under another, as a spine is read standing on the shelf; runs of digits and Latin letters
  stay upright side by side (纵中横) and shrink to the strip's width when they would not fit. The strips are
  200 mm tall, as wide as the spine, set side by side on A4 between dashed cut lines, to print on card.
- 盒封面, the box's cover (6.4.1.1: it names the 全宗名称): the binder's title, the section heading large,
  and a table of 全宗名称, 年度, 保管期限, 起止件号, 件数, 页数, 盒号.
- 备考表, the notes sheet put after the box's last record (6.4.2, 附录 E): a large box 盒内文件情况说明 with
  a sentence on what the box holds and any notes, and at its foot on the right 整理人, 整理日期, 检查人 and
  检查日期 — the standard's four items, where the older DA/T 22-2000 had a single date.

The order of the pages: all the spines first (printed on card and cut), then each box's cover and its 备考表.
The file is written beside the target and renamed, so a failed build leaves no half file.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from ledger.errors import LedgerError
from ledger.jobs import Job
from ledger.pdf.binder import BinderOptions, SectionPages, lay_out_sections
from ledger.pdf.fonts import Fonts, find_fonts
from ledger.pdf.text import draw_string, paragraph_markup, string_width, styles
from ledger.settings import COMPILING_UNIT, PDF_FONT, read_setting
from ledger.storage.folder import Ledger
from ledger.storage.outputs import refuse_inside_ledger, replacing, write_synced

PAGE_WIDTH, PAGE_HEIGHT = A4
SPINE_WIDTHS = (20, 30, 40, 50)  # the box thicknesses DA/T 22-2015 names, in mm
SPINE_HEIGHT = 200 * mm
CUT = 3 * mm  # from a spine's border to the dashed line it is cut along
SHEET_MARGIN = 10 * mm
CELL_PADDING = 2 * mm
PITCH = 1.15  # line pitch of vertical text, in ems: CJK glyphs fill their em, so little room is needed
GRID = colors.HexColor("#808080")
HEADER_FILL = colors.HexColor("#D9E1F2")
CUT_LINE = colors.HexColor("#A0A0A0")


@dataclass
class Box:
    number: int  # 盒号, from 1
    heading: str  # the framework section, e.g. "一、组织领导"
    first_item: int  # 件号 of its first record
    last_item: int
    items: int  # number of records
    pages: int  # pages of the binder this section fills
    notes: str = ""  # extra 情况说明 text (e.g. "缺少佐证材料 2 件")


@dataclass
class LabelOptions:
    title: str = ""  # the binder's title
    year: int = 0
    compiling_unit: str = ""  # 全宗名称
    fonds: str = ""  # 全宗号
    retention: str = "30年"  # 保管期限
    compiled_by: str = ""  # 整理人
    checked_by: str = ""  # 检查人
    dated: date | None = None  # 日期 on the 备考表; default today
    spine_mm: int = 40


def labels_for_binder(
    ledger: Ledger,
    session: Session,
    out: Path,
    binder: BinderOptions,
    options: LabelOptions,
    *,
    job: Job | None = None,
) -> tuple[list[Box], int]:
    """Labels for the binder that `binder` describes: it is laid out (neither put together nor written) to learn
    each section's items and pages, so give the options the printed binder was made with. `options.title` and
    `options.year` are taken from the binder; the compiling unit from the ledger's setting when not given.
    Returns the boxes and the page count of the labels."""
    refuse_inside_ledger(out, ledger.path, "档案盒标签")
    job = job or Job()
    result = lay_out_sections(ledger, session, binder, job=job)
    boxes = boxes_of(result.sections, result.lacking)
    if not options.compiling_unit:
        options = replace(options, compiling_unit=read_setting(session, COMPILING_UNIT))
    options = replace(options, title=result.title, year=result.year)
    fonts = find_fonts(binder.font or read_setting(session, PDF_FONT) or None)
    pages = build_labels(out, boxes, options, fonts, notes=ledger.cache_dir)
    job.done("完成")
    return boxes, pages


def boxes_of(sections: Sequence[SectionPages], lacking: Collection[int] = ()) -> list[Box]:
    """A box per top-level section of a binder as it was laid out, holding its subsections; a section split
    over two volumes is one box. `lacking`: the item numbers of records still missing evidence, noted."""
    boxes: list[Box] = []
    numbers: list[int] = []
    for section in sections:
        if section.level == 0 and not (boxes and boxes[-1].heading == section.heading):
            numbers = []
            boxes.append(Box(len(boxes) + 1, section.heading, 0, 0, 0, 0))
        if not boxes:
            continue
        box = boxes[-1]
        numbers += section.items
        box.pages += section.pages
        if numbers:
            box.first_item, box.last_item, box.items = min(numbers), max(numbers), len(numbers)
        gaps = sorted(set(numbers) & set(lacking))
        box.notes = f"第 {'、'.join(map(str, gaps))} 件缺少考核要求的佐证材料" if gaps else ""
    return [box for box in boxes if box.items]


def build_labels(
    out: Path, boxes: Sequence[Box], options: LabelOptions, fonts: Fonts, *, notes: Path | None = None
) -> int:
    """Writes spines, then each box's cover and 备考表, to `out` (temp file + os.replace, so a failure leaves no
    half file; the temporary noted in `notes`, the ledger's cache, for its next opening to remove after a
    kill). Returns the page count."""
    if not boxes:
        raise LedgerError("没有要装盒的材料，未生成档案盒标签。")
    if options.spine_mm not in SPINE_WIDTHS:
        widths = "、".join(str(width) for width in SPINE_WIDTHS)
        raise LedgerError(f"盒脊厚度 {options.spine_mm} mm 不可用：请选择 {widths} mm。")
    buffer = io.BytesIO()
    # The body font from the start, else an unused, unembedded Helvetica is listed in the file.
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), initialFontName=fonts.main.name)
    canvas.setTitle(f"{options.title}（档案盒盒脊、封面、备考表）")
    canvas.setAuthor(options.compiling_unit)
    pages = _spine_pages(canvas, boxes, options, fonts)
    sheet_styles = styles(fonts)
    for box in boxes:
        _cover(canvas, box, options, fonts, sheet_styles)
        _notes_sheet(canvas, box, options, fonts, sheet_styles)
        pages += 2
    canvas.save()
    data = buffer.getvalue()
    with replacing(Path(out), notes) as (handle, _):
        write_synced(handle, lambda stream: stream.write(data))
    return pages


# 盒脊 -----------------------------------------------------------------------------------------------


def spines_per_page(spine_mm: int) -> int:
    return int((PAGE_WIDTH - 2 * SHEET_MARGIN) // (spine_mm * mm + 2 * CUT))


def _spine_pages(canvas: Canvas, boxes: Sequence[Box], options: LabelOptions, fonts: Fonts) -> int:
    width = options.spine_mm * mm
    slot = width + 2 * CUT
    per_page = spines_per_page(options.spine_mm)
    # The same grid on every page, the last one filled from the left, so one cutter setting serves them all.
    left = (PAGE_WIDTH - per_page * slot) / 2
    bottom = (PAGE_HEIGHT - SPINE_HEIGHT) / 2
    pages = 0
    for start in range(0, len(boxes), per_page):
        batch = boxes[start : start + per_page]
        draw_string(
            canvas,
            SHEET_MARGIN,
            PAGE_HEIGHT - SHEET_MARGIN - 9,
            f"档案盒盒脊（盒脊厚度 {options.spine_mm} mm）：沿虚线剪下，贴于档案盒盒脊。",
            fonts,
            9,
        )
        canvas.saveState()
        canvas.setStrokeColor(CUT_LINE)
        canvas.setLineWidth(0.3)
        canvas.setDash(3, 2)
        right = left + len(batch) * slot
        for x in [left + n * slot for n in range(len(batch) + 1)]:
            canvas.line(x, bottom - CUT - 5 * mm, x, bottom + SPINE_HEIGHT + CUT + 5 * mm)
        for y in (bottom - CUT, bottom + SPINE_HEIGHT + CUT):
            canvas.line(left - 5 * mm, y, right + 5 * mm, y)
        canvas.restoreState()
        for n, box in enumerate(batch):
            _spine(canvas, left + n * slot + CUT, bottom, width, box, options, fonts)
        canvas.showPage()
        pages += 1
    return pages


def _spine(canvas: Canvas, x: float, bottom: float, width: float, box: Box, options: LabelOptions, fonts: Fonts):
    """One spine, its bottom-left corner at (x, bottom): each field a label cell above its value cell(s)."""
    # Type grows with the spine: labels 10.5 pt (五号) on a 20 mm spine to 12 pt on a 50 mm one, values 16 to 22.
    label_size = 9.5 + options.spine_mm * 0.05
    value_size = 12 + options.spine_mm * 0.2
    fields = [  # label, then (value, share of the values' height, size)
        ("全宗号", [(options.fonds, 1.0, value_size)]),
        ("年度", [(str(options.year), 1.0, value_size)]),
        ("保管期限", [(options.retention, 1.3, value_size)]),
        ("起止件号", [(str(box.first_item), 0.8, value_size), (str(box.last_item), 0.8, value_size)]),
        ("盒号", [(str(box.number), 1.3, value_size * 1.4)]),
    ]
    label_heights = {label: len(label) * label_size * PITCH + 2 * CELL_PADDING for label, _ in fields}
    weights = sum(weight for _, values in fields for _, weight, _ in values)
    share = (SPINE_HEIGHT - sum(label_heights.values())) / weights
    canvas.saveState()
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.5)
    top = bottom + SPINE_HEIGHT
    for label, values in fields:
        height = label_heights[label]
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(x, top - height, width, height, stroke=1, fill=1)
        canvas.setFillColor(colors.black)
        _cell_text(canvas, label, fonts, label_size, x, top, width, height)
        top -= height
        for value, weight, size in values:
            height = weight * share
            canvas.rect(x, top - height, width, height, stroke=1, fill=0)
            _cell_text(canvas, value, fonts, size, x, top, width, height)
            top -= height
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(1)
    canvas.rect(x, bottom, width, SPINE_HEIGHT, stroke=1, fill=0)
    canvas.restoreState()


def _cell_text(canvas: Canvas, text: str, fonts: Fonts, size: float, x: float, top: float, width: float, height: float):
    inner_width, inner_height = width - 2 * CELL_PADDING, height - 2 * CELL_PADDING
    _vertical(canvas, text, fonts, size, x + CELL_PADDING, top - height + CELL_PADDING, inner_width, inner_height)


def _vertical(canvas: Canvas, text: str, fonts: Fonts, size: float, x: float, y: float, width: float, height: float):
    """`text` one unit under another, centred in the box whose bottom-left corner is (x, y).

    The whole column shrinks to fit the height; an upright run of digits too wide for the strip shrinks alone."""
    units = _units(text)
    if not units:
        return
    size = min(size, height / (len(units) * PITCH))
    step = size * PITCH
    top = y + (height + len(units) * step) / 2
    for n, unit in enumerate(units):
        unit_size = min(size, width / string_width(unit, fonts, 1))
        centre = top - (n + 0.5) * step
        # An ideograph's em box runs from about -0.12 to 0.88 of the size about the baseline, a digit's ink
        # from 0 to 0.72: 0.36 above the baseline is near the middle of both.
        left = x + (width - string_width(unit, fonts, unit_size)) / 2
        draw_string(canvas, left, centre - 0.36 * unit_size, unit, fonts, unit_size)


def _units(text: str) -> list[str]:
    """Vertical text's units: each Chinese character on its own, runs of digits and Latin letters together."""
    units: list[str] = []
    for char in text.strip():
        if char.isspace():
            continue
        if units and _upright(char) and _upright(units[-1][-1]):
            units[-1] += char
        else:
            units.append(char)
    return units


def _upright(char: str) -> bool:
    return ord(char) < 0x2E80  # below the CJK blocks: Latin letters, digits, their punctuation


# 盒封面 and 备考表 ------------------------------------------------------------------------------------


def _cover(canvas: Canvas, box: Box, options: LabelOptions, fonts: Fonts, sheet_styles: dict[str, ParagraphStyle]):
    _frame(canvas)
    title = ParagraphStyle("box_title", parent=sheet_styles["cover"], fontSize=16, leading=26)
    heading = ParagraphStyle("box_heading", parent=sheet_styles["title"], fontSize=28, leading=42)
    # A long heading shrinks rather than push the table off the page.
    block = KeepInFrame(
        150 * mm,
        75 * mm,
        [_para(options.title, title, fonts), Spacer(0, 16 * mm), _para(box.heading, heading, fonts)],
        mode="shrink",
    )
    _place(canvas, block, 30 * mm, PAGE_HEIGHT - 55 * mm, 150 * mm)

    label = ParagraphStyle("box_label", parent=sheet_styles["cell_header"], fontSize=14, leading=20)
    rows = [
        ("全宗名称", options.compiling_unit),
        ("年度", str(options.year)),
        ("保管期限", options.retention),
        ("起止件号", f"{box.first_item}—{box.last_item}"),
        ("件数", str(box.items)),
        ("页数", str(box.pages)),
        ("盒号", str(box.number)),
    ]
    table = Table([[_para(name, label, fonts), _para(value, label, fonts)] for name, value in rows], [38 * mm, 92 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("FONTNAME", (0, 0), (-1, -1), fonts.main.name),  # a table sets its cells' font, Helvetica if not
                ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 10),  # rows of 14 mm: room to fill in a blank one by hand
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    _place(canvas, table, (PAGE_WIDTH - 130 * mm) / 2, PAGE_HEIGHT - 145 * mm, 130 * mm)
    canvas.showPage()


def _notes_sheet(
    canvas: Canvas, box: Box, options: LabelOptions, fonts: Fonts, sheet_styles: dict[str, ParagraphStyle]
):
    title = ParagraphStyle("notes_title", parent=sheet_styles["title"], fontSize=22, leading=32)
    left, right, top, bottom = 25 * mm, PAGE_WIDTH - 25 * mm, PAGE_HEIGHT - 50 * mm, 30 * mm
    _place(canvas, _para("备　考　表", title, fonts), left, PAGE_HEIGHT - 25 * mm, right - left)
    canvas.saveState()
    canvas.setLineWidth(1)
    canvas.rect(left, bottom, right - left, top - bottom)
    canvas.restoreState()

    heading = ParagraphStyle("notes_heading", parent=sheet_styles["heading2"], fontSize=14, leading=20)
    body = ParagraphStyle("notes_body", parent=sheet_styles["body"], fontSize=12, leading=24, firstLineIndent=24)
    lines = [f"本盒共 {box.items} 件，{box.pages} 页；起止件号 {box.first_item}—{box.last_item}。"]
    lines += [line.strip() for line in box.notes.splitlines() if line.strip()]
    # Notes are sentences of the 说明: one without an end mark gets a full stop.
    lines = [line if line[-1] in "。！？；…）" else line + "。" for line in lines]
    signatures_top = bottom + 55 * mm
    inner_width, inner_height = right - left - 16 * mm, top - 8 * mm - signatures_top
    content = [_para("盒内文件情况说明", heading, fonts), Spacer(0, 4 * mm), *(_para(t, body, fonts) for t in lines)]
    # Long notes shrink rather than run into the signatures.
    notes = KeepInFrame(inner_width, inner_height, content, mode="shrink")
    _place(canvas, notes, left + 8 * mm, top - 8 * mm, inner_width)

    dated = options.dated or date.today()
    day = f"{dated.year}年{dated.month}月{dated.day}日"
    signatures = [
        ("整理人：", options.compiled_by),
        ("整理日期：", day),
        ("检查人：", options.checked_by),
        # The check is the checker's to date: the day is printed only for a named checker, else left to fill in.
        ("检查日期：", day if options.checked_by else "　　　　年　　月　　日"),
    ]
    size, label_x, line_end = 12, right - 82 * mm, right - 10 * mm
    value_x = label_x + string_width("检查日期：", fonts, size) + 2 * mm
    canvas.setLineWidth(0.5)
    for n, (label, value) in enumerate(signatures):
        y = signatures_top - 10 * mm - n * 11 * mm
        draw_string(canvas, label_x, y, label, fonts, size)
        draw_string(canvas, value_x + 1 * mm, y, value, fonts, size)
        canvas.line(value_x, y - 1.5 * mm, line_end, y - 1.5 * mm)
    canvas.showPage()


def _para(text: str, style: ParagraphStyle, fonts: Fonts) -> Paragraph:
    # Characters no font has print as 〓; the binder, built from the same text, is where they are reported.
    return Paragraph(paragraph_markup(text, fonts, set()), style)


def _frame(canvas: Canvas) -> None:
    """A cover's double rule, as printed box covers have."""
    canvas.saveState()
    canvas.setLineWidth(1.5)
    canvas.rect(18 * mm, 18 * mm, PAGE_WIDTH - 36 * mm, PAGE_HEIGHT - 36 * mm)
    canvas.setLineWidth(0.5)
    canvas.rect(20 * mm, 20 * mm, PAGE_WIDTH - 40 * mm, PAGE_HEIGHT - 40 * mm)
    canvas.restoreState()


def _place(canvas: Canvas, flowable: Flowable, x: float, top: float, width: float) -> float:
    """Draws `flowable` with its top at `top`; returns where its bottom is."""
    _, height = flowable.wrapOn(canvas, width, PAGE_HEIGHT)
    flowable.drawOn(canvas, x, top - height)
    return top - height
