"""Reading the Excel ledger (台账) back after people have edited it in Excel or WPS.

Each sheet of a record kind (see `ledger.sheets`) is read row by row: a row with a 记录编号 updates that
record where it differs, a row without one is a new record, an unchanged row is left alone. Every cell is
read and every row validated before anything is written; one mistake anywhere and nothing is, and the
user gets all of them at once, each with its sheet, row, column, value and reason. Otherwise the whole
workbook lands in one transaction.

Cells are read with python-calamine, about ten times faster than openpyxl on large sheets; merged cells
(only the title rows here) do not matter to this layout.
"""

from __future__ import annotations

import dataclasses
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils.datetime import from_excel
from python_calamine import CalamineError, CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.errors import InvalidInput, LedgerError, RecordLocked
from ledger.fields import Field, FieldType, KindSpec, Problem
from ledger.kinds import KINDS, MODELS
from ledger.models import Pairing, Record
from ledger.records import add_many, find_pairing, record_values, update_record
from ledger.sheets import ID_HEADER, SEQ_HEADER, SHEET_NAMES, TOTAL_LABEL, column_of_header, header_key, sheet_kind
from ledger.validation import check_values, complete, display, normalize, parse_field
from ledger.values import parse_date, to_money

#: Rows whose records are loaded and compared together: one query per batch, memory kept flat.
BATCH = 1000
#: The most mistakes listed; past this the workbook is plainly not in the layout, and more would not help.
MOST_MISTAKES = 500


@dataclass(frozen=True)
class Mistake:
    sheet: str
    row: int  # as Excel numbers it
    column: str  # the header as the file writes it; "" for the whole row
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.sheet} 第{self.row}行" if self.row else self.sheet
        column = f" {self.column}" if self.column else ""
        value = f"“{self.value}”" if self.value else ""
        return f"{where}{column}{value}：{self.reason}"


class ImportFailed(LedgerError):
    """The workbook has mistakes; nothing was written."""

    def __init__(self, mistakes: Sequence[Mistake], more: bool = False):
        self.mistakes = list(mistakes)
        heading = f"工作簿有 {len(self.mistakes)}{' 多' if more else ''} 处错误，未导入任何内容："
        lines = [heading, *(f"  {mistake}" for mistake in self.mistakes)]
        if more:
            lines.append(f"  ……只列出前 {len(self.mistakes)} 处，请先改正这些")
        super().__init__("\n".join(lines))


@dataclass
class SheetReport:
    sheet: str
    kind: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    path: Path
    dry_run: bool = False
    sheets: list[SheetReport] = dataclasses.field(default_factory=list)
    ignored_sheets: list[str] = dataclasses.field(default_factory=list)
    ignored_columns: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (sheet, header)

    def lines(self) -> list[str]:
        verb = "试导入" if self.dry_run else "已导入"
        lines = [f"{verb}：{self.path.name}"]
        for sheet in self.sheets:
            lines.append(f"  {sheet.sheet}：新增 {sheet.new} 条，修改 {sheet.updated} 条，未变 {sheet.unchanged} 条")
        if not self.sheets:
            lines.append(f"  没有找到台账工作表（应名为 {'、'.join(SHEET_NAMES.values())}）")
        if self.ignored_sheets:
            lines.append(f"  未读取的工作表：{'、'.join(self.ignored_sheets)}")
        for sheet, header in self.ignored_columns:
            lines.append(f"  {sheet} 的“{header}”列不是台账字段，未读取")
        if self.dry_run:
            lines.append("（试导入，未写入台账）")
        return lines


def import_workbook(session: Session, path: Path, *, dry_run: bool = False) -> ImportReport:
    """Reads the workbook at `path` into the ledger in one transaction; raises ImportFailed listing every
    mistake, having written nothing. With `dry_run` everything is checked and counted, nothing kept."""
    path = Path(path)
    report = ImportReport(path, dry_run)
    sheets = _read_workbook(path)
    transaction = session.begin()
    try:
        mistakes: list[Mistake] = []
        for name, rows in sheets:
            kind = sheet_kind(name)
            if kind is None:
                report.ignored_sheets.append(name)
                continue
            reader = _SheetReader(session, name, KINDS[kind], rows)
            sheet_report = reader.run()
            report.sheets.append(sheet_report)
            report.ignored_columns.extend((name, header) for header in reader.ignored)
            mistakes.extend(reader.mistakes)
            if len(mistakes) >= MOST_MISTAKES:
                break
        if mistakes:
            raise ImportFailed(mistakes[:MOST_MISTAKES], more=len(mistakes) >= MOST_MISTAKES)
    except BaseException:
        transaction.rollback()
        raise
    if dry_run:
        transaction.rollback()
    else:
        transaction.commit()
    return report


