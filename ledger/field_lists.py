"""The values of fields that hold lists: the units responsible (责任单位), and a tie's dated entries.

Their empty value is [] rather than None. Units are names from the ledger's directory, kept once each in the order
typed; entries are `ledger.activities` lines, kept in date order. Registered with the other types in
`ledger.field_types`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ledger.activities import Activity, activity_problem, parse_activities, parse_activity
from ledger.field_values import FieldValues
from ledger.values import UNIT_NAME_LENGTH, format_wan, quoted, text_problem

_UNIT_SEPARATORS = re.compile(r"[、，,；;\n]+")


class UnitsValues(FieldValues):
    listed = True
    stored_in = "units"

    def _parse(self, text: str) -> Any:
        return [name.strip() for name in _UNIT_SEPARATORS.split(text) if name.strip()]

    def normalize(self, value: Any) -> Any:
        value = super().normalize(value)
        names = [value] if isinstance(value, str) else list(value or [])
        unique = dict.fromkeys(name.strip() for name in names if name and name.strip())
        return list(unique)

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
            return "应为单位名称列表"
        for name in value:
            problem = text_problem(name, UNIT_NAME_LENGTH, lines=False)
            if problem:
                return f"单位名称“{quoted(name, 20)}”{problem}"
        return None

    def _from_json(self, value: Any) -> Any:
        if isinstance(value, list) and all(isinstance(name, str) for name in value):
            return value
        raise self.wrong_type(value)

    def _cell(self, value: Any) -> Any:
        return "、".join(value)

    def table_width(self, em: int, advance: Callable[[str], int]) -> int:
        return em * 14


class EntriesValues(FieldValues):
    """A tie's activities, one a line (`ledger.activities`): written to JSON, the audit log, a workbook's cell and
    the binder as the lines people type."""

    listed = True
    # A tie's activities are JSON text holding their words as typed: matched as that text, they are found too.
    searched = True

    def _parse(self, text: str) -> Any:
        return parse_activities(text)

    def normalize(self, value: Any) -> Any:
        value = super().normalize(value)
        if value is None or isinstance(value, list | tuple):
            entries = list(value or [])
            # In date order however they were typed; what is no entry is left for the check to name.
            if all(isinstance(entry, Activity) for entry in entries):
                entries.sort(key=lambda entry: entry.date)
            return entries
        return value

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return "应为活动列表"
        return next(filter(None, map(_entry_problem, value)), None)

    def _display(self, value: Any) -> str:
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return super()._display(value)

    def one_line(self, text: str) -> str:
        return text.replace("\n", "；")  # the tooltip has a line each

    def read_back(self, value: Any) -> str:
        if not value:
            return ""
        # What was read, so a line whose amount stayed in its text (5万元 with no space) is noticed.
        total = sum((entry.amount for entry in value if entry.amount), Decimal(0))
        return f"共 {len(value)} 项" + (f"，金额合计 {format_wan(total)}" if total else "")

    def to_json(self, value: Any) -> Any:
        return None if value is None else [str(entry) for entry in value]

    def _from_json(self, value: Any) -> Any:
        if isinstance(value, list) and all(isinstance(line, str) for line in value):
            return [parse_activity(line) for line in value]
        raise self.wrong_type(value)

    def _cell(self, value: Any) -> Any:
        return "\n".join(map(str, value))  # one wrapped cell, a line each, read back by `parse`

    def shown_by_default(self, *, deleted: bool) -> bool:
        return True

    def table_width(self, em: int, advance: Callable[[str], int]) -> int:
        return em * 22


def _entry_problem(entry: object) -> str | None:
    problem = activity_problem(entry)
    if problem is None and isinstance(entry, Activity):
        for words, most in ((entry.text, 200), (entry.unit, 10)):
            found = text_problem(words, most, lines=False)
            if found:
                return f"活动“{quoted(words, 20)}”{found}"
    return problem
