"""Plans, tasks and targets as JSON: the one shape `ledger plan show --json` and `list --json` print, `ledger
progress --json` builds its tasks from and the window reads a task's units from; and what a target's stored
parameters and label are, which that shape holds.

An exchange package carries plans in another form, their rows as stored (`ledger.exchange.package_items`), which
a merge puts back as they were.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy.orm.exc import DetachedInstanceError

from ledger.models import Plan, Target, Task
from ledger.plans.measures import MEASURES
from ledger.plans.target_years import BASES


def target_params(target: Target) -> dict[str, Any]:
    return json.loads(target.params)


def target_label(target: Target, year: int | None = None) -> str:
    """The target as a plan of `year` says it (`Measure.describe`); without `year`, as its own plan's year does."""
    found = MEASURES.get(target.measure)
    if found is None:
        return target.measure
    year = year if year is not None else _plan_year(target)
    return found.describe(target_params(target), year=year, compared=BASES.get(target.basis or "", ""))


def _plan_year(target: Target) -> int | None:
    """The year of the target's plan, or None (the words of both eras) for a target taken off its task or read
    after the session it was loaded in has closed."""
    try:
        task = target.task
        return task.plan.year if task is not None and task.plan is not None else None
    except DetachedInstanceError:
        return None


def json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def target_json(target: Target) -> dict[str, Any]:
    found = MEASURES.get(target.measure)
    return {
        "measure": target.measure,
        "params": target_params(target),
        "label": target_label(target),
        "threshold": json_number(target.threshold),
        "basis": target.basis or None,
        "unit": found.unit if found else "",
        "source": target.source or None,
    }


def task_json(task: Task) -> dict[str, Any]:
    return {
        "task_id": str(task.id),
        "seq": task.seq,
        "area": task.area,
        "item": task.item,
        "target_text": task.target_text,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "deadline_text": task.deadline_text,
        "responsible_units": json.loads(task.responsible_units),
        "assisting_units": json.loads(task.assisting_units),
        "remarks": task.remarks,
        "targets": [target_json(target) for target in task.targets],
    }


def plan_json(plan: Plan, *, tasks: bool = True) -> dict[str, Any]:
    """A plan with its tasks, or without them (`tasks=False`) as a list of plans shows it."""
    shown = {
        "id": str(plan.id),
        "pairing": plan.pairing.name,
        "year": plan.year,
        "title": plan.title,
        "doc_no": plan.doc_no,
    }
    if tasks:
        shown["tasks"] = [task_json(task) for task in plan.tasks]
    return shown
