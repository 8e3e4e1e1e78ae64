"""The evidence binder (佐证材料): the year's records and their evidence as one print-ready PDF.

Order: cover, contents (目录), the summary of the plans' targets (指标完成情况汇总表), then each section of the
assessment framework: a list of its records, and each record's sheet (登记表) followed by its evidence —
photos two to a page, scanned PDFs merged page by page, other files named in the sheet's list.

It is built in passes, because the contents must name pages that exist only once the rest is laid out:
the body is laid out first with reportlab, each record's first page noted as it is drawn and each page of a
scan held by an empty placeholder page; the front (cover and contents) is laid out with placeholder page
numbers to learn its length, then again with the real ones. pypdf then puts the scans' pages in place of
their placeholders (scaled down to A4 when larger), stamps every page — merged ones included — with the
running header and 第 X 页 共 Y 页 in one numbering, adds bookmarks nested as the contents are, and the file
is written beside the target and renamed, so a failed or cancelled build leaves no half file. Volumes (分册) go
in as one set (`outputs.publish`): the earlier set renamed aside, the new one moved in, the old one removed, so
a failure or a kill leaves the old set or the new one under the final names, never a mix.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.assessment import frameworks
from ledger.assessment.frameworks import Framework, Section
from ledger.assessment.gaps import Gap, find_gaps, scope
from ledger.errors import LedgerError
from ledger.evidence import live_attachments
from ledger.fields import FieldType
from ledger.kinds import KINDS, MODELS
from ledger.models import Attachment, Pairing, Plan, Record, Setting
from ledger.pdf.fonts import Fonts, find_fonts
from ledger.pdf.media import Cancelled, Listed, Photo, Prepared, Scan, Unusable, photo_pixels, prepare
from ledger.pdf.text import draw_string, paragraph_markup, string_width, styles
from ledger.plans.measures import MEASURES
from ledger.plans.progress import STATES, TaskProgress, plan_progress
from ledger.plans.store import list_plans, number_text, target_label
from ledger.records import record_values
from ledger.storage.folder import Ledger
from ledger.storage.outputs import forget, publish, refuse_inside_ledger, temporary_beside
from ledger.validation import display

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

Progress = Callable[[float, str], None]
GAPS = "佐证材料缺项清单"
SUMMARY = "指标完成情况汇总表"


@dataclass
class BinderOptions:
    pairing: str | None = None
    year: int | None = None
    framework: str | None = None  # a shipped framework's name; default: the one for the year
    sections: Sequence[str] = ()  # section numbers to include; default: all
    evidence: bool = True
    mask_personal: bool = True
    dpi: int = 150
    duplex: bool = False
    as_of: date | None = None
    gaps: bool = True  # open with the list of records missing expected evidence, when there are any
    font: str | None = None  # a font file or family; default: the ledger's setting, else found on the machine
    volume_pages: int | None = None  # split into volumes (分册) of about this many body pages, at sections


@dataclass
class Problem:
    """Evidence that could not be included; its place in the binder says so too."""

    item: int
    title: str
    file_name: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.item}件“{self.title}”的 {self.file_name}：{self.reason}"


@dataclass
class SectionPages:
    """A section as printed: its records' item numbers and the pages it fills (its own, not its subsections')."""

    number: str
    heading: str
    level: int
    volume: int  # from 1
    items: list[int]
    pages: int


@dataclass
class BinderResult:
    path: Path  # the binder, or its first volume
    title: str = ""
    year: int = 0
    volumes: list[Path] = field(default_factory=list)  # every file written, in order
    pages: int = 0  # of all volumes together
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)  # characters no font has, printed as 〓
    sections: list[SectionPages] = field(default_factory=list)  # in binder order, a continued one again
    lacking: list[int] = field(default_factory=list)  # item numbers of records missing expected evidence


@dataclass
class _Item:
    """A record in the binder, with its item number (件号) in binder order."""

    number: int
    record: Record
    values: dict[str, Any]
    attachments: list[Attachment]

    @property
    def when(self) -> str:
        spec = KINDS[self.record.kind]
        start = self.values.get(spec.date_field)
        end = self.values.get("end_date") if spec.date_field == "start_date" else None
        if start and end and end != start:
            return f"{start:%Y.%m.%d}—{end:%Y.%m.%d}"
        return f"{start:%Y.%m.%d}" if start else ""


@dataclass
class _Part:
    """A section of the framework as the binder holds it."""

    section: Section
    level: int
    items: list[_Item] = field(default_factory=list)
    continued: bool = False  # a heading repeated at the start of a volume, its records in the one before

    @property
    def key(self) -> tuple[str, str]:
        return ("section", self.section.number)

    @property
    def heading(self) -> str:
        return f"{self.section.heading}（续）" if self.continued else self.section.heading


def build_binder(
    ledger: Ledger,
    session: Session,
    out: Path,
    options: BinderOptions,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    scratch: bool = False,
) -> BinderResult:
    """Builds the binder at `out`; raises Cancelled (leaving no file) when `cancelled()` turns true.

    `scratch`: a layout only looked at and thrown away (the labels'), which goes in the ledger's cache."""
    if scratch:
        if Path(out).resolve().parent.parent != ledger.cache_dir.resolve():
            raise ValueError(f"a scratch binder goes in a folder of the ledger's cache, not {out}")
    else:
        refuse_inside_ledger(out, ledger.path, "佐证材料")
    report = progress or (lambda fraction, message: None)
    stop = cancelled or (lambda: False)
    pairing, year = scope(session, options.pairing, options.year)
    framework = frameworks.load(options.framework) if options.framework else frameworks.for_year(year)
    parts = _parts(session, framework, pairing, year, options.sections)
    gaps = find_gaps(session, framework, pairing, year)
    numbers = {item.record.id: item.number for part in parts for item in part.items}
    result = BinderResult(
        Path(out),
        title=f"{year}年{pairing.name}东西部协作考核佐证材料",
        year=year,
        records=len(numbers),
        lacking=sorted(numbers[gap.record.id] for gap in gaps if gap.record.id in numbers),
    )
    if not options.gaps:
        gaps = []

    setting = session.get(Setting, "pdf_font")
    fonts = find_fonts(options.font or (setting.value if setting else None))
    result.warnings.extend(fonts.warnings)
    compiling = session.get(Setting, "compiling_unit")
    book = _Book(
        fonts=fonts,
        options=options,
        title=result.title,
        pairing=pairing.name,
        year=year,
        compiling_unit=compiling.value if compiling else "",
    )

    media: dict[str, Prepared] = {}
    if options.evidence:
        files = {a.sha256: a.file for part in parts for item in part.items for a in item.attachments}
        items = [(sha, ledger.evidence_path(stored.relative_path), stored.mime) for sha, stored in files.items()]
        report(0.0, f"正在准备 {len(items)} 个佐证材料文件")
        size = photo_pixels(options.dpi, PHOTO_BOX[0] / mm, PHOTO_BOX[1] / mm)
        media = prepare(
            items,
            ledger.cache_dir,
            max_size=size,
            progress=lambda done, total: report(0.6 * done / max(total, 1), f"正在处理照片和扫描件 {done}/{total}"),
            cancelled=stop,
        )
    if stop():
        raise Cancelled

    report(0.6, "正在排版")
    as_of = options.as_of or date.today()
    plans = list_plans(session, pairing=pairing.name, year=year)
    summaries = [(plan, plan_progress(session, plan, as_of)) for plan in plans]

    def opening() -> list[Flowable]:
        """The lists that open the binder (its first volume), each a fresh story for each layout."""
        return _gaps(book, gaps, numbers) + _summary(book, summaries, as_of)

    lists = [(key, title) for key, title, wanted in (("gaps", GAPS, gaps), ("summary", SUMMARY, plans)) if wanted]
    volumes = [parts]
    if options.volume_pages and parts:
        book.sizing = True
        sizing = _body(book, parts, media, opening, lists, first_page=1, result=BinderResult(Path(out)))
        book.sizing = False
        volumes = _volumes(parts, sizing, options.volume_pages)
    paths = _volume_paths(Path(out), len(volumes))
    replaced = _earlier_volumes(Path(out))  # a set written before, which the new one replaces whole
    for path in [*paths, *replaced] if not scratch else []:  # new names beside `out`: one may link into the ledger
        refuse_inside_ledger(path, ledger.path, "佐证材料")
    written: list[tuple[Path, Path]] = []  # (temporary, final)
    try:
        for index, (volume, path) in enumerate(zip(volumes, paths, strict=True)):
            if stop():
                raise Cancelled
            book.volume = (index + 1, len(volumes)) if len(volumes) > 1 else None
            first = index == 0
            volume_lists = lists if first else []
            front_pages = _front(book, volume, volume_lists, {}).pages
            body = _body(
                book,
                volume,
                media,
                opening if first else list,
                volume_lists,
                first_page=front_pages + 1,
                result=result,
            )
            front = _front(book, volume, volume_lists, body.starts, offset=front_pages)
            if front.pages != front_pages:  # the real numbers never need more lines, but a changed length moves them
                raise LedgerError("目录页数在排版中发生变化，请重试")
            report(0.6 + 0.4 * (index + 0.5) / len(volumes), "正在合并扫描件并编页码")
            written.append((_assemble(book, front, body, result, path, stop, ledger.cache_dir), path))
            result.sections += _section_pages(volume, body, index + 1)
        # The old set aside, the new one in, the old one removed: a kill leaves one set whole, never a mix.
        publish(written, replaces=replaced, notes=ledger.cache_dir)
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
            forget(temporary, ledger.cache_dir)
        raise
    result.path, result.volumes = paths[0], paths
    result.missing = set(book.missing)
    if book.missing:
        characters = "".join(sorted(book.missing))
        result.warnings.append(f"本机没有字体能印出这些字符，已印作〓：{characters}（可在设置中另选字体）")
    report(1.0, "完成")
    return result


def _section_pages(parts: list[_Part], body: _Body, volume: int) -> list[SectionPages]:
    begins = [body.starts[part.key] for part in parts]
    ends = [*begins[1:], body.pages + 1]
    return [
        SectionPages(
            part.section.number, part.section.heading, part.level, volume, [i.number for i in part.items], end - begin
        )
        for part, begin, end in zip(parts, begins, ends, strict=True)
    ]


def _volumes(parts: list[_Part], body: _Body, limit: int) -> list[list[_Part]]:
    """The parts cut into volumes of at most `limit` body pages where sections allow: a top-level section
    stays whole unless it alone is longer, when it is cut between its subsections; a section is never cut.
    A volume that begins inside a top-level section repeats its headings, marked （续）."""
    begins = [body.starts[part.key] for part in parts]
    sizes = [section.pages for section in _section_pages(parts, body, 1)]
    groups: list[list[int]] = []
    for index, part in enumerate(parts):
        if part.level == 0 or not groups:
            groups.append([index])
        else:
            groups[-1].append(index)
    units = []
    for group in groups:
        whole = sum(sizes[index] for index in group) <= limit
        units += [group] if whole else [[index] for index in group]
    volumes: list[list[int]] = []
    used = begins[0] - 1  # the opening lists, in the first volume
    for unit in units:
        pages = sum(sizes[index] for index in unit)
        if volumes and volumes[-1] and used + pages > limit:
            volumes.append([])
            used = 0
        if not volumes:
            volumes.append([])
        volumes[-1] += unit
        used += pages
    return [_with_headings(parts, volume) for volume in volumes]


def _with_headings(parts: list[_Part], indices: list[int]) -> list[_Part]:
    """The parts at `indices`, preceded by the headings above the first when it is a subsection."""
    first = indices[0]
    above: list[_Part] = []
    level = parts[first].level
    for part in reversed(parts[:first]):
        if part.level < level:
            above.insert(0, _Part(part.section, part.level, continued=True))
            level = part.level
    return above + [parts[index] for index in indices]


def _earlier_volumes(out: Path) -> list[Path]:
    """`out` and its volumes 佐证材料-第N册.pdf as a build before this one left them."""
    found = [out] if os.path.lexists(out) else []
    if out.parent.is_dir():
        pattern = re.compile(re.escape(out.stem) + r"-第(\d+)册" + re.escape(out.suffix))
        found += sorted(
            (path for path in out.parent.iterdir() if pattern.fullmatch(path.name)),
            key=lambda path: int(pattern.fullmatch(path.name)[1]),
        )
    return found


def _volume_paths(out: Path, count: int) -> list[Path]:
    """`out` itself for one volume; 佐证材料-第1册.pdf, 佐证材料-第2册.pdf … beside it for several."""
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-第{number}册{out.suffix}") for number in range(1, count + 1)]


# What goes in ----------------------------------------------------------------------------------


def _parts(session: Session, framework: Framework, pairing: Pairing, year: int, wanted: Sequence[str]) -> list[_Part]:
    """The framework's sections with the records each holds, in document order, items numbered throughout."""
    chosen = _chosen_sections(framework, wanted)
    parts: list[_Part] = []
    by_section: dict[str, _Part] = {}

    def add(section: Section, level: int) -> None:
        if section.number in chosen:
            part = _Part(section, level)
            parts.append(part)
            by_section[section.number] = part
        for child in section.sections:
            add(child, level + 1)

    for section in framework.sections:
        add(section, 0)
    others = _Part(Section(number="附", title="其他记录", help="未归入以上各节的记录"), 0)
    for kind in KINDS:
        model = MODELS[kind]
        spec = KINDS[kind]
        query = (
            select(model)
            .where(model.kind == kind, model.pairing_id == pairing.id, model.year == year, model.deleted_at.is_(None))
            .order_by(getattr(model, spec.date_field), model.created_at, model.id)
        )
        for record in session.scalars(query):
            values = record_values(record)
            section = frameworks.section_of(framework, kind, values)
            part = by_section.get(section.number) if section else (others if not wanted else None)
            if part is not None:
                part.items.append(_Item(0, record, values, live_attachments(record)))
    if others.items:
        parts.append(others)
    for part in parts:
        part.items.sort(key=lambda item: item.values.get(KINDS[item.record.kind].date_field) or date.min)
    number = 0
    for part in parts:
        for item in part.items:
            number += 1
            item.number = number
    # Headings above chosen leaves stay, so the contents keep their shape; empty branches go.
    return [part for part in parts if _holds_items(part, parts)]


def _chosen_sections(framework: Framework, wanted: Sequence[str]) -> set[str]:
    if not wanted:
        return {section.number for section in framework.walk()}
    chosen: set[str] = set()
    for number in wanted:
        top = framework.section(number)
        chosen.update(section.number for section in top.walk())
    # The headings above a chosen section, for the contents' nesting.
    for section in framework.walk():
        if any(descendant.number in chosen for descendant in section.walk()):
            chosen.add(section.number)
    return chosen


def _holds_items(part: _Part, parts: list[_Part]) -> bool:
    below = {section.number for section in part.section.walk()}
    return any(other.items for other in parts if other.section.number in below)


# Text and styles -------------------------------------------------------------------------------


@dataclass
class _Book:
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

    def value(self, field_type: FieldType, value: Any, field_spec) -> str:
        text = display(field_spec, value)
        if text and self.options.mask_personal and field_type is FieldType.ID_NUMBER:
            return text[:4] + "*" * (len(text) - 8) + text[-4:]
        if text and self.options.mask_personal and field_type is FieldType.PHONE:
            return text[:3] + "*" * (len(text) - 7) + text[-4:]
        return text


def _table(
    book: _Book, rows: list[list[Any]], widths: list[float], *, header: bool = True, commands: Sequence[tuple] = ()
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


# The body --------------------------------------------------------------------------------------


class _Mark(Flowable):
    """Takes no room; notes the page it lands on, so the contents and bookmarks can point there."""

    def __init__(self, marks: dict[Any, int], key: Any):
        super().__init__()
        self.marks, self.key = marks, key
        self.width = self.height = 0

    def draw(self) -> None:
        self.marks.setdefault(self.key, self.canv.getPageNumber())


class _Placeholder(Flowable):
    """A whole page kept for one page of a scan, put in its place after layout."""

    def __init__(self, pages: dict[int, tuple[Path, int]], scan: Path, index: int):
        super().__init__()
        self.pages, self.scan, self.index = pages, scan, index

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, FRAME_HEIGHT - 1

    def draw(self) -> None:
        self.pages[self.canv.getPageNumber()] = (self.scan, self.index)


@dataclass
class _Body:
    pdf: bytes
    pages: int
    starts: dict[Any, int]  # ("section", number) / ("item", number) / "summary" → page within the body, from 1
    scans: dict[int, tuple[Path, int]]  # body page → (scan file, page index)
    sections: list[tuple[int, str]]  # (first body page, running header) in order
    parts: list[_Part]


def _doc(buffer: io.BytesIO, book: _Book, first_page: int) -> BaseDocTemplate:
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


def _body(
    book: _Book,
    parts: list[_Part],
    media: dict[str, Prepared],
    opening: Callable[[], list[Flowable]],
    lists: list[tuple[str, str]],
    *,
    first_page: int,
    result: BinderResult,
) -> _Body:
    """Everything after the contents: the opening lists (each starting with its own mark), then the sections."""
    starts = book.starts = {}
    scans: dict[int, tuple[Path, int]] = {}
    story: list[Flowable] = opening()
    for part in parts:
        if story and not isinstance(story[-1], PageBreak):
            story.append(PageBreak() if part.level == 0 else CondPageBreak(HEADING_ROOM))
        story += [_Mark(starts, part.key)]
        story += [book.para(part.heading, "heading1" if part.level == 0 else "heading2")]
        if part.section.help and not part.continued:
            story += [book.para(part.section.help, "small"), Spacer(0, 3 * mm)]
        if part.items:
            story += [_section_list(book, part), PageBreak()]
        for item in part.items:
            story += [_Mark(starts, ("item", item.number)), *_sheet(book, part, item, media, result)]
            story += _evidence(book, item, media, scans)
            story += [PageBreak()]
        if not part.items:
            story += [Spacer(0, 4 * mm)]
    if not parts:
        story += [book.para("所选范围内没有记录。")]
    buffer = io.BytesIO()
    _doc(buffer, book, first_page).build(story)
    pdf = buffer.getvalue()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    headings = {part.key: part.heading for part in parts} | dict(lists)
    sections = sorted((page, headings[key]) for key, page in starts.items() if key in headings)
    return _Body(pdf, pages, dict(starts), scans, sections, parts)


def _section_list(book: _Book, part: _Part) -> Table:
    rows: list[list[Any]] = [["件号", "事项", "日期", "类别", "责任单位", "材料"]]
    for item in part.items:
        spec = KINDS[item.record.kind]
        # The kind's first required choice says what sort of record it is: 会议类型, 挂职方向, 领域, 培训类型 …
        category = next((f for f in spec.fields if f.type is FieldType.CHOICE and f.required), None)
        rows.append(
            [
                str(item.number),
                item.record.title,
                item.when,
                str(item.values.get(category.name) or "") if category else "",
                "、".join(item.values.get("responsible_units") or []),
                str(len(item.attachments)),
            ]
        )
    widths = [10 * mm, 60 * mm, 22 * mm, 22 * mm, 0, 12 * mm]
    widths[4] = FRAME_WIDTH - sum(widths)
    return _table(book, rows, widths)


def _sheet(book: _Book, part: _Part, item: _Item, media: dict[str, Prepared], result: BinderResult) -> list[Flowable]:
    """The record's 登记表: every field of its kind as label and value, then the list of its evidence."""
    spec = KINDS[item.record.kind]
    flow: list[Flowable] = [book.para(f"第{item.number}件　{item.record.title}", "heading2")]
    rows = []
    for field_spec in spec.fields:
        value = item.values.get(field_spec.name)
        rows.append([book.para(field_spec.label, "cell_header"), book.value(field_spec.type, value, field_spec)])
    title = [book.para(f"{spec.label}登记表", "cell_header"), ""]
    widths = [34 * mm, FRAME_WIDTH - 34 * mm]
    flow.append(_table(book, [title, *rows], widths, commands=[("SPAN", (0, 0), (-1, 0))]))
    if not item.attachments:
        flow += [Spacer(0, 3 * mm), book.para("本件没有佐证材料。", "small")]
        return flow
    listing: list[list[Any]] = [["序号", "类别", "说明", "文件", "情况"]]
    for index, attachment in enumerate(item.attachments, 1):
        prepared = media.get(attachment.sha256)
        state = _evidence_state(prepared, book.options.evidence)
        if isinstance(prepared, Unusable):
            result.problems.append(Problem(item.number, item.record.title, attachment.original_name, prepared.reason))
        listing.append([str(index), attachment.role, attachment.caption or "", attachment.original_name, state])
    widths = [12 * mm, 20 * mm, 52 * mm, 50 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    flow += [Spacer(0, 4 * mm), book.para("佐证材料清单", "cell_header"), _table(book, listing, widths)]
    return flow


def _evidence_state(prepared: Prepared | None, included: bool) -> str:
    if not included:
        return "未附（本册不含材料）"
    if isinstance(prepared, Photo):
        return "照片，附后"
    if isinstance(prepared, Scan):
        return f"{prepared.pages}页，附后"
    if isinstance(prepared, Listed):
        return f"{prepared.kind}，未附入（请另行打印）"
    if isinstance(prepared, Unusable):
        return f"未能附入：{prepared.reason}"
    return "未能附入"


def _evidence(
    book: _Book, item: _Item, media: dict[str, Prepared], scans: dict[int, tuple[Path, int]]
) -> list[Flowable]:
    """The record's photos two to a page with their captions, and a placeholder for each page of each scan."""
    flow: list[Flowable] = []
    photos = [(a, media[a.sha256]) for a in item.attachments if isinstance(media.get(a.sha256), Photo)]
    for start in range(0, len(photos), 2):
        flow.append(PageBreak())
        for attachment, photo in photos[start : start + 2]:
            flow.append(KeepTogether([_photo(photo, book.sizing), _caption(book, item, attachment)]))
    for attachment in item.attachments:
        prepared = media.get(attachment.sha256)
        if isinstance(prepared, Scan):
            flow.append(PageBreak())
            flow += [_Placeholder(scans, prepared.path, index) for index in range(prepared.pages)]
    return flow


def _photo(photo: Photo, sizing: bool) -> Flowable:
    box_width, box_height = PHOTO_BOX
    scale = min(box_width / photo.width, box_height / photo.height)
    if sizing:  # only the room it takes: a layout for page counts need not read and embed every JPEG
        return Spacer(photo.width * scale, photo.height * scale)
    # The cached JPEG is embedded as it is: reportlab passes JPEG data through without decoding it.
    image = Image(str(photo.path), width=photo.width * scale, height=photo.height * scale)
    image.hAlign = "CENTER"
    return image


def _caption(book: _Book, item: _Item, attachment: Attachment) -> Paragraph:
    taken = attachment.file.taken_at
    parts = [f"第{item.number}件", attachment.role, attachment.caption or attachment.original_name]
    if taken:
        parts.append(f"{taken:%Y年%m月%d日}")
    return book.para("　".join(parts), "caption")


def _gaps(book: _Book, gaps: list[Gap], numbers: dict[Any, int]) -> list[Flowable]:
    """佐证材料缺项清单: what is still to be collected, first, so it is seen before the binder is handed in."""
    if not gaps:
        return []
    rows: list[list[Any]] = [["件号", "台账", "事项", "缺少的材料"]]
    for gap in gaps:
        number = numbers.get(gap.record.id)
        rows.append([str(number or "—"), KINDS[gap.record.kind].label, gap.record.title, "、".join(gap.missing)])
    widths = [14 * mm, 26 * mm, 80 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    return [
        _Mark(book.starts, "gaps"),
        book.para(GAPS, "heading1"),
        book.para(f"以下 {len(gaps)} 件记录缺少考核要求的佐证材料，请补齐后重新编制。", "small"),
        Spacer(0, 3 * mm),
        _table(book, rows, widths),
        PageBreak(),
    ]


def _summary(book: _Book, summaries: list[tuple[Plan, list[TaskProgress]]], as_of: date) -> list[Flowable]:
    """指标完成情况汇总表: each task's targets against the ledger, from the plans of this pairing and year."""
    if not summaries:
        return []
    flow: list[Flowable] = [_Mark(book.starts, "summary"), book.para(SUMMARY, "heading1")]
    flow.append(book.para(f"截至{as_of:%Y年%m月%d日}，按台账记录计算。", "small"))
    for plan, tasks in summaries:
        flow += [Spacer(0, 3 * mm), CondPageBreak(HEADING_ROOM), book.para(plan.title, "heading2")]
        rows: list[list[Any]] = [["序号", "具体事项", "量化指标", "目标", "完成", "状态"]]
        spans: list[tuple] = []
        for task in tasks:
            targets = task.targets or [None]
            if len(targets) > 1:  # a task's number, item and state once, over the rows of its targets
                first, last = len(rows), len(rows) + len(targets) - 1
                spans += [("SPAN", (column, first), (column, last)) for column in (0, 1, 5)]
            for index, measured in enumerate(targets):
                own = [task.task.seq, _short(task.task.item, 60)] if index == 0 else ["", ""]
                if measured is None:
                    rows.append([*own, "—", "", "", STATES[task.state]])
                    continue
                unit = MEASURES[measured.target.measure].unit
                rows.append(
                    [
                        *own,
                        target_label(measured.target),
                        f"{number_text(measured.target.threshold, grouped=True)}{unit}",
                        f"{number_text(measured.actual, grouped=True)}{unit}",
                        STATES[task.state] if index == 0 else "",
                    ]
                )
        widths = [12 * mm, 58 * mm, 52 * mm, 16 * mm, 16 * mm]
        widths.append(FRAME_WIDTH - sum(widths))
        flow.append(_table(book, rows, widths, commands=spans))
    return [*flow, PageBreak()]


def _short(text: str, length: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


# The front -------------------------------------------------------------------------------------


@dataclass
class _Front:
    pdf: bytes
    pages: int
    contents_page: int  # within the front, from 1


def _front(
    book: _Book, parts: list[_Part], lists: list[tuple[str, str]], starts: dict[Any, int], *, offset: int = 0
) -> _Front:
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
    story += [_Mark(marks, "contents"), book.para("目　　录", "heading1"), Spacer(0, 4 * mm)]
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
        table = _table(book, rows, [14 * mm, FRAME_WIDTH - 30 * mm, 16 * mm], header=False)
        lines = [("GRID", (0, 0), (-1, -1), 0, colors.white), ("ALIGN", (2, 0), (2, -1), "RIGHT")]
        table.setStyle(TableStyle(lines + [rule for rule in keep if rule[2][1] < len(rows)]))
        story.append(table)
    buffer = io.BytesIO()
    _doc(buffer, book, 1).build(story)
    pdf = buffer.getvalue()
    return _Front(pdf, len(PdfReader(io.BytesIO(pdf)).pages), marks.get("contents", 2))


# Putting it together ---------------------------------------------------------------------------


def _assemble(
    book: _Book,
    front: _Front,
    body: _Body,
    result: BinderResult,
    out: Path,
    stop: Callable[[], bool],
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
        if number % 50 == 0 and stop():
            raise Cancelled
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


def _headers(book: _Book, front: _Front, body: _Body, total: int) -> list[str]:
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


def _overlay(book: _Book, headers: list[str], total: int) -> bytes:
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


def _bookmarks(writer: PdfWriter, book: _Book, front: _Front, body: _Body) -> None:
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
        with os.fdopen(handle, "wb") as stream:
            writer.write(stream)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        forget(temporary, notes)
        raise
    return temporary
