"""How every sheet of the exported workbook looks and begins: fonts, borders and columns, the page set up for
printing, the title, date and header rows, and cells written as text. In openpyxl's write-only mode all of a
sheet's top is written before its first row, so these are decided once per sheet and the styled cells are
refilled row after row.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ledger.excel.sheets import ID_HEADER, looks_like_formula
from ledger.fields import Field
from ledger.values import display_width

HEADER_ROW = 3  # title, date line, header

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
BODY_FONT = Font(name="宋体", size=10)
HEADER_FONT = Font(name="黑体", size=10, bold=True)
_TITLE_FONT = Font(name="黑体", size=16, bold=True)
_NOTE_FONT = Font(name="宋体", size=10, color="595959")
ID_FONT = Font(name="Arial", size=8, color="808080")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
#: A field's cells aligned as its type says (`FieldValues.cell_alignment`).
ALIGNMENTS = {"wrap": _WRAP, "center": CENTER, "right": RIGHT}


@dataclass
class Column:
    header: str
    width: float
    number_format: str | None = None
    alignment: Alignment = _WRAP
    font: Font = BODY_FONT
    field: Field | None = None
    hidden: bool = False


def row_height(row: list[Any], columns: list[Column], points: float = 13.5) -> float:
    """The height of a row whose text wraps in its columns: Excel and LibreOffice do not fit it on opening."""
    lines = 1
    for value, column in zip(row, columns, strict=True):
        if isinstance(value, str) and column.header != ID_HEADER and not column.hidden:
            # A CJK character takes about 1.7 width units in Excel's 宋体 and less in LibreOffice;
            # a row a little too tall loses nothing, one too short hides lines.
            room = max(1.0, (column.width - 1) * 1.15)
            lines = max(lines, sum(max(1, ceil(display_width(part) / room)) for part in value.split("\n")))
    return min(409, lines * points + 4)


def append_row(sheet: Worksheet, row: int, cells: list, height: float) -> None:
    """Appends row number `row` with its height; the dimension is dropped once written, or 100,000 pile up."""
    sheet.row_dimensions[row].height = height
    sheet.append(cells)
    del sheet.row_dimensions[row]


def new_sheet(workbook: Workbook, title: str, columns: list[Column]) -> Worksheet:
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


def write_heading(sheet: Worksheet, columns: list[Column], title: str, note: str) -> None:
    """The title and date lines, merged across the printed columns, then the header row."""
    printed = len(columns) - 1
    title_cell = text_cell(sheet, title)
    title_cell.font, title_cell.alignment = _TITLE_FONT, Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.append([title_cell])
    note_cell = text_cell(sheet, note)
    note_cell.font, note_cell.alignment = _NOTE_FONT, Alignment(horizontal="left", vertical="center")
    sheet.append([note_cell])
    for row in (1, 2):
        sheet.merged_cells.add(f"A{row}:{get_column_letter(printed)}{row}")
    header = []
    for column in columns:
        cell = text_cell(sheet, column.header)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, _HEADER_FILL, BORDER, CENTER
        header.append(cell)
    append_row(sheet, HEADER_ROW, header, row_height([column.header for column in columns], columns))


def column_cell(sheet: Worksheet, column: Column) -> WriteOnlyCell:
    """One styled cell per column, refilled row after row: write-only mode writes it out on append."""
    cell = WriteOnlyCell(sheet)
    cell.font, cell.border, cell.alignment = column.font, BORDER, column.alignment
    if column.number_format:
        cell.number_format = column.number_format
    return cell


def put(cell: WriteOnlyCell, value: Any) -> None:
    """Sets a cell's value, text as text whatever it starts with, never as a formula or an error value. Text
    that a spreadsheet would read as a formula is also marked as Excel marks text typed after an apostrophe
    ('=1+1), so that it stays text when someone types over it."""
    cell.value = value
    text = isinstance(value, str)
    if text:
        cell.data_type = "s"
    cell.quotePrefix = text and looks_like_formula(value)


def text_cell(sheet: Worksheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    put(cell, value)
    return cell
