"""Annual plans in the ledger: import a task list, read its targets, correct them, link records to tasks.

Every change is audit-logged like a record's. Targets read from the words are proposals kept with the words
they came from; a target set by hand has none. A plan's rows are written by `put_plan` alone, whether imported
here, put back by the window's undo (`ledger.plans.snapshots`) or brought by a package (`ledger.exchange.merge`).
Deleting a plan removes it outright (it is re-imported from its file), but the audit log keeps what it held.

A reading also says which pairing and year the task list's title names (`PlanReading.title_scope`), matched
against the ledger's pairings, so a list is not imported unnoticed under another pairing or year; a pairing
the title names and the ledger lacks can be read with (`new_pairing=True`) and is added with the plan.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ledger.audit_entries import audit, author_of
from ledger.errors import InvalidInput, LedgerError, NotFound
from ledger.fields import Problem
from ledger.limits import Limits
from ledger.models import Pairing, Plan, Record, RecordTask, Target, Task, utc_now
from ledger.plans.measures import measure, parse_params
from ledger.plans.plan_checks import params_problems, plan_problems
from ledger.plans.plan_json import plan_json, target_label, target_params
from ledger.plans.reading import ImportedPlan, ImportedTask, read_task_list
from ledger.plans.target_years import BASES
from ledger.plans.targets import ProposedTarget, read_targets
from ledger.plans.title_scope import TitleScope, read_title_scope
from ledger.records import add_pairing, by_id, find_pairing, split_pairing


@dataclass
class TaskReading:
    """What the import understood of one task, for the report shown before anything is written."""

    task: ImportedTask
    targets: list[ProposedTarget] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


@dataclass
class PlanReading:
    title: str
    pairing: Pairing  # not yet in the ledger (no id) when read with `new_pairing`: `add_plan` adds it
    year: int
    tasks: list[TaskReading]
    warnings: list[str]
    plan: Plan | None = None  # set once written
    title_scope: TitleScope = field(default_factory=TitleScope)  # what the title says, whatever was chosen

    @property
    def areas(self) -> list[str]:
        return list(dict.fromkeys(reading.task.area for reading in self.tasks if reading.task.area))

    @property
    def pairing_is_new(self) -> bool:
        return self.pairing.id is None

    def differences(self) -> list[str]:
        """How the chosen pairing and year differ from the title's, in Chinese; [] when they agree or the title
        names neither."""
        found = []
        scope = self.title_scope
        if scope.pairing and scope.pairing != self.pairing.name:
            found.append(f"标题写的是{scope.pairing}，选定的是{self.pairing.name}")
        if scope.year and scope.year != self.year:
            found.append(f"标题写的是{scope.year}年，选定的是{self.year}年")
        return found


def number_text(value: Decimal, *, grouped: bool = False) -> str:
    """260.00 → 260, 232.554 → 232.55: thresholds and actuals as a plan writes them; `grouped` for reading
    (1,234.57), not for a box that is typed into again."""
    return format(value.quantize(Decimal("0.01")).normalize(), ",f" if grouped else "f")


def _pairing(session: Session, name: str | None) -> Pairing:
    if name:
        pairing = find_pairing(session, name)
        if pairing is None:
            raise NotFound(f"没有结对关系“{name}”，可先用 ledger pairing add 登记")
        return pairing
    pairings = session.scalars(select(Pairing)).all()
    if len(pairings) != 1:
        raise InvalidInput([Problem("pairing", "结对关系", "", "台账里有多个结对关系，请用 --pairing 指明")])
    return pairings[0]


def _new_pairing(session: Session, name: str | None) -> Pairing:
    """The pairing called `name`; one the ledger lacks as a pairing not yet added (no id), for `add_plan` to add."""
    found = find_pairing(session, name) if name else None
    if found is not None:
        return found
    if not name:
        return _pairing(session, name)
    places = split_pairing(name)
    if places is None:
        raise InvalidInput([Problem("pairing", "结对关系", name, "应写作 东部—西部，如 鹤山市—龙州县")])
    return Pairing(name=f"{places[0]}—{places[1]}", east=places[0], west=places[1])


def title_scope(session: Session, imported: ImportedPlan) -> TitleScope:
    """The pairing and year the task list's title names, the pairing matched against the ledger's."""
    known = [(pairing.name, pairing.east, pairing.west) for pairing in session.scalars(select(Pairing))]
    return read_title_scope(imported.title_texts, known)


def read_title(session: Session, path: Path) -> TitleScope:
    """What a task list's title says of its pairing and year, read before a pairing is chosen to read it with."""
    return title_scope(session, read_task_list(Path(path), date.today().year, Limits.of(session)))