def _read_workbook(path: Path) -> list[tuple[str, Iterator[list[Any]]]]:
    """Each sheet's name and its rows from the first, read as they are needed."""
    if not path.is_file():
        raise LedgerError(f"找不到文件：{path}")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return [(name, _rows(path, workbook.get_sheet_by_name(name))) for name in workbook.sheet_names]
    except (CalamineError, ValueError, OSError) as error:
        raise _unreadable(path, error) from None


def _rows(path: Path, sheet) -> Iterator[list[Any]]:
    try:
        yield from sheet.iter_rows()  # rows from the first; columns from the first that holds anything
    except (CalamineError, ValueError) as error:
        raise _unreadable(path, error) from None


def _unreadable(path: Path, error: Exception) -> LedgerError:
    return LedgerError(f"无法读取工作簿 {path.name}：它不是 Excel 文件，或已损坏、加密（{error}）")


class _SheetReader:
    """One sheet of one kind: its header, then its rows, checked, compared and written."""

    def __init__(self, session: Session, name: str, spec: KindSpec, rows: Iterator[list[Any]]):
        self.session, self.name, self.spec = session, name, spec
        self.rows = enumerate(rows, start=1)  # (Excel's row number, cells)
        self.report = SheetReport(name, spec.name)
        self.mistakes: list[Mistake] = []
        self.ignored: list[str] = []
        self.columns: dict[int, Field] = {}
        self.headers: dict[str, str] = {}  # field name → its header as the file writes it
        self.id_column: int | None = None
        self.seen_ids: dict[uuid.UUID, int] = {}
        pairings = session.scalars(select(Pairing.name).limit(2)).all()
        self.only_pairing = pairings[0] if len(pairings) == 1 else None
        self.pairing_names: dict[str, str | None] = {}  # as typed → as the ledger names it, None if unknown

    def run(self) -> SheetReport:
        header = self._find_header()
        if header is None:
            labels = "、".join(f.label for f in self.spec.fields[:4])
            self.mistakes.append(Mistake(self.name, 0, "", "", f"找不到表头行（应有 {labels} 等列）"))
            return self.report
        new_rows: list[dict[str, Any]] = []
        batch: list[tuple[int, uuid.UUID, dict[str, Any], set[str]]] = []
        for number, cells in self._data_rows(header):
            values, unread, record_id = self._read_row(number, cells)
            if record_id is not None:
                batch.append((number, record_id, values, unread))
                if len(batch) == BATCH:
                    self._update(batch)
                    batch = []
            elif not self._has_id_text(cells):  # a wrong id is a mistake, not a new row
                self._check_new(number, values, unread)
                self.report.new += 1
                new_rows.append(values)
                new_rows = self._add(new_rows, at_least=5 * BATCH)
            if len(self.mistakes) >= MOST_MISTAKES:
                break
        self._update(batch)
        self._add(new_rows)
        return self.report

    def _add(self, rows: list[dict[str, Any]], at_least: int = 1) -> list[dict[str, Any]]:
        """Writes the new rows gathered so far while all is well, so they need not wait in memory; after a
        mistake nothing more is written, and the transaction is rolled back at the end."""
        if len(rows) < at_least:
            return rows
        if not self.mistakes:
            add_many(self.session, self.spec.name, rows)
        return []

    # Reading --------------------------------------------------------------------------------

    def _find_header(self) -> list[str] | None:
        """The header's keys, having mapped its columns; None when none of the first 30 rows is one."""
        names = column_of_header(self.spec)
        for index, cells in self.rows:
            if index > 30:
                break
            found = {i: names[header_key(cell)] for i, cell in enumerate(cells) if header_key(cell) in names}
            if len(found) < 2:
                continue
            for i, cell in enumerate(cells):
                key = header_key(cell)
                if i in found:
                    field = found[i]
                    if field.name in self.headers:
                        self.mistakes.append(Mistake(self.name, index, str(cell), "", "这一列与前面的列重复"))
                    elif not field.derived:  # computed on save; shown for reading only
                        self.columns[i] = field
                        self.headers[field.name] = str(cell).strip()
                elif key == header_key(ID_HEADER):
                    self.id_column = i
                elif key and key != header_key(SEQ_HEADER):
                    self.ignored.append(str(cell).strip())
            return [header_key(cell) for cell in cells]
        return None

    def _data_rows(self, header: list[str]) -> Iterator[tuple[int, list[Any]]]:
        for number, cells in self.rows:
            texts = [_text(cell) for cell in cells]
            if not any(texts):
                continue
            first = next(text for text in texts if text)
            if first == TOTAL_LABEL or [header_key(cell) for cell in cells] == header:
                continue  # the total row, or the header repeated by a paste
            yield number, cells

    def _read_row(self, number: int, cells: list[Any]) -> tuple[dict[str, Any], set[str], uuid.UUID | None]:
        values: dict[str, Any] = {}
        unread: set[str] = set()
        for index, field in self.columns.items():
            raw = cells[index] if index < len(cells) else ""
            try:
                values[field.name] = cell_to_value(field, raw)
            except ValueError as error:
                unread.add(field.name)
                self._mistake(number, field, _text(raw), str(error))
        record_id = None
        if self.id_column is not None:
            text = _text(cells[self.id_column] if self.id_column < len(cells) else "")
            if text:
                try:
                    record_id = uuid.UUID(text)
                except ValueError:
                    self.mistakes.append(
                        Mistake(self.name, number, ID_HEADER, text, "不是有效的记录编号，新增的行请留空")
                    )
                else:
                    if record_id in self.seen_ids:
                        self.mistakes.append(
                            Mistake(self.name, number, ID_HEADER, text, f"与第{self.seen_ids[record_id]}行是同一条记录")
                        )
                        record_id = None
                    else:
                        self.seen_ids[record_id] = number
        return values, unread, record_id

    def _has_id_text(self, cells: list[Any]) -> bool:
        return self.id_column is not None and bool(_text(cells[self.id_column] if self.id_column < len(cells) else ""))

    def _mistake(self, number: int, field: Field, value: str, reason: str) -> None:
        header = self.headers.get(field.name, field.label)
        # "应为整数：很多" repeats the value the mistake already shows.
        self.mistakes.append(Mistake(self.name, number, header, value, reason.removesuffix(f"：{value}")))

    def _problems(self, number: int, problems: Sequence[Problem]) -> None:
        for problem in problems:
            field = self.spec.by_name.get(problem.field)
            header = self.headers.get(problem.field, field.label if field else problem.label)
            self.mistakes.append(Mistake(self.name, number, header, problem.value, problem.message))

    # New rows -------------------------------------------------------------------------------

    def _check_new(self, number: int, values: dict[str, Any], unread: set[str]) -> None:
        if not values.get("pairing") and self.only_pairing and "pairing" not in unread:
            # The pairing column is hidden when the workbook is of one pairing; a row typed in takes it.
            values["pairing"] = self.only_pairing
        normalized = {name: normalize(self.spec.by_name[name], value) for name, value in values.items()}
        values.update(normalized)
        completed = complete(self.spec, dict(normalized))
        problems = check_values(self.spec, completed, unread=unread)
        if any(p.field == self.spec.date_field for p in problems):
            # The year follows the date, often from a hidden column: one mistake, reported at the date.
            problems = [p for p in problems if p.field != "year"]
        typed = completed.get("pairing")
        if typed and "pairing" not in unread and self._pairing(typed) is None:
            problems.append(Problem("pairing", "结对关系", typed, "台账里没有这个结对关系"))
        self._problems(number, problems)

    def _pairing(self, typed: str) -> str | None:
        if typed not in self.pairing_names:
            found = find_pairing(self.session, typed)
            self.pairing_names[typed] = found.name if found else None
        return self.pairing_names[typed]

    # Rows with an id ------------------------------------------------------------------------

    def _update(self, batch: list[tuple[int, uuid.UUID, dict[str, Any], set[str]]]) -> None:
        if not batch:
            return
        wanted = [record_id for _, record_id, _, _ in batch]
        kinds = dict(self.session.execute(select(Record.id, Record.kind).where(Record.id.in_(wanted))).all())
        model = MODELS[self.spec.name]
        mine = [record_id for record_id in wanted if kinds.get(record_id) == self.spec.name]
        own = {record.id: record for record in self.session.scalars(select(model).where(model.id.in_(mine)))}
        for number, record_id, values, unread in batch:
            record = own.get(record_id)
            text = str(record_id)
            if record_id not in kinds:
                self.mistakes.append(
                    Mistake(self.name, number, ID_HEADER, text, "台账里没有这个记录编号，新增的行请留空")
                )
                continue
            if record is None:
                other = SHEET_NAMES[kinds[record_id]]
                self.mistakes.append(
                    Mistake(self.name, number, ID_HEADER, text, f"这是{other}里的记录，不能在{self.name}中导入")
                )
                continue
            if record.deleted:
                self.mistakes.append(
                    Mistake(self.name, number, ID_HEADER, text, f"记录“{record.title}”在回收站里，请先恢复")
                )
                continue
            changed = self._changes(record, values)
            if not changed and not unread:
                self.report.unchanged += 1
                continue
            # Cells that could not be read are already listed; passed as known problems, they keep the
            # rest of the row checked without anything being written.
            known = [Problem(name, "", "", "") for name in unread]
            try:
                # A change that completes to what was there (a composed title cleared) changes nothing.
                landed = update_record(self.session, record, changed, input_problems=known)
            except InvalidInput as error:
                self._problems(number, [p for p in error.problems if p.field not in unread])
            except RecordLocked as error:
                self.mistakes.append(Mistake(self.name, number, "", "", str(error)))
            else:
                if landed:
                    self.report.updated += 1
                else:
                    self.report.unchanged += 1

    def _changes(self, record: Record, values: dict[str, Any]) -> dict[str, Any]:
        current = record_values(record)
        changed = {}
        for name, value in values.items():
            field = self.spec.by_name[name]
            value = normalize(field, value)
            if field.type is FieldType.PAIRING and value:
                value = self._pairing(value) or value
            if value != normalize(field, current[name]):
                changed[name] = value
        return changed


