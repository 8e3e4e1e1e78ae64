"""Every row of a roster checked before anything is written: each bad cell named with its sheet, row, column, value
and reason, and an ID number given twice, so that one reading of the messages fixes the whole file."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger.errors import LedgerError
from ledger.jobs import Job
from ledger.kinds.common import GENDERS, person_fields
from ledger.rosters.reading import COLUMNS, RawRow, cell_text
from ledger.values import parse_date, parse_money, quoted, text_problem, to_money

#: The ID number's field type: its check, its message for a number Excel rounded, and its masking.
ID_NUMBERS = {field.name: field.values for field in person_fields()}["id_number"]
POVERTY_STATUSES = ("", "脱贫户", "监测对象")
PLACEMENTS = ("", "有组织", "自主")
#: A name is one line of at most this many characters; other texts a little longer.
_NAME_LENGTH, _TEXT_LENGTH = 50, 200
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_NO = {"", "否", "无", "不是", "非", "一般", "一般户", "一般劳动力", "普通", "普通劳动力", "其他", "/", "-"}


@dataclass(frozen=True)
class RosterRow:
    """One worker as the roster will keep them: the columns of `models.RosterEntry` but its keys and stamps."""

    name: str
    id_number: str | None
    gender: str = ""
    hukou_county: str = ""
    hukou_town: str = ""
    hukou_village: str = ""
    poverty_status: str = ""
    work_province: str = ""
    work_city: str = ""
    employer: str = ""
    post: str = ""
    start_date: date | None = None
    end_date: date | None = None
    monthly_income: Decimal | None = None
    placement: str = ""

    def values(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


@dataclass(frozen=True)
class RowProblem:
    sheet: str
    row: int
    column: str  # the header as written
    value: str
    reason: str

    def __str__(self) -> str:
        value = f"“{quoted(self.value)}”" if self.value else "（空）"
        return f"{self.sheet} 第{self.row}行 {self.column} {value}：{self.reason}"


class RosterProblems(LedgerError):
    """A roster with bad rows; every one is listed and nothing was written."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        rows = len({(problem.sheet, problem.row) for problem in problems})
        lines = [f"花名册有 {rows} 行共 {len(problems)} 处问题，未作任何修改：", *(f"  {p}" for p in problems)]
        super().__init__("\n".join(lines))


def check_rows(raw_rows: list[RawRow], job: Job | None = None) -> list[RosterRow]:
    """The rows as the roster keeps them, or RosterProblems naming every bad cell and repeated person."""
    job = job or Job()
    rows: list[RosterRow] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[str, ...], RawRow] = {}  # an ID number, or a name and employer without one: where first given
    for index, raw in enumerate(raw_rows):
        if index % 1000 == 0:
            job.report(index / max(len(raw_rows), 1), f"核对第 {index + 1} 行")
        row, found, key = _row(raw)
        problems += found
        # A repeat is said even of a row wrong elsewhere, so that one pass lists all there is to correct.
        first = seen.setdefault(key, raw) if key is not None else raw
        if first is not raw:
            column = "id_number" if key[0] == "id" else "name"
            what = "身份证号" if key[0] == "id" else "姓名和单位相同、都没有身份证号，"
            reason = f"{what}与{first.sheet} 第{first.number}行重复：同一人只能列一次"
            problems.append(_problem(raw, column, reason))
        if row is not None:
            rows.append(row)
    if problems:
        raise RosterProblems(problems)
    return rows


def _problem(raw: RawRow, column: str, reason: str) -> RowProblem:
    header = raw.headers.get(column) or COLUMNS[column][0]
    return RowProblem(raw.sheet, raw.number, header, cell_text(raw.cells.get(column)), reason)


