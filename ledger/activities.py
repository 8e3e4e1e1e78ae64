"""Dated entries of what a pairing tie did, one a line: "2020-05-12 捐赠图书 200册 3.5万元".

A 结对帮扶 record keeps its year's activities in one field rather than one record each: a tie does many small
things (a visit, a donation, a clinic day) that an inspector reads as one list under the agreement. People
type the list as lines; each line is read into an `Activity` with its date, what was done, and a count with
its unit and an amount when the line states them. The database keeps the list as JSON (amounts in fen), the
JSON output and the audit log as the lines themselves.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger.values import fen_to_money, money_to_fen, parse_date, parse_money

EXAMPLE = "2020-05-12 捐赠图书 200册 3.5万元"

# \d is any digit, full-width ones too; parse_date reads them.
_DATE = re.compile(r"^(\d{4}\s*[-/.年－／．]\s*\d{1,2}\s*[-/.月－／．]\s*\d{1,2}\s*[日号]?|\d{8})(?=\s|$)")
_AMOUNT = re.compile(r"^¥?[0-9][0-9,]*(\.[0-9]+)?[万亿]?元$")
_COUNT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)([^\d\s.,元]{1,4})$")
# Lines are the separator; on one line (the command line) a "；" before a date starts the next entry.
_ENTRY_BREAK = re.compile(r"\n|[；;](?=\s*\d{4}\s*[-/.年]|\s*\d{8})")


@dataclass(frozen=True)
class Activity:
    date: date
    text: str
    count: Decimal | None = None
    unit: str = ""
    amount: Decimal | None = None  # yuan

    def __str__(self) -> str:
        parts = [self.date.isoformat(), self.text]
        if self.count is not None:
            parts.append(f"{self.count:f}{self.unit}")
        if self.amount is not None:
            parts.append(_money_text(self.amount))
        return " ".join(parts)


def _money_text(amount: Decimal) -> str:
    """万元 when that is exact and shorter, as clerks write it; yuan otherwise."""
    if amount >= 10_000 and amount % 100 == 0:
        wan = f"{amount / 10_000:f}".rstrip("0").rstrip(".")
        return f"{wan}万元"
    return f"{amount.normalize():f}元" if amount % 1 == 0 else f"{amount:f}元"


def parse_activity(line: str) -> Activity:
    """One entry; raises ValueError in Chinese. The text is kept as typed (its ，and ；too); only the date,
    count and amount are read in their half-width forms."""
    found = _DATE.match(line.strip())
    if not found:
        raise ValueError(f"应以日期开头，如 {EXAMPLE}")
    when = parse_date(found.group(1))
    words = line.strip()[found.end() :].split()
    amount = count = None
    unit = ""
    if len(words) > 1 and _AMOUNT.match(unicodedata.normalize("NFKC", words[-1])):
        amount = parse_money(words.pop())
        if amount <= 0:
            raise ValueError(f"金额应大于0：{line.strip()}")
    if len(words) > 1 and (counted := _COUNT.match(unicodedata.normalize("NFKC", words[-1]))):
        words.pop()
        count, unit = Decimal(counted.group(1)), counted.group(2)
    text = " ".join(words)
    if not text:
        raise ValueError(f"日期后应写做了什么，如 {EXAMPLE}")
    return Activity(when, text, count, unit, amount)


def parse_activities(text: str) -> list[Activity]:
    """Every entry of `text`, one a line; raises ValueError naming each line that cannot be read."""
    lines = [line.strip() for line in _ENTRY_BREAK.split(text) if line.strip()]
    entries, problems = [], []
    for number, line in enumerate(lines, start=1):
        try:
            entries.append(parse_activity(line))
        except ValueError as error:
            problems.append(f"第{number}条“{line}”{error}" if len(lines) > 1 else str(error))
    if problems:
        raise ValueError("；".join(problems))
    return entries


def activity_problem(activity: object) -> str | None:
    """Why a value given as an activity (not typed, so not parsed) cannot be kept."""
    if not isinstance(activity, Activity):
        return f"应为活动记录，如 {EXAMPLE}"
    if not 1990 <= activity.date.year <= 2100:
        return f"年份不在 1990—2100 之间，请核对：{activity}"
    if not activity.text or len(activity.text) > 200 or re.search(r"[\x00-\x1f\x7f]", activity.text):
        return f"活动内容应为200字以内的文字：{activity.text[:20]}"
    if activity.amount is not None and activity.amount <= 0:
        return f"金额应大于0：{activity}"
    return None


def dumps(activities: list[Activity]) -> str:
    """The stored form: JSON objects with the amount in fen, so sums in SQL (json_each) stay exact."""
    rows = []
    for activity in activities:
        row: dict[str, object] = {"date": activity.date.isoformat(), "text": activity.text}
        if activity.count is not None:
            row |= {"count": f"{activity.count:f}", "unit": activity.unit}
        if activity.amount is not None:
            row["amount"] = money_to_fen(activity.amount)
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False)


def loads(text: str) -> list[Activity]:
    return [
        Activity(
            date.fromisoformat(row["date"]),
            row["text"],
            Decimal(row["count"]) if "count" in row else None,
            row.get("unit", ""),
            fen_to_money(row["amount"]) if "amount" in row else None,
        )
        for row in json.loads(text or "[]")
    ]
