"""The Excel ledger (台账): one print-ready workbook of the year, which `excel_import` reads back.

Sheets: 指标完成情况 (the plans' progress), one sheet per record kind in the layout of `ledger.excel.sheets`,
and 佐证材料 (every evidence file with its record). Written with openpyxl's write-only mode, so 100,000
records stream to disk instead of being held in memory; that mode writes each sheet's top (column widths,
freeze panes, fit-to-page) before its first row, so all of those are decided before any row is written,
column widths from the header and the first rows. The file appears whole or not at all: it is written
beside the target and renamed at the end.

Every text goes in as text (`_put`): openpyxl would write a record's "=HYPERLINK(…)" or an attachment named
"=1+1.jpg" as a formula, and "#N/A" as an error value, which a spreadsheet then shows, and saves, as their
results. The workbook holds no formula at all.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice
from math import ceil
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.errors import NotFound
from ledger.excel.sheets import (
    EVIDENCE_SHEET,
    ID_HEADER,
    PROGRESS_SHEET,
    SEQ_HEADER,
    SHEET_NAMES,
    TOTAL_LABEL,
    cell_value,
    looks_like_formula,
    summed,
)
from ledger.fields import Field, FieldType, KindSpec
from ledger.kinds import KINDS, MODELS, kind_spec
from ledger.models import Attachment, Pairing, Plan, Record, Setting
from ledger.plans.measures import MEASURES
from ledger.plans.progress import STATES, plan_progress
from ledger.plans.store import list_plans, target_label
from ledger.records import find_pairing, record_values
from ledger.storage.outputs import (
    forget,
    ledger_cache_of,
    ledger_folder_of,
    refuse_inside_ledger,
    spilling_into_ledger_cache,
    temporary_beside,
)
from ledger.values import display_width

#: Rows of each kind read to size the columns before the first row is written.
SAMPLE_ROWS = 500
HEADER_ROW = 3  # title, date line, header
#: The hidden column before 记录编号 on each kind's sheet: the record's stored revision at the export. The
#: export's time is the workbook's creation time (docProps/core.xml), which `excel_import` reads too.
REVISION_HEADER = "版本"

Progress = Callable[[float, str], None]

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BODY_FONT = Font(name="宋体", size=10)
_HEADER_FONT = Font(name="黑体", size=10, bold=True)
_TITLE_FONT = Font(name="黑体", size=16, bold=True)
_NOTE_FONT = Font(name="宋体", size=10, color="595959")
_ID_FONT = Font(name="Arial", size=8, color="808080")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_STATE_FONTS = {
    "done": Font(name="宋体", size=10, color="00703C"),
    "overdue": Font(name="宋体", size=10, bold=True, color="C00000"),
}
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"


@dataclass
class ExportSummary:
    path: Path
    sheets: list[tuple[str, int]] = field(default_factory=list)  # (sheet name, rows of records or tasks)


@spilling_into_ledger_cache  # openpyxl's sheets spill, full ID numbers and all, into the ledger's cache/
def export_workbook(
    session: Session,
    path: Path,
    *,
    pairing: str | None = None,
    year: int | None = None,
    kinds: Iterable[str] | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Writes the ledger's records (of `pairing`, `year` and `kinds`, else all) as the workbook at `path`.

    `progress` is called with a fraction done and what is being written; an exception raised from it
    stops the export and leaves no file behind."""
    refuse_inside_ledger(path, ledger_folder_of(session), "导出文件")
    wanted = [kind_spec(kind).name for kind in kinds] if kinds else list(KINDS)
    pairing_id = None
    if pairing:
        found = find_pairing(session, pairing)
        if found is None:
            raise NotFound(f"台账里没有结对关系“{pairing}”")
        pairing, pairing_id = found.name, found.id
    scope = _Scope(session, pairing, pairing_id, year, as_of or date.today())
    report = progress or (lambda fraction, message: None)
    counts = {kind: scope.count(kind) for kind in wanted}
    total = max(1, sum(counts.values()))

    path = Path(path)
    summary = ExportSummary(path)
    workbook = Workbook(write_only=True)
    try:
        summary.sheets.append((PROGRESS_SHEET, _progress_sheet(workbook, scope)))
        done = 0
        for kind in wanted:
            name = SHEET_NAMES[kind]
            report(done / total, f"正在写入{name}")

            def advance(rows: int, done: int = done, name: str = name) -> None:
                report((done + rows) / total, f"正在写入{name}：{rows} 条")

            summary.sheets.append((name, _kind_sheet(workbook, scope, kind, counts[kind], advance)))
            done += counts[kind]
        summary.sheets.append((EVIDENCE_SHEET, _evidence_sheet(workbook, scope, wanted)))
        report(1.0, "正在保存")
    except BaseException:
        _abandon(workbook)
        raise
    _save(workbook, path, ledger_cache_of(session))
    return summary


