"""Turning what was typed into field values, and deciding whether a record may be saved.

Everything here works from the field spec alone, so the command line, the form and the Excel
import agree on what is valid. Problems are collected, never raised one at a time: the user sees
every mistake at once.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

from ledger.activities import Activity, activity_problem, parse_activities, parse_activity
from ledger.fields import Field, FieldType, KindSpec, Problem, Values
from ledger.identity import id_number_problem, normalize_id_number, normalize_phone, phone_problem
from ledger.values import (
    UNIT_NAME_LENGTH,
    format_money,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
    quoted,
    text_problem,
    to_money,
)

#: Field types whose empty value is an empty list.
LISTS = (FieldType.UNITS, FieldType.ENTRIES)
_UNIT_SEPARATORS = re.compile(r"[、，,；;\n]+")


def split_units(text: str) -> list[str]:
    return [name.strip() for name in _UNIT_SEPARATORS.split(text) if name.strip()]


def parse_field(field: Field, text: str) -> Any:
    """The value of `field` written as `text`; empty text is None. Raises ValueError in Chinese."""
    text = text.strip()
    if not text:
        return [] if field.type in LISTS else None
    match field.type:
        case FieldType.DATE:
            return parse_date(text)
        case FieldType.INT:
            return parse_int(text)
        case FieldType.MONEY:
            return parse_money(text)
        case FieldType.BOOL:
            return parse_bool(text)
        case FieldType.UNITS:
            return split_units(text)
        case FieldType.ENTRIES:
            return parse_activities(text)
        case _:
            return text


def parse_fields(spec: KindSpec, texts: Values) -> tuple[dict[str, Any], list[Problem]]:
    """Parses `name=text` input; unknown and derived field names are problems too."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, text in texts.items():
        field = spec.by_name.get(name)
        if field is None:
            known = "、".join(f.name for f in spec.editable_fields)
            problems.append(Problem(name, name, str(text), f"{spec.label}没有这个字段；可用字段：{known}"))
            continue
        if field.derived:
            problems.append(Problem(name, field.label, str(text), "由其他字段自动计算，不能直接填写"))
            continue
        try:
            values[name] = parse_field(field, str(text))
        except ValueError as error:
            problems.append(Problem(name, field.label, str(text), str(error)))
    return values, problems


def read_record(spec: KindSpec, texts: Values) -> tuple[dict[str, Any], list[Problem]]:
    """Reads a whole record as typed, a text for every editable field (the form), and names every mistake at
    once: what cannot be read, and, among the rest, required fields left empty and whatever else
    `check_values` refuses, in the order of the fields. The values are as read, not completed: saving them
    (`records.add_record`, `update_record`) checks them again, with the ledger's own pairings."""
    values, problems = parse_fields(spec, texts)
    unread = {problem.field for problem in problems}
    typed = {name: normalize(spec.by_name[name], value) for name, value in values.items()}
    problems += check_values(spec, complete(spec, typed), unread)
    order = {name: position for position, name in enumerate(spec.by_name)}
    return values, sorted(problems, key=lambda problem: order.get(problem.field, -1))


def normalize(field: Field, value: Any) -> Any:
    """One stored form per value: trimmed text, None for empty, canonical ID and phone numbers."""
    if isinstance(value, str):
        value = value.strip() or None
        if value is not None and field.type is FieldType.ID_NUMBER:
            value = normalize_id_number(value)
        elif value is not None and field.type is FieldType.PHONE:
            value = normalize_phone(value)
    if field.type is FieldType.UNITS:
        names = [value] if isinstance(value, str) else list(value or [])
        unique = dict.fromkeys(name.strip() for name in names if name and name.strip())
        return list(unique)
    if field.type is FieldType.ENTRIES and (value is None or isinstance(value, list | tuple)):
        entries = list(value or [])
        # In date order however they were typed; what is no entry is left for the check to name.
        if all(isinstance(entry, Activity) for entry in entries):
            entries.sort(key=lambda entry: entry.date)
        return entries
    return value


