"""The core write of records, once their values are checked: rows, units, revision and audit entries.

`ledger.records` reads and checks a record's values whichever way it comes (form, command line, workbook,
package), then writes it here. New records, one (`insert_record`) or a hundred thousand (`insert_records`),
are made the same rows by `_new_rows`; a record that exists, its values applied, goes through `revise_record`.
Either way its stored revision goes up (a new record is at 1, each later write adds one) and its changes are
logged as `ledger.audit_entries.record_changes` gives them, in the caller's transaction. Evidence does not
count: attaching a photo changes no field a workbook row or a package's record holds, and the attachment has
its own stamps and audit entries. The directory of units gains here the units a record names for the first time,
and the directory of people (`ledger.persons`) the persons.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ledger import persons
from ledger.audit_entries import audit, audit_row, author_of, inserted, record_changes
from ledger.fields import KindSpec
from ledger.kinds import MODELS
from ledger.models import AuditEntry, Pairing, Record, RecordUnit, Unit, utc_now


def units_by_name(session: Session, names: Iterable[str]) -> dict[str, Unit]:
    """The directory entries for `names`, adding the ones the directory does not know yet."""
    wanted = list(dict.fromkeys(names))
    found = {unit.name: unit for unit in session.scalars(select(Unit).where(Unit.name.in_(wanted)))}
    author = author_of(session)
    for name in wanted:
        if name not in found:
            unit = Unit(id=uuid.uuid4(), name=name, created_by=author, updated_by=author)
            session.add(unit)
            found[name] = unit
            audit(session, "insert", "unit", unit.id, None, {"name": name})
    return found


@dataclass
class _NewRows:
    """New records as the rows that hold them: their own and their kind's, their units' links, their audit entries."""

    records: list[dict[str, Any]] = field(default_factory=list)
    kinds: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)


def _new_rows(
    session: Session, spec: KindSpec, new: Sequence[tuple[Mapping[str, Any], Pairing, Mapping[str, Any]]]
) -> tuple[_NewRows, dict[str, Unit]]:
    """The rows of new records, and the directory entries of their units (added to it, if new, and flushed).
    `new` holds each one's checked values, its pairing, and what it comes with from another ledger (its id and
    stamps). A new record is at revision 1 with an insert entry; one that comes deleted is at revision 2, with a
    delete entry after its insert entry."""
    directory = units_by_name(session, (name for values, _, _ in new for name in values["responsible_units"]))
    people = persons.person_ids(session, spec.name, [values for values, _, _ in new])
    session.flush()
    author, now = author_of(session), utc_now()
    common = {column.key for column in Record.__table__.columns}
    own = {column.key for column in MODELS[spec.name].__table__.columns} - {"id"}
    rows = _NewRows()
    for (values, pairing, given), person_id in zip(new, people, strict=True):
        stamps = {"created_at": now, "created_by": author, "updated_at": now, "updated_by": author}
        stamps |= {"deleted_at": None, "deleted_by": None, "id": uuid.uuid4(), **given}
        record_id, deleted = stamps["id"], stamps["deleted_at"] is not None
        rows.records.append(
            {
                **{name: values.get(name) for name in common if name in spec.by_name},
                **stamps,
                "kind": spec.name,
                "pairing_id": pairing.id,
                "record_status": values.get("record_status") or "草稿",
                "last_year": spec.last_year(values),
                "person_id": person_id,
                "revision": 2 if deleted else 1,
            }
        )
        rows.kinds.append({"id": record_id, **{name: values.get(name) for name in own}})
        rows.units.extend(
            {"record_id": record_id, "unit_id": directory[name].id, "position": position}
            for position, name in enumerate(values["responsible_units"])
        )
        changes = inserted(record_changes(spec, {}, values))
        rows.entries.append(audit_row(author, now, "insert", "record", record_id, spec.name, changes))
        if deleted:
            rows.entries.append(audit_row(author, utc_now(), "delete", "record", record_id, spec.name, {}))
    return rows, directory


def insert_records(
    session: Session, spec: KindSpec, new: Sequence[tuple[Mapping[str, Any], Pairing, Mapping[str, Any]]]
) -> list[uuid.UUID]:
    """Writes many new records (`_new_rows`) in bulk, without an ORM object for each; returns their ids."""
    rows, _ = _new_rows(session, spec, new)
    session.execute(insert(Record.__table__), rows.records)
    session.execute(insert(MODELS[spec.name].__table__), rows.kinds)
    if rows.units:
        session.execute(insert(RecordUnit.__table__), rows.units)
    session.execute(insert(AuditEntry.__table__), rows.entries)
    return [row["id"] for row in rows.records]


def insert_record(
    session: Session, spec: KindSpec, values: Mapping[str, Any], pairing: Pairing, given: Mapping[str, Any]
) -> Record:
    """Writes one new record (`_new_rows`) as the rows `insert_records` would, through its ORM object: one
    the caller reads at once, gone from the session again if the transaction is rolled back."""
    rows, directory = _new_rows(session, spec, [(values, pairing, given)])
    (record_row,), (kind_row,) = rows.records, rows.kinds
    record = MODELS[spec.name](**record_row, **{name: value for name, value in kind_row.items() if name != "id"})
    units = {unit.id: unit for unit in directory.values()}
    record.unit_links = [
        RecordUnit(unit_id=link["unit_id"], unit=units[link["unit_id"]], position=link["position"])
        for link in rows.units
    ]
    session.add(record)
    session.flush()
    session.add_all(AuditEntry(**entry) for entry in rows.entries)
    return record


def revise_record(
    session: Session, record: Record, stamps: Mapping[str, Any], changes: Mapping[str, list[Any]]
) -> None:
    """The last steps of a write to a record that exists, its values applied: its stamps, then its revision up by
    one and an audit entry for its changed fields, and again for its going to the recycle bin or coming back."""
    was_deleted = record.deleted
    for name, value in stamps.items():
        setattr(record, name, value)
    session.flush()
    logged = [("update", changes)] if changes else []
    if record.deleted != was_deleted:
        logged.append(("delete" if record.deleted else "restore", {}))
    for action, logged_changes in logged:
        record.revision = (record.revision or 0) + 1
        audit(session, action, "record", record.id, record.kind, logged_changes)
