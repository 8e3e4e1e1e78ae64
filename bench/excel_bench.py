"""Excel ledger speed on 100,000 records: export, import unchanged, import as new, with peak memory.

Each step runs in a process of its own so its peak memory (max RSS) is its own. Figures are printed,
not asserted, beside floors measured in the same run: a bare openpyxl write-only dump of the same values
for the export, and a bare python-calamine read of the same file for the imports.

    python bench/excel_bench.py [--records 100000]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from ledger_bench import fill, in_own_process

from ledger import records
from ledger.excel.sheets import SHEET_NAMES
from ledger.kinds import KINDS
from ledger.storage.folder import Ledger


def _measured(step, queue, *args) -> None:
    began = time.perf_counter()
    result = step(*args)
    seconds = time.perf_counter() - began
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, result))


def run(step, *args) -> tuple[float, float, object]:
    """(seconds, peak MB, result) of `step(*args)` in a fresh process."""
    return in_own_process("fork", _measured, step, *args)


def idle() -> None:
    """The footprint of a process that has imported everything and done nothing."""


def export(folder: Path, path: Path) -> int:
    from ledger.excel.export import export_workbook

    with Ledger.open(folder) as ledger, ledger.session() as session:
        summary = export_workbook(session, path, kinds=["meeting"])
    return dict(summary.sheets)[SHEET_NAMES["meeting"]]


def floor_dump(folder: Path, path: Path) -> int:
    """The same values, read with plain sqlite3 and dumped unstyled: no widths, no print setup, no totals."""
    from openpyxl import Workbook

    spec = KINDS["meeting"]
    db = sqlite3.connect(folder / "ledger.sqlite")
    rows = db.execute(
        "SELECT p.name, r.year, r.title, r.date, m.meeting_type, m.level, m.held_in, m.lead, m.lead_post, "
        "CASE WHEN m.main_leader_present THEN '是' ELSE '否' END, m.attendees, m.minutes_no, m.decisions, r.location, "
        "(SELECT group_concat(u.name, '、') FROM record_unit ru JOIN unit u ON u.id = ru.unit_id "
        " WHERE ru.record_id = r.id), r.summary, r.record_status "
        "FROM record r JOIN meeting m USING (id) JOIN pairing p ON p.id = r.pairing_id ORDER BY r.date"
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAMES["meeting"])
    sheet.append(["序号", *(f.label for f in spec.fields)])
    count = 0
    for count, row in enumerate(rows, 1):
        sheet.append([count, *row])
    workbook.save(path)
    return count


def floor_read(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET_NAMES["meeting"])
    return len(sheet.to_python())


def import_file(folder: Path, path: Path) -> str:
    from ledger.excel.importing import import_workbook

    with Ledger.open(folder, author="bench") as ledger, ledger.session() as session:
        report = import_workbook(session, path)
    return "；".join(f"新增 {s.new}，修改 {s.updated}，未变 {s.unchanged}" for s in report.sheets)


def empty(folder: Path) -> None:
    with Ledger.create(folder, author="bench") as ledger, ledger.session() as session, session.begin():
        records.add_pairing(session, "鹤山市", "龙州县")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        ledger, fresh = folder / "ledger", folder / "fresh"
        exported, dumped = folder / "台账.xlsx", folder / "floor.xlsx"
        run(fill, ledger, args.records)
        run(empty, fresh)
        base = run(idle)
        steps = {
            "export (styled, sized, totals)": run(export, ledger, exported),
            "floor: bare write-only dump": run(floor_dump, ledger, dumped),
            "import unchanged (compare)": run(import_file, ledger, exported),
            "import as new rows": run(import_file, fresh, dumped),
            "floor: bare calamine read": run(floor_read, exported),
        }
        size = exported.stat().st_size / 2**20

    print(f"records                        {args.records:>10,}  (meetings; workbook {size:.1f} MB)")
    print(f"idle process                   {'':>10}  peak {base[1]:7.0f} MB")
    for name, (seconds, peak, result) in steps.items():
        print(f"{name:<30} {seconds:>9.2f} s  peak {peak:7.0f} MB  ({result})")
    export_s, dump_s = steps["export (styled, sized, totals)"][0], steps["floor: bare write-only dump"][0]
    read_s = steps["floor: bare calamine read"][0]
    print(f"export / write floor           {export_s / dump_s:>9.1f} x")
    print(f"import unchanged / read floor  {steps['import unchanged (compare)'][0] / read_s:>9.1f} x")
    print(f"import new / read floor        {steps['import as new rows'][0] / read_s:>9.1f} x")


if __name__ == "__main__":
    main()