def complete(spec: KindSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Fills what follows from the rest: defaults, the year from the date, a composed title, derived fields."""
    for field in spec.fields:
        if values.get(field.name) is None and field.default is not None:
            values[field.name] = field.default
        elif field.type in LISTS and values.get(field.name) is None:
            values[field.name] = []
    day = values.get(spec.date_field)
    for field in spec.fields:
        if field.follows_date and values.get(field.name) is None and isinstance(day, date):
            values[field.name] = day.year
    if not values.get("title") and spec.compose_title is not None:
        values["title"] = spec.compose_title(values)
    if spec.derive is not None:
        values.update(spec.derive(values))
    return values


def check_values(spec: KindSpec, values: Values, unread: Collection[str] = ()) -> list[Problem]:
    """Every reason the complete `values` of a record cannot be saved; empty when they can.
    Fields in `unread` were typed but could not be read; their problem is already known."""
    problems = []
    for field in spec.editable_fields:
        value = values.get(field.name)
        if field.name in unread:
            continue
        if value is None or value == [] or value == "":
            # A year left to follow a date that is missing or wrong is one mistake, reported at the date.
            if field.required and not (field.follows_date and not isinstance(values.get(spec.date_field), date)):
                problems.append(Problem(field.name, field.label, "", "必须填写"))
            continue
        message = _type_problem(field, value)
        if message:
            problems.append(Problem(field.name, field.label, display(field, value), message))
    # Rules across fields see only well-typed values, so each mistake is reported once.
    wrong = {problem.field for problem in problems} | set(unread)
    checked = {name: (None if name in wrong else value) for name, value in values.items()}
    for check in spec.checks:
        for name, message in check(checked):
            field = spec.field(name)
            problems.append(Problem(name, field.label, display(field, values.get(name)), message))
    return problems


def _type_problem(field: Field, value: Any) -> str | None:
    match field.type:
        case FieldType.DATE:
            if not isinstance(value, date):
                return "应为日期"
            if not 1990 <= value.year <= 2100:
                return "年份不在 1990—2100 之间，请核对"
        case FieldType.INT:
            if isinstance(value, bool) or not isinstance(value, int):
                return "应为整数"
            if value < 0:
                return "不能为负数"
            if field.name == "year" and not 1990 <= value <= 2100:
                return "年度应在 1990—2100 之间"
        case FieldType.MONEY:
            if not isinstance(value, Decimal | int):
                return "应为金额"
            try:
                to_money(value)
            except ValueError as error:
                return str(error)
        case FieldType.BOOL:
            if not isinstance(value, bool):
                return "应填“是”或“否”"
        case FieldType.CHOICE:
            if value not in field.choices:
                return f"只能是：{'、'.join(field.choices)}"
        case FieldType.UNITS:
            if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
                return "应为单位名称列表"
            for name in value:
                problem = text_problem(name, UNIT_NAME_LENGTH, lines=False)
                if problem:
                    return f"单位名称“{quoted(name, 20)}”{problem}"
        case FieldType.ENTRIES:
            if not isinstance(value, list):
                return "应为活动列表"
            return next(filter(None, map(_entry_problem, value)), None)
        case FieldType.ID_NUMBER:
            return id_number_problem(str(value))
        case FieldType.PHONE:
            return phone_problem(str(value))
    if field.type in (FieldType.TEXT, FieldType.PERSON, FieldType.UNIT, FieldType.PAIRING):
        # Names are one line; a text field keeps the lines typed in it.
        return text_problem(value, field.max_length, lines=field.type is FieldType.TEXT)
    return None


def _entry_problem(entry: object) -> str | None:
    problem = activity_problem(entry)
    if problem is None and isinstance(entry, Activity):
        for words, most in ((entry.text, 200), (entry.unit, 10)):
            found = text_problem(words, most, lines=False)
            if found:
                return f"活动“{quoted(words, 20)}”{found}"
    return problem


def display(field: Field, value: Any) -> str:
    """`value` as a person reads it, for messages and plain-text output."""
    if value is None:
        return ""
    if field.type is FieldType.MONEY and isinstance(value, Decimal):
        try:
            return format_money(value)
        except ValueError:
            return str(value)
    if field.type is FieldType.BOOL and isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if field.type is FieldType.ENTRIES and isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return str(value)


def json_value(field: Field, value: Any) -> Any:
    """`value` for JSON output and the audit log: dates as ISO text, money as yuan text with two decimals,
    dated entries as the lines people type."""
    if value is None:
        return None
    if field.type is FieldType.ENTRIES:
        return [str(entry) for entry in value]
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(field: Field, value: Any) -> Any:
    """The typed value `json_value` wrote; raises ValueError for a value of the wrong type."""
    if value is None:
        return [] if field.type in LISTS else None
    match field.type:
        case FieldType.DATE if isinstance(value, str):
            return date.fromisoformat(value)
        case FieldType.MONEY if isinstance(value, str | int) and not isinstance(value, bool):
            return to_money(value)
        case FieldType.INT if isinstance(value, int) and not isinstance(value, bool):
            return value
        case FieldType.BOOL if isinstance(value, bool):
            return value
        case FieldType.UNITS if isinstance(value, list) and all(isinstance(name, str) for name in value):
            return value
        case FieldType.ENTRIES if isinstance(value, list) and all(isinstance(line, str) for line in value):
            return [parse_activity(line) for line in value]
        case FieldType.DATE | FieldType.MONEY | FieldType.INT | FieldType.BOOL | FieldType.UNITS | FieldType.ENTRIES:
            pass
        case _ if isinstance(value, str):
            return value
    raise ValueError(f"{field.label}的值类型不对：{quoted(repr(value))}")
