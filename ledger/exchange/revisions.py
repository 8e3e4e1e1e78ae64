"""Record revisions: which states a record has had, so a merge can tell which side changed it.

Records are matched by id. Which side changed is read from each record's revisions: the hash of every state it
has had, replayed from the audit log, plus the states learnt in earlier merges. A package carries each record's
revisions (`ledger.exchange.pack`), and a merge compares them with ours (`ledger.exchange.merge`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.fields import KindSpec
from ledger.kinds import KINDS
from ledger.models import AuditEntry, Record
from ledger.records import record_json


def revision(spec: KindSpec, values: Mapping[str, Any], deleted: bool) -> str:
    """The hash of a record's state: its field values as JSON (empty as null) and whether it is deleted."""
    content = {field.name: or_none(values.get(field.name)) for field in spec.fields}
    content["deleted"] = deleted
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def or_none(value: Any) -> Any:
    # Empty text and an empty list are no value, as a form shows them; False and 0 are values.
    return None if value is None or value == "" or value == [] else value


def known_revisions(session: Session, ids: Iterable[uuid.UUID] | None = None) -> dict[uuid.UUID, set[str]]:
    """Every state each record has had, replayed from its audit entries, with those learnt in merges."""
    query = select(AuditEntry.target_id, AuditEntry.action, AuditEntry.record_kind, AuditEntry.changes).where(
        AuditEntry.target == "record"
    )
    if ids is not None:
        wanted = list(ids)
        query = query.where(AuditEntry.target_id.in_(wanted)) if len(wanted) < 30000 else query
    states: dict[uuid.UUID, tuple[dict, bool]] = {}
    known: dict[uuid.UUID, set[str]] = defaultdict(set)
    for target, action, kind, text in session.execute(query.order_by(AuditEntry.at, AuditEntry.id)):
        changes = json.loads(text)
        values, deleted = states.get(target, ({}, False))
        if action == "insert":
            values = dict(changes)
        elif action == "update":
            values = {**values, **{name: pair[1] for name, pair in changes.items() if _is_pair(pair)}}
        elif action in ("delete", "restore"):
            deleted = action == "delete"
        elif action in ("merge", "conflict"):
            known[target].update(changes.get("revisions", []))
            continue
        else:
            continue
        states[target] = (values, deleted)
        if kind in KINDS:
            known[target].add(revision(KINDS[kind], values, deleted))
    return known


def _is_pair(change: Any) -> bool:
    return isinstance(change, list) and len(change) == 2


def revision_of(record: Record) -> str:
    return values_and_revision(record)[1]


def values_and_revision(record: Record) -> tuple[dict[str, Any], str]:
    values = record_json(record)
    return values, revision(KINDS[record.kind], values, record.deleted)