def _row(raw: RawRow) -> tuple[RosterRow | None, list[RowProblem], tuple[str, ...] | None]:
    """The row as the roster keeps it (None if any cell is wrong), its problems, and who it is: its ID number, or
    its name and employer without one (None where those cells are wrong)."""
    values: dict[str, Any] = {}
    problems: list[RowProblem] = []
    readers = {
        "id_number": _id_number,
        "gender": _gender,
        "start_date": _date,
        "end_date": _date,
        "monthly_income": _money,
        "placement": _placement,
        "poverty_status": _poverty_status,
        "poor": lambda cell: _flag(cell, "脱贫户"),
        "monitored": lambda cell: _flag(cell, "监测对象"),
    }
    bad: set[str] = set()
    for column, cell in raw.cells.items():
        try:
            read = readers.get(column)
            values[column] = read(cell) if read else _text(cell, _NAME_LENGTH if column == "name" else _TEXT_LENGTH)
        except ValueError as error:
            bad.add(column)
            problems.append(_problem(raw, column, str(error)))
    if not values.get("name") and "name" not in bad:
        problems.append(_problem(raw, "name", "缺少姓名"))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        problems.append(_problem(raw, "end_date", f"终止日期早于起始日期 {start.isoformat()}"))
    key = None
    if values.get("id_number"):
        key = ("id", values["id_number"])
    elif values.get("name") and not bad & {"id_number", "employer"}:
        key = ("name", values["name"], values.get("employer", ""))
    if problems:
        return None, problems, key
    # A 监测对象 column said yes outranks a 脱贫户 one: the household is watched now.
    status = values.pop("monitored", "") or values.pop("poor", "") or values.get("poverty_status", "")
    values.pop("poor", None)
    values["poverty_status"] = status
    if not values.get("gender") and values.get("id_number"):
        values["gender"] = GENDERS[0] if int(values["id_number"][16]) % 2 else GENDERS[1]
    return RosterRow(**values), [], key


def _text(cell: Any, length: int) -> str:
    text = cell_text(cell)
    problem = text_problem(text, length, lines=False)
    if problem:
        raise ValueError(problem)
    return text


def _id_number(cell: Any) -> str | None:
    value = ID_NUMBERS.normalize(ID_NUMBERS.from_cell(cell, cell_text(cell)))
    if value and (problem := ID_NUMBERS.problem(value)):
        raise ValueError(problem)
    return value or None


def _gender(cell: Any) -> str:
    text = cell_text(cell).removesuffix("性")
    if text and text not in GENDERS:
        raise ValueError("性别应填“男”或“女”")
    return text


def _date(cell: Any) -> date | None:
    """A date from an Excel date cell, 2024-03-01, 2024/3/1, 2024年3月1日 or 20240301; a month alone (2024.3,
    2024年3月) is its first day."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = unicodedata.normalize("NFKC", cell_text(cell))
    if not text:
        return None
    if month := _MONTH.match(text):
        year, number = int(month.group(1)), int(month.group(2))
        if 1 <= number <= 12:
            return date(year, number, 1)
        raise ValueError(f"没有 {number} 月")
    try:
        return parse_date(text)
    except ValueError as error:
        no_such_day = str(error).startswith("没有这一天")  # written as a date, but the calendar has no such day
        raise ValueError(str(error) if no_such_day else "不是日期：应写作 2024-03-01、2024年3月1日 或 2024.3") from None


def _money(cell: Any) -> Decimal | None:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        amount = to_money(Decimal(str(cell)), original=cell_text(cell))
    elif text := cell_text(cell):
        amount = parse_money(text)
    else:
        return None
    if amount < 0:
        raise ValueError("月收入不能为负数")
    return amount


def _placement(cell: Any) -> str:
    text = re.sub(r"\s+", "", cell_text(cell))
    if text.startswith("有组织") or text in ("组织输出", "组织转移"):
        return "有组织"
    if text.startswith(("自主", "自发", "自行")):
        return "自主"
    if text in _NO:
        return ""
    raise ValueError("输出方式应填“有组织”或“自主”")


def _poverty_status(cell: Any) -> str:
    text = re.sub(r"\s+", "", cell_text(cell))
    if text in _NO or text.startswith(("非", "不是")):
        return ""
    if "监测" in text or "防返贫" in text:
        return "监测对象"
    if "脱贫" in text or "建档立卡" in text or "贫困" in text:
        return "脱贫户"
    raise ValueError("应填“脱贫户”“监测对象”或留空")


def _flag(cell: Any, status: str) -> str:
    """A 是/否 column of one status (是否脱贫户); its status written out (脱贫户, 监测对象) is read as such."""
    text = re.sub(r"\s+", "", cell_text(cell))
    if text in ("是", "√", "✓", "Y", "y", "1"):
        return status
    if text == "0":
        return ""
    return _poverty_status(cell)
