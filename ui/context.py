"""The open ledger as the window sees it: what every view follows (pairing, year), and every change made
through one undo stack.

Views read with short sessions of their own. Changes go through `save_record`, `delete_records` and
`restore_records`, each one transaction, pushed on the undo stack already done, so Ctrl+Z reverses it with the
same ledger functions (an added record goes to the recycle bin, a deleted one comes back, an edit is edited
back) and the audit log keeps both. Each change, and each undo and redo of it, says what it touched
(`ui.changes.Changes`), so that views read again only that.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from sqlalchemy.orm import Session

from ledger import records
from ledger.errors import InvalidInput, LedgerError
from ledger.fields import Problem
from ledger.kinds import KINDS
from ledger.models import Pairing, Record, Task
from ledger.plans import snapshots
from ledger.plans import store as plans
from ledger.storage.folder import Ledger
from ui.changes import EVERYTHING, Changes, PlanScope, Touched


class LedgerContext(QObject):
    #: Records, plans, evidence, pairings or settings changed: a `Changes` says which; views read again what it
    #: touched.
    changed = Signal(object)
    #: The pairing or year every view follows was chosen anew.
    scope_changed = Signal()
    #: A change could not be made or undone; the window shows the message.
    failed = Signal(str)

    def __init__(self, ledger: Ledger, parent: QObject | None = None):
        super().__init__(parent)
        self.ledger = ledger
        self.pairing: str | None = None
        self.year: int | None = None
        self.undo_stack = QUndoStack(self)
        self._choose_default_scope()

    # Reading -------------------------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.ledger.session() as session:
            yield session

    def pairings(self) -> list[str]:
        with self.session() as session:
            return records.pairing_names(session)

    def years(self) -> list[int]:
        """The years that have records or plans, newest first."""
        with self.session() as session:
            return records.years_in_use(session)

    def set_scope(self, pairing: str | None, year: int | None) -> None:
        if (pairing, year) != (self.pairing, self.year):
            self.pairing, self.year = pairing, year
            self.scope_changed.emit()

    def _choose_default_scope(self) -> None:
        pairings = self.pairings()
        self.pairing = pairings[0] if len(pairings) == 1 else None
        with self.session() as session:
            self.year = records.latest_year(session)

    def renew(self, ledger: Ledger | None = None) -> None:
        """After a merge or a restore (`ledger`: the restored one, reopened) the records are not those the undo
        stack's commands were made on, so those go; a pairing or year the ledger no longer has is chosen anew,
        and every view reads everything again."""
        if ledger is not None:
            self.ledger = ledger
        self.undo_stack.clear()
        pairing, year = self.pairing, self.year
        self._choose_default_scope()
        if pairing is None or pairing in self.pairings():  # None: all of them
            self.pairing = pairing
        if year is None or year in self.years():
            self.year = year
        self.changed.emit(EVERYTHING)

    # Writing -------------------------------------------------------------------------------------

    def save_record(
        self, kind: str, values: Mapping[str, Any], record_id: uuid.UUID | None = None
    ) -> uuid.UUID | list[Problem]:
        """Adds a record (no `record_id`) or changes one; returns its id, or the problems that stopped it."""
        try:
            if record_id is None:
                with self.session() as session, session.begin():
                    record = records.add_record(session, kind, values)
                    record_id, title = record.id, record.title  # a cadre's title is composed on adding
                    added = Changes(records=frozenset({Touched.of(record)}))
                self._push(_Added(self, kind, record_id, title, added))
            else:
                with self.session() as session, session.begin():
                    record = records.get_record(session, record_id)
                    before, was = _editable(record), Touched.of(record)
                    changes = records.update_record(session, record, values)
                    title = record.title
                    edited = Changes(records=frozenset({was, Touched.of(record)}))  # both years, when it moved
                if changes:
                    after = {name: value for name, value in values.items() if name in changes}
                    undo_values = {name: before[name] for name in changes if name in before}
                    self._push(_Edited(self, f"修改“{title}”", record_id, undo_values, after, edited))
        except InvalidInput as error:
            return error.problems
        return record_id

    def delete_records(self, record_ids: Sequence[uuid.UUID]) -> bool:
        """Moves records to the recycle bin; False (and a message) when one cannot go, and then none does."""
        return self._run(_Deleted(self, list(record_ids), delete=True))

    def restore_records(self, record_ids: Sequence[uuid.UUID]) -> bool:
        return self._run(_Deleted(self, list(record_ids), delete=False))

    def change_targets(self, task_id: uuid.UUID, action: Callable[[Session, Task], Any]) -> Any:
        """Runs `action` on a plan task's targets (set, correct, clear) as one undoable change."""
        with self.session() as session, session.begin():
            task = plans.get_task(session, str(task_id))
            before = plans.target_snapshot(task)
            result = action(session, task)
            after = plans.target_snapshot(task)
            name = f"{task.seq} {task.item}".strip()
            changes = Changes(plans=frozenset({PlanScope.of(task.plan)}))
        if before != after:
            self._push(_TargetsChanged(self, f"修改指标“{_short(name)}”", task_id, before, after, changes))
        return result

    def link_records(self, task_id: uuid.UUID, record_ids: Sequence[uuid.UUID], *, link: bool) -> int:
        """Files records under a plan task, or takes them off it, as one undoable change."""
        with self.session() as session, session.begin():
            task = plans.get_task(session, str(task_id))
            linked = set(plans.linked_record_ids(session, task))
            chosen = [records.get_record(session, record_id) for record_id in record_ids]
            count = (plans.link_records if link else plans.unlink_records)(session, task, chosen)
            name = f"{task.seq} {task.item}".strip()
            changes = Changes(plans=frozenset({PlanScope.of(task.plan)}))
        moved = [record_id for record_id in record_ids if (record_id in linked) != link]
        if moved:
            self._push(_Linked(self, task_id, name, moved, changes, link=link))
        return count

    def import_plan(
        self, reading: plans.PlanReading, *, doc_no: str | None = None, source_name: str | None = None
    ) -> uuid.UUID:
        """Writes a plan read by `plans.read_plan` (adding the pairing it was read with, when new) as one
        undoable change; returns its id. Raises what `plans.add_plan` refuses (a plan of the same title)."""
        with self.session() as session, session.begin():
            # The reading's pairing was loaded by a session now closed: write with this one's.
            pairing = reading.pairing if reading.pairing_is_new else session.get(Pairing, reading.pairing.id)
            chosen = dataclasses.replace(reading, pairing=pairing)
            plan = plans.add_plan(session, chosen, doc_no=doc_no, source_name=source_name)
            plan_id, title = plan.id, plan.title
            changes = Changes(plans=frozenset({PlanScope.of(plan)}), pairings=reading.pairing_is_new)
        self._push(_PlanImported(self, plan_id, title, changes))
        return plan_id

    def write(self, action: Callable[[Session], Any], changes: Changes) -> Any:
        """Runs `action` in one transaction and reports `changes`, what it touched; not undoable (a pairing added,
        settings, a plan deleted)."""
        with self.session() as session, session.begin():
            result = action(session)
        self.changed.emit(changes)
        return result

    def change_evidence(self, record_id: uuid.UUID, action: Callable[[Session], Any]) -> Any:
        """Runs `action` on a record's attachments in one transaction and reports them changed; not undoable."""
        with self.session() as session, session.begin():
            result = action(session)
        self.evidence_changed(record_id)
        return result

    def evidence_changed(self, record_id: uuid.UUID) -> None:
        """Reports that a record's attachments changed: here, or on the worker (large files)."""
        with self.session() as session:
            touched = Touched.of(records.get_record(session, record_id))
        self.changed.emit(Changes(evidence=frozenset({touched})))

    def _run(self, command: _Command) -> bool:
        try:
            command.apply(forward=True)
        except LedgerError as error:
            self.failed.emit(str(error))
            return False
        self._push(command)
        return True

    def _push(self, command: _Command) -> None:
        command.done = True
        self.undo_stack.push(command)
        self.changed.emit(command.changes)


