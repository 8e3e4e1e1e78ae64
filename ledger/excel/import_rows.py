"""The rows of a ledger sheet once read, against the ledger's records: a new row checked as `records.add_many`
will check it and added in batches, a row with a 记录编号 compared with its record and updated where it differs,
or held back as a conflict when the record was changed in the ledger after the workbook was exported (an
import would undo that change). What the sheets of one import share, the mistakes and ids seen so far, is
here too. Reading the sheet itself, its header and cells, is `ledger.excel.import_sheet`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.audit_entries import REVISING
from ledger.errors import InvalidInput, RecordLocked
from ledger.excel.import_cells import quoted
from ledger.excel.import_report import Conflict, Mistake, SheetReport
from ledger.excel.sheets import ID_HEADER, SHEET_NAMES
from ledger.fields import KindSpec, Problem
from ledger.jobs import Job
from ledger.kinds import MODELS
from ledger.models import AuditEntry, Pairing, Record, RecordUnit, Unit
from ledger.records import add_many, find_pairing, update_record
from ledger.validation import check_values, complete

#: New rows written together while all is well, so a large sheet need not wait in memory.
NEW_BATCH = 5000


class ImportState:
    """What the sheets of one import share: the session, the mistakes so far, the ids already seen."""

    def __init__(
        self,
        session: Session,
        job: Job,
        sheets: int,
        rule: str = "stop",
        choices: Mapping[uuid.UUID, str] | None = None,
        exported_at: datetime | None = None,
    ):
        self.session, self.job, self.sheets = session, job, sheets
        self.rule, self.choices, self.exported_at = rule, choices or {}, exported_at
        self.mistakes: list[Mistake] = []
        self.conflicts: list[Conflict] = []  # those left to stop the import
        # (kind, record id) → (sheet, row) where it came first; two sheets may hold one kind.
        self.seen: dict[tuple[str, uuid.UUID], tuple[str, int]] = {}
        pairings = session.scalars(select(Pairing.name).limit(2)).all()
        self.only_pairing = pairings[0] if len(pairings) == 1 else None
        self._pairings: dict[str, str | None] = {}

    def pairing(self, typed: str) -> str | None:
        """The ledger's name of the pairing typed (any dash), None when it has none such."""
        if typed not in self._pairings:
            found = find_pairing(self.session, typed)
            self._pairings[typed] = found.name if found else None
        return self._pairings[typed]


