"""Turning what was typed into field values, and deciding whether a record may be saved.

Everything here works from the field spec alone, each value read and checked by its field's type
(`field.values`, `ledger.field_types`), so the command line, the form and the Excel import agree on
what is valid. Problems are collected, never raised one at a time: the user sees every mistake at once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from ledger.fields import KindSpec, Problem, Values


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
            values[name] = field.values.parse(str(text))
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
    typed = {name: spec.by_name[name].values.normalize(value) for name, value in values.items()}
    problems += check_values(spec, complete(spec, typed), unread)
    order = {name: position for position, name in enumerate(spec.by_name)}
    return values, sorted(problems, key=lambda problem: order.get(problem.field, -1))


def complete(spec: KindSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Fills what follows from the rest: defaults, the year from the date, a composed title, derived fields."""
    for field in spec.fields:
        if values.get(field.name) is None and field.default is not None:
            values[field.name] = field.default
        elif field.values.listed and values.get(field.name) is None:
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
        message = field.values.problem(value)
        if message:
            problems.append(Problem(field.name, field.label, field.values.display(value), message))
    # Rules across fields see only well-typed values, so each mistake is reported once.
    wrong = {problem.field for problem in problems} | set(unread)
    checked = {name: (None if name in wrong else value) for name, value in values.items()}
    for check in spec.checks:
        for name, message in check(checked):
            field = spec.field(name)
            problems.append(Problem(name, field.label, field.values.display(values.get(name)), message))
    return problems