# Cells ------------------------------------------------------------------------------------------


def cell_to_value(field: Field, raw: Any) -> Any:
    """The value of `field` in a cell as calamine reads it (text, float, bool, date, datetime); raises
    ValueError with the reason in Chinese."""
    if isinstance(raw, str):
        return parse_field(field, unicodedata.normalize("NFKC", raw) if field.type is FieldType.CHOICE else raw)
    if raw is None:
        return parse_field(field, "")
    match field.type:
        case FieldType.DATE:
            return _date(raw)
        case FieldType.MONEY:
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise ValueError(f"应为金额：{display(field, raw)}")
            return to_money(Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw), original=raw)
        case FieldType.INT:
            if isinstance(raw, float) and raw.is_integer():
                return int(raw)
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            raise ValueError(f"应为整数：{raw}")
        case FieldType.BOOL:
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, int | float) and raw in (0, 1):
                return bool(raw)
            raise ValueError(f"应填“是”或“否”：{raw}")
        case FieldType.ID_NUMBER if isinstance(raw, int | float):
            raise ValueError("身份证号被 Excel 存成了数字，后几位已经丢失；请把这一列设为“文本”后重新填写")
    return parse_field(field, _text(raw))


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 19000101 <= raw <= 21001231 and float(raw).is_integer():
            return parse_date(str(int(raw)))  # 20200512 typed as a number
        if 1 <= raw < 80000:
            return from_excel(raw).date()  # a date serial in a cell not formatted as a date
    raise ValueError(f"无法识别的日期：{raw}")


def _text(raw: Any) -> str:
    """A cell as its user reads it: whole numbers without ".0", dates as ISO dates."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()
