"""The workbook file of an import, opened and checked before its cells are read.

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

import re
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, PasswordError

from ledger import office_zip
from ledger.errors import LedgerError
from ledger.excel.sheets import sheet_kind
from ledger.limits import Limits, file_problem

#: A ledger sheet has about thirty columns; past this many, calamine's grid of the sheet would be huge.
MOST_COLUMNS = 100
#: A workbook may inflate to this many times the size limit on the file: ten times is usual.
MOST_INFLATION = 20
#: Why a cell calamine reads as empty is a mistake.
FORMULA_ERROR = "公式出错，请改正公式或直接填写"
FORMULA_WITHOUT_VALUE = "公式没有保存计算结果（文件不是由 Excel 或 WPS 保存的），请在 Excel 或 WPS 中打开、保存后再导入"

UnreadCells = dict[int, dict[int, tuple[str, str]]]
Formulas = dict[int, dict[int, str]]


def open_workbook(path: Path) -> CalamineWorkbook:
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


def open_sheet(path: Path, workbook: CalamineWorkbook, name: str) -> CalamineSheet:
    try:
        return workbook.get_sheet_by_name(name)
    except CalamineError as error:
        raise _unreadable(path, error) from None


def _unreadable(path: Path, error: Exception) -> LedgerError:
    # The reader's own words are English; kept, labelled, for whoever helps the user.
    return LedgerError(f"无法读取工作簿 {path.name}：它不是 Excel 或 WPS 表格文件，或已损坏。（技术细节：{error}）")


class Package:
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
            office_zip.check_extent(name, facts, limits.sheet_rows, MOST_COLUMNS, "max_sheet_rows")
            if facts.errors or facts.formulas_without_values or _holds_formulas(archive, part):
                self.flagged.add(name)

    def unread_cells(self, sheet: str) -> tuple[UnreadCells, Formulas]:
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


def _unread_in(stream: IO[bytes]) -> tuple[UnreadCells, Formulas]:
    cells: UnreadCells = {}
    formulas: Formulas = {}
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
