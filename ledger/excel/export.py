"""The Excel ledger (台账): one print-ready workbook of the year, which `excel_import` reads back.

Sheets: 指标完成情况 (the plans' progress), one sheet per record kind in the layout of `ledger.excel.sheets`,
and 佐证材料 (every evidence file with its record). Written with openpyxl's write-only mode, so 100,000
records stream to disk instead of being held in memory; that mode writes each sheet's top (column widths,
freeze panes, fit-to-page) before its first row, so all of those are decided before any row is written,
column widths from the header and the first rows. The file appears whole or not at all: it is written
beside the target and renamed at the end.

Every text goes in as text (`export_style.put`): openpyxl would write a record's "=HYPERLINK(…)" or an attachment named
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
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from sqlalchemy.orm import Session

from ledger.errors import NotFound
from ledger.excel.export_progress_evidence import evidence_sheet, progress_sheet
from ledger.excel.export_scope import Scope
from ledger.excel.export_style import (
    ALIGNMENTS,
    BORDER,
    CENTER,
    HEADER_FONT,
    HEADER_ROW,
    ID_FONT,
    RIGHT,
    TOTAL_FILL,
    Column,
    append_row,
    column_cell,
    new_sheet,
    put,
    row_height,
    text_cell,
    write_heading,
)
from ledger.excel.sheets import (
    EVIDENCE_SHEET,
    ID_HEADER,
    PROGRESS_SHEET,
    SEQ_HEADER,
    SHEET_NAMES,
    TOTAL_LABEL,
    summed,
)
from ledger.fields import KindSpec
from ledger.jobs import Job
from ledger.kinds import KINDS, kind_spec
from ledger.models import Record
from ledger.records import find_pairing, record_values
from ledger.storage.outputs import (
    ledger_cache_of,
    ledger_folder_of,
    refuse_inside_ledger,
    replacing,
    spilling_into_ledger_cache,
)
from ledger.values import display_width

#: Rows of each kind read to size the columns before the first row is written.
SAMPLE_ROWS = 500
#: The hidden column before 记录编号 on each kind's sheet: the record's stored revision at the export. The
#: export's time is the workbook's creation time (docProps/core.xml), which `excel_import` reads too.
REVISION_HEADER = "版本"


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
    job: Job | None = None,
) -> ExportSummary:
    """Writes the ledger's records (of `pairing`, `year` and `kinds`, else all) as the workbook at `path`.

    `job` hears the fraction done and what is being written; cancelled, or an exception raised from its
    report, the export stops and leaves no file behind."""
    refuse_inside_ledger(path, ledger_folder_of(session), "导出文件")
    wanted = [kind_spec(kind).name for kind in kinds] if kinds else list(KINDS)
    pairing_id = None
    if pairing:
        found = find_pairing(session, pairing)
        if found is None:
            raise NotFound(f"台账里没有结对关系“{pairing}”")
        pairing, pairing_id = found.name, found.id
    scope = Scope(session, pairing, pairing_id, year, as_of or date.today())
    report = (job or Job()).report
    counts = {kind: scope.count(kind) for kind in wanted}
    total = max(1, sum(counts.values()))

    path = Path(path)
    summary = ExportSummary(path)
    workbook = Workbook(write_only=True)
    try:
        summary.sheets.append((PROGRESS_SHEET, progress_sheet(workbook, scope)))
        done = 0
        for kind in wanted:
            name = SHEET_NAMES[kind]
            report(done / total, f"正在写入{name}")

            def advance(rows: int, done: int = done, name: str = name) -> None:
                report((done + rows) / total, f"正在写入{name}：{rows} 条")

            summary.sheets.append((name, _kind_sheet(workbook, scope, kind, counts[kind], advance)))
            done += counts[kind]
        summary.sheets.append((EVIDENCE_SHEET, evidence_sheet(workbook, scope, wanted)))
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


# Sheets of records ----------------------------------------------------------------------------


#: Width units of the printed columns beyond which a sheet would print too small to read when fitted
#: to a landscape A4 page (about 140 fit at full size).
PAGE_WIDTH = 210


def _columns(spec: KindSpec, hidden: set[str]) -> list[Column]:
    """The sheet's columns; fields in `hidden` (what the title already says) stay in the file, unprinted."""
    columns = [Column(SEQ_HEADER, 6, alignment=CENTER)]
    for f in spec.fields:
        shape = f.values
        alignment = ALIGNMENTS[shape.cell_alignment]
        columns.append(Column(f.label, shape.cell_width, shape.number_format, alignment, field=f))
    # Hidden, never printed: the revision each record had when exported, so an import finds what changed since.
    columns.append(Column(REVISION_HEADER, 6, "0", RIGHT, font=ID_FONT, hidden=True))
    columns.append(Column(ID_HEADER, 38, "@", font=ID_FONT))
    for column in columns:
        column.hidden = column.hidden or (column.field is not None and column.field.name in hidden)
    return columns


