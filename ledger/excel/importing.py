"""Reading the Excel ledger (台账) back after people have edited it in Excel or WPS.

Each sheet of a record kind (see `ledger.excel.sheets`) is read row by row: a row with a 记录编号 updates that
record where it differs, a row without one is a new record, an unchanged row is left alone. Every cell is
read and every row validated before anything is kept; one mistake anywhere and nothing is, and the user
gets all of them at once, each with its sheet, row, column, value and reason. Otherwise the whole
workbook lands in one transaction.

The file is opened and checked in `import_file`, each sheet read in `import_sheet`, its cells in `import_cells`,
its rows compared and written in `import_rows`; what the import reports is in `import_report`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.orm import Session

from ledger.errors import LedgerError
from ledger.excel.import_file import Package, open_sheet, open_workbook
from ledger.excel.import_report import (
    CONFLICT_RULES,
    MOST_MISTAKES,
    Conflict,
    ImportFailed,
    ImportReport,
    Mistake,
)
from ledger.excel.import_rows import ImportState
from ledger.excel.import_sheet import SheetReader
from ledger.excel.sheets import SHEET_NAMES, sheet_kind
from ledger.jobs import Job
from ledger.kinds import KINDS
from ledger.limits import Limits

__all__ = ["CONFLICT_RULES", "Conflict", "ImportFailed", "ImportReport", "Mistake", "import_workbook"]


def import_workbook(
    session: Session,
    path: Path,
    *,
    dry_run: bool = False,
    job: Job | None = None,
    conflicts: str = "stop",
    choices: Mapping[uuid.UUID, str] | None = None,
) -> ImportReport:
    """Reads the workbook at `path` into the ledger in one transaction of its own; raises ImportFailed listing
    every mistake, having written nothing. With `dry_run` everything is checked and counted, nothing kept.

    A row whose record changed in the ledger after the export (its stored revision is above the row's 版本;
    in a workbook without that column, the audit log has changes after the workbook's creation time) is a
    conflict, settled by `conflicts` (a key of CONFLICT_RULES): "stop" lists it like a mistake and writes
    nothing, "workbook" takes the row, "ledger" skips it. `choices` settles single records by id the same way.

    `job` hears the fraction done and the sheet being read; cancelled, or an exception raised from its report,
    the import stops, and nothing is written."""
    path = Path(path)
    with session.begin():  # a read of its own: the import's transaction begins once the file has passed
        limits = Limits.of(session)
    if conflicts not in CONFLICT_RULES or any(rule not in CONFLICT_RULES for rule in (choices or {}).values()):
        raise LedgerError(f"不认识的冲突处理方式：{conflicts}（可选 {'、'.join(CONFLICT_RULES)}）")
    package = Package(path, limits)
    with open_workbook(path) as workbook:
        names = workbook.sheet_names
        kinds = {name: sheet_kind(name) for name in names}
        wanted = [name for name in names if kinds[name]]
        if not wanted:
            sheets = "、".join(SHEET_NAMES.values())
            raise LedgerError(f"工作簿 {path.name} 里没有台账工作表（应名为 {sheets} 之一），未导入任何内容")
        report = ImportReport(ignored_sheets=[name for name in names if not kinds[name]], dry_run=dry_run)
        with session.begin() as transaction:
            state = ImportState(session, job or Job(), len(wanted), conflicts, choices or {}, package.exported_at)
            for position, name in enumerate(wanted):
                sheet = open_sheet(path, workbook, name)
                unread, formulas = package.unread_cells(name)
                reader = SheetReader(state, position, name, KINDS[kinds[name]], sheet, unread, formulas)
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