def _editable(record: Record) -> dict[str, Any]:
    spec = KINDS[record.kind]
    values = records.record_values(record)
    return {field.name: values.get(field.name) for field in spec.fields if not field.derived}


class _Command(QUndoCommand):
    """A change already made when pushed: its first redo is the push itself. Done or undone, it touches the
    same things (`changes`)."""

    def __init__(self, context: LedgerContext, text: str, changes: Changes):
        super().__init__(text)
        self.context, self.changes = context, changes
        self.done = False

    def redo(self) -> None:
        if self.done:  # pushed after being applied
            self.done = False
            return
        self._safely(forward=True)

    def undo(self) -> None:
        self._safely(forward=False)

    def _safely(self, forward: bool) -> None:
        # An exception cannot cross back into Qt's undo stack: say it, and leave the ledger as it is.
        try:
            self.apply(forward)
        except LedgerError as error:
            self.context.failed.emit(str(error))
        self.context.changed.emit(self.changes)

    def apply(self, forward: bool) -> None:
        raise NotImplementedError


class _Added(_Command):
    def __init__(self, context: LedgerContext, kind: str, record_id: uuid.UUID, title: str, changes: Changes):
        super().__init__(context, f"新增{KINDS[kind].label}记录“{title}”", changes)
        self.record_id = record_id

    def apply(self, forward: bool) -> None:
        # Read again each time: an import may have moved the record to another year since it was added.
        with self.context.session() as session, session.begin():
            record = records.get_record(session, self.record_id)
            (records.restore_record if forward else records.delete_record)(session, record)
            self.changes = Changes(records=frozenset({Touched.of(record)}))


