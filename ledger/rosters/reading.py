"""A roster workbook read into its rows: every sheet, its header found by name below any merged title rows.

Offices lay their rosters out each their own way (人社 "一库五册", 就业人员信息采集表), so columns are known by the
names and variants a header uses, not by position; only 姓名 and 身份证号 must be there. Cells are read with
python-calamine, after the file's size, the package's inflated size and each sheet's extent are checked, as the
ledger's own import checks them (`ledger.excel.import_file`): calamine would abort on a sheet two cells far apart.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger import office_zip
from ledger.errors import LedgerError
from ledger.excel.import_file import MOST_COLUMNS, MOST_INFLATION, open_sheet, open_workbook
from ledger.jobs import Job
from ledger.limits import Limits, file_problem

#: Each column of a roster and the header names that mean it; compared without spaces, full-width forms folded.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "劳动力姓名", "务工人员姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码"),
    "gender": ("性别",),
    "hukou_county": ("户籍所在县", "县（市、区）", "县（区）", "县", "户籍县", "所在县"),
    "hukou_town": ("户籍所在乡镇", "乡镇", "乡（镇）", "乡镇（街道）", "所在乡镇"),
    "hukou_village": ("户籍所在村", "村", "村（社区）", "行政村", "所在村"),
    "poverty_status": ("人员类别", "脱贫户/监测对象", "人员属性", "帮扶对象类别", "劳动力类别"),
    "poor": ("脱贫户", "是否脱贫户", "是否脱贫人口", "脱贫人口"),
    "monitored": ("监测对象", "是否监测对象"),
    "work_province": ("就业省份", "就业地省", "务工省份", "就业地（省）", "就业省"),
    "work_city": ("就业城市", "务工地市", "就业地市", "就业地（市）", "务工城市", "就业市"),
    "employer": ("就业单位", "用工单位", "单位名称", "务工单位", "单位", "就业单位名称"),
    "post": ("岗位", "工种", "就业岗位"),
    "start_date": ("起始日期", "就业时间", "务工时间", "开始日期", "就业起始时间", "务工起始时间", "就业日期"),
    "end_date": ("终止日期", "结束日期", "就业终止时间", "务工终止时间"),
    "monthly_income": ("月收入", "月工资", "月收入（元）", "月工资（元）", "月均收入", "月均收入（元）"),
    "placement": ("输出方式", "就业方式", "转移方式"),
}
REQUIRED = ("name", "id_number")
#: How far down a sheet its header may be: below the title, the unit and the date of filling in.
HEADER_WITHIN = 20
#: The names of first cells that end the list or say nothing of a person: totals and signatures.
_FOOTERS = re.compile(r"^(合计|小计|总计|填表人|制表人|审核人|负责人|填报单位|备注)")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).rstrip(":：*")


_COLUMN_OF_NAME = {_key(variant): column for column, variants in COLUMNS.items() for variant in variants}


def column_of(header: str) -> str | None:
    """The roster column a header cell names; a trailing unit or note in brackets (（元）, (必填)) is let go."""
    key = _key(header)
    return _COLUMN_OF_NAME.get(key) or _COLUMN_OF_NAME.get(re.sub(r"\(.*\)$", "", key))


@dataclass(frozen=True)
class RawRow:
    """One person's row as read: its sheet, Excel row number, and each column's cell as calamine gives it."""

    sheet: str
    number: int
    cells: dict[str, Any]
    headers: dict[str, str]  # each column's header as written, for messages


def cell_text(raw: Any) -> str:
    """A cell as its user reads it: 12.0 is 12."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, bool):
        return "是" if raw else "否"
    return str(raw).strip()


def read_roster(path: Path, limits: Limits, job: Job | None = None) -> list[RawRow]:
    """The people's rows of every sheet of the roster at `path` that has a header, in order; refuses in Chinese
    a file that is no workbook, is too large, or has no sheet with 姓名 and 身份证号 in a header."""
    job = job or Job()
    _check_package(path, limits)
    workbook = open_workbook(path)
    rows: list[RawRow] = []
    found = False
    names = workbook.sheet_names
    for index, name in enumerate(names):
        job.report(index / max(len(names), 1), f"读取工作表“{name}”")
        grid = open_sheet(path, workbook, name).to_python(skip_empty_area=False)
        header_at = next((i for i, row in enumerate(grid[:HEADER_WITHIN]) if _is_header(row)), None)
        if header_at is None:
            continue  # a sheet of notes or a summary: no people
        found = True
        columns, headers = _columns(grid[header_at])
        for offset, row in enumerate(grid[header_at + 1 :], header_at + 2):
            cells = {column: row[i] if i < len(row) else None for column, i in columns.items()}
            if _is_person(row, cells):
                rows.append(RawRow(name, offset, cells, headers))
    if not found:
        wanted = "、".join(COLUMNS[column][0] for column in REQUIRED)
        raise LedgerError(
            f"“{path.name}”不是花名册：没有哪个工作表的前 {HEADER_WITHIN} 行里有含“{wanted}”两列的表头。"
            "请确认表头写有这两列。"
        )
    job.done(f"读取了 {len(rows)} 行")
    return rows


def _check_package(path: Path, limits: Limits) -> None:
    problem = file_problem(path, limits.import_mb, "max_import_mb")
    if problem:
        raise LedgerError(f"无法读取工作簿 {path.name}：{problem}")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # no zip package: calamine reads an .xls as what it is, or says the file is no workbook
    with archive:
        try:
            office_zip.check_sizes(archive, limits.import_mb * MOST_INFLATION * 2**20)
            for name, part in office_zip.worksheets(archive).items():
                facts = office_zip.scan_sheet(archive, part, empty_cells=False)
                office_zip.check_extent(name, facts, limits.sheet_rows, MOST_COLUMNS, "max_sheet_rows")
        except office_zip.Refused as refused:
            raise LedgerError(f"无法读取工作簿 {path.name}：{refused}") from None
        except (*office_zip.DAMAGED, ValueError, OSError) as error:
            raise LedgerError(f"无法读取工作簿 {path.name}：它已损坏。（技术细节：{error}）") from None


def _is_header(row: list[Any]) -> bool:
    named = {column_of(text) for raw in row if (text := cell_text(raw))}
    return all(column in named for column in REQUIRED)


def _columns(row: list[Any]) -> tuple[dict[str, int], dict[str, str]]:
    """Each column the header names and its index; where two cells name one column, the first."""
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, raw in enumerate(row):
        text = cell_text(raw)
        column = column_of(text) if text else None
        if column and column not in columns:
            columns[column], headers[column] = index, text
    return columns, headers


def _is_person(row: list[Any], cells: dict[str, Any]) -> bool:
    """Whether a row below the header is a person's: not empty, not the header repeated on a printed page, not
    the columns' numbers (1 2 3 …) nor a line of totals or signatures."""
    texts = [text for raw in row if (text := cell_text(raw))]
    name = cell_text(cells.get("name"))
    if not texts or column_of(name) == "name" or all(text.isdigit() and len(text) <= 3 for text in texts):
        return False
    return not (_FOOTERS.match(name or texts[0]) and not cell_text(cells.get("id_number")))
