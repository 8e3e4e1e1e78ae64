"""Roster import speed: `ledger roster import` of a 10,000-row roster into a fresh ledger.

Printed, not asserted, beside a floor measured in the same run on the same file: a bare python-calamine read of
every sheet, which the import starts with. The import then checks every row, resolves each worker through the
person directory (each a new person here, audited) and writes the roster; the same file imported again finds
everyone unchanged.

    python bench/roster_bench.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from ledger import records
from ledger.cli.main import main
from ledger.identity import id_check_char
from ledger.storage.folder import Ledger

HEADER = ["序号", "姓名", "身份证号码", "性别", "县（市、区）", "乡镇", "村", "人员类别", "就业地省", "务工地市"]
HEADER += ["用工单位", "工种", "就业时间", "终止日期", "月工资（元）", "输出方式"]
SURNAMES, GIVEN = "黄李陈赵韦农梁蒙覃何", "明红刚丽芳强军燕华平"
STATUSES = ("", "", "", "脱贫户", "监测对象")


def write_roster(path: Path, rows: int) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["龙州县转移就业人员实名花名册"])
    sheet.append(HEADER)
    born = date(1970, 1, 1)
    for number in range(rows):
        first17 = f"451423{(born + timedelta(days=number % 12000)):%Y%m%d}{number % 1000:03d}"
        name = SURNAMES[number % 10] + GIVEN[number // 10 % 10] + GIVEN[number // 100 % 10]
        start = date(2024, 1, 1) + timedelta(days=number % 300)
        sheet.append(
            [number + 1, name, first17 + id_check_char(first17), "男女"[number % 2], "龙州县", "水口镇", "板池村"]
            + [STATUSES[number % 5], "广东省", "江门市", f"鹤山市第{number % 40}工厂", "普工", start, None]
            + [4000 + number % 2000, ("有组织", "自主")[number % 2]]
        )
    book.save(path)


def fresh_ledger(folder: Path) -> str:
    with Ledger.create(folder, author="bench") as ledger, ledger.session() as session, session.begin():
        records.add_pairing(session, "鹤山市", "龙州县")
        labour = {"pairing": "鹤山市—龙州县", "title": "转移就业", "date": date(2024, 3, 1)}
        labour |= {"labour_type": "转移就业", "to_east": True, "people": 1}
        return str(records.add_record(session, "labour", labour).id)


def timed(step, *args) -> tuple[float, object]:
    began = time.perf_counter()
    result = step(*args)
    return time.perf_counter() - began, result


def bare_read(path: Path) -> int:
    workbook = CalamineWorkbook.from_path(path)
    return sum(len(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names)


def cli_import(folder: Path, record: str, path: Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["--ledger", str(folder), "roster", "import", record, str(path)])
    if status:
        raise SystemExit(f"import failed with status {status}")
    return out.getvalue().splitlines()[-1]


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        roster = folder / "花名册.xlsx"
        write_roster(roster, args.rows)
        record = fresh_ledger(folder / "ledger")
        read_s, cells = timed(bare_read, roster)
        import_s, said = timed(cli_import, folder / "ledger", record, roster)
        again_s, said_again = timed(cli_import, folder / "ledger", record, roster)
        size = roster.stat().st_size / 2**20
    print(f"roster rows                    {args.rows:>10,}  (workbook {size:.1f} MB)")
    print(f"floor: bare calamine read      {read_s:>9.2f} s  ({cells} rows)")
    print(f"ledger roster import           {import_s:>9.2f} s  ({said})")
    print(f"the same import again          {again_s:>9.2f} s  ({said_again})")
    print(f"import / read floor            {import_s / read_s:>9.1f} x")


if __name__ == "__main__":
    run()
