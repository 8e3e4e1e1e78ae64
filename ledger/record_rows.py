"""A kind's records read in bulk for a table: their values, the roles of their evidence, who deleted them.

A table of a hundred thousand records is read column by column, in a few queries for the whole table and
without an ORM object for each record; after a change of a few records the same queries read only those
(`ids`), so a row read again is the row a whole reload gives. The scope (year, pairing, live or in the recycle
bin) and the date order are those `ledger.records` lists records in.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.kinds import MODELS, kind_spec
from ledger.models import Attachment, Pairing, RecordUnit, Unit
from ledger.records import RecordScope, date_order


def value_rows(session: Session, scope: RecordScope) -> list[tuple[uuid.UUID, dict[str, Any]]]:
    """(id, values) of a kind's records in date order, the values as `records.record_values` gives them, read
    column by column: a table of a hundred thousand records without an ORM object for each. With `ids`, only those
    of them: the rows a table reads again after a change, with the same queries as the whole table."""
    spec, model = kind_spec(scope.kind), MODELS[scope.kind]
    plain = [field for field in spec.fields if field.values.stored_in == "column"]
    query = select(model.id, Pairing.name, *(getattr(model, field.name) for field in plain))
    query = scope.narrow(session, query.join(Pairing, model.pairing_id == Pairing.id))
    if query is None:
        return []
    units: dict[uuid.UUID, list[str]] = {}
    if any(field.values.stored_in == "units" for field in spec.fields):
        linked = select(RecordUnit.record_id, Unit.name).join(Unit, RecordUnit.unit_id == Unit.id)
        linked = scope.narrow(session, linked.join(model, model.id == RecordUnit.record_id))
        for record_id, name in session.execute(linked.order_by(RecordUnit.record_id, RecordUnit.position)):
            units.setdefault(record_id, []).append(name)
    rows = []
    for record_id, pairing_name, *columns in session.execute(query.order_by(*date_order(spec, model))):
        values = dict(zip((field.name for field in plain), columns, strict=True))
        for field in spec.fields:
            if field.values.stored_in == "pairing":
                values[field.name] = pairing_name
            elif field.values.stored_in == "units":
                values[field.name] = units.get(record_id, [])
        rows.append((record_id, {field.name: values[field.name] for field in spec.fields}))
    return rows


def evidence_roles(session: Session, scope: RecordScope) -> dict[uuid.UUID, dict[str, int]]:
    """How many live (not detached) attachments each record of a kind has, by role, for the records `value_rows`
    gives with the same arguments; records without evidence are left out. One grouped query for the whole table."""
    model = MODELS[scope.kind]
    query = (
        select(Attachment.record_id, Attachment.role, func.count())
        .join(model, model.id == Attachment.record_id)
        .where(Attachment.deleted_at.is_(None))
    )
    query = scope.narrow(session, query)
    if query is None:
        return {}
    found: dict[uuid.UUID, dict[str, int]] = {}
    for record_id, role, count in session.execute(query.group_by(Attachment.record_id, Attachment.role)):
        found.setdefault(record_id, {})[role] = count
    return found


def deletions(session: Session, scope: RecordScope) -> dict[uuid.UUID, tuple[Any, str]]:
    """When and by whom each record of a kind in the recycle bin was deleted: (deleted_at in UTC, author).

    Read from the record's own stamps, which `delete_record` sets in the same transaction as its audit entry
    and which a merge carries over from the ledger where the deletion was made (the audit entry of a merge
    names whoever merged)."""
    model = MODELS[scope.kind]
    query = replace(scope, deleted=True).narrow(session, select(model.id, model.deleted_at, model.deleted_by))
    if query is None:
        return {}
    return {record_id: (when, who or "") for record_id, when, who in session.execute(query)}
