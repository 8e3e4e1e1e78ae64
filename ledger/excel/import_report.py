"""What an import of the Excel ledger tells its caller: the counts of a workbook read, or every mistake and
conflict that kept it out. Kept apart from the reading so that the window, the command line and the tests can
name these without the reader's machinery, and so that a mistake reads the same wherever it is shown: its
sheet, row, column, value and reason.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ledger.errors import LedgerError

#: The most mistakes listed; past this the workbook is plainly not in the layout, and more would not help.
MOST_MISTAKES = 500

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
