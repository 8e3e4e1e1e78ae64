"""A plan kept as values and put back: how the window undoes the import of a task list and redoes it.

Deleting a plan removes it outright (it is re-imported from its file); `plan_snapshot` keeps it first as plain
values, ids and stamps included, and `put_back_plan` brings it back with the same ids, so the commands that refer
to its tasks (a target edited, records linked) find them again. It is put back as every plan is written,
through `ledger.plans.store.put_plan`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from ledger.audit_entries import author_of
from ledger.errors import LedgerError, NotFound
from ledger.models import Pairing, Plan, Record, utc_now
from ledger.plans.store import linked_record_ids, put_link, put_plan


@dataclass(frozen=True)
class PlanSnapshot:
    """A plan as plain values, ids and stamps included: its row, its tasks' rows each with its targets' rows,
    and the (record, task) links filed under it."""

    plan: dict[str, Any]
    tasks: list[tuple[dict[str, Any], list[dict[str, Any]]]]
    links: list[tuple[uuid.UUID, uuid.UUID]]


def _columns(row: Any) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in inspect(row).mapper.column_attrs}


def plan_snapshot(session: Session, plan: Plan) -> PlanSnapshot:
    return PlanSnapshot(
        _columns(plan),
        [(_columns(task), [_columns(target) for target in task.targets]) for task in plan.tasks],
        [(record_id, task.id) for task in plan.tasks for record_id in linked_record_ids(session, task)],
    )


def put_back_plan(session: Session, snapshot: PlanSnapshot) -> Plan:
    """Adds a deleted plan again from its snapshot, with the ids it had, so what refers to its tasks finds them;
    links to records that are gone since are left out."""
    plan_id = snapshot.plan["id"]
    if session.get(Plan, plan_id) is not None:
        raise LedgerError(f"计划“{snapshot.plan['title']}”已在台账中")
    if session.get(Pairing, snapshot.plan["pairing_id"]) is None:
        raise NotFound(f"计划“{snapshot.plan['title']}”的结对关系已不在台账中")
    values = {name: value for name, value in snapshot.plan.items() if name != "id"}
    values |= {"updated_at": utc_now(), "updated_by": author_of(session)}
    plan = put_plan(session, plan_id, values, snapshot.tasks)
    for record_id, task_id in snapshot.links:
        if session.get(Record, record_id) is not None:
            put_link(session, record_id, task_id)
    session.flush()
    return plan