def _abandon(workbook: Workbook) -> None:
    """Ends the sheets' half-written streams and removes their temporary files."""
    for sheet in workbook.worksheets:
        writer = sheet._writer  # openpyxl keeps each write-only sheet's stream and temporary file here
        if writer is not None and not sheet.closed:
            sheet.close()
            writer.cleanup()


class _Scope:
    """Which records the workbook holds, and the words its titles use for that."""

    def __init__(self, session: Session, pairing: str | None, pairing_id, year: int | None, as_of: date):
        self.session, self.pairing, self.pairing_id, self.year, self.as_of = session, pairing, pairing_id, year, as_of
        unit = session.get(Setting, "compiling_unit")
        self.compiling_unit = unit.value if unit else ""
        # A workbook of one pairing's one year says so in its titles, and need not print those columns.
        live = select(Record.pairing_id, Record.year).where(Record.deleted_at.is_(None))
        if pairing_id is not None:
            live = live.where(Record.pairing_id == pairing_id)
        if year is not None:
            live = live.where(Record.year == year)
        found = session.execute(live.distinct().limit(2)).all()
        self.shown_pairing, self.shown_year = pairing, year
        if len(found) == 1:
            self.shown_pairing = session.get(Pairing, found[0].pairing_id).name
            self.shown_year = found[0].year
        self.implied_fields = {"pairing", "year"} if len(found) == 1 else set()

    def query(self, kind: str):
        model = MODELS[kind]
        query = select(model).where(model.kind == kind, model.deleted_at.is_(None))
        if self.year is not None:
            query = query.where(model.year == self.year)
        if self.pairing_id is not None:
            query = query.where(model.pairing_id == self.pairing_id)
        return query

    def count(self, kind: str) -> int:
        return self.session.scalar(select(func.count()).select_from(self.query(kind).subquery()))

    def records(self, kind: str) -> Iterator[Record]:
        spec, model = KINDS[kind], MODELS[kind]
        query = self.query(kind).order_by(getattr(model, spec.date_field), model.created_at, model.id)
        # Batches keep memory flat; the units of each batch come in one extra query (selectin).
        yield from self.session.scalars(query.execution_options(yield_per=1000))

    def title(self, what: str) -> str:
        year = f"{self.shown_year}年" if self.shown_year else ""
        return f"{year}{self.shown_pairing or ''}东西部协作 {what}"

    def note(self, count_text: str) -> str:
        parts = [f"编制单位：{self.compiling_unit}"] if self.compiling_unit else []
        parts += [f"导出日期：{_chinese_date(date.today())}", count_text]
        return "　　".join(parts)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# Sheets of records ----------------------------------------------------------------------------


@dataclass
class _Column:
    header: str
    width: float
    number_format: str | None = None
    alignment: Alignment = _WRAP
    font: Font = _BODY_FONT
    field: Field | None = None
    hidden: bool = False


_WRAPPING = (FieldType.TEXT, FieldType.PERSON, FieldType.UNIT, FieldType.UNITS, FieldType.PAIRING, FieldType.ENTRIES)
#: Width units of the printed columns beyond which a sheet would print too small to read when fitted
#: to a landscape A4 page (about 140 fit at full size).
PAGE_WIDTH = 210


