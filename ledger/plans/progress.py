"""Progress of a plan: each target's actual from the ledger, and each task's state. Computed, never typed in.

A task's actuals come from the live, not draft, records of its plan's pairing that count in its year
(`ledger.plans.counting`), or, once records are filed under the task, from those alone. States: `done` when
every target is reached; `overdue` when the deadline has passed and one is not; `on_track` before the deadline;
`no_target` when the task states nothing countable.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ledger.models import Plan, Target, Task
from ledger.plans.counting import actual
from ledger.plans.measures import MEASURES
from ledger.plans.plan_json import json_number, target_label, target_params, task_json
from ledger.plans.store import linked_record_ids
from ledger.plans.target_years import GROWTH

STATES = {"done": "已完成", "on_track": "推进中", "overdue": "已逾期", "no_target": "无量化指标"}


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    actual: Decimal
    #: What the drafts among the records would add once checked: counted for nothing until then, but worth saying.
    pending: Decimal = Decimal(0)
    #: The same figure of the year before, for a target set against it (不低于上年, 逐年增长); else None.
    baseline: Decimal | None = None

    @property
    def required(self) -> Decimal:
        """What the actual is held to: the threshold, or last year's figure where that is higher."""
        return self.target.threshold if self.baseline is None else max(self.target.threshold, self.baseline)

    @property
    def ratio(self) -> Decimal:
        if not self.required:  # nothing last year, nothing stated: reached by any figure at all
            return Decimal(1) if self.reached else Decimal(0)
        ratio = (self.actual / self.required).quantize(Decimal("0.0001"))
        # Only as much as last year, where more is asked: short of it, though the figures are equal.
        return ratio if self.reached else min(ratio, Decimal("0.99"))

    @property
    def reached(self) -> bool:
        if self.target.basis == GROWTH:
            return self.actual > self.baseline and self.actual >= self.target.threshold
        if self.target.basis and not self.required:
            return self.actual > 0  # nothing last year and no number stated: nothing done is not "as much"
        return self.actual >= self.required


@dataclass(frozen=True)
class TaskProgress:
    task: Task
    state: str
    targets: list[TargetProgress]


def task_progress(session: Session, task: Task, as_of: date) -> TaskProgress:
    plan = task.plan
    linked = linked_record_ids(session, task) or None
    measured = []
    for target in task.targets:
        counted = functools.partial(
            actual,
            session,
            MEASURES[target.measure],
            target_params(target),
            pairing_id=plan.pairing_id,
            year=plan.year,
            as_of=as_of,
            record_ids=linked,
        )
        value = counted()
        # Last year's figure is of all that year's records: the records filed under this task are this year's.
        baseline = counted(year=plan.year - 1, record_ids=None) if target.basis else None
        measured.append(TargetProgress(target, value, counted(drafts=True) - value, baseline))
    if not measured:
        state = "no_target"
    elif all(progress.reached for progress in measured):
        state = "done"
    elif task.deadline is not None and as_of > task.deadline:
        state = "overdue"
    else:
        state = "on_track"
    return TaskProgress(task, state, measured)


def plan_progress(session: Session, plan: Plan, as_of: date) -> list[TaskProgress]:
    return [task_progress(session, task, as_of) for task in plan.tasks]


def progress_json(progress: TaskProgress) -> dict[str, Any]:
    task = task_json(progress.task)
    return {
        "plan_id": str(progress.task.plan_id),
        "task_id": task["task_id"],
        "seq": task["seq"],
        "area": task["area"],
        "item": task["item"],
        "deadline": task["deadline"],
        "state": progress.state,
        "targets": [
            {
                "measure": measured.target.measure,
                "params": target_params(measured.target),
                "label": target_label(measured.target),
                "threshold": json_number(measured.target.threshold),
                "basis": measured.target.basis or None,
                "baseline": json_number(measured.baseline),
                "required": json_number(measured.required),
                "unit": MEASURES[measured.target.measure].unit,
                "actual": json_number(measured.actual),
                "ratio": float(measured.ratio),
                "pending_drafts": json_number(measured.pending),
            }
            for measured in progress.targets
        ],
    }
