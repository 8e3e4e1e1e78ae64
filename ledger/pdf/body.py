"""The binder's body, everything after the contents: the opening lists, then each section with its records.

The lists that open the first volume (佐证材料缺项清单, 指标完成情况汇总表); for each section its heading and list
of records; for each record its sheet (登记表) with the list of its evidence, its photos two to a page, and an
empty placeholder page for each page of each scan, which the assembly puts in its place. Laying out notes
where each section and record begins and which page holds which scan page, for the contents, the running
headers and the bookmarks; evidence that could not be included is noted as a `Problem`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Image, KeepTogether, PageBreak, Paragraph, Spacer, Table

from ledger.assessment.gaps import Gap
from ledger.kinds import KINDS
from ledger.models import Attachment, Plan
from ledger.pdf.layout import FRAME_HEIGHT, FRAME_WIDTH, HEADING_ROOM, PHOTO_BOX, Book, Mark, document, ruled_table
from ledger.pdf.media import Listed, Photo, Prepared, Scan, Unusable
from ledger.pdf.selection import Item, Part
from ledger.plans.measures import MEASURES
from ledger.plans.plan_json import target_label
from ledger.plans.progress import STATES, TaskProgress
from ledger.plans.store import number_text

if TYPE_CHECKING:
    from ledger.pdf.binder import BinderResult


GAPS = "佐证材料缺项清单"
SUMMARY = "指标完成情况汇总表"


@dataclass
class Problem:
    """Evidence that could not be included; its place in the binder says so too."""

    item: int
    title: str
    file_name: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.item}件“{self.title}”的 {self.file_name}：{self.reason}"


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
class Body:
    """A body as laid out, with where its sections, records and lists begin and which pages hold scans."""

    pdf: bytes
    pages: int
    starts: dict[Any, int]  # ("section", number) / ("item", number) / "summary" → page within the body, from 1
    scans: dict[int, tuple[Path, int]]  # body page → (scan file, page index)
    sections: list[tuple[int, str]]  # (first body page, running header) in order
    parts: list[Part]


def lay_out_body(
    book: Book,
    parts: list[Part],
    media: dict[str, Prepared],
    opening: Callable[[], list[Flowable]],
    lists: list[tuple[str, str]],
    *,
    first_page: int,
    result: BinderResult,
) -> Body:
    """Everything after the contents: the opening lists (each starting with its own mark), then the sections."""
    starts = book.starts = {}
    scans: dict[int, tuple[Path, int]] = {}
    story: list[Flowable] = opening()
    for part in parts:
        if story and not isinstance(story[-1], PageBreak):
            story.append(PageBreak() if part.level == 0 else CondPageBreak(HEADING_ROOM))
        story += [Mark(starts, part.key)]
        story += [book.para(part.heading, "heading1" if part.level == 0 else "heading2")]
        if part.section.help and not part.continued:
            story += [book.para(part.section.help, "small"), Spacer(0, 3 * mm)]
        if part.items:
            story += [_section_list(book, part), PageBreak()]
        for item in part.items:
            story += [Mark(starts, ("item", item.number)), *_sheet(book, part, item, media, result)]
            story += _evidence(book, item, media, scans)
            story += [PageBreak()]
        if not part.items:
            story += [Spacer(0, 4 * mm)]
    if not parts:
        story += [book.para("所选范围内没有记录。")]
    buffer = io.BytesIO()
    document(buffer, book, first_page).build(story)
    pdf = buffer.getvalue()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    headings = {part.key: part.heading for part in parts} | dict(lists)
    sections = sorted((page, headings[key]) for key, page in starts.items() if key in headings)
    return Body(pdf, pages, dict(starts), scans, sections, parts)


def _section_list(book: Book, part: Part) -> Table:
    rows: list[list[Any]] = [["件号", "事项", "日期", "类别", "责任单位", "材料"]]
    for item in part.items:
        category = KINDS[item.record.kind].category  # what sort of record it is: 会议类型, 挂职方向 …
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
    return ruled_table(book, rows, widths)


def _sheet(book: Book, part: Part, item: Item, media: dict[str, Prepared], result: BinderResult) -> list[Flowable]:
    """The record's 登记表: every field of its kind as label and value, then the list of its evidence."""
    spec = KINDS[item.record.kind]
    flow: list[Flowable] = [book.para(f"第{item.number}件　{item.record.title}", "heading2")]
    rows = []
    for field_spec in spec.fields:
        value = item.values.get(field_spec.name)
        if field_spec.name == "county" and not value:
            continue  # a pairing of one county names none: an empty 受援县 row would read as a gap
        rows.append([book.para(field_spec.label, "cell_header"), book.value(field_spec, value)])
    title = [book.para(f"{spec.label}登记表", "cell_header"), ""]
    widths = [34 * mm, FRAME_WIDTH - 34 * mm]
    flow.append(ruled_table(book, [title, *rows], widths, commands=[("SPAN", (0, 0), (-1, 0))]))
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
    flow += [Spacer(0, 4 * mm), book.para("佐证材料清单", "cell_header"), ruled_table(book, listing, widths)]
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


def _evidence(book: Book, item: Item, media: dict[str, Prepared], scans: dict[int, tuple[Path, int]]) -> list[Flowable]:
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


def _caption(book: Book, item: Item, attachment: Attachment) -> Paragraph:
    taken = attachment.file.taken_at
    parts = [f"第{item.number}件", attachment.role, attachment.caption or attachment.original_name]
    if taken:
        parts.append(f"{taken:%Y年%m月%d日}")
    return book.para("　".join(parts), "caption")


# The opening lists -----------------------------------------------------------------------------


def gaps_list(book: Book, gaps: list[Gap], numbers: dict[Any, int]) -> list[Flowable]:
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
        Mark(book.starts, "gaps"),
        book.para(GAPS, "heading1"),
        book.para(f"以下 {len(gaps)} 件记录缺少考核要求的佐证材料，请补齐后重新编制。", "small"),
        Spacer(0, 3 * mm),
        ruled_table(book, rows, widths),
        PageBreak(),
    ]


def targets_summary(book: Book, summaries: list[tuple[Plan, list[TaskProgress]]], as_of: date) -> list[Flowable]:
    """指标完成情况汇总表: each task's targets against the ledger, from the plans of this pairing and year."""
    if not summaries:
        return []
    flow: list[Flowable] = [Mark(book.starts, "summary"), book.para(SUMMARY, "heading1")]
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
                        f"{number_text(measured.required, grouped=True)}{unit}",
                        f"{number_text(measured.actual, grouped=True)}{unit}",
                        STATES[task.state] if index == 0 else "",
                    ]
                )
        widths = [12 * mm, 58 * mm, 52 * mm, 16 * mm, 16 * mm]
        widths.append(FRAME_WIDTH - sum(widths))
        flow.append(ruled_table(book, rows, widths, commands=spans))
    return [*flow, PageBreak()]


def _short(text: str, length: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"
