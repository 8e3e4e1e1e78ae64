"""Reading an annual plan's task list (清单) from the .xlsx or .docx an office sends.

No two offices lay the list out alike, so the reader trusts names, not positions: it finds the header row
by its column names (具体事项 or one of its synonyms is required, the rest optional) and reads every row
below it, through repeated headers and page numbers left by printing, and across the several tables of a
.docx (one per page) as one list. Both formats are first turned into the same rows of cell texts, with
merged cells marked (`ledger.plans.tables`), so one set of rules reads them:

- A value merged down over several rows belongs to each of them (a 重点工作, a shared 完成时限), except in
  the 具体事项 column, where a merge makes one task of the rows.
- Headings are rows holding one text merged across the table or numbered 一、 / （一）, or rows with a
  重点工作 and nothing to do. When headings come in two levels, or headings and a 重点工作 column
  together, `area` is the outer heading (组织领导, not 加强组织领导): it is what assessment frameworks file
  work under, and the inner level only restates the tasks below it.
- A row with no 具体事项 but other cells filled is the rest of the task above, cut by a page break: its
  cells are added to that task, with a warning so the user can check.
- A cell listing several items as paragraphs, with a 完成时限 cell listing as many deadlines, holds that
  many tasks; otherwise a cell's paragraphs are one task's text.

openpyxl and python-docx load the whole file, so its size, its inflated size and the rows and columns of
its tables are checked first (`ledger.office_zip`): a task list is a few hundred rows, never a million.
The pairing and year the list's title names are read by `ledger.plans.title_scope`.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from lxml.etree import XMLSyntaxError

from ledger import office_zip
from ledger.errors import LedgerError
from ledger.limits import Limits, file_problem
from ledger.plans.deadlines import parse_deadline
from ledger.plans.tables import Row, Table, docx_tables, xlsx_tables
from ledger.plans.title_scope import read_title_scope

#: Far more than any task list; openpyxl and python-docx hold every row and cell in memory.
MOST_ROWS = 10_000
MOST_COLUMNS = 50
MOST_INFLATED = 100 * 2**20


class UnreadableTaskList(LedgerError):
    """The file holds no task list this reader can take; nothing was imported."""


@dataclass
class ImportedTask:
    seq: str  # numbering as written: "1.1", "3", "一"; "" when none
    area: str  # 重点工作, numbering and inner line breaks removed: "组织领导"
    item: str  # 具体事项, paragraphs joined by "\n", the numbering taken into seq removed from its start
    target_text: str  # 任务指标 ("" when no such column)
    deadline: date | None
    deadline_text: str  # the deadline as written ("" when none)
    responsible_units: list[str]
    assisting_units: list[str]
    remarks: str
    source: str  # where it came from, for messages: "第12行" (xlsx) / "表1第5行" (docx)


@dataclass
class ImportedPlan:
    title: str | None  # from the title row(s) above the header, if any
    tasks: list[ImportedTask]
    warnings: list[str]  # Chinese, each naming its source row
    pairing_in_title: str | None = None  # as written, with an em dash: "湛江市—柳州市", "鹤山—龙州"
    year_in_title: int | None = None
    # Where the pairing and year were looked for, in order: the title, the document's opening lines, the file
    # name; `read_title_scope` reads them again against the ledger's pairings.
    title_texts: list[str] = field(default_factory=list)


HEADER_NAMES = {
    "seq": ("序号", "编号"),
    "area": ("重点工作", "工作类别", "类别", "项目"),
    "item": ("具体事项", "工作任务", "工作内容", "主要任务", "任务", "具体任务"),
    "target": ("任务指标", "目标任务", "工作目标", "指标", "目标"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限", "完成期限"),
    "responsible": ("责任单位", "牵头单位", "责任部门", "牵头部门"),
    "assisting": ("协助单位", "配合单位", "协助部门", "配合部门"),
    "remarks": ("备注",),
}
_COLUMN_OF_NAME = {name: column for column, names in HEADER_NAMES.items() for name in names}
_CONTENT_COLUMNS = ("target", "deadline", "responsible", "assisting", "remarks")

_CN = "一二三四五六七八九十"
_HEADING_RANKS = (re.compile(rf"^[{_CN}]+[、.．]"), re.compile(rf"^[(（][{_CN}]+[)）]"))
_AREA_NUMBERING = re.compile(rf"^(?:[{_CN}]+[、.．]|[(（][{_CN}\d]+[)）]|\d{{1,2}}(?:\.\d{{1,2}})*[、.．]?(?=\D))")
_ITEM_NUMBERING = re.compile(
    rf"^(?P<seq>(?>\d+(?:\.\d+)*)|[{_CN}]+|[(（][{_CN}\d]+[)）]|[①-⑳])(?P<sep>\s*[、.．:：,，]\s*|\s+)?"
)
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–\s]*$")
_ANNEX = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*[:：]?$")


def read_task_list(path: Path, year: int, limits: Limits | None = None) -> ImportedPlan:
    """The tasks of the plan in `path` (.xlsx or .docx); `year` is the plan's, for deadlines without one.
    `limits` are the ledger's (the defaults when None)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xls", ".doc", ".et", ".wps"):
        raise UnreadableTaskList(f"{path.name} 是旧格式文件：请在 Excel、Word 或 WPS 中另存为 .xlsx 或 .docx 后再导入")
    if suffix not in (".xlsx", ".xlsm", ".docx"):
        raise UnreadableTaskList(f"不能导入 {path.name}：任务清单应为 .xlsx 或 .docx 文件")
    problem = file_problem(path, (limits or Limits()).import_mb, "max_import_mb")
    if problem:
        raise UnreadableTaskList(f"无法导入 {path.name}：{problem}")
    _check_package(path, suffix)
    try:
        # A workbook's sheets are separate lists, the first with a header being the plan; a document's
        # tables are the pages of one list.
        groups = [[table] for table in xlsx_tables(path)] if suffix != ".docx" else [docx_tables(path)]
    except FileNotFoundError:
        raise UnreadableTaskList(f"找不到文件：{path}") from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError, XMLSyntaxError):
        raise UnreadableTaskList(f"无法打开 {path.name}：文件已损坏、设有打开密码，或不是 Excel/Word 文件") from None
    for group in groups:
        plan = _ListReader(year).read(group)
        if plan is not None and not plan.tasks:
            raise UnreadableTaskList(f"{path.name} 的任务清单是空的：表头下没有填写具体事项")
        if plan is not None:
            opening = _opening_lines(group[0].preamble) if suffix == ".docx" and group else []
            plan.title_texts = [text for text in [plan.title or "", *opening, path.stem] if text]
            scope = read_title_scope(plan.title_texts)
            plan.pairing_in_title, plan.year_in_title = scope.pairing, scope.year
            return plan
    names = "、".join(HEADER_NAMES["item"][1:])
    raise UnreadableTaskList(f"{path.name} 中没有找到任务清单：需要一行表头，其中有“具体事项”（或{names}）一列")