def _columns(spec: KindSpec, hidden: set[str]) -> list[_Column]:
    """The sheet's columns; fields in `hidden` (what the title already says) stay in the file, unprinted."""
    columns = [_Column(SEQ_HEADER, 6, alignment=_CENTER)]
    for f in spec.fields:
        match f.type:
            case FieldType.DATE:
                columns.append(_Column(f.label, 12, DATE_FORMAT, _CENTER, field=f))
            case FieldType.MONEY:
                columns.append(_Column(f.label, 16, MONEY_FORMAT, _RIGHT, field=f))
            case FieldType.INT:
                columns.append(_Column(f.label, 8, "0", _RIGHT, field=f))
            case FieldType.ID_NUMBER | FieldType.PHONE:
                # Text, or Excel rounds an 18-digit number and drops a phone's leading zero.
                columns.append(_Column(f.label, 20 if f.type is FieldType.ID_NUMBER else 14, "@", _CENTER, field=f))
            case FieldType.CHOICE | FieldType.BOOL:
                columns.append(_Column(f.label, 8, alignment=_CENTER, field=f))
            case _:
                columns.append(_Column(f.label, 10, field=f))
    # Hidden, never printed: the revision each record had when exported, so an import finds what changed since.
    columns.append(_Column(REVISION_HEADER, 6, "0", _RIGHT, font=_ID_FONT, hidden=True))
    columns.append(_Column(ID_HEADER, 38, "@", font=_ID_FONT))
    for column in columns:
        column.hidden = column.hidden or (column.field is not None and column.field.name in hidden)
    return columns


def _fit_widths(columns: list[_Column], rows: list[list[Any]]) -> None:
    """Widths that show most values on a line or two (a CJK character is two widths), within what
    a landscape A4 page can still print legibly: the widest text columns give way and wrap."""
    shrinkable = []
    for index, column in enumerate(columns):
        if column.header == ID_HEADER:
            continue
        longest = max([0] + [_width_of(row[index], column) for row in rows])
        header = display_width(column.header)
        wraps = column.field is not None and column.field.type in _WRAPPING
        # A long header may take two lines; a short one stays whole.
        floor = max(6, (header + 1) // 2 + 2 if header > 8 else header + 2)
        column.width = max(column.width, floor, min(longest + 2, 40))
        if wraps:
            # The long texts keep enough width to stay a few lines tall; short ones wrap sooner.
            least = 24 if column.field.multiline else 14 if column.field.name == "title" else 8
            shrinkable.append((index, max(floor, min(least, column.width))))
    printed = [column for column in columns if column.header != ID_HEADER and not column.hidden]
    excess = sum(column.width for column in printed) - PAGE_WIDTH
    if excess <= 0 or not shrinkable:
        return
    # The level to which the widest columns come down so that the page is met, as far as floors allow.
    widths = sorted((columns[index].width for index, _ in shrinkable), reverse=True)
    level, taken = widths[0], 0.0
    for rank, width in enumerate(widths):
        following = widths[rank + 1] if rank + 1 < len(widths) else 0
        if taken + (rank + 1) * (width - following) >= excess:
            level = width - (excess - taken) / (rank + 1)
            break
        taken += (rank + 1) * (width - following)
        level = following
    for index, floor in shrinkable:
        columns[index].width = max(floor, min(columns[index].width, int(level)))


def _width_of(value: Any, column: _Column) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}")
    if isinstance(value, date):
        return 10
    return max(display_width(line) for line in str(value).split("\n"))


def _height(row: list[Any], columns: list[_Column], points: float = 13.5) -> float:
    """The height of a row whose text wraps in its columns: Excel and LibreOffice do not fit it on opening."""
    lines = 1
    for value, column in zip(row, columns, strict=True):
        if isinstance(value, str) and column.header != ID_HEADER and not column.hidden:
            # A CJK character takes about 1.7 width units in Excel's 宋体 and less in LibreOffice;
            # a row a little too tall loses nothing, one too short hides lines.
            room = max(1.0, (column.width - 1) * 1.15)
            lines = max(lines, sum(max(1, ceil(display_width(part) / room)) for part in value.split("\n")))
    return min(409, lines * points + 4)