def read_plan(
    session: Session,
    path: Path,
    *,
    pairing: str | None,
    year: int,
    title: str | None = None,
    new_pairing: bool = False,
) -> PlanReading:
    """Reads a task list and its targets without writing anything. With `new_pairing`, a `pairing` the ledger
    does not have yet (东部—西部) is read with, and added by `add_plan`."""
    found = _new_pairing(session, pairing) if new_pairing else _pairing(session, pairing)
    imported: ImportedPlan = read_task_list(Path(path), year, Limits.of(session))
    if not imported.tasks:
        raise InvalidInput([Problem("file", "文件", Path(path).name, "没有读到任何工作任务")], "无法导入：")
    tasks = []
    for task in imported.tasks:
        reading = read_targets(task.target_text, task.item, east=found.east, west=found.west)
        tasks.append(TaskReading(task, reading.targets, reading.unmatched))
    chosen = (title or imported.title or f"{found.name}{year}年工作计划").strip()
    return PlanReading(chosen, found, year, tasks, list(imported.warnings), title_scope=title_scope(session, imported))


def import_plan(
    session: Session,
    path: Path,
    *,
    pairing: str | None,
    year: int,
    title: str | None = None,
    doc_no: str | None = None,
    dry_run: bool = False,
) -> PlanReading:
    reading = read_plan(session, path, pairing=pairing, year=year, title=title)
    if not dry_run:
        reading.plan = add_plan(session, reading, doc_no=doc_no, source_name=Path(path).name)
    return reading


def add_plan(
    session: Session, reading: PlanReading, *, doc_no: str | None = None, source_name: str | None = None
) -> Plan:
    """Writes a reading as a plan; a pairing read with `new_pairing` is added first, in the same transaction."""
    problems = plan_problems(
        {"title": reading.title, "doc_no": doc_no, "source_name": source_name},
        [vars(task_reading.task) for task_reading in reading.tasks],
    )
    if problems:
        raise InvalidInput(problems, "计划有误，未导入：")
    if reading.pairing_is_new:
        reading.pairing = add_pairing(session, reading.pairing.east, reading.pairing.west)
    same = session.scalar(
        select(Plan).where(
            Plan.pairing_id == reading.pairing.id, Plan.year == reading.year, Plan.title == reading.title
        )
    )
    if same is not None:
        raise LedgerError(
            f"已有同名的计划“{reading.title}”（编号 {str(same.id)[:8]}）。"
            f"要重新导入，请先用 ledger plan delete {str(same.id)[:8]} 删除它，或用 --title 另起标题。"
        )
    author = author_of(session)
    values = {
        "pairing": reading.pairing,
        "year": reading.year,
        "title": reading.title,
        "doc_no": doc_no,
        "source_name": source_name,
        "created_by": author,
        "updated_by": author,
    }
    tasks = []
    for position, task_reading in enumerate(reading.tasks):
        task = task_reading.task
        fields = {
            "position": position,
            "seq": task.seq,
            "area": task.area,
            "item": task.item,
            "target_text": task.target_text,
            "deadline": task.deadline,
            "deadline_text": task.deadline_text,
            "responsible_units": json.dumps(task.responsible_units, ensure_ascii=False),
            "assisting_units": json.dumps(task.assisting_units, ensure_ascii=False),
            "remarks": task.remarks,
        }
        targets = [
            _target(number, proposed.measure, proposed.params, proposed.threshold, proposed.source, proposed.basis)
            for number, proposed in enumerate(task_reading.targets)
        ]
        tasks.append((fields, targets))
    return put_plan(session, uuid.uuid4(), values, tasks)


def _plan_summary(plan: Plan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "year": plan.year,
        "pairing": plan.pairing.name,
        "source": plan.source_name,
        "tasks": len(plan.tasks),
        "targets": sum(len(task.targets) for task in plan.tasks),
    }


