"""A labour record's roster imported from its workbook and read back.

Importing makes the roster exactly the file's rows: each row's person resolved through the directory
(`ledger.persons`, the employer as their unit), the rows of a person already on it updated, new ones added,
those gone removed, with one audit entry for the record counting the change, all in one transaction. A dry run
does the same and rolls it back, so it reports exactly what the import would do.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ledger.audit_entries import audit, author_of
from ledger.errors import LedgerError, RecordLocked
from ledger.jobs import Job
from ledger.kinds import KINDS
from ledger.kinds.common import ARCHIVED
from ledger.limits import Limits
from ledger.models import Record, RosterEntry, utc_now
from ledger.persons import resolve_people
from ledger.records import get_record
from ledger.rosters.checking import ID_NUMBERS, RosterProblems, RosterRow, RowProblem, check_rows
from ledger.rosters.reading import read_roster
from ledger.values import format_money

#: The kinds whose records carry a roster.
ROSTER_KINDS = ("labour",)
#: The columns of a roster row that say something of the worker: those compared on re-import.
COLUMNS = tuple(RosterRow.__dataclass_fields__)
#: Rows bulk-written in one statement.
_BATCH = 2000


@dataclass
class RosterChange:
    """What an import did (or, dry, would do) to a record's roster: the names of those added, updated, removed."""

    record: Record
    file: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False

    @property
    def people(self) -> int:
        return len(self.added) + len(self.updated) + self.unchanged


def import_roster(
    session: Session, key: str | uuid.UUID, path: Path, *, dry_run: bool = False, job: Job | None = None
) -> RosterChange:
    """Makes the roster of the labour record `key` (an id or its prefix) the rows of the workbook at `path`, in a
    transaction of its own (`session` must have none under way); raises RosterProblems, listing every bad row,
    before anything is written. `dry_run` writes nothing and reports the same."""
    job = job or Job()
    transaction = session.begin()
    try:
        record = _roster_record(session, key)
        rows = check_rows(read_roster(path, Limits.of(session), job.part(0, 0.4)), job.part(0.4, 0.5))
        job.report(0.5, f"对照人员名录（{len(rows)} 人）")
        people = [(row.name, row.id_number, row.gender, row.employer) for row in rows]
        person_ids = resolve_people(session, people)
        _refuse_repeated_persons(rows, person_ids)
        job.report(0.8, "写入花名册")
        change = _write(session, record, rows, person_ids, RosterChange(record, path.name, dry_run=dry_run))
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    except BaseException:
        if transaction.is_active:
            transaction.rollback()
        raise
    job.done(f"花名册 {change.people} 人")
    return change


def _roster_record(session: Session, key: str | uuid.UUID) -> Record:
    record = get_record(session, key)
    if record.kind not in ROSTER_KINDS:
        raise LedgerError(f"只有劳务协作记录才有花名册；“{record.title}”是{KINDS[record.kind].label}记录。")
    if record.deleted:
        raise RecordLocked(f"记录“{record.title}”在回收站中，请先恢复再导入花名册。")
    if record.record_status == ARCHIVED:
        raise RecordLocked(f"记录“{record.title}”已归档，不能修改花名册。如确需修改，请先把状态改回“已核实”。")
    return record


def _refuse_repeated_persons(rows: Sequence[RosterRow], person_ids: Sequence[uuid.UUID]) -> None:
    """Two rows the directory finds to be one person (a name without its ID number, beside it with one)."""
    first: dict[uuid.UUID, int] = {}
    problems = []
    for index, person_id in enumerate(person_ids):
        before = first.setdefault(person_id, index)
        if before != index:
            row = rows[index]
            reason = f"与第 {before + 1} 位“{rows[before].name}”是人员名录中的同一人：同一人只能列一次"
            problems.append(RowProblem("花名册", index + 1, "姓名", row.name, reason))
    if problems:
        raise RosterProblems(problems)