def _kind_sheet(workbook: Workbook, scope: _Scope, kind: str, count: int, advance: Callable[[int], None]) -> int:
    spec = KINDS[kind]
    columns = _columns(spec, scope.implied_fields)
    records = scope.records(kind)
    # The first rows are read ahead to size the columns, which must be set before any row is written.
    sample = [_row_values(spec, record) for record in islice(records, SAMPLE_ROWS)]
    _fit_widths(columns, [[None, *values] for values in sample])
    sheet = _new_sheet(workbook, SHEET_NAMES[kind], columns)
    _heading(sheet, columns, scope.title(SHEET_NAMES[kind]), scope.note(f"共 {count} 条"))
    _choices(sheet, columns, count)

    cells = [_cell(sheet, column) for column in columns]
    totals: dict[int, Decimal | int] = {
        i: 0 for i, column in enumerate(columns) if column.field is not None and summed(column.field)
    }
    number = 0
    for values in _chain(sample, (_row_values(spec, record) for record in records)):
        number += 1
        row = [number, *values]
        for index, value in enumerate(row):
            _put(cells[index], value)
            if index in totals and value is not None:
                totals[index] += value
        _append(sheet, HEADER_ROW + number, cells, _height(row, columns))
        if number % 1000 == 0:
            advance(number)
    end = HEADER_ROW + number
    if totals:
        _total_row(sheet, columns, number, totals)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(end, HEADER_ROW + 1)}"
    sheet.print_area = f"A1:{get_column_letter(len(columns) - 1)}{end + (1 if totals else 0)}"
    return number


def _append(sheet: Worksheet, row: int, cells: list, height: float) -> None:
    """Appends row number `row` with its height; the dimension is dropped once written, or 100,000 pile up."""
    sheet.row_dimensions[row].height = height
    sheet.append(cells)
    del sheet.row_dimensions[row]


def _row_values(spec: KindSpec, record: Record) -> list[Any]:
    values = record_values(record)
    return [*(cell_value(f, values[f.name]) for f in spec.fields), record.revision, str(record.id)]


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _new_sheet(workbook: Workbook, title: str, columns: list[_Column]) -> Worksheet:
    """A sheet set up for printing; all of this must precede the first row in write-only mode."""
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, 1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width, dimension.hidden = column.width, column.hidden
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top, sheet.page_margins.bottom = 0.6, 0.7
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.center.font = "宋体"
    return sheet


def _heading(sheet: Worksheet, columns: list[_Column], title: str, note: str) -> None:
    """The title and date lines, merged across the printed columns, then the header row."""
    printed = len(columns) - 1
    title_cell = _text_cell(sheet, title)
    title_cell.font, title_cell.alignment = _TITLE_FONT, Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.append([title_cell])
    note_cell = _text_cell(sheet, note)
    note_cell.font, note_cell.alignment = _NOTE_FONT, Alignment(horizontal="left", vertical="center")
    sheet.append([note_cell])
    for row in (1, 2):
        sheet.merged_cells.add(f"A{row}:{get_column_letter(printed)}{row}")
    header = []
    for column in columns:
        cell = _text_cell(sheet, column.header)
        cell.font, cell.fill, cell.border, cell.alignment = _HEADER_FONT, _HEADER_FILL, _BORDER, _CENTER
        header.append(cell)
    _append(sheet, HEADER_ROW, header, _height([column.header for column in columns], columns))


def _cell(sheet: Worksheet, column: _Column) -> WriteOnlyCell:
    """One styled cell per column, refilled row after row: write-only mode writes it out on append."""
    cell = WriteOnlyCell(sheet)
    cell.font, cell.border, cell.alignment = column.font, _BORDER, column.alignment
    if column.number_format:
        cell.number_format = column.number_format
    return cell


def _put(cell: WriteOnlyCell, value: Any) -> None:
    """Sets a cell's value, text as text whatever it starts with, never as a formula or an error value. Text
    that a spreadsheet would read as a formula is also marked as Excel marks text typed after an apostrophe
    ('=1+1), so that it stays text when someone types over it."""
    cell.value = value
    text = isinstance(value, str)
    if text:
        cell.data_type = "s"
    cell.quotePrefix = text and looks_like_formula(value)


