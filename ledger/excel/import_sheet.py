"""One ledger sheet of an imported workbook read: its header found by its labels below the title and date lines,
then each row below it read cell by cell into a field's value, every cell that cannot be read listed as a
mistake naming its row and column. The rows read go on to `ledger.excel.import_rows`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from python_calamine import CalamineError, CalamineSheet

from ledger.errors import LedgerError
from ledger.excel.export import REVISION_HEADER
from ledger.excel.import_cells import cell_text, cell_value, formula_in_text, quoted
from ledger.excel.import_file import Formulas, UnreadCells
from ledger.excel.import_report import MOST_MISTAKES, SheetReport
from ledger.excel.import_rows import ImportState, RecordRows
from ledger.excel.sheets import ID_HEADER, SEQ_HEADER, TOTAL_LABEL, column_of_header, header_key
from ledger.fields import Field, KindSpec

#: Rows with an id whose records are loaded and compared together: one query per batch.
BATCH = 1000
#: The header is looked for in this many rows from the top (title and date lines come first).
HEADER_WITHIN = 30
#: The date line of an exported sheet: "编制单位：…　　导出日期：2026年12月1日　　共 12 条".
_EXPORT_DATE = re.compile(r"导出日期：(\d{4})年(\d{1,2})月(\d{1,2})日")


class SheetReader(RecordRows):
    """One sheet of one kind: its header, then its rows, read here and checked, compared and written by `RecordRows`."""

    def __init__(
        self,
        state: ImportState,
        position: int,
        name: str,
        spec: KindSpec,
        sheet: CalamineSheet,
        errors: UnreadCells,
        formulas: Formulas,
    ):
        super().__init__(state, name, spec)
        self.position = position
        self.sheet = sheet
        self.ignored: list[str] = []
        self.columns: dict[int, Field] = {}  # calamine's column index → field
        self.header_keys: dict[int, str] = {}
        self.id_column: int | None = None
        self.revision_column: int | None = None
        self.errors = errors  # until the header is found, by column from A; then by calamine's index
        self.formulas = formulas  # likewise; once the header is found, those in text fields only

    def run(self) -> SheetReport:
        rows = self._rows()
        if not self._find_header(rows):
            labels = "、".join(f.label for f in self.spec.editable_fields[2:6])
            self._add_mistake(0, "", "", f"前 {HEADER_WITHIN} 行中找不到表头行（应有 {labels} 等列）")
            return self.report
        self._keep_errors_read()
        height = max(1, self.sheet.height)
        for number, cells in self._data_rows(rows):
            self._read(number, cells)
            if number % 1000 == 0:
                self.state.job.report((self.position + number / height) / self.state.sheets, f"正在读取{self.name}")
            if len(self.state.mistakes) >= MOST_MISTAKES:
                return self.report
        self._update()
        self._add()
        return self.report

    def _keep_errors_read(self) -> None:
        """Keeps the error cells in the columns read (not in a note column), and the formulas in the text fields
        read, by calamine's column index: its rows start at the sheet's first row, but its columns at the first
        that holds anything."""
        first = self.sheet.start[1] if self.sheet.start else 0
        read = self._read_columns()
        text = [index for index in read if index == self.id_column or not self.columns[index].values.computable]
        self.errors = self._kept(self.errors, first, read)
        self.formulas = self._kept(self.formulas, first, text)

    @staticmethod
    def _kept(found: dict[int, dict[int, Any]], first: int, columns: list[int]) -> dict[int, dict[int, Any]]:
        kept_cells = {}
        for row, cells in found.items():
            kept = {column - first: text for column, text in cells.items() if column - first in columns}
            if kept:
                kept_cells[row] = kept
        return kept_cells

    def _rows(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from enumerate(self.sheet.iter_rows(), start=1)
        except CalamineError as error:
            raise LedgerError(f"无法读取工作表 {self.name}，文件可能已损坏。（技术细节：{error}）") from None

    # The header -----------------------------------------------------------------------------

    def _find_header(self, rows: Iterator[tuple[int, list[Any]]]) -> bool:
        names = column_of_header(self.spec)
        for number, cells in rows:
            if number > HEADER_WITHIN:
                return False
            self._note_export_date(cells)
            keys = [header_key(cell) if isinstance(cell, str) else "" for cell in cells]
            if len({names[key].name for key in keys if key in names}) < 2:
                continue
            for index, (cell, key) in enumerate(zip(cells, keys, strict=True)):
                header = " ".join(cell.split()) if isinstance(cell, str) else ""
                field = names.get(key)
                if field is not None:
                    self.header_keys[index] = key
                    if field.name in self.headers:
                        self._add_mistake(number, header, "", f"与“{self.headers[field.name]}”列重复，请删去一列")
                    elif not field.derived:  # computed on save; exported for reading only
                        self.columns[index] = field
                        self.headers[field.name] = header
                elif key == header_key(ID_HEADER):
                    self.id_column = index
                elif key == header_key(REVISION_HEADER):
                    self.revision_column = index
                elif key and key != header_key(SEQ_HEADER):
                    self.ignored.append(header)
            return True
        return False

    def _note_export_date(self, cells: list[Any]) -> None:
        for cell in cells:
            found = _EXPORT_DATE.search(cell) if isinstance(cell, str) else None
            if found:
                try:  # the start of that day where the export ran: changes later that day count as after it
                    day = date(*map(int, found.groups()))
                except ValueError:
                    continue
                self.exported_on = datetime(day.year, day.month, day.day).astimezone().astimezone(UTC)

    def _data_rows(self, rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
        """The rows below the header that hold a record: not the total, not the header again, and not blank
        in every column read (a row emptied but for its 序号 or a note is no record)."""
        first_key = next(iter(self.header_keys.items()))
        read = self._read_columns()
        for number, cells in rows:
            first = next((text for text in map(cell_text, cells) if text), "")
            if first and (header_key(first) == TOTAL_LABEL or self._repeats_header(cells, *first_key)):
                continue
            if number in self.errors or any(cell_text(cells[i]) for i in read if i < len(cells)):
                yield number, cells

    def _read_columns(self) -> list[int]:
        return [*self.columns, *([] if self.id_column is None else [self.id_column])]

    def _repeats_header(self, cells: list[Any], index: int, key: str) -> bool:
        if index >= len(cells) or not isinstance(cells[index], str) or header_key(cells[index]) != key:
            return False  # the usual case, decided by one cell
        return all(i < len(cells) and header_key(cells[i]) == k for i, k in self.header_keys.items())

    # A row ----------------------------------------------------------------------------------

    def _read(self, number: int, cells: list[Any]) -> None:
        errors = self.errors.get(number, {})
        formulas = self.formulas.get(number, {})
        values: dict[str, Any] = {}
        unread: set[str] = set()  # fields whose cell is a mistake already listed
        for index, field in self.columns.items():
            raw = cells[index] if index < len(cells) else ""
            if index in formulas:
                unread.add(field.name)
                self._mistake(number, field, *formula_in_text(formulas[index], raw))
                continue
            if index in errors:
                unread.add(field.name)
                self._mistake(number, field, *errors[index])
                continue
            try:
                values[field.name] = cell_value(field, raw)
            except ValueError as error:
                unread.add(field.name)
                self._mistake(number, field, cell_text(raw), str(error))

        if self.id_column is None:
            text = ""
        elif self.id_column in formulas:
            raw = cells[self.id_column] if self.id_column < len(cells) else ""
            self._add_mistake(number, ID_HEADER, *formula_in_text(formulas[self.id_column], raw))
            return
        elif self.id_column in errors:
            self._add_mistake(number, ID_HEADER, *errors[self.id_column])
            return
        else:
            text = cell_text(cells[self.id_column] if self.id_column < len(cells) else "")
        if not text:
            self._check_new(number, values, unread)
            return
        try:
            record_id = uuid.UUID(text)
        except ValueError:
            self._add_mistake(number, ID_HEADER, text, "不是有效的记录编号；新增的行请留空这一格")
            return
        first = self.state.seen.setdefault((self.spec.name, record_id), (self.name, number))
        if first != (self.name, number):
            where = f"第{first[1]}行" if first[0] == self.name else f"{first[0]} 第{first[1]}行"
            self._add_mistake(number, ID_HEADER, text, f"与{where}是同一条记录，请删去一行")
            return
        base = self._revision(number, cells)
        if base is False:
            return
        self.batch.append((number, record_id, values, unread, base))
        if len(self.batch) >= BATCH:
            self._update()

    def _revision(self, number: int, cells: list[Any]) -> int | None | bool:
        """The row's 版本: the revision its record had at the export; None when the workbook has none for it,
        False (a mistake listed) when the cell holds something else."""
        if self.revision_column is None or self.revision_column >= len(cells):
            return None
        raw = cells[self.revision_column]
        text = cell_text(raw)
        if not text:
            return None
        if text.isdigit() and int(text) >= 1:
            return int(text)
        self._add_mistake(number, REVISION_HEADER, quoted(text), "不是导出时写入的版本号（这一列隐藏，请勿修改）")
        return False

    def _mistake(self, number: int, field: Field, value: str, reason: str) -> None:
        header = self.headers.get(field.name, field.label)
        # "应为整数：很多" would repeat the value the mistake shows anyway.
        self._add_mistake(number, header, value, reason.removesuffix(f"：{value}"))