class _Replaced(_Command):
    """One thing's values (a record's fields, a task's targets) set to `after`, and back to `before` when undone."""

    def __init__(
        self, context: LedgerContext, text: str, thing_id: uuid.UUID, before: Any, after: Any, changes: Changes
    ):
        super().__init__(context, text, changes)
        self.thing_id, self.before, self.after = thing_id, before, after

    def values(self, forward: bool) -> Any:
        return self.after if forward else self.before


class _Edited(_Replaced):
    def apply(self, forward: bool) -> None:
        with self.context.session() as session, session.begin():
            record = records.get_record(session, self.thing_id)
            was = Touched.of(record)  # as it is now, which an import may have changed since the edit
            records.update_record(session, record, self.values(forward))
            self.changes = Changes(records=frozenset({was, Touched.of(record)}))


class _Deleted(_Command):
    """Records moved to the recycle bin or back; what they are (their kinds, pairings and years) is known once
    they are read, when the change is first made."""

    def __init__(self, context: LedgerContext, record_ids: list[uuid.UUID], *, delete: bool):
        verb = "删除" if delete else "恢复"
        super().__init__(context, f"{verb} {len(record_ids)} 条记录", Changes())
        self.record_ids, self.delete = record_ids, delete

    def apply(self, forward: bool) -> None:
        moving = records.delete_record if forward == self.delete else records.restore_record
        touched = set()
        with self.context.session() as session, session.begin():
            for record_id in self.record_ids:
                record = records.get_record(session, record_id)
                moving(session, record)
                touched.add(Touched.of(record))
        self.changes = Changes(records=frozenset(touched))


class _TargetsChanged(_Replaced):
    def apply(self, forward: bool) -> None:
        with self.context.session() as session, session.begin():
            task = plans.get_task(session, str(self.thing_id))
            plans.put_targets(session, task, self.values(forward))


class _Linked(_Command):
    def __init__(
        self, context: LedgerContext, task_id: uuid.UUID, name: str, record_ids: list, changes: Changes, *, link: bool
    ):
        verb = "关联" if link else "取消关联"
        super().__init__(context, f"{verb} {len(record_ids)} 条记录（{_short(name)}）", changes)
        self.task_id, self.record_ids, self.link = task_id, record_ids, link

    def apply(self, forward: bool) -> None:
        with self.context.session() as session, session.begin():
            task = plans.get_task(session, str(self.task_id))
            chosen = [records.get_record(session, record_id) for record_id in self.record_ids]
            (plans.link_records if forward == self.link else plans.unlink_records)(session, task, chosen)


class _PlanImported(_Command):
    """A plan imported from a task list. Undone, it is deleted (plans are deleted outright, with an audit entry
    of what they held); redone, it comes back as it was when undone, with the same ids, so the commands above it
    on the stack find its tasks again. A pairing added with it stays: pairings are never deleted."""

    def __init__(self, context: LedgerContext, plan_id: uuid.UUID, title: str, changes: Changes):
        super().__init__(context, f"导入计划“{_short(title)}”", changes)
        self.plan_id = plan_id
        self.snapshot: snapshots.PlanSnapshot | None = None

    def apply(self, forward: bool) -> None:
        with self.context.session() as session, session.begin():
            if forward:
                if self.snapshot is None:
                    raise LedgerError("这次导入没有可恢复的内容")
                snapshots.put_back_plan(session, self.snapshot)
                return
            plan = plans.get_plan(session, str(self.plan_id))
            snapshot = snapshots.plan_snapshot(session, plan)
            plans.delete_plan(session, plan)
        self.snapshot = snapshot


def _short(text: str, most: int = 24) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
