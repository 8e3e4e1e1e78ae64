"""The checks of a plan's values, whichever way a plan comes in: its words, and each target as stored.

An imported task list (`ledger.plans.store.add_plan`), a target set by hand (`set_target`) and a plan brought
by a package (`ledger.exchange.checks`) are held to the same limits: words that could be kept (no control
character, not too long), a known measure with parameters it has, in their stored form, and a threshold above 0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ledger.errors import InvalidInput
from ledger.fields import Problem
from ledger.plans.measures import MEASURES, Measure, parse_params
from ledger.plans.target_years import BASES
from ledger.values import NAME_LENGTH, UNIT_NAME_LENGTH, text_problem

#: A plan's and a task's words: (label, most characters, whether lines are kept), checked by `plan_problems`.
PLAN_TEXTS = {
    "title": ("计划标题", 500, False),
    "doc_no": ("文号", 200, False),
    "source_name": ("来源文件", NAME_LENGTH, False),
}
TASK_TEXTS = {
    "seq": ("序号", 50, False),
    "area": ("重点工作", 200, True),
    "item": ("具体事项", 2000, True),
    "target_text": ("任务指标", 2000, True),
    "deadline_text": ("完成时限", 200, True),
    "remarks": ("备注", 2000, True),
}
TASK_UNITS = {"responsible_units": "责任单位", "assisting_units": "协助单位"}


def plan_problems(plan: Mapping[str, Any], tasks: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """Every word of a plan and its tasks that could not be kept (a control character, a lone surrogate, too
    long): the one check for plans, whether imported from a task list or brought by a package. Tasks give their
    units as lists of names; an empty value is None or ""."""
    problems = []
    for name, (label, most, lines) in PLAN_TEXTS.items():
        value = plan.get(name)
        if value not in (None, "") and (problem := text_problem(value, most, lines=lines)):
            problems.append(Problem(name, label, str(value), problem))
    for number, task in enumerate(tasks, start=1):
        where = f"第{number}项任务的"
        for name, (label, most, lines) in TASK_TEXTS.items():
            value = task.get(name)
            if value not in (None, "") and (problem := text_problem(value, most, lines=lines)):
                problems.append(Problem(name, where + label, str(value), problem))
        for name, label in TASK_UNITS.items():
            units = task.get(name) or []
            if not isinstance(units, list):
                problems.append(Problem(name, where + label, str(units), "应为单位名称列表"))
                continue
            for unit in units:
                if problem := text_problem(unit, UNIT_NAME_LENGTH, lines=False):
                    problems.append(Problem(name, where + label, str(unit), problem))
    return problems


def params_problems(found: Measure, parsed: Mapping[str, Any]) -> list[Problem]:
    """The words of a target's parameters that could not be kept (a programme's or an activity's name)."""
    return [
        Problem(name, found.param(name).label, value, problem)
        for name, value in parsed.items()
        if isinstance(value, str) and (problem := text_problem(value, 100, lines=False))
    ]


def stored_target_problems(name: Any, params: Any, threshold: Any, basis: Any = "") -> list[Problem]:
    """Why a target as stored (a measure's name, its parameters as JSON text, its threshold, its comparison with
    last year) cannot be kept: an unknown measure, parameters it does not have or not in their stored form, a
    threshold that is no number above 0 (or below 0, for one held to last year), an unknown basis. For targets
    brought by a package, which progress, the binder and Excel must be able to read."""
    if basis not in BASES:
        return [Problem("basis", "与上年比较", str(basis), f"只能是：{'、'.join(name for name in BASES if name)}")]
    if not isinstance(name, str) or name not in MEASURES:
        return [Problem("measure", "指标", str(name), "没有这个指标")]
    found = MEASURES[name]
    try:
        given = json.loads(params) if isinstance(params, str) else None
    except ValueError:
        given = None
    if not isinstance(given, dict):
        return [Problem("params", f"指标“{found.label}”的条件", str(params), "条件数据有误")]
    try:
        parsed = parse_params(found, given)
    except InvalidInput as error:
        return [Problem(p.field, f"指标“{found.label}”的{p.label}", p.value, p.message) for p in error.problems]
    problems = params_problems(found, parsed)
    if parsed != given:
        problems.append(Problem("params", f"指标“{found.label}”的条件", str(params), "条件数据有误"))
    try:
        number = Decimal(str(threshold))
    except ArithmeticError:
        number = Decimal(-1)
    if not number.is_finite() or number < 0 or (number == 0 and not basis):
        wanted = "不能小于 0" if basis else "必须是大于 0 的数"
        problems.append(Problem("threshold", f"指标“{found.label}”的目标值", str(threshold), wanted))
    return problems
