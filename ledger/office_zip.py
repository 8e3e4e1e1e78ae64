"""Checks an Office file (.xlsx, .docx: a zip package) before a reader opens it.

The readers trust the package. A sheet whose XML inflates to gigabytes (a zip bomb) fills memory; two
cells far apart (A1 and XFD1048576) make python-calamine allocate a grid of 17 billion cells, which aborts
the whole process; openpyxl walks every row up to the last one. All of this shows in the zip directory and
in one streaming pass over the parts that matter, done here first. Both zip readers (Python's and the
Rust one in calamine) stop at a member's declared size, so the declared sizes can be trusted.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from operator import itemgetter
from xml.etree import ElementTree

#: A member this large is a bomb when it inflates more than `MOST_RATIO` times; real sheets inflate 5 to 20
#: times, since every row has its own number.
_BIG_MEMBER = 16 * 2**20
MOST_RATIO = 100
_CHUNK = 1 << 20

# Cells as every common writer saves them (Excel, WPS, LibreOffice, openpyxl): r first, in double quotes.
# `[^>/]*>` keeps cells with content (a value, a formula), not the empty ones <c r="A5" s="1"/> that only
# carry a style. A sheet written otherwise is parsed as XML instead, placing cells as the readers do.
_ANY_CELL = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"')
_CONTENT_CELL = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"[^>/]*>')
_CELL_STARTS = tuple(b"<c" + bytes([end]) for end in b" \t\r\n/>")
_REFERENCE = re.compile(r"([A-Za-z]+)([0-9]+)")
_PREFIXED_CELL = re.compile(rb"<\w+:c[\s/>]")
# A formula cell without a computed value (no <v>, or an empty one as openpyxl writes them), which every
# reader takes for an empty cell. An empty <v> of a cell of type str is a formula whose result is empty text.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'(?P<tag><(?:\w+:)?c\s[^>]*?\br="(?P<ref>[A-Z]{1,3}[0-9]{1,7})"[^>]*>)\s*'
    rb"<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?P<value><(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_ERROR_CELL = (b't="e"', b"t='e'")


class Refused(Exception):
    """The package is not safe to read; the message says why, in Chinese, without the file's name."""


#: What reading a damaged package raises, besides OSError (RuntimeError: a member locked with a password).
DAMAGED = (zipfile.BadZipFile, zlib.error, KeyError, EOFError, RuntimeError, NotImplementedError)


@dataclass
class SheetFacts:
    """What one worksheet part holds, as far as a reader's cost goes."""

    rows: int = 0  # the last row that holds a cell
    columns: int = 0  # the last column
    errors: bool = False  # some cell holds an Excel error (#REF!)
    formulas_without_values: list[str] = field(default_factory=list)  # their cell references


def check_sizes(archive: zipfile.ZipFile, most_bytes: int) -> None:
    """Refuses a package that would inflate past `most_bytes`, or holds a member compressed like a bomb."""
    total = 0
    for member in archive.infolist():
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _BIG_MEMBER and ratio > MOST_RATIO:
            raise Refused(
                f"其中的 {member.filename} 压缩比异常（{ratio:.0f} 倍，解压后 {member.file_size / 2**20:.0f} MB），"
                "可能是恶意构造的文件（zip 炸弹）"
            )
    if total > most_bytes:
        raise Refused(
            f"解压后有 {total / 2**20:.0f} MB，超过上限 {most_bytes / 2**20:.0f} MB，可能是恶意构造的文件（zip 炸弹）"
        )


def check_extent(name: str, facts: SheetFacts, most_rows: int, most_columns: int, rows_setting: str = "") -> None:
    """Refuses a sheet that reaches past the rows or columns a reader takes: often a sheet of empty rows or of
    numbered rows alone, which a reader would walk to the end. `rows_setting` names the setting that raises the
    row limit, if there is one."""
    if facts.rows > most_rows:
        setting = f"（台账设置 {rows_setting}）" if rows_setting else ""
        raise Refused(
            f"工作表 {name} 的内容延伸到第 {facts.rows} 行，超过上限 {most_rows} 行{setting}。"
            "如果下面多是空行或只填了序号，请在 Excel 中删去这些行后再导入"
        )
    if facts.columns > most_columns:
        raise Refused(
            f"工作表 {name} 的内容延伸到 {column_letters(facts.columns)} 列（第 {facts.columns} 列），"
            f"超过上限 {most_columns} 列。请在 Excel 中删去右侧多余的列后再导入"
        )


