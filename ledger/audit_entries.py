"""The audit log as it is written: one entry per change, in the change's own transaction, by the session's author.

Every write to the ledger logs here (records, evidence, plans, pairings, units, merges), so who changed what and
when is known whichever way a change came in. A record's fields are logged by one builder, `record_changes`, for
every way a record is written (`ledger.records`). `ledger.audit_log` tells the log back in words.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ledger.fields import KindSpec
from ledger.models import Attachment, AuditEntry, utc_now

#: The actions on a record that change it, each bumping its stored revision: a merge's "merge" entry follows the
#: put_record entries that did the writing, and a "conflict" entry that kept ours changed nothing.
REVISING = ("insert", "update", "delete", "restore")


def author_of(session: Session) -> str:
    return session.info.get("author", "")


def audit_row(author, at, action, target, target_id, kind, changes) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "at": at,
        "author": author,
        "action": action,
        "target": target,
        "target_id": target_id,
        "record_kind": kind,
        "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
    }


def audit(
    session: Session, action: str, target: str, target_id: uuid.UUID, kind: str | None, changes: Mapping[str, Any]
) -> None:
    """Logs a change, now, by the session's author."""
    session.add(AuditEntry(**audit_row(author_of(session), utc_now(), action, target, target_id, kind, changes)))


def record_changes(spec: KindSpec, before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The fields of a record whose value differs, as {field: [old, new]} in their JSON form: what an update's entry
    holds. A new record has no values `before`; its insert entry holds the new values alone (`inserted`)."""
    return {
        field.name: [field.values.to_json(before.get(field.name)), field.values.to_json(after.get(field.name))]
        for field in spec.fields
        if before.get(field.name) != after.get(field.name)
    }


def inserted(changes: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
    """The insert entry of a new record from its `record_changes`: each value it was given, empty lists left out."""
    return {name: new for name, (_, new) in changes.items() if new != []}


def history(session: Session, target_id: uuid.UUID | None = None, limit: int = 200) -> Sequence[AuditEntry]:
    """The audit log, newest first, of one record (and its attachments) or of the whole ledger."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id).limit(limit)
    if target_id is not None:
        attachment_ids = select(Attachment.id).where(Attachment.record_id == target_id)
        query = query.where(or_(AuditEntry.target_id == target_id, AuditEntry.target_id.in_(attachment_ids)))
    return session.scalars(query).all()