def _target(
    position: int, name: str, params: Mapping[str, Any], threshold: Decimal, source: str = "", basis: str = ""
) -> dict[str, Any]:
    """A target's columns, its parameters as the JSON text they are stored as."""
    return {
        "position": position,
        "measure": name,
        "params": json.dumps(dict(params), ensure_ascii=False),
        "threshold": Decimal(threshold),
        "source": source,
        "basis": basis,
    }


def list_plans(session: Session, *, pairing: str | None = None, year: int | None = None) -> list[Plan]:
    query = select(Plan).order_by(Plan.year.desc(), Plan.created_at)
    if pairing:
        query = query.where(Plan.pairing_id == _pairing(session, pairing).id)
    if year is not None:
        query = query.where(Plan.year == year)
    return list(session.scalars(query))


def get_plan(session: Session, key: str) -> Plan:
    plan = by_id(session, Plan, key)
    if plan is None:
        raise NotFound(f"没有编号为 {key} 的计划")
    return plan


def get_task(session: Session, key: str) -> Task:
    task = by_id(session, Task, key)
    if task is None:
        raise NotFound(f"没有编号为 {key} 的工作任务")
    return task


def delete_plan(session: Session, plan: Plan) -> None:
    audit(session, "delete", "plan", plan.id, None, plan_json(plan))
    session.delete(plan)
    session.flush()


def put_plan(
    session: Session,
    plan_id: uuid.UUID,
    values: Mapping[str, Any],
    tasks: Sequence[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]],
    *,
    package: str | None = None,
) -> Plan:
    """Puts a plan in place, its tasks and their targets as column values: added under `plan_id` (imported, put
    back, or from another ledger), or, when the ledger has it (a merge), given `values`, the tasks it lacks, and
    the targets given for each of its tasks in place of its own. Logged, with the package's name if from one."""
    logged = {"package": package} if package else {}
    plan = session.get(Plan, plan_id)
    if plan is None:
        plan = Plan(id=plan_id, **values)
        plan.tasks = [Task(**fields, targets=[Target(**target) for target in targets]) for fields, targets in tasks]
        session.add(plan)
        session.flush()
        audit(session, "insert", "plan", plan.id, None, {**_plan_summary(plan), **logged})
        return plan
    for name, value in values.items():
        setattr(plan, name, value)
    known = {task.id: task for task in plan.tasks}
    for fields, targets in tasks:
        task = known.get(fields["id"])
        if task is None:
            plan.tasks.append(Task(**fields, targets=[Target(**target) for target in targets]))
            continue
        for name, value in fields.items():
            setattr(task, name, value)
        existing = {target.id: target for target in task.targets}
        kept = []
        for target_values in targets:
            target = existing.get(target_values["id"]) or Target()
            for name, value in target_values.items():
                setattr(target, name, value)
            kept.append(target)
        task.targets = kept
    session.flush()
    audit(session, "update", "plan", plan.id, None, logged)
    return plan


def put_link(session: Session, record_id: uuid.UUID, task_id: uuid.UUID) -> bool:
    """Files a record under a task unless it is filed there already; True when it was filed. The link is logged by
    what made it: `link_records` on the task, or the plan put back or merged with it."""
    if session.get(RecordTask, (record_id, task_id)) is not None:
        return False
    session.add(RecordTask(record_id=record_id, task_id=task_id))
    return True


def set_target(
    session: Session, task: Task, measure_name: str, params: Mapping[str, Any], minimum: Any, basis: str = ""
) -> Target:
    """Sets the threshold of the task's target on this measure and filters, adding the target if new. With a
    `basis` (上年, 增长) the target is held to last year's figure too, and its threshold may be 0."""
    found = measure(measure_name)
    parsed = parse_params(found, params)
    if problems := params_problems(found, parsed):
        raise InvalidInput(problems, "指标条件有误：")
    if basis not in BASES:
        choices = "、".join(name for name in BASES if name)
        raise InvalidInput([Problem("basis", "与上年比较", basis, f"只能是：{choices}")], "指标有误：")
    try:
        threshold = Decimal(str(minimum).strip())
    except ArithmeticError:
        threshold = Decimal(-1)
    if not threshold.is_finite() or threshold < 0 or (threshold == 0 and not basis):
        wanted = "不能小于 0" if basis else "必须是大于 0 的数"
        raise InvalidInput([Problem("min", "目标值", minimum, wanted)], "指标有误：")
    existing = next(
        (t for t in task.targets if t.measure == found.name and target_params(t) == parsed),
        None,
    )
    if existing is not None:
        before = _threshold_text(existing)
        existing.threshold, existing.basis = threshold, basis
        existing.source = ""
        target = existing
    else:
        before = None
        target = Target(**_target(len(task.targets), found.name, parsed, threshold, basis=basis))
        task.targets.append(target)
    _touch(session, task)
    audit(session, "update", "task", task.id, None, {found.describe(parsed): [before, _threshold_text(target)]})
    return target