def scan_sheet(archive: zipfile.ZipFile, part: str, *, empty_cells: bool) -> SheetFacts:
    """The extent of a worksheet part. With `empty_cells`, cells that only carry a style count too: openpyxl
    loads them all, calamine skips them. Raises zipfile.BadZipFile, KeyError, zlib.error or
    ElementTree.ParseError on a damaged part."""
    cells = _ANY_CELL if empty_cells else _CONTENT_CELL
    facts = SheetFacts()
    for block in _blocks(archive, part, b"row>"):
        if not _plain(block):
            return _parsed(archive, part, empty_cells)
        found = cells.findall(block)
        if found:
            facts.rows = max(facts.rows, max(map(int, set(map(itemgetter(1), found)))))
            facts.columns = max(facts.columns, max(map(column_number, set(map(itemgetter(0), found)))))
        facts.errors = facts.errors or any(marker in block for marker in _ERROR_CELL)
        if (b"<f" in block or b":f" in block) and len(facts.formulas_without_values) < 10:
            for found in _FORMULA_WITHOUT_VALUE.finditer(block):
                if not (found["value"] and b't="str"' in found["tag"]):
                    facts.formulas_without_values.append(found["ref"].decode())
    return facts


def _plain(block: bytes) -> bool:
    """Whether every cell of `block` starts with its reference in double quotes, with no namespace prefix."""
    plain = block.count(b'<c r="')
    # Other tags that start so (<col>, <cfRule>) are rare in sheet data: only then are cell tags counted exactly.
    if block.count(b"<c") != plain and sum(block.count(start) for start in _CELL_STARTS) != plain:
        return False
    return b":c" not in block or not _PREFIXED_CELL.search(block)


def _parsed(archive: zipfile.ZipFile, part: str, empty_cells: bool) -> SheetFacts:
    """`scan_sheet` for a part written in an unusual way, by parsing it: a cell without a reference follows the
    one before, as the readers place it."""
    facts = SheetFacts()
    row = column = 0
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = local_name(element.tag)
            if event == "start":
                if tag == "row":
                    row, column = int(element.get("r") or row + 1), 0
                elif tag == "c":
                    found = _REFERENCE.fullmatch(element.get("r") or "")
                    row, column = (int(found[2]), column_number(found[1])) if found else (row, column + 1)
                continue
            if tag == "c":
                children = {local_name(child.tag): child for child in element}
                if empty_cells or children:
                    facts.rows, facts.columns = max(facts.rows, row), max(facts.columns, column)
                facts.errors = facts.errors or element.get("t") == "e"
                if formula_without_result(element, children):
                    facts.formulas_without_values.append(f"{column_letters(column)}{row}")
                element.clear()
            elif tag == "row":
                element.clear()
    return facts


def formula_without_result(cell: ElementTree.Element, children: dict[str, ElementTree.Element]) -> bool:
    """Whether a cell holds a formula saved without its result: no <v>, or an empty one that is no empty text."""
    if "f" not in children or "is" in children:
        return False
    value = children.get("v")
    return value is None or (not value.text and cell.get("t") != "str")


def table_rows(archive: zipfile.ZipFile, part: str) -> int:
    """How many table rows a Word document part holds."""
    return sum(block.count(b"<w:tr>") + block.count(b"<w:tr ") for block in _blocks(archive, part, b">"))


def _blocks(archive: zipfile.ZipFile, part: str, cut: bytes):
    """The part in blocks of about a megabyte, each cut just after `cut`, so no element of interest is split."""
    rest = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            block = rest + chunk
            end = block.rfind(cut)
            if end >= 0:
                end += len(cut)
            elif len(block) > 16 * _CHUNK:
                end = len(block)  # one element of 16 MB is no sheet a person made; cut it anywhere
            else:
                end = 0
            yield block[:end]
            rest = block[end:]
    yield rest


def worksheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the part that holds it (xl/worksheets/sheet1.xml). Where the workbook's list of
    sheets cannot be read, every worksheet part, named by itself: a lenient reader may still find them."""
    try:
        return _sheet_parts(archive)
    except (KeyError, StopIteration, ElementTree.ParseError):
        return {part: part for part in archive.namelist() if re.search(r"worksheets/[^/]+\.xml$", part)}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the part of the package that holds it (xl/worksheets/sheet1.xml)."""
    workbook = next(target for kind, target in _relations(archive, "").values() if kind == "officeDocument")
    relations = _relations(archive, workbook)
    parts = {}
    for element in ElementTree.fromstring(archive.read(workbook)).iter():
        if local_name(element.tag) == "sheet":
            relation = next(value for key, value in element.attrib.items() if local_name(key) == "id")
            parts[element.get("name", "")] = relations[relation][1]
    return parts


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of `part` ("" for the package): {id: (type, target part)}."""
    folder, name = posixpath.split(part)
    found = {}
    for element in ElementTree.fromstring(archive.read(posixpath.join(folder, "_rels", f"{name}.rels"))):
        target = element.get("Target", "")
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[element.get("Id", "")] = (element.get("Type", "").rsplit("/", 1)[-1], target)
    return found


def local_name(tag: str) -> str:
    """A tag or attribute name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def column_number(letters: bytes | str) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    number = 0
    for letter in (letters.decode() if isinstance(letters, bytes) else letters).upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    """A for 1, AA for 27, XFD for 16384."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