def _fit_widths(columns: list[Column], rows: list[list[Any]]) -> None:
    """Widths that show most values on a line or two (a CJK character is two widths), within what
    a landscape A4 page can still print legibly: the widest text columns give way and wrap."""
    shrinkable = []
    for index, column in enumerate(columns):
        if column.header == ID_HEADER:
            continue
        longest = max([0] + [_width_of(row[index], column) for row in rows])
        header = display_width(column.header)
        wraps = column.field is not None and column.field.values.cell_alignment == "wrap"
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


def _width_of(value: Any, column: Column) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}")
    if isinstance(value, date):
        return 10
    return max(display_width(line) for line in str(value).split("\n"))


def _kind_sheet(workbook: Workbook, scope: Scope, kind: str, count: int, advance: Callable[[int], None]) -> int:
    spec = KINDS[kind]
    columns = _columns(spec, scope.implied_fields(kind))
    records = scope.records(kind)
    # The first rows are read ahead to size the columns, which must be set before any row is written.
    sample = [_row_values(spec, record) for record in islice(records, SAMPLE_ROWS)]
    _fit_widths(columns, [[None, *values] for values in sample])
    sheet = new_sheet(workbook, SHEET_NAMES[kind], columns)
    write_heading(sheet, columns, scope.title(SHEET_NAMES[kind]), scope.note(f"共 {count} 条"))
    _choices(sheet, columns, count)

    cells = [column_cell(sheet, column) for column in columns]
    totals: dict[int, Decimal | int] = {
        i: 0 for i, column in enumerate(columns) if column.field is not None and summed(column.field)
    }
    number = 0
    for values in _chain(sample, (_row_values(spec, record) for record in records)):
        number += 1
        row = [number, *values]
        for index, value in enumerate(row):
            put(cells[index], value)
            if index in totals and value is not None:
                totals[index] += value
        append_row(sheet, HEADER_ROW + number, cells, row_height(row, columns))
        if number % 1000 == 0:
            advance(number)
    end = HEADER_ROW + number
    if totals:
        _total_row(sheet, columns, number, totals)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(end, HEADER_ROW + 1)}"
    sheet.print_area = f"A1:{get_column_letter(len(columns) - 1)}{end + (1 if totals else 0)}"
    return number


def _row_values(spec: KindSpec, record: Record) -> list[Any]:
    values = record_values(record)
    return [*(f.values.cell(values[f.name]) for f in spec.fields), record.revision, str(record.id)]


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _choices(sheet: Worksheet, columns: list[Column], count: int) -> None:
    """Drop-down lists on choice columns, so rows typed in Excel use the ledger's terms."""
    last_row = HEADER_ROW + count + 1000  # room for rows added by hand
    for index, column in enumerate(columns, 1):
        f = column.field
        choices = f.values.offered() if f is not None else ()
        if not choices:
            continue
        validation = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
        validation.error, validation.errorTitle = f"请从列表中选择：{'、'.join(choices)}", f.label
        validation.showErrorMessage = True
        letter = get_column_letter(index)
        validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{last_row}")
        sheet.data_validations.append(validation)


def _total_row(sheet: Worksheet, columns: list[Column], count: int, totals: dict[int, Any]) -> None:
    """Sums as values, not formulas: a formula written here has no value until Excel recalculates."""
    if not totals:
        return
    row = []
    for index, column in enumerate(columns):
        if index == len(columns) - 1:
            break
        cell = text_cell(sheet, TOTAL_LABEL if index == 0 else totals.get(index))
        cell.font, cell.border, cell.fill = HEADER_FONT, BORDER, TOTAL_FILL
        cell.alignment = CENTER if index == 0 else column.alignment
        if column.number_format and index in totals:
            cell.number_format = column.number_format
        if column.field is not None and column.field.name == "title":
            put(cell, f"共 {count} 条")
        row.append(cell)
    sheet.append(row)


def _save(workbook: Workbook, path: Path, notes: Path | None = None) -> None:
    """Writes beside `path` and renames: an interrupted export leaves the old file, or none, never half a one
    (the temporary noted in `notes`, the ledger's cache, for its next opening to remove after a kill)."""
    try:
        # As Workbook.save, with the archive and the sheets' streams closed on a failure (a full disk), which
        # would otherwise each print a traceback when collected.
        with (
            replacing(path, notes) as (handle, _),
            os.fdopen(handle, "wb") as stream,
            zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
            ExcelWriter(workbook, archive).write_data()
    except BaseException:
        _abandon(workbook)  # whatever failed (a folder that cannot be made, a full disk), the sheets' files go
        raise