def _write(
    session: Session, record: Record, rows: Sequence[RosterRow], person_ids: Sequence[uuid.UUID], change: RosterChange
) -> RosterChange:
    kept = {entry.person_id: entry for entry in session.scalars(_entries(record.id))}
    author, now = author_of(session), utc_now()
    added: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    for position, (row, person_id) in enumerate(zip(rows, person_ids, strict=True)):
        values = row.values()
        entry = kept.pop(person_id, None)
        if entry is None:
            added.append({"id": uuid.uuid4(), "record_id": record.id, "position": position, "person_id": person_id})
            added[-1] |= values | {"created_at": now, "created_by": author, "updated_at": now, "updated_by": author}
            change.added.append(row.name)
            continue
        changed = any(getattr(entry, column) != value for column, value in values.items())
        if changed or entry.position != position:
            stamps = {"updated_at": now, "updated_by": author} if changed else {}
            updated.append({"id": entry.id, "position": position} | values | stamps)
        if changed:
            change.updated.append(row.name)
        else:
            change.unchanged += 1
    change.removed = [entry.name for entry in kept.values()]
    for start in range(0, len(added), _BATCH):
        session.execute(insert(RosterEntry), added[start : start + _BATCH])
    for start in range(0, len(updated), _BATCH):
        session.execute(update(RosterEntry), updated[start : start + _BATCH])
    gone = [entry.id for entry in kept.values()]
    for start in range(0, len(gone), _BATCH):
        session.execute(delete(RosterEntry).where(RosterEntry.id.in_(gone[start : start + _BATCH])))
    if change.added or change.updated or change.removed:
        counts = {"added": len(change.added), "updated": len(change.updated), "removed": len(change.removed)}
        audit(session, "roster", "record", record.id, record.kind, {"file": change.file, "people": len(rows)} | counts)
    return change


# Reading ---------------------------------------------------------------------------------------------------


def _entries(record_id: uuid.UUID):
    return select(RosterEntry).where(RosterEntry.record_id == record_id).order_by(RosterEntry.position)


@dataclass(frozen=True)
class Roster:
    """A record's roster in order, and its totals: people, of whom 脱贫户 and 监测对象."""

    record: Record
    entries: list[RosterEntry]

    @property
    def totals(self) -> dict[str, int]:
        statuses = [entry.poverty_status for entry in self.entries]
        return {"people": len(statuses), "poor": statuses.count("脱贫户"), "monitored": statuses.count("监测对象")}

    def totals_text(self) -> str:
        totals = self.totals
        return f"共 {totals['people']} 人，其中脱贫户 {totals['poor']} 人、监测对象 {totals['monitored']} 人"

    def json(self, *, mask: bool) -> dict[str, Any]:
        return {
            "record": str(self.record.id),
            "title": self.record.title,
            "totals": self.totals,
            "entries": [entry_json(entry, mask=mask) for entry in self.entries],
        }


def roster(session: Session, key: str | uuid.UUID) -> Roster:
    """The roster of the record `key` (an id or its prefix); refuses a record of a kind that has none."""
    record = get_record(session, key)
    if record.kind not in ROSTER_KINDS:
        raise LedgerError(f"只有劳务协作记录才有花名册；“{record.title}”是{KINDS[record.kind].label}记录。")
    return Roster(record, list(session.scalars(_entries(record.id))))


def shown_id_number(entry: RosterEntry, *, mask: bool) -> str:
    """The worker's ID number, masked as printed binders mask it when `mask`."""
    text = entry.id_number or ""
    return ID_NUMBERS.masked(text) if text and mask else text


def entry_json(entry: RosterEntry, *, mask: bool) -> dict[str, Any]:
    values: dict[str, Any] = {column: getattr(entry, column) for column in COLUMNS}
    values["id_number"] = shown_id_number(entry, mask=mask) or None
    for column in ("start_date", "end_date"):
        values[column] = values[column].isoformat() if values[column] else None
    income = values["monthly_income"]
    values["monthly_income"] = format_money(income) if income is not None else None
    return {"position": entry.position + 1, "person": str(entry.person_id), **values}
