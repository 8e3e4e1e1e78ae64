"""Annual plans in the ledger: import a task list, read its targets, correct them, link records to tasks.

Every change is audit-logged like a record's. Targets read from the words are proposals kept with the words
they came from; a target set by hand has none. Deleting a plan removes it outright (it is re-imported from its
file), but the audit log keeps what it held; `plan_snapshot` and `put_back_plan` keep it as values and bring it
back with the same ids, which is how the window undoes an import and redoes it.

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

from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from ledger.errors import InvalidInput, LedgerError, NotFound
from ledger.fields import Problem
from ledger.limits import Limits
from ledger.models import Pairing, Plan, Record, RecordTask, Target, Task, utc_now
from ledger.plans.measures import MEASURES, Measure, measure, parse_params
from ledger.plans.reading import ImportedPlan, ImportedTask, read_task_list
from ledger.plans.targets import ProposedTarget, read_targets
from ledger.plans.title_scope import TitleScope, read_title_scope
from ledger.records import add_pairing, audit, author_of, by_id, find_pairing, split_pairing
from ledger.values import NAME_LENGTH, UNIT_NAME_LENGTH, text_problem


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


def json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


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
    plan = Plan(
        pairing=reading.pairing,
        year=reading.year,
        title=reading.title,
        doc_no=doc_no,
        source_name=source_name,
        created_by=author,
        updated_by=author,
    )
    for position, task_reading in enumerate(reading.tasks):
        task = task_reading.task
        row = Task(
            position=position,
            seq=task.seq,
            area=task.area,
            item=task.item,
            target_text=task.target_text,
            deadline=task.deadline,
            deadline_text=task.deadline_text,
            responsible_units=json.dumps(task.responsible_units, ensure_ascii=False),
            assisting_units=json.dumps(task.assisting_units, ensure_ascii=False),
            remarks=task.remarks,
        )
        for number, proposed in enumerate(task_reading.targets):
            row.targets.append(_target(number, proposed.measure, proposed.params, proposed.threshold, proposed.source))
        plan.tasks.append(row)
    session.add(plan)
    session.flush()
    audit(session, "insert", "plan", plan.id, None, _plan_summary(plan))
    return plan


def _plan_summary(plan: Plan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "year": plan.year,
        "pairing": plan.pairing.name,
        "source": plan.source_name,
        "tasks": len(plan.tasks),
        "targets": sum(len(task.targets) for task in plan.tasks),
    }


def _target(position: int, name: str, params: Mapping[str, Any], threshold: Decimal, source: str = "") -> Target:
    return Target(
        position=position,
        measure=name,
        params=json.dumps(dict(params), ensure_ascii=False),
        threshold=Decimal(threshold),
        source=source,
    )


def target_params(target: Target) -> dict[str, Any]:
    return json.loads(target.params)


def target_label(target: Target) -> str:
    found = MEASURES.get(target.measure)
    return found.describe(target_params(target)) if found else target.measure


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
    plan = Plan(**{**snapshot.plan, "updated_at": utc_now(), "updated_by": author_of(session)})
    for task_values, targets in snapshot.tasks:
        plan.tasks.append(Task(**task_values, targets=[Target(**values) for values in targets]))
    session.add(plan)
    session.flush()
    for record_id, task_id in snapshot.links:
        if session.get(Record, record_id) is not None:
            session.add(RecordTask(record_id=record_id, task_id=task_id))
    session.flush()
    audit(session, "insert", "plan", plan.id, None, _plan_summary(plan))
    return plan


def params_problems(found: Measure, parsed: Mapping[str, Any]) -> list[Problem]:
    """The words of a target's parameters that could not be kept (a programme's or an activity's name)."""
    return [
        Problem(name, found.param(name).label, value, problem)
        for name, value in parsed.items()
        if isinstance(value, str) and (problem := text_problem(value, 100, lines=False))
    ]


def stored_target_problems(name: Any, params: Any, threshold: Any) -> list[Problem]:
    """Why a target as stored (a measure's name, its parameters as JSON text, its threshold) cannot be kept: an
    unknown measure, parameters it does not have or not in their stored form, a threshold that is no number
    above 0. For targets brought by a package, which progress, the binder and Excel must be able to read."""
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
    if not number.is_finite() or number <= 0:
        problems.append(Problem("threshold", f"指标“{found.label}”的目标值", str(threshold), "必须是大于 0 的数"))
    return problems


def set_target(session: Session, task: Task, measure_name: str, params: Mapping[str, Any], minimum: Any) -> Target:
    """Sets the threshold of the task's target on this measure and filters, adding the target if new."""
    found = measure(measure_name)
    parsed = parse_params(found, params)
    if problems := params_problems(found, parsed):
        raise InvalidInput(problems, "指标条件有误：")
    try:
        threshold = Decimal(str(minimum).strip())
    except ArithmeticError:
        threshold = Decimal(-1)
    if not threshold.is_finite() or threshold <= 0:
        raise InvalidInput([Problem("min", "目标值", minimum, "必须是大于 0 的数")], "指标有误：")
    existing = next(
        (t for t in task.targets if t.measure == found.name and target_params(t) == parsed),
        None,
    )
    if existing is not None:
        before = number_text(existing.threshold)
        existing.threshold = threshold
        existing.source = ""
        target = existing
    else:
        before = None
        target = _target(len(task.targets), found.name, parsed, threshold)
        task.targets.append(target)
    _touch(session, task)
    audit(
        session,
        "update",
        "task",
        task.id,
        None,
        {found.describe(parsed): [before, number_text(threshold)]},
    )
    return target


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


def target_snapshot(task: Task) -> list[tuple[str, str, Decimal, str]]:
    """A task's targets as values (measure, params JSON, threshold, source), to put back with `put_targets`."""
    return [(t.measure, t.params, t.threshold, t.source) for t in task.targets]


def put_targets(session: Session, task: Task, snapshot: Sequence[tuple[str, str, Decimal, str]]) -> None:
    """Gives a task exactly the targets of a snapshot: how an edit of its targets is undone or redone."""
    before = {target_label(t): number_text(t.threshold) for t in task.targets}
    task.targets.clear()
    session.flush()
    for position, (name, params, threshold, source) in enumerate(snapshot):
        task.targets.append(_target(position, name, json.loads(params), threshold, source))
    _touch(session, task)
    after = {target_label(t): number_text(t.threshold) for t in task.targets}
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
        session.add(RecordTask(record_id=record.id, task_id=task.id))
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


def target_json(target: Target) -> dict[str, Any]:
    found = MEASURES.get(target.measure)
    return {
        "measure": target.measure,
        "params": target_params(target),
        "label": target_label(target),
        "threshold": json_number(target.threshold),
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


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "id": str(plan.id),
        "pairing": plan.pairing.name,
        "year": plan.year,
        "title": plan.title,
        "doc_no": plan.doc_no,
        "tasks": [task_json(task) for task in plan.tasks],
    }
