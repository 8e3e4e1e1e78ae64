"""Reading the Excel ledger (台账) back after people have edited it in Excel or WPS.

Each sheet of a record kind (see `ledger.excel.sheets`) is read row by row: a row with a 记录编号 updates that
record where it differs, a row without one is a new record, an unchanged row is left alone. Every cell is
read and every row validated before anything is kept; one mistake anywhere and nothing is, and the user
gets all of them at once, each with its sheet, row, column, value and reason. Otherwise the whole
workbook lands in one transaction.

Cells are read with python-calamine, about ten times faster than openpyxl on large sheets; merged cells
(only the title rows here) do not matter to this layout. Calamine reads a cell holding an Excel error
(#REF!, #VALUE!), or a formula saved without its result, as an empty one, which would quietly clear a
field, so those are found in the sheet's XML. So are formulas in text fields: calamine reads the result a
formula saved, and "=HYPERLINK(…)" would come back as the "点我" it shows; a text field holds what someone
typed, so such a cell is a mistake (numbers and dates may be worked out). Before calamine opens anything,
the file's size, the package's inflated size and each ledger sheet's extent are checked against the
ledger's limits (`ledger.office_zip`): calamine would abort the whole process on a sheet with two cells far
apart.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, PasswordError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import office_zip
from ledger.errors import InvalidInput, LedgerError, RecordLocked
from ledger.excel.export import REVISION_HEADER
from ledger.excel.sheets import (
    ID_HEADER,
    SEQ_HEADER,
    SHEET_NAMES,
    TOTAL_LABEL,
    column_of_header,
    computable,
    header_key,
    sheet_kind,
)
from ledger.fields import Field, FieldType, KindSpec, Problem
from ledger.kinds import KINDS, MODELS
from ledger.limits import Limits, file_problem
from ledger.models import AuditEntry, Pairing, Record, RecordUnit, Unit
from ledger.records import REVISING, add_many, find_pairing, update_record
from ledger.validation import check_values, complete, normalize, parse_field
from ledger.values import parse_date

#: Rows with an id whose records are loaded and compared together: one query per batch.
BATCH = 1000
#: New rows written together while all is well, so a large sheet need not wait in memory.
NEW_BATCH = 5000
#: The most mistakes listed; past this the workbook is plainly not in the layout, and more would not help.
MOST_MISTAKES = 500
#: The header is looked for in this many rows from the top (title and date lines come first).
HEADER_WITHIN = 30
#: A ledger sheet has about thirty columns; past this many, calamine's grid of the sheet would be huge.
MOST_COLUMNS = 100
#: A workbook may inflate to this many times the size limit on the file: ten times is usual.
MOST_INFLATION = 20
#: Why a cell calamine reads as empty is a mistake.
FORMULA_ERROR = "公式出错，请改正公式或直接填写"
FORMULA_WITHOUT_VALUE = "公式没有保存计算结果（文件不是由 Excel 或 WPS 保存的），请在 Excel 或 WPS 中打开、保存后再导入"
#: Why a formula in a text field is a mistake; the first with what the formula shows.
FORMULA_IN_TEXT = "这一格是公式，不是文字：表中显示的“{shown}”是公式算出的，不会导入。"
FORMULA_IN_TEXT_EMPTY = "这一格是公式，不是文字。"
TYPE_TEXT = "请直接填写文字（以 = 开头的文字，先输入英文单引号 '）"
#: The most characters of a cell quoted in a mistake.
QUOTED = 60

Progress = Callable[[float, str], None]

#: What to do with a row whose record changed in the ledger after the workbook was exported.
CONFLICT_RULES = {
    "stop": "停止导入，列出冲突",
    "workbook": "以工作簿为准",
    "ledger": "保留台账的修改（跳过这些行）",
}


@dataclass(frozen=True)
class Mistake:
    sheet: str
    row: int  # as Excel numbers it; 0 for the whole sheet
    column: str  # the header as the file writes it; "" for the whole row
    value: str  # the cell as its user sees it
    reason: str

    def __str__(self) -> str:
        where = f"{self.sheet} 第{self.row}行" if self.row else self.sheet
        column = f" {self.column}" if self.column else ""
        value = f"“{self.value}”" if self.value else ""
        return f"{where}{column}{value}：{self.reason}"


@dataclass(frozen=True)
class Conflict(Mistake):
    """A row whose record was changed in the ledger after the workbook was exported: importing it would undo that
    change. Listed like a mistake; `fields` are (label, value then, value now) of what changed since, as the
    audit log has it (empty when it cannot tell), `authors` who changed it and `at` when last (UTC)."""

    record_id: uuid.UUID
    fields: tuple[tuple[str, Any, Any], ...]
    authors: tuple[str, ...]
    at: datetime | None


class ImportFailed(LedgerError):
    """The workbook has mistakes, or rows that would undo newer changes (conflicts); nothing was written.

    `mistakes` lists both, in sheet and row order; `conflicts` the conflicts alone."""

    def __init__(
        self, mistakes: Sequence[Mistake], more: bool = False, name: str = "", conflicts: Sequence[Conflict] = ()
    ):
        self.conflicts = list(conflicts)
        wrong = [mistake for mistake in mistakes if not isinstance(mistake, Conflict)]
        self.mistakes = [*wrong, *self.conflicts] if self.conflicts else list(mistakes)
        self.more = more  # there were more than those listed
        workbook = f"工作簿 {name} " if name else "工作簿"
        lines = []
        if wrong or not self.conflicts:
            lines.append(f"{workbook}有 {len(wrong)}{' 多' if more else ''} 处错误，未导入任何内容：")
            lines.extend(f"  {mistake}" for mistake in wrong)
            if more:
                lines.append(f"  ……只列出前 {len(wrong)} 处，请先改正这些")
        if self.conflicts:
            rows = f"有 {len(self.conflicts)} 行的记录在导出以后已在台账里修改过（冲突）"
            lines.append(f"另{rows}：" if lines else f"{workbook}{rows}，未导入任何内容：")
            lines.extend(f"  {conflict}" for conflict in self.conflicts)
            lines.append(
                "  导入这些行会撤销台账里较新的修改。请选择：以工作簿为准（命令行 --conflicts workbook），"
                "或保留台账的修改、跳过这些行（--conflicts ledger）"
            )
        super().__init__("\n".join(lines))


@dataclass
class SheetReport:
    sheet: str
    kind: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts_workbook: int = 0  # rows changed in the ledger since the export, taken from the workbook
    conflicts_ledger: int = 0  # such rows skipped, the ledger's values kept


@dataclass
class ImportReport:
    sheets: list[SheetReport] = dataclasses.field(default_factory=list)
    ignored_sheets: list[str] = dataclasses.field(default_factory=list)
    ignored_columns: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (sheet, header)
    dry_run: bool = False

    def lines(self) -> list[str]:
        total = (sum(getattr(sheet, count) for sheet in self.sheets) for count in ("new", "updated", "unchanged"))
        lines = [f"{'试导入' if self.dry_run else '已导入'}：{_counts(*total)}"]
        lines.extend(f"  {s.sheet}：{_counts(s.new, s.updated, s.unchanged)}" for s in self.sheets)
        taken, kept = (sum(getattr(sheet, count) for sheet in self.sheets) for count in _CONFLICT_COUNTS)
        if taken or kept:
            lines.append(f"导出后台账里改过的行：以工作簿为准 {taken} 条，保留台账 {kept} 条")
        if self.ignored_sheets:
            lines.append(f"未读取的工作表：{'、'.join(self.ignored_sheets)}")
        for sheet in dict.fromkeys(sheet for sheet, _ in self.ignored_columns):
            headers = "、".join(header for name, header in self.ignored_columns if name == sheet)
            lines.append(f"{sheet} 中不是台账字段、未读取的列：{headers}")
        if self.dry_run:
            lines.append("（试导入，未写入台账）")
        return lines


_CONFLICT_COUNTS = ("conflicts_workbook", "conflicts_ledger")


def _counts(new: int, updated: int, unchanged: int) -> str:
    return f"新增 {new} 条，修改 {updated} 条，未变 {unchanged} 条"


def import_workbook(
    session: Session,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    conflicts: str = "stop",
    choices: Mapping[uuid.UUID, str] | None = None,
) -> ImportReport:
    """Reads the workbook at `path` into the ledger in one transaction of its own; raises ImportFailed listing
    every mistake, having written nothing. With `dry_run` everything is checked and counted, nothing kept.

    A row whose record changed in the ledger after the export (its stored revision is above the row's 版本;
    in a workbook without that column, the audit log has changes after the workbook's creation time) is a
    conflict, settled by `conflicts` (a key of CONFLICT_RULES): "stop" lists it like a mistake and writes
    nothing, "workbook" takes the row, "ledger" skips it. `choices` settles single records by id the same way.

    `progress` is called with the fraction done and the sheet being read; an exception raised from it
    stops the import, and nothing is written."""
    path = Path(path)
    with session.begin():  # a read of its own: the import's transaction begins once the file has passed
        limits = Limits.of(session)
    if conflicts not in CONFLICT_RULES or any(rule not in CONFLICT_RULES for rule in (choices or {}).values()):
        raise LedgerError(f"不认识的冲突处理方式：{conflicts}（可选 {'、'.join(CONFLICT_RULES)}）")
    package = _Package(path, limits)
    with _open(path) as workbook:
        names = workbook.sheet_names
        kinds = {name: sheet_kind(name) for name in names}
        wanted = [name for name in names if kinds[name]]
        if not wanted:
            sheets = "、".join(SHEET_NAMES.values())
            raise LedgerError(f"工作簿 {path.name} 里没有台账工作表（应名为 {sheets} 之一），未导入任何内容")
        report = ImportReport(ignored_sheets=[name for name in names if not kinds[name]], dry_run=dry_run)
        with session.begin() as transaction:
            state = _State(session, progress, len(wanted), conflicts, choices or {}, package.exported_at)
            for position, name in enumerate(wanted):
                sheet = _sheet(path, workbook, name)
                unread, formulas = package.unread_cells(name)
                reader = _SheetReader(state, position, name, KINDS[kinds[name]], sheet, unread, formulas)
                report.sheets.append(reader.run())
                report.ignored_columns.extend((name, header) for header in reader.ignored)
                if len(state.mistakes) >= MOST_MISTAKES:
                    break
            if state.mistakes or state.conflicts:
                order = {name: position for position, name in enumerate(wanted)}
                mistakes = sorted(state.mistakes, key=lambda mistake: (order[mistake.sheet], mistake.row))
                stopped = sorted(state.conflicts, key=lambda conflict: (order[conflict.sheet], conflict.row))
                raise ImportFailed(
                    mistakes[:MOST_MISTAKES],
                    more=len(mistakes) >= MOST_MISTAKES,
                    name=path.name,
                    conflicts=stopped[:MOST_MISTAKES],
                )
            if dry_run:
                transaction.rollback()
    return report


# The file ---------------------------------------------------------------------------------------


def _open(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(path)
    except PasswordError:
        raise _locked(path) from None
    except (CalamineError, OSError, ValueError) as error:
        first = error
    try:  # calamine goes by the extension; a workbook saved under another one (an .xls named .xlsx) by content
        with path.open("rb") as file:
            return CalamineWorkbook.from_filelike(file)
    except (CalamineError, OSError, ValueError):
        pass
    if _starts_as_ole(path):
        # An Office container that no reader takes: an encrypted workbook under another extension.
        raise _locked(path, perhaps=True)
    raise _unreadable(path, first)


def _starts_as_ole(path: Path) -> bool:
    """Whether the file is an OLE container: .xls workbooks, and the encrypted .xlsx that Excel writes."""
    try:
        with path.open("rb") as file:
            return file.read(8) == bytes.fromhex("d0cf11e0a1b11ae1")
    except OSError:
        return False


def _locked(path: Path, perhaps: bool = False) -> LedgerError:
    fact = "可能设有打开密码，或已损坏" if perhaps else "设有打开密码"
    return LedgerError(f"无法读取工作簿 {path.name}：它{fact}。请在 Excel 或 WPS 中取消密码、另存为 .xlsx 后再导入")


def _sheet(path: Path, workbook: CalamineWorkbook, name: str) -> CalamineSheet:
    try:
        return workbook.get_sheet_by_name(name)
    except CalamineError as error:
        raise _unreadable(path, error) from None


def _unreadable(path: Path, error: Exception) -> LedgerError:
    # The reader's own words are English; kept, labelled, for whoever helps the user.
    return LedgerError(f"无法读取工作簿 {path.name}：它不是 Excel 或 WPS 表格文件，或已损坏。（技术细节：{error}）")


class _Package:
    """The workbook file checked before calamine reads it, and where its ledger sheets hold cells calamine reads
    as empty: Excel errors (#REF!, python-calamine issue 105) and formulas saved without their result, and
    where they hold formulas at all. A sheet's XML is parsed for them only when the scan found some. Other
    formats than .xlsx (.xls, .ods) are left to calamine."""

    def __init__(self, path: Path, limits: Limits):
        self.path = path
        self.parts: dict[str, str] = {}  # sheet name → part
        self.flagged: set[str] = set()  # sheets with cells calamine reads as empty, or with formulas
        self.exported_at: datetime | None = None  # when the workbook was made (the export's time), in UTC
        problem = file_problem(path, limits.import_mb, "max_import_mb")
        if problem:
            raise LedgerError(f"无法读取工作簿 {path.name}：{problem}")
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            return  # no zip package: calamine reads it as what it is, or says it is no workbook
        with archive:
            try:
                office_zip.check_sizes(archive, limits.import_mb * MOST_INFLATION * 2**20)
                self._scan(archive, limits)
                self.exported_at = _created(archive)
            except office_zip.Refused as refused:
                raise LedgerError(f"无法读取工作簿 {path.name}：{refused}") from None
            except (*office_zip.DAMAGED, ValueError, OSError) as error:
                raise _unreadable(path, error) from None

    def _scan(self, archive: zipfile.ZipFile, limits: Limits) -> None:
        self.parts = office_zip.worksheets(archive)
        # Only the ledger sheets are read; where the workbook's list of sheets could not be read, all are checked.
        scanned = {name: part for name, part in self.parts.items() if sheet_kind(name) or name == part}
        for name, part in scanned.items():
            facts = office_zip.scan_sheet(archive, part, empty_cells=False)
            if facts.rows > limits.sheet_rows:
                raise office_zip.Refused(
                    f"工作表 {name} 的内容延伸到第 {facts.rows} 行，超过上限 {limits.sheet_rows} 行（台账设置 "
                    "max_sheet_rows）。如果下面多是空行或只填了序号，请在 Excel 中删去这些行后再导入"
                )
            if facts.columns > MOST_COLUMNS:
                letters = office_zip.column_letters(facts.columns)
                raise office_zip.Refused(
                    f"工作表 {name} 的内容延伸到 {letters} 列（第 {facts.columns} 列），超过上限 {MOST_COLUMNS} 列。"
                    "请在 Excel 中删去右侧多余的列后再导入"
                )
            if facts.errors or facts.formulas_without_values or _holds_formulas(archive, part):
                self.flagged.add(name)

    def unread_cells(self, sheet: str) -> tuple[_Cells, _Formulas]:
        """The cells calamine reads as empty, {Excel row: {column index from A = 0: (the cell as written, why it
        is a mistake)}}, and every formula, {Excel row: {column index from A = 0: "=the formula"}}."""
        part = self.parts.get(sheet)
        if part is None or sheet not in self.flagged:
            return {}, {}
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open(part) as stream:
                return _unread_in(stream)
        except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError, OSError, zlib.error) as error:
            raise _unreadable(self.path, error) from None


def _created(archive: zipfile.ZipFile) -> datetime | None:
    """The workbook's creation time from its document properties, in UTC: the time of the export that made it
    (openpyxl sets it when the workbook is begun), kept by Excel, WPS and LibreOffice when they save it."""
    try:
        with archive.open("docProps/core.xml") as stream:
            if archive.getinfo("docProps/core.xml").file_size > 2**20:
                return None
            root = ElementTree.parse(stream).getroot()
    except (KeyError, ElementTree.ParseError, OSError, zipfile.BadZipFile, zlib.error, ValueError):
        return None
    for element in root:
        if office_zip.local_name(element.tag) == "created" and element.text:
            try:
                found = datetime.fromisoformat(element.text.strip())
            except ValueError:
                return None
            return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)
    return None


_Cells = dict[int, dict[int, tuple[str, str]]]
_Formulas = dict[int, dict[int, str]]

#: The end of a formula's tag (<f>, <f t="shared" …/>, <x:f>), and of a few words of text ("of "): searched
#: for first, as regular expressions starting with "<" are several times slower over a large sheet.
_F_TAG_END = re.compile(rb"f[\s/>]")
#: A formula's tag, and none of <formula1>, <filters> and the like: what precedes a match of the above.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _holds_formulas(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether a worksheet part holds a formula: one pass over its bytes, no parsing."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            block = tail + chunk
            for found in _F_TAG_END.finditer(block):
                start = found.start()
                if _FORMULA_TAG.search(block, max(0, start - 64), found.end()):
                    return True
            tail = block[-64:]
    return False


def _unread_in(stream: IO[bytes]) -> tuple[_Cells, _Formulas]:
    cells: _Cells = {}
    formulas: _Formulas = {}
    row = column = 0
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = office_zip.local_name(element.tag)
        if event == "start":
            if tag == "row":  # a row or cell may leave out its reference and follow the one before
                row, column = int(element.get("r") or row + 1), -1
            elif tag == "c":
                reference = _CELL_REFERENCE.match(element.get("r") or "")
                column = office_zip.column_number(reference[1]) - 1 if reference else column + 1
        elif tag == "c":
            children = {office_zip.local_name(child.tag): child for child in element}
            if "f" in children:
                formula = children["f"].text  # none in the cells that share the formula of another
                formulas.setdefault(row, {})[column] = f"={formula}" if formula else "（公式）"
            if element.get("t") == "e":
                value = children["v"].text if "v" in children else None
                cells.setdefault(row, {})[column] = (value or "#N/A", FORMULA_ERROR)
            elif office_zip.formula_without_result(element, children):
                formula = children["f"].text
                cells.setdefault(row, {})[column] = (f"={formula}" if formula else "（公式）", FORMULA_WITHOUT_VALUE)
        elif tag == "row":
            element.clear()
    return cells, formulas


_CELL_REFERENCE = re.compile(r"([A-Z]+)(\d+)$")


# Sheets -----------------------------------------------------------------------------------------


class _State:
    """What the sheets of one import share: the session, the mistakes so far, the ids already seen."""

    def __init__(
        self,
        session: Session,
        progress: Progress | None,
        sheets: int,
        rule: str = "stop",
        choices: Mapping[uuid.UUID, str] | None = None,
        exported_at: datetime | None = None,
    ):
        self.session, self.progress, self.sheets = session, progress, sheets
        self.rule, self.choices, self.exported_at = rule, choices or {}, exported_at
        self.mistakes: list[Mistake] = []
        self.conflicts: list[Conflict] = []  # those left to stop the import
        # (kind, record id) → (sheet, row) where it came first; two sheets may hold one kind.
        self.seen: dict[tuple[str, uuid.UUID], tuple[str, int]] = {}
        pairings = session.scalars(select(Pairing.name).limit(2)).all()
        self.only_pairing = pairings[0] if len(pairings) == 1 else None
        self._pairings: dict[str, str | None] = {}

    def pairing(self, typed: str) -> str | None:
        """The ledger's name of the pairing typed (any dash), None when it has none such."""
        if typed not in self._pairings:
            found = find_pairing(self.session, typed)
            self._pairings[typed] = found.name if found else None
        return self._pairings[typed]


class _SheetReader:
    """One sheet of one kind: its header, then its rows, checked, compared and written."""

    def __init__(
        self,
        state: _State,
        position: int,
        name: str,
        spec: KindSpec,
        sheet: CalamineSheet,
        errors: _Cells,
        formulas: _Formulas,
    ):
        self.state, self.session, self.position, self.name, self.spec = state, state.session, position, name, spec
        self.sheet = sheet
        self.report = SheetReport(name, spec.name)
        self.ignored: list[str] = []
        self.columns: dict[int, Field] = {}  # calamine's column index → field
        self.headers: dict[str, str] = {}  # field name → its header as the file writes it
        self.header_keys: dict[int, str] = {}
        self.id_column: int | None = None
        self.revision_column: int | None = None
        self.exported_on: datetime | None = None  # the 导出日期 of the date line, for a workbook without its time
        self.new_rows: list[dict[str, Any]] = []
        self.batch: list[tuple[int, uuid.UUID, dict[str, Any], set[str], int | None]] = []
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
            if number % 1000 == 0 and self.state.progress:
                self.state.progress((self.position + number / height) / self.state.sheets, f"正在读取{self.name}")
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
        text = [index for index in read if index == self.id_column or not computable(self.columns[index])]
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

    def _add_mistake(self, row: int, column: str, value: str, reason: str) -> None:
        self.state.mistakes.append(Mistake(self.name, row, column, value, reason))

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
            first = next((text for text in map(_text, cells) if text), "")
            if first and (header_key(first) == TOTAL_LABEL or self._repeats_header(cells, *first_key)):
                continue
            if number in self.errors or any(_text(cells[i]) for i in read if i < len(cells)):
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
                self._mistake(number, field, *_formula_in_text(formulas[index], raw))
                continue
            if index in errors:
                unread.add(field.name)
                self._mistake(number, field, *errors[index])
                continue
            try:
                values[field.name] = cell_value(field, raw)
            except ValueError as error:
                unread.add(field.name)
                self._mistake(number, field, _text(raw), str(error))

        if self.id_column is None:
            text = ""
        elif self.id_column in formulas:
            raw = cells[self.id_column] if self.id_column < len(cells) else ""
            self._add_mistake(number, ID_HEADER, *_formula_in_text(formulas[self.id_column], raw))
            return
        elif self.id_column in errors:
            self._add_mistake(number, ID_HEADER, *errors[self.id_column])
            return
        else:
            text = _text(cells[self.id_column] if self.id_column < len(cells) else "")
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
        text = _text(raw)
        if not text:
            return None
        if text.isdigit() and int(text) >= 1:
            return int(text)
        self._add_mistake(number, REVISION_HEADER, _quoted(text), "不是导出时写入的版本号（这一列隐藏，请勿修改）")
        return False

    def _mistake(self, number: int, field: Field, value: str, reason: str) -> None:
        header = self.headers.get(field.name, field.label)
        # "应为整数：很多" would repeat the value the mistake shows anyway.
        self._add_mistake(number, header, value, reason.removesuffix(f"：{value}"))

    def _problems(self, number: int, problems: Sequence[Problem]) -> None:
        for problem in problems:
            field = self.spec.by_name.get(problem.field)
            header = self.headers.get(problem.field, field.label if field else problem.label)
            self._add_mistake(number, header, problem.value, problem.message)

    # New rows -------------------------------------------------------------------------------

    def _check_new(self, number: int, values: dict[str, Any], unread: set[str]) -> None:
        """Checks a new row as `records.add_many` will, so each mistake can name its row and column."""
        self.report.new += 1
        if not values.get("pairing") and self.state.only_pairing and "pairing" not in unread:
            # The pairing column is hidden when the workbook is of one pairing; a row typed in takes it.
            values["pairing"] = self.state.only_pairing
        values = {name: normalize(self.spec.by_name[name], value) for name, value in values.items()}
        problems = check_values(self.spec, complete(self.spec, dict(values)), unread=unread)
        if values.get("year") is None and any(p.field == self.spec.date_field for p in problems):
            # The year follows the date, often from a hidden column: one mistake, reported at the date.
            problems = [problem for problem in problems if problem.field != "year"]
        typed = values.get("pairing")
        if typed and "pairing" not in unread and self.state.pairing(typed) is None:
            problems.append(Problem("pairing", "结对关系", typed, "台账里没有这个结对关系"))
        self._problems(number, problems)
        self.new_rows.append(values)
        if len(self.new_rows) >= NEW_BATCH:
            self._add()

    def _add(self) -> None:
        # After a mistake nothing more is written: the transaction will be rolled back anyway.
        if self.new_rows and not self.state.mistakes and not self.state.conflicts:
            add_many(self.session, self.spec.name, self.new_rows)
        self.new_rows = []

    # Rows with an id ------------------------------------------------------------------------

    def _update(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        wanted = [record_id for _, record_id, _, _, _ in batch]
        query = select(Record.id, Record.kind, Record.title, Record.deleted_at, Record.revision)
        found = {row.id: row for row in self.session.execute(query.where(Record.id.in_(wanted)))}
        current = self._current([row.id for row in found.values() if row.kind == self.spec.name])
        pending = []
        for number, record_id, values, unread, base in batch:
            text, row = str(record_id), found.get(record_id)
            if row is None:
                self._add_mistake(number, ID_HEADER, text, "台账里没有这个记录编号；新增的行请留空这一格")
            elif row.kind != self.spec.name:
                other = SHEET_NAMES[row.kind]
                self._add_mistake(number, ID_HEADER, text, f"这是{other}里的记录，不能在{self.name}中导入")
            elif row.deleted_at is not None:
                self._add_mistake(number, ID_HEADER, text, f"记录“{row.title}”在回收站里，请先恢复")
            else:
                pending.append((number, record_id, self._changes(current[record_id], values), unread, base))
        since = self._changed_since([(r, base, found[r].revision) for _, r, changed, _, base in pending if changed])
        for number, record_id, changed, unread, _ in pending:
            entries = since.get(record_id)
            if entries is not None and changed:
                conflict = self._conflict(number, record_id, found[record_id].title, entries)
                if conflict is not None:
                    rule = self.state.choices.get(record_id, self.state.rule)
                    if rule == "stop":
                        self.state.conflicts.append(conflict)
                        continue
                    if rule == "ledger":
                        self.report.conflicts_ledger += 1
                        continue
                    self.report.conflicts_workbook += 1
            self._change(number, record_id, changed, unread)

    def _changed_since(self, rows: list[tuple[uuid.UUID, int | None, int]]) -> dict[uuid.UUID, list[AuditEntry]]:
        """The audit entries of the writes to each record after the row was exported, oldest first, for the
        records (id, the row's 版本, the stored revision) changed since; the others are left out. A record's
        revision counts its writes (each one audited), so the last (revision − 版本) are those; without a 版本,
        those after the workbook's creation time."""
        by_revision = {record_id: stored - base for record_id, base, stored in rows if base is not None}
        by_revision = {record_id: count for record_id, count in by_revision.items() if count > 0}
        exported_at = self.state.exported_at or self.exported_on
        by_time = [record_id for record_id, base, _ in rows if base is None] if exported_at else []
        query = select(AuditEntry).where(AuditEntry.target == "record", AuditEntry.action.in_(REVISING))
        found: dict[uuid.UUID, list[AuditEntry]] = {}
        if by_revision:
            wanted = query.where(AuditEntry.target_id.in_(list(by_revision)))
            for entry in self.session.scalars(wanted.order_by(AuditEntry.at, AuditEntry.id)):
                found.setdefault(entry.target_id, []).append(entry)
            found = {record_id: entries[-by_revision[record_id] :] for record_id, entries in found.items()}
            found |= {record_id: [] for record_id in by_revision if record_id not in found}
        if by_time:
            # The time is written to the second, cut down: a write within that second counts as before it.
            wanted = query.where(AuditEntry.target_id.in_(by_time), AuditEntry.at >= exported_at + timedelta(seconds=1))
            for entry in self.session.scalars(wanted.order_by(AuditEntry.at, AuditEntry.id)):
                found.setdefault(entry.target_id, []).append(entry)
        return found

    def _conflict(self, number: int, record_id: uuid.UUID, title: str, entries: list[AuditEntry]) -> Conflict | None:
        """The conflict of a row whose record was written since the export, or None when those writes only put
        back what the row was exported with (nothing newer would be undone)."""
        then: dict[str, Any] = {}
        now: dict[str, Any] = {}
        unknown = not entries  # the log does not say what happened: a conflict all the same
        for entry in entries:
            try:
                changes = json.loads(entry.changes)
            except ValueError:
                changes = None
            if entry.action != "update" or not isinstance(changes, dict):
                unknown = True
                continue
            for name, pair in changes.items():
                if isinstance(pair, list) and len(pair) == 2:
                    then.setdefault(name, pair[0])
                    now[name] = pair[1]
        fields = tuple(
            (self.headers.get(f.name, f.label), then[f.name], now[f.name])
            for f in self.spec.fields
            if f.name in now and then[f.name] != now[f.name]
        )
        if not fields and not unknown:
            return None
        authors = tuple(dict.fromkeys(entry.author or "（未署名）" for entry in entries))
        at = entries[-1].at if entries else None
        changed = "；".join(f"{label}“{_shown(old)}”改为“{_shown(new)}”" for label, old, new in fields)
        who = "、".join(authors)
        when = f"，{at.astimezone().strftime('%Y-%m-%d %H:%M')}" if at else ""
        by = f"（{who}{when}）" if who else ""
        reason = f"导出以后台账里已修改：{changed or '修改内容不详'}{by}"
        return Conflict(self.name, number, "", _quoted(title), reason, record_id, fields, authors, at)

    def _current(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        """Each record's values as `records.record_values` gives them, read in two queries: loading the
        records themselves would take most of the time of a large import that changes little."""
        model = MODELS[self.spec.name]
        by_type = {f.type: f.name for f in self.spec.fields if f.type in (FieldType.PAIRING, FieldType.UNITS)}
        plain = [f.name for f in self.spec.fields if f.type not in by_type]
        query = (
            select(model.id, Pairing.name, *(getattr(model, name) for name in plain))
            .join(Pairing, model.pairing_id == Pairing.id)
            .where(model.id.in_(ids))
        )
        current = {}
        for record_id, pairing, *values in self.session.execute(query):
            current[record_id] = dict(zip(plain, values, strict=True))
            current[record_id] |= {by_type[FieldType.PAIRING]: pairing, by_type[FieldType.UNITS]: []}
        units = (
            select(RecordUnit.record_id, Unit.name)
            .join(Unit, RecordUnit.unit_id == Unit.id)
            .where(RecordUnit.record_id.in_(ids))
            .order_by(RecordUnit.record_id, RecordUnit.position)
        )
        for record_id, name in self.session.execute(units):
            current[record_id][by_type[FieldType.UNITS]].append(name)
        return current

    def _changes(self, current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        changed = {}
        for name, value in values.items():
            field = self.spec.by_name[name]
            value = normalize(field, value)
            if field.type is FieldType.PAIRING and value:
                value = self.state.pairing(value) or value
            if value != normalize(field, current[name]):
                changed[name] = value
        return changed

    def _change(self, number: int, record_id: uuid.UUID, changed: dict[str, Any], unread: set[str]) -> None:
        if not changed and not unread:
            self.report.unchanged += 1
            return
        record = self.session.get(MODELS[self.spec.name], record_id)
        # Cells that could not be read are listed already; passed as known problems, they keep the rest of
        # the row checked without anything being written.
        known = [Problem(name, "", "", "") for name in unread]
        try:
            landed = update_record(self.session, record, changed, input_problems=known)
        except InvalidInput as error:
            self._problems(number, [problem for problem in error.problems if problem.field not in unread])
        except RecordLocked as error:
            self._add_mistake(number, "", "", str(error))
        else:
            # A change that completes to what was there (a composed title cleared) changes nothing.
            if landed:
                self.report.updated += 1
            else:
                self.report.unchanged += 1


# Cells ------------------------------------------------------------------------------------------

#: Excel counts days from here (its day 60, 1900-02-29, never was; the dates a ledger holds come later).
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = range((date(1990, 1, 1) - _EXCEL_EPOCH).days, (date(2101, 1, 1) - _EXCEL_EPOCH).days)


def cell_value(field: Field, raw: Any) -> Any:
    """The value of `field` in a cell as calamine reads it (text, float, int, bool, date, datetime, time);
    raises ValueError with the reason in Chinese. Numbers are read as Excel shows them, to 15 significant
    digits: past them a formula's result carries float noise (3703.6800000000003), not fractions of a fen."""
    if not isinstance(raw, str):
        if field.type is FieldType.DATE:
            return _date(raw)
        if field.type is FieldType.ID_NUMBER and isinstance(raw, int | float) and raw >= 1e15:
            raise ValueError("Excel 把身份证号存成了数字，后几位已经丢失：请把这一列设为“文本”，再重新填写")
        raw = _text(raw)
    if field.type is FieldType.CHOICE:
        raw = unicodedata.normalize("NFKC", raw)  # 调研对接／互访 typed with a full-width slash
    return parse_field(field, raw)


def _formula_in_text(formula: str, raw: Any) -> tuple[str, str]:
    """A formula in a text field as a mistake: (the formula, why, with what it shows)."""
    shown = _text(raw)
    reason = FORMULA_IN_TEXT.format(shown=_quoted(shown)) if shown else FORMULA_IN_TEXT_EMPTY
    return _quoted(formula), reason + TYPE_TEXT


#: The date line of an exported sheet: "编制单位：…　　导出日期：2026年12月1日　　共 12 条".
_EXPORT_DATE = re.compile(r"导出日期：(\d{4})年(\d{1,2})月(\d{1,2})日")


def _shown(value: Any) -> str:
    """A value of the audit log as a mistake quotes it."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, list):
        return _quoted("、".join(map(str, value)))
    if isinstance(value, bool):
        return "是" if value else "否"
    return _quoted(str(value))


def _quoted(text: str) -> str:
    return text if len(text) <= QUOTED else f"{text[:QUOTED]}…"


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()  # a date typed with a time of day
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        if int(raw) in _SERIALS:
            return _EXCEL_EPOCH + timedelta(days=int(raw))  # a date in a cell formatted as a number
        return parse_date(str(int(raw)))  # 20200512
    raise ValueError(f"无法识别的日期：{_text(raw)}（应写作 2020-05-12 或 2020年5月12日）")


def _text(raw: Any) -> str:
    """A cell as its user reads it: numbers as Excel shows them, dates as ISO dates."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, int | float):
        return f"{Decimal(f'{raw:.15g}'):f}"  # Excel's 15 significant digits, whole numbers without ".0"
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return "" if raw is None else str(raw)