def _threshold_text(target: Target) -> str:
    """What a target asks, as the audit log says it: 260, or 260（高于上年）."""
    compared = BASES.get(target.basis or "", "")
    return f"{number_text(target.threshold)}（{compared}）" if compared else number_text(target.threshold)


def clear_targets(session: Session, task: Task, measure_name: str | None = None) -> int:
    """Removes the task's targets (of one measure, or all); returns how many."""
    if measure_name:
        measure(measure_name)
    gone = [t for t in task.targets if measure_name in (None, t.measure)]
    for target in gone:
        task.targets.remove(target)
    for position, target in enumerate(task.targets):
        target.position = position
    if gone:
        _touch(session, task)
        audit(
            session, "update", "task", task.id, None, {target_label(t): [number_text(t.threshold), None] for t in gone}
        )
    return len(gone)


def target_snapshot(task: Task) -> list[tuple[str, str, Decimal, str, str]]:
    """A task's targets as values (measure, params JSON, threshold, source, basis), to put back with
    `put_targets`."""
    return [(t.measure, t.params, t.threshold, t.source, t.basis) for t in task.targets]


def put_targets(session: Session, task: Task, snapshot: Sequence[tuple[str, str, Decimal, str, str]]) -> None:
    """Gives a task exactly the targets of a snapshot: how an edit of its targets is undone or redone."""
    before = {target_label(t): _threshold_text(t) for t in task.targets}
    task.targets.clear()
    session.flush()
    for position, (name, params, threshold, source, basis) in enumerate(snapshot):
        task.targets.append(Target(**_target(position, name, json.loads(params), threshold, source, basis)))
    _touch(session, task)
    after = {target_label(t): _threshold_text(t) for t in task.targets}
    changes = {
        label: [before.get(label), after.get(label)]
        for label in {**before, **after}
        if before.get(label) != after.get(label)
    }
    if changes:
        audit(session, "update", "task", task.id, None, changes)


def link_records(session: Session, task: Task, records: Sequence[Record]) -> int:
    """Files records under a task; returns how many were new. Only records of the plan's pairing and year."""
    problems = [
        Problem("record", "记录", record.title, f"不属于{task.plan.pairing.name}{task.plan.year}年")
        for record in records
        if record.pairing_id != task.plan.pairing_id or record.year != task.plan.year
    ]
    if problems:
        raise InvalidInput(problems, "无法关联：")
    linked = set(linked_record_ids(session, task))
    new = [record for record in records if record.id not in linked]
    for record in new:
        put_link(session, record.id, task.id)
    if new:
        session.flush()
        audit(session, "update", "task", task.id, None, {"linked": [None, [str(r.id) for r in new]]})
    return len(new)


def unlink_records(session: Session, task: Task, records: Sequence[Record]) -> int:
    linked = set(linked_record_ids(session, task))
    ids = [record.id for record in records if record.id in linked]
    if not ids:
        return 0
    session.execute(delete(RecordTask).where(RecordTask.task_id == task.id, RecordTask.record_id.in_(ids)))
    audit(session, "update", "task", task.id, None, {"linked": [[str(i) for i in ids], None]})
    return len(ids)


def linked_record_ids(session: Session, task: Task) -> list[uuid.UUID]:
    return list(session.scalars(select(RecordTask.record_id).where(RecordTask.task_id == task.id)))


def _touch(session: Session, task: Task) -> None:
    task.plan.updated_at = utc_now()
    task.plan.updated_by = author_of(session)
    session.flush()