def _text_cell(sheet: Worksheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    _put(cell, value)
    return cell


def _choices(sheet: Worksheet, columns: list[_Column], count: int) -> None:
    """Drop-down lists on choice columns, so rows typed in Excel use the ledger's terms."""
    last_row = HEADER_ROW + count + 1000  # room for rows added by hand
    for index, column in enumerate(columns, 1):
        f = column.field
        if f is None or f.type not in (FieldType.CHOICE, FieldType.BOOL):
            continue
        choices = f.choices if f.type is FieldType.CHOICE else ("是", "否")
        validation = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
        validation.error, validation.errorTitle = f"请从列表中选择：{'、'.join(choices)}", f.label
        validation.showErrorMessage = True
        letter = get_column_letter(index)
        validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{last_row}")
        sheet.data_validations.append(validation)


def _total_row(sheet: Worksheet, columns: list[_Column], count: int, totals: dict[int, Any]) -> None:
    """Sums as values, not formulas: a formula written here has no value until Excel recalculates."""
    if not totals:
        return
    row = []
    for index, column in enumerate(columns):
        if index == len(columns) - 1:
            break
        cell = _text_cell(sheet, TOTAL_LABEL if index == 0 else totals.get(index))
        cell.font, cell.border, cell.fill = _HEADER_FONT, _BORDER, _TOTAL_FILL
        cell.alignment = _CENTER if index == 0 else column.alignment
        if column.number_format and index in totals:
            cell.number_format = column.number_format
        if column.field is not None and column.field.name == "title":
            _put(cell, f"共 {count} 条")
        row.append(cell)
    sheet.append(row)


# 指标完成情况 ----------------------------------------------------------------------------------

_PROGRESS_COLUMNS = [
    _Column("序号", 6, alignment=_CENTER),
    _Column("重点工作", 12),
    _Column("具体事项", 40),
    _Column("完成时限", 12, DATE_FORMAT, _CENTER),
    _Column("量化指标", 36),
    _Column("目标", 9, "0.##", _RIGHT),
    _Column("完成", 9, "0.##", _RIGHT),
    _Column("单位", 6, alignment=_CENTER),
    _Column("完成率", 9, "0%", _RIGHT),
    _Column("状态", 10, alignment=_CENTER),
]


def _progress_sheet(workbook: Workbook, scope: _Scope) -> int:
    plans: list[Plan] = list_plans(scope.session, pairing=scope.pairing, year=scope.year)
    columns = [*_PROGRESS_COLUMNS, _Column(ID_HEADER, 38, "@", font=_ID_FONT)]
    sheet = _new_sheet(workbook, PROGRESS_SHEET, columns)
    as_of = f"截至{_chinese_date(scope.as_of)}"
    _heading(sheet, columns, scope.title(PROGRESS_SHEET), scope.note(f"{as_of}，共 {len(plans)} 个年度计划"))
    written = HEADER_ROW
    if not plans:
        sheet.append([_text_cell(sheet, "台账里还没有年度计划。可用“ledger plan import”导入任务清单。")])
        written += 1
    cells = [_cell(sheet, column) for column in columns]
    tasks = 0
    for plan in plans:
        heading = _text_cell(sheet, f"{plan.title}（{plan.pairing.name} {plan.year}年）")
        heading.font, heading.fill, heading.border = _HEADER_FONT, _TOTAL_FILL, _BORDER
        sheet.append([heading])
        written += 1
        sheet.merged_cells.add(f"A{written}:{get_column_letter(len(columns) - 1)}{written}")
        for task in plan_progress(scope.session, plan, scope.as_of):
            tasks += 1
            # One row per target; the task's own cells only on its first row.
            measured_rows = [
                [
                    target_label(m.target),
                    m.target.threshold,
                    m.actual,
                    MEASURES[m.target.measure].unit,
                    m.ratio,
                ]
                for m in task.targets
            ] or [["—", None, None, None, None]]
            own = [task.task.seq, task.task.area, task.task.item, task.task.deadline or task.task.deadline_text]
            for number, measured in enumerate(measured_rows):
                first = number == 0
                row = [
                    *(own if first else [None] * len(own)),
                    *measured,
                    STATES[task.state] if first else None,
                    str(task.task.id),
                ]
                for cell, value in zip(cells, row, strict=True):
                    _put(cell, value)
                cells[9].font = _STATE_FONTS.get(task.state, _BODY_FONT)
                written += 1
                _append(sheet, written, cells, _height(row, columns))
    sheet.print_area = f"A1:{get_column_letter(len(columns) - 1)}{written}"
    return tasks


# 佐证材料 --------------------------------------------------------------------------------------

_EVIDENCE_COLUMNS = [
    _Column("序号", 6, alignment=_CENTER),
    _Column("台账", 16),
    _Column("事项", 36),
    _Column("日期", 12, DATE_FORMAT, _CENTER),
    _Column("材料类别", 10, alignment=_CENTER),
    _Column("说明", 24),
    _Column("原文件名", 30),
    _Column("大小（KB）", 10, "#,##0", _RIGHT),
    _Column("页数或尺寸", 12, alignment=_CENTER),
    _Column("拍摄时间", 18, "yyyy-mm-dd hh:mm", _CENTER),
]


def _evidence_sheet(workbook: Workbook, scope: _Scope, kinds: list[str]) -> int:
    columns = [*_EVIDENCE_COLUMNS, _Column(ID_HEADER, 38, "@", font=_ID_FONT)]
    count = 0
    per_kind = []
    for kind in kinds:
        ids = scope.query(kind).with_only_columns(MODELS[kind].id)
        query = (
            select(Attachment)
            .join(Record, Attachment.record_id == Record.id)
            .where(Attachment.record_id.in_(ids), Attachment.deleted_at.is_(None))
            .order_by(Record.year, Record.date, Record.start_date, Record.created_at, Record.id, Attachment.position)
        )
        per_kind.append((kind, query))
        count += scope.session.scalar(select(func.count()).select_from(query.subquery()))
    sheet = _new_sheet(workbook, EVIDENCE_SHEET, columns)
    _heading(sheet, columns, scope.title("佐证材料目录"), scope.note(f"共 {count} 个文件"))
    cells = [_cell(sheet, column) for column in columns]
    number = 0
    for kind, query in per_kind:
        spec = KINDS[kind]
        for attachment in scope.session.scalars(query.execution_options(yield_per=1000)):
            number += 1
            record, stored = attachment.record, attachment.file
            extent = (
                f"{stored.page_count}页"
                if stored.page_count
                else f"{stored.width}×{stored.height}"
                if stored.width and stored.height
                else None
            )
            row = [
                number,
                SHEET_NAMES[kind],
                record.title,
                getattr(record, spec.date_field),
                attachment.role,
                attachment.caption,
                attachment.original_name,
                max(1, round(stored.size / 1024)),
                extent,
                stored.taken_at,
                str(record.id),
            ]
            for cell, value in zip(cells, row, strict=True):
                _put(cell, value)
            _append(sheet, HEADER_ROW + number, cells, _height(row, columns))
    end = HEADER_ROW + number
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(end, HEADER_ROW + 1)}"
    sheet.print_area = f"A1:{get_column_letter(len(columns) - 1)}{end}"
    return number


def _save(workbook: Workbook, path: Path, notes: Path | None = None) -> None:
    """Writes beside `path` and renames: an interrupted export leaves the old file, or none, never half a one
    (the temporary noted in `notes`, the ledger's cache, for its next opening to remove after a kill)."""
    try:
        handle, temporary = temporary_beside(path, notes)
    except BaseException:
        _abandon(workbook)  # a folder that cannot be made: the sheets' temporary files go all the same
        raise
    try:
        # As Workbook.save, with the archive and the sheets' streams closed on a failure (a full disk), which
        # would otherwise each print a traceback when collected.
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
            try:
                ExcelWriter(workbook, archive).write_data()
            except BaseException:
                _abandon(workbook)
                raise
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        forget(temporary, notes)
