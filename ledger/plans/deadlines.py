"""Reading a plan task's deadline (完成时限) as offices write it: 2020年9月, 11月前, 1-11月, 上半年, 年底前.

A plan covers one year, so a deadline without a year is in the plan's year, and a deadline given to the
month (or half-year, quarter, year) is its last day: a task due "2020年9月" is on time until 30 September.
全年 and 年内 mean by the end of the plan's year; 长期, 持续 and 常态化 name ongoing work that has no
deadline, which is no mistake and gives no warning. Anything else is kept as written, without a date, and
the caller is told.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime

from ledger.values import parse_date

_ONGOING = {"长期", "长期坚持", "长期开展", "常年", "持续", "持续推进", "持续开展", "常态化", "常态化开展"}

_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_MONTH = re.compile(r"(十[一二]?|[一二三四五六七八九])(?=月)")

_PERIOD_MONTHS = {"上半年": 6, "下半年": 12, "年底": 12, "年末": 12, "年内": 12, "全年": 12, "年度": 12}
_QUARTER_MONTHS = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}
_DAY_OF_PART = {"上旬": 10, "中旬": 20}

# Tried in order on the cleaned text, each as a whole match.
_PATTERNS = (
    re.compile(r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号]?"),
    re.compile(r"(?:(?P<year>\d{4})[年.\-/]?)?(?P<month>\d{1,2})(?:月份?(?P<part>上旬|中旬|下旬|底|末)?)?"),
    re.compile(
        r"(?:(?P<year>\d{4})年?)?(?:(?P<period>上半年|下半年|年底|年末|年内|全年|年度)"
        r"|第?(?P<quarter>[一二三四1-4])季度(?:底|末)?)"
    ),
    re.compile(r"(?P<year>\d{4})年?"),
)
_RANGE = re.compile(r"(?P<start>.+?)(?:-|~|—|–|至|到)(?P<end>.+)")
_LEADING = re.compile(r"^(?:于|在|截至|截止到?|到)")
_TRAILING = re.compile(r"(?:以前|之前|前|为止|止|完成|结束)+$")


def parse_deadline(value: object, year: int) -> tuple[date | None, str | None]:
    """(deadline, warning). value may be str, datetime/date (an Excel date cell), int/float, or None.

    A cell of several lines (one per sub-task) is due when the latest is. The warning is in Chinese and
    names the value but not where it came from, which the caller adds.
    """
    if isinstance(value, datetime):
        return _checked(value.date(), str(value.date()), year)
    if isinstance(value, date):
        return _checked(value, str(value), year)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = [line.strip() for line in str(value if value is not None else "").splitlines() if line.strip()]
    if not lines:
        return None, None
    shown = " / ".join(lines)
    try:
        deadlines = [deadline for line in lines if (deadline := _read(line, year)) is not None]
    except ValueError:
        return None, f"无法识别的完成时限“{shown}”，未设期限"
    return _checked(max(deadlines), shown, year) if deadlines else (None, None)


def _checked(deadline: date, shown: str, year: int) -> tuple[date, str | None]:
    # A year before the plan's is almost always last year's plan copied forward.
    if deadline.year < year:
        return deadline, f"完成时限“{shown}”早于计划年度（{year}年），请核对"
    return deadline, None


def _read(text: str, year: int) -> date | None:
    """The deadline one line names, None for ongoing work; ValueError when it cannot be read."""
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = re.sub(r"\s+", "", cleaned)
    cleaned = re.sub(r"(\d{4})的", r"\1年", cleaned)  # "2020的6月": a slip for 年 seen in real plans
    cleaned = _CHINESE_MONTH.sub(lambda match: str(_chinese_number(match.group(1))), cleaned)
    cleaned = _TRAILING.sub("", _LEADING.sub("", cleaned))
    if cleaned in _ONGOING:
        return None
    try:
        return parse_date(cleaned)
    except ValueError:
        pass
    for pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            return _last_day(match.groupdict(), year)
    match = _RANGE.fullmatch(cleaned)
    if match:
        # 1-11月 and 2020年3月至6月 are due when the range ends, in the start's year if the end has none.
        start_year = re.match(r"\d{4}", match["start"])
        end = _read(match["end"], int(start_year.group()) if start_year else year)
        if end is not None:
            return end
    raise ValueError(text)


def _last_day(parts: dict[str, str | None], plan_year: int) -> date:
    year = int(parts["year"]) if parts["year"] else plan_year
    if parts.get("period"):
        month = _PERIOD_MONTHS[parts["period"]]
    elif parts.get("quarter"):
        month = _QUARTER_MONTHS[parts["quarter"]]
    else:
        month = int(parts.get("month") or 12)
    if not 1 <= month <= 12:
        raise ValueError(month)
    if parts.get("day"):
        return date(year, month, int(parts["day"]))
    day = _DAY_OF_PART.get(parts.get("part") or "", calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _chinese_number(text: str) -> int:
    if text.startswith("十"):
        return 10 + _CHINESE_DIGITS.get(text[1:], 0)
    return _CHINESE_DIGITS[text]