def _check_package(path: Path, suffix: str) -> None:
    """Refuses a package too large to load, or whose sheets hold formulas saved without their results (openpyxl
    reads those as empty cells). A file that is no package is left to the reader, which says it is damaged."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        try:
            office_zip.check_sizes(archive, MOST_INFLATED)
            if suffix == ".docx":
                parts = [part for part in archive.namelist() if part.startswith("word/") and part.endswith(".xml")]
                rows = sum(office_zip.table_rows(archive, part) for part in parts)
                if rows > MOST_ROWS:
                    raise office_zip.Refused(f"文档中的表格共有 {rows} 行，任务清单最多 {MOST_ROWS} 行")
                return
            for name, part in office_zip.worksheets(archive).items():
                _check_sheet(name, office_zip.scan_sheet(archive, part, empty_cells=True))
        except office_zip.Refused as refused:
            raise UnreadableTaskList(f"无法导入 {path.name}：{refused}") from None
        except (*office_zip.DAMAGED, ValueError, OSError):
            raise UnreadableTaskList(f"无法打开 {path.name}：文件已损坏") from None


def _check_sheet(name: str, facts: office_zip.SheetFacts) -> None:
    # Cells that carry only a style count: openpyxl loads them, and walks every row and column up to the last.
    office_zip.check_extent(name, facts, MOST_ROWS, MOST_COLUMNS)
    if facts.formulas_without_values:
        cells = "、".join(facts.formulas_without_values[:5])
        raise office_zip.Refused(
            f"工作表 {name} 的 {cells} 是公式，但文件没有保存计算结果（不是由 Excel 或 WPS 保存的）："
            "请在 Excel 或 WPS 中打开、保存后再导入"
        )


@dataclass
class _Draft:
    """A task as its rows are read; a continuation row may still add to it."""

    position: int  # the order of its row, for sorting warnings
    source: str
    seq: str
    area: str
    item: str
    targets: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    assisting: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


class _ListReader:
    """Reads the rows of one task list in order, keeping what the rows above established."""

    def __init__(self, year: int):
        self.year = year
        self.columns: dict[str, int] | None = None
        self.width = 0
        self.title_lines: list[str] = []
        self.heading: tuple[int, str] | None = None  # (rank, text) of the outer heading in force
        self.column_area = ""
        self.drafts: list[_Draft] = []
        self.warnings: list[tuple[int, str]] = []
        self.position = 0

    def read(self, tables: list[Table]) -> ImportedPlan | None:
        for table in tables:
            self._read_table(table)
        if self.columns is None:
            return None
        tasks = [self._task(draft) for draft in self.drafts]
        title = re.sub(r"\s*\n\s*", "", "".join(self.title_lines)).strip() or None
        return ImportedPlan(title, tasks, [text for _, text in sorted(self.warnings, key=lambda pair: pair[0])])

    def _read_table(self, table: Table) -> None:
        if self.columns is not None:
            width = max((len(row.cells) for row in table.rows), default=0)
            if width != self.width and not any(_is_header(_header_names(row)) for row in table.rows):
                self.position += 1
                self.warn(f"{table.name}：没有表头，列数也与任务清单不同，已跳过")
                return
            self._read_rows(table.rows, after_header=False)
            return
        for index, row in enumerate(table.rows):
            names = _header_names(row)
            if _is_header(names):
                self._set_columns(names, row, replace=True)
                above = ["".join(dict.fromkeys(cell for cell in row.cells if cell)) for row in table.rows[:index]]
                self.title_lines = _title_lines(above) or _preamble_title(table.preamble)
                self._read_rows(table.rows[index + 1 :], after_header=True)
                return

    def _set_columns(self, names: dict[int, str], row: Row, replace: bool) -> None:
        assert replace or self.columns is not None
        by_index = {} if replace else {index: name for name, index in self.columns.items()}
        by_index.update(names)
        self.columns = {}
        for index, name in sorted(by_index.items()):
            self.columns.setdefault(name, index)
        self.width = len(row.cells)

    def _read_rows(self, rows: list[Row], after_header: bool) -> None:
        for row in rows:
            self.position += 1
            names = _header_names(row)
            if _is_header(names) or (names and len(names) == sum(1 for cell in row.cells if cell)):
                # A header row right under another refines it (责任单位 over 牵头单位 | 协助单位); a later one
                # is the header repeated on a new page, or that of a table laid out differently.
                self._set_columns(names, row, replace=not after_header)
                after_header = True
                continue
            after_header = False
            self._read_row(row)

    def _read_row(self, row: Row) -> None:
        assert self.columns is not None
        fresh = {index: text for index, text in enumerate(row.cells) if text and index not in row.below}
        if not fresh:
            return
        if len(fresh) == 1:
            ((index, text),) = fresh.items()
            if _PAGE_NUMBER.match(text):
                return
            rank = _heading_rank(text)
            if rank or index in row.wide:
                if self.heading is None or (rank or 1) <= self.heading[0]:
                    self.heading = (rank or 1, _clean_area(text))
                return
        item_column = self.columns["item"]
        item = "" if item_column in row.below else row.text(item_column)
        area = row.text(self.columns.get("area"))
        if area:
            self.column_area = _clean_area(area)
        if item:
            self._add_tasks(row, item)
        elif any(self.columns.get(name) in fresh for name in _CONTENT_COLUMNS):
            self._continue_task(row, fresh, merged=item_column in row.below)
        elif self.columns.get("area") not in fresh:
            self.warn(f"{row.source}：没有具体事项，已跳过（{' '.join(fresh.values())}）")

    def _add_tasks(self, row: Row, item: str) -> None:
        assert self.columns is not None
        paragraphs = item.split("\n")
        deadlines = row.text(self.columns.get("deadline")).split("\n")
        seq = row.text(self.columns.get("seq")).rstrip("、.．")
        area = self.heading[1] if self.heading else self.column_area
        # Several items side by side with as many deadlines are as many tasks; their other cells are
        # split alike when they have a line per item, and shared otherwise.
        split = 1 < len(paragraphs) == len(deadlines)
        for index, text in enumerate(paragraphs if split else [item]):
            draft = _Draft(self.position, row.source, seq, area, text)
            if not seq:
                draft.seq, draft.item = _split_numbering(text)
            self.drafts.append(draft)
            self._add_cells(draft, row, set(range(len(row.cells))), (index, len(paragraphs)) if split else None)

    def _continue_task(self, row: Row, fresh: dict[int, str], merged: bool) -> None:
        if not self.drafts:
            self.warn(f"{row.source}：没有具体事项，上面也没有可并入的任务，已跳过")
            return
        draft = self.drafts[-1]
        self._add_cells(draft, row, set(fresh), None)
        if not merged:
            self.warn(f"{row.source}：没有具体事项，已并入上一项（{draft.source}），请核对")

    def _add_cells(self, draft: _Draft, row: Row, indexes: set[int], part: tuple[int, int] | None) -> None:
        assert self.columns is not None
        for name in _CONTENT_COLUMNS:
            index = self.columns.get(name)
            text = row.text(index) if index in indexes else ""
            if not text:
                continue
            lines = text.split("\n")
            if part is not None and len(lines) == part[1]:
                text = lines[part[0]]
            if name == "target":
                draft.targets.append(text)
            elif name == "deadline":
                draft.deadlines.append(text)
            elif name == "remarks":
                draft.remarks.append(text)
            else:
                responsible, assisting = _units(text)
                (draft.responsible if name == "responsible" else draft.assisting).extend(responsible)
                draft.assisting.extend(assisting)

    def _task(self, draft: _Draft) -> ImportedTask:
        deadline_text = "\n".join(dict.fromkeys(draft.deadlines))
        deadline, warning = parse_deadline(deadline_text, self.year)
        if warning:
            self.warnings.append((draft.position, f"{draft.source}：{warning}"))
        return ImportedTask(
            seq=draft.seq,
            area=draft.area,
            item=draft.item,
            target_text="\n".join(draft.targets),
            deadline=deadline,
            deadline_text=deadline_text,
            responsible_units=list(dict.fromkeys(draft.responsible)),
            assisting_units=list(dict.fromkeys(draft.assisting)),
            remarks="\n".join(draft.remarks),
            source=draft.source,
        )

    def warn(self, text: str) -> None:
        self.warnings.append((self.position, text))


def _header_names(row: Row) -> dict[int, str]:
    """The column each cell of `row` names, for the cells that are header names."""
    names = {index: _COLUMN_OF_NAME.get(_header_key(text)) for index, text in enumerate(row.cells) if text}
    return {index: name for index, name in names.items() if name}


def _is_header(names: dict[int, str]) -> bool:
    return "item" in names.values() and len(names) > 1


def _header_key(text: str) -> str:
    # "完成\n时限", "责任单位（牵头）" and "序 号" all name their column.
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"\(.*\)$", "", key).rstrip(":")


def _heading_rank(text: str) -> int | None:
    compact = re.sub(r"\s+", "", text)
    return next((rank for rank, pattern in enumerate(_HEADING_RANKS, 1) if pattern.match(compact)), None)


def _clean_area(text: str) -> str:
    return _AREA_NUMBERING.sub("", re.sub(r"\s+", "", text)).rstrip("：:")


def _split_numbering(item: str) -> tuple[str, str]:
    """("1.1", "两地党委…") from "1.1 两地党委…"; ("", item) when it does not start with numbering."""
    match = _ITEM_NUMBERING.match(item)
    if not match:
        return "", item
    seq, sep, rest = match["seq"], match["sep"], item[match.end() :]
    # Without a separator only a dotted, bracketed or circled number is numbering: not "2020年", "3次",
    # nor the "1.5" of "1.5万元".
    if not sep and ("." not in seq and seq[0] not in "(（①②③④⑤⑥⑦⑧⑨⑩" or rest[:1] in tuple("万亿元个人次名期场%")):
        return "", item
    return (seq, rest) if rest.strip() else ("", item)


def _units(text: str) -> tuple[list[str], list[str]]:
    """(responsible, assisting) units named in a cell, as in "江海区委组织部牵头，财政局、教育局配合"."""
    responsible: list[str] = []
    assisting: list[str] = []
    for segment in _split(text, "，,；;"):
        segment = segment.strip().rstrip("。.").strip()
        units = responsible
        if segment.endswith(("配合", "协助")):
            segment, units = segment[:-2], assisting
        elif segment.endswith(("牵头", "负责")):
            segment = segment[:-2]
        units.extend(unit.strip().removesuffix("等") for unit in _split(segment, "、") if unit.strip())
    return responsible, assisting


def _split(text: str, separators: str) -> list[str]:
    """`text` cut at line breaks and at `separators` outside brackets: "各县（市、区）党委" stays whole."""
    parts: list[str] = []
    for line in text.split("\n"):
        depth, start = 0, 0
        for index, char in enumerate(line):
            depth += (char in "（(【[") - (char in "）)】]")
            if char in separators and depth <= 0:
                parts.append(line[start:index])
                start = index + 1
        parts.append(line[start:])
    return parts


def _title_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line and not _ANNEX.match(line)]


def _preamble_title(paragraphs: list[str]) -> list[str]:
    """The short lines right above a .docx table, its title: up to three, stopping at 附件 or body text."""
    lines: list[str] = []
    for text in reversed(paragraphs):
        if len(lines) == 3 or _ANNEX.match(text) or len(text) > 60 or text.endswith(("。", "；", ";", "：", ":")):
            break
        lines.insert(0, text)
    return lines


def _opening_lines(paragraphs: list[str]) -> list[str]:
    """A document's first lines, where a notice names the plan it sends: 关于印发《2020年湛江市—柳州市…》的通知."""
    return [text for text in paragraphs[:8] if len(text) <= 80]