class RecordRows:
    """The rows of one sheet of one kind, checked, compared and written, as `SheetReader` reads them."""

    def __init__(self, state: ImportState, name: str, spec: KindSpec):
        self.state, self.session, self.name, self.spec = state, state.session, name, spec
        self.report = SheetReport(name, spec.name)
        self.headers: dict[str, str] = {}  # field name → its header as the file writes it
        self.exported_on: datetime | None = None  # the 导出日期 of the date line, for a workbook without its time
        self.new_rows: list[dict[str, Any]] = []
        self.batch: list[tuple[int, uuid.UUID, dict[str, Any], set[str], int | None]] = []

    def _add_mistake(self, row: int, column: str, value: str, reason: str) -> None:
        self.state.mistakes.append(Mistake(self.name, row, column, value, reason))

    def _problems(self, number: int, problems: Sequence[Problem]) -> None:
        for problem in problems:
            field = self.spec.by_name.get(problem.field)
            header = self.headers.get(problem.field, field.label if field else problem.label)
            self._add_mistake(number, header, problem.value, problem.message)

    # New rows -------------------------------------------------------------------------------

    def _check_new(self, number: int, values: dict[str, Any], unread: set[str]) -> None:
        """Checks a new row as `records.add_many` will, so each mistake can name its row and column."""
        self.report.new += 1
        if not values.get("pairing") and self.state.only_pairing and "pairing" not in unread:
            # The pairing column is hidden when the workbook is of one pairing; a row typed in takes it.
            values["pairing"] = self.state.only_pairing
        values = {name: self.spec.by_name[name].values.normalize(value) for name, value in values.items()}
        problems = check_values(self.spec, complete(self.spec, dict(values)), unread=unread)
        if values.get("year") is None and any(p.field == self.spec.date_field for p in problems):
            # The year follows the date, often from a hidden column: one mistake, reported at the date.
            problems = [problem for problem in problems if problem.field != "year"]
        typed = values.get("pairing")
        if typed and "pairing" not in unread and self.state.pairing(typed) is None:
            problems.append(Problem("pairing", "结对关系", typed, "台账里没有这个结对关系"))
        self._problems(number, problems)
        self.new_rows.append(values)
        if len(self.new_rows) >= NEW_BATCH:
            self._add()

    def _add(self) -> None:
        # After a mistake nothing more is written: the transaction will be rolled back anyway.
        if self.new_rows and not self.state.mistakes and not self.state.conflicts:
            add_many(self.session, self.spec.name, self.new_rows)
        self.new_rows = []

    # Rows with an id ------------------------------------------------------------------------

    def _update(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        wanted = [record_id for _, record_id, _, _, _ in batch]
        query = select(Record.id, Record.kind, Record.title, Record.deleted_at, Record.revision)
        found = {row.id: row for row in self.session.execute(query.where(Record.id.in_(wanted)))}
        current = self._current([row.id for row in found.values() if row.kind == self.spec.name])
        pending = []
        for number, record_id, values, unread, base in batch:
            text, row = str(record_id), found.get(record_id)
            if row is None:
                self._add_mistake(number, ID_HEADER, text, "台账里没有这个记录编号；新增的行请留空这一格")
            elif row.kind != self.spec.name:
                other = SHEET_NAMES[row.kind]
                self._add_mistake(number, ID_HEADER, text, f"这是{other}里的记录，不能在{self.name}中导入")
            elif row.deleted_at is not None:
                self._add_mistake(number, ID_HEADER, text, f"记录“{row.title}”在回收站里，请先恢复")
            else:
                pending.append((number, record_id, self._changes(current[record_id], values), unread, base))
        since = self._changed_since([(r, base, found[r].revision) for _, r, changed, _, base in pending if changed])
        for number, record_id, changed, unread, _ in pending:
            entries = since.get(record_id)
            if entries is not None and changed:
                conflict = self._conflict(number, record_id, found[record_id].title, entries)
                if conflict is not None:
                    rule = self.state.choices.get(record_id, self.state.rule)
                    if rule == "stop":
                        self.state.conflicts.append(conflict)
                        continue
                    if rule == "ledger":
                        self.report.conflicts_ledger += 1
                        continue
                    self.report.conflicts_workbook += 1
            self._change(number, record_id, changed, unread)

    def _changed_since(self, rows: list[tuple[uuid.UUID, int | None, int]]) -> dict[uuid.UUID, list[AuditEntry]]:
        """The audit entries of the writes to each record after the row was exported, oldest first, for the
        records (id, the row's 版本, the stored revision) changed since; the others are left out. A record's
        revision counts its writes (each one audited), so the last (revision − 版本) are those; without a 版本,
        those after the workbook's creation time."""
        by_revision = {record_id: stored - base for record_id, base, stored in rows if base is not None}
        by_revision = {record_id: count for record_id, count in by_revision.items() if count > 0}
        exported_at = self.state.exported_at or self.exported_on
        by_time = [record_id for record_id, base, _ in rows if base is None] if exported_at else []
        query = select(AuditEntry).where(AuditEntry.target == "record", AuditEntry.action.in_(REVISING))
        found: dict[uuid.UUID, list[AuditEntry]] = {}
        if by_revision:
            wanted = query.where(AuditEntry.target_id.in_(list(by_revision)))
            for entry in self.session.scalars(wanted.order_by(AuditEntry.at, AuditEntry.id)):
                found.setdefault(entry.target_id, []).append(entry)
            found = {record_id: entries[-by_revision[record_id] :] for record_id, entries in found.items()}
            found |= {record_id: [] for record_id in by_revision if record_id not in found}
        if by_time:
            # The time is written to the second, cut down: a write within that second counts as before it.
            wanted = query.where(AuditEntry.target_id.in_(by_time), AuditEntry.at >= exported_at + timedelta(seconds=1))
            for entry in self.session.scalars(wanted.order_by(AuditEntry.at, AuditEntry.id)):
                found.setdefault(entry.target_id, []).append(entry)
        return found

    def _conflict(self, number: int, record_id: uuid.UUID, title: str, entries: list[AuditEntry]) -> Conflict | None:
        """The conflict of a row whose record was written since the export, or None when those writes only put
        back what the row was exported with (nothing newer would be undone)."""
        then: dict[str, Any] = {}
        now: dict[str, Any] = {}
        unknown = not entries  # the log does not say what happened: a conflict all the same
        for entry in entries:
            try:
                changes = json.loads(entry.changes)
            except ValueError:
                changes = None
            if entry.action != "update" or not isinstance(changes, dict):
                unknown = True
                continue
            for name, pair in changes.items():
                if isinstance(pair, list) and len(pair) == 2:
                    then.setdefault(name, pair[0])
                    now[name] = pair[1]
        fields = tuple(
            (self.headers.get(f.name, f.label), then[f.name], now[f.name])
            for f in self.spec.fields
            if f.name in now and then[f.name] != now[f.name]
        )
        if not fields and not unknown:
            return None
        authors = tuple(dict.fromkeys(entry.author or "（未署名）" for entry in entries))
        at = entries[-1].at if entries else None
        changed = "；".join(f"{label}“{_shown(old)}”改为“{_shown(new)}”" for label, old, new in fields)
        who = "、".join(authors)
        when = f"，{at.astimezone().strftime('%Y-%m-%d %H:%M')}" if at else ""
        by = f"（{who}{when}）" if who else ""
        reason = f"导出以后台账里已修改：{changed or '修改内容不详'}{by}"
        return Conflict(self.name, number, "", quoted(title), reason, record_id, fields, authors, at)

    def _current(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        """Each record's values as `records.record_values` gives them, read in two queries: loading the
        records themselves would take most of the time of a large import that changes little."""
        model = MODELS[self.spec.name]
        linked = {f.values.stored_in: f.name for f in self.spec.fields if f.values.stored_in != "column"}
        plain = [f.name for f in self.spec.fields if f.values.stored_in == "column"]
        query = (
            select(model.id, Pairing.name, *(getattr(model, name) for name in plain))
            .join(Pairing, model.pairing_id == Pairing.id)
            .where(model.id.in_(ids))
        )
        current = {}
        for record_id, pairing, *values in self.session.execute(query):
            current[record_id] = dict(zip(plain, values, strict=True))
            current[record_id] |= {linked["pairing"]: pairing, linked["units"]: []}
        units = (
            select(RecordUnit.record_id, Unit.name)
            .join(Unit, RecordUnit.unit_id == Unit.id)
            .where(RecordUnit.record_id.in_(ids))
            .order_by(RecordUnit.record_id, RecordUnit.position)
        )
        for record_id, name in self.session.execute(units):
            current[record_id][linked["units"]].append(name)
        return current

    def _changes(self, current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        changed = {}
        for name, value in values.items():
            field = self.spec.by_name[name]
            value = field.values.normalize(value)
            if field.values.stored_in == "pairing" and value:
                value = self.state.pairing(value) or value
            if value != field.values.normalize(current[name]):
                changed[name] = value
        return changed

    def _change(self, number: int, record_id: uuid.UUID, changed: dict[str, Any], unread: set[str]) -> None:
        if not changed and not unread:
            self.report.unchanged += 1
            return
        record = self.session.get(MODELS[self.spec.name], record_id)
        # Cells that could not be read are listed already; passed as known problems, they keep the rest of
        # the row checked without anything being written.
        known = [Problem(name, "", "", "") for name in unread]
        try:
            landed = update_record(self.session, record, changed, input_problems=known)
        except InvalidInput as error:
            self._problems(number, [problem for problem in error.problems if problem.field not in unread])
        except RecordLocked as error:
            self._add_mistake(number, "", "", str(error))
        else:
            # A change that completes to what was there (a composed title cleared) changes nothing.
            if landed:
                self.report.updated += 1
            else:
                self.report.unchanged += 1


def _shown(value: Any) -> str:
    """A value of the audit log as a mistake quotes it."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, list):
        return quoted("、".join(map(str, value)))
    if isinstance(value, bool):
        return "是" if value else "否"
    return quoted(str(value))
