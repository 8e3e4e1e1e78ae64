"""A task list's file turned into tables of cell texts, with merged cells marked: one set of rules reads both.

An .xlsx gives one table per sheet (openpyxl, fully loaded, as merged ranges are only known then); a .docx gives
one table per table of the document (python-docx), each with the paragraphs right before it, where its title
is. `ledger.plans.reading` reads the tasks from these rows whichever format they came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import docx
import openpyxl
from docx.text.paragraph import Paragraph


@dataclass
class Row:
    """One table row as cell texts, with the cells that are merged from above or across marked."""

    source: str
    cells: list[str]
    below: set[int] = field(default_factory=set)  # columns whose cell continues one merged down from above
    wide: set[int] = field(default_factory=set)  # columns whose cell is merged across the columns after it

    def text(self, column: int | None) -> str:
        return self.cells[column] if column is not None and column < len(self.cells) else ""


@dataclass
class Table:
    name: str  # "表2", for messages
    rows: list[Row]
    preamble: list[str] = field(default_factory=list)  # the document's paragraphs right before it (.docx)


def _cell_text(text: str) -> str:
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def xlsx_tables(path: Path) -> list[Table]:
    # Not read-only: merged ranges are only known to a fully loaded sheet.
    workbook = openpyxl.load_workbook(path, data_only=True)
    return [Table(sheet.title, _sheet_rows(sheet)) for sheet in workbook.worksheets]


def _sheet_rows(sheet) -> list[Row]:
    rows = [
        Row(f"第{number}行", [_xlsx_text(cell) for cell in cells])
        for number, cells in enumerate(sheet.iter_rows(min_row=1, min_col=1), 1)
    ]
    for merged in sheet.merged_cells.ranges:
        top = merged.min_row - 1
        column = merged.min_col - 1
        for index in range(top, min(merged.max_row, len(rows))):
            if merged.max_col > merged.min_col:
                rows[index].wide.add(column)
            if index > top:
                rows[index].cells[column] = rows[top].cells[column]
                rows[index].below.add(column)
    return rows


def _xlsx_text(cell) -> str:
    value = cell.value
    if isinstance(value, date):
        # Excel turns a typed "2020年9月" into 1 September shown as a month: read the month it shows.
        shown = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", cell.number_format or "")
        month = f"{value.year}年{value.month}月"
        return f"{month}{value.day}日" if "d" in shown.lower() else month
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _cell_text(str(value)) if value is not None else ""


def docx_tables(path: Path) -> list[Table]:
    document = docx.Document(str(path))
    tables: list[Table] = []
    preamble: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text.strip():
                preamble.append(block.text.strip())
            continue
        number = len(tables) + 1
        tables.append(Table(f"表{number}", _docx_rows(block, number), preamble))
        preamble = []
    return tables


def _docx_rows(table, number: int) -> list[Row]:
    # python-docx gives a cell merged across once per grid column it spans, and one merged down as its
    # top cell again in every row; both are told apart by the underlying <w:tc> element.
    rows: list[Row] = []
    above: list[object] = []
    for index, docx_row in enumerate(table.rows, 1):
        cells = [None] * docx_row.grid_cols_before + list(docx_row.cells) + [None] * docx_row.grid_cols_after
        elements = [cell._tc if cell is not None else None for cell in cells]
        row = Row(f"表{number}第{index}行", [])
        start = 0
        for column, (cell, element) in enumerate(zip(cells, elements, strict=True)):
            if element is not None and column > 0 and element is elements[column - 1]:
                row.cells.append("")
                row.wide.add(start)
                continue
            start = column
            row.cells.append(_cell_text(cell.text) if cell is not None else "")
            if element is not None and column < len(above) and element is above[column]:
                row.below.add(column)
        rows.append(row)
        above = elements
    return rows
