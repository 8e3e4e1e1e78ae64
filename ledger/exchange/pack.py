"""Writing an exchange package: the records, plans and evidence of one laptop, for the team's other ledgers.

A package is a zip with `data.json`, the evidence files under `evidence/`, and a manifest naming each member's
SHA-256 and who packed it. Each record travels with its values as `ledger.records.record_json` gives them and its
revisions (`ledger.exchange.revisions`), so the ledger that merges it (`ledger.exchange.merge`) can tell which side
changed it; its stamps, attachments, stored files, plans, tasks and targets travel as their rows are stored
(`ledger.exchange.package_items.row_item`), the frameworks the ledger keeps as their templates.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, or_, select

from ledger.assessment.frameworks import stored_frameworks
from ledger.errors import LedgerError
from ledger.exchange.package_items import STAMPS, row_item
from ledger.exchange.revisions import known_revisions, values_and_revision
from ledger.jobs import Job
from ledger.models import Attachment, Pairing, Plan, Record, RecordTask
from ledger.records import find_pairing
from ledger.storage import backup
from ledger.storage.folder import Ledger
from ledger.storage.outputs import refuse_inside_ledger
from ledger.years import in_year

PACK_FORMAT = "xiezuo-ledger-pack"
DATA = "data.json"


@dataclass
class PackSummary:
    path: Path
    records: int
    attachments: int
    files: int
    plans: int


def write_pack(
    ledger: Ledger,
    target: Path,
    *,
    pairing: str | None = None,
    year: int | None = None,
    since: date | None = None,
    job: Job | None = None,
) -> PackSummary:
    """Writes the records (deleted ones too, so deletions travel), their evidence, and the plans of the
    scope; with `since`, only what changed from that day on."""
    refuse_inside_ledger(target, ledger.path, "交换包")
    job = job or Job()
    with ledger.session() as session:
        scope_pairing = None
        if pairing:
            scope_pairing = find_pairing(session, pairing)
            if scope_pairing is None:
                raise LedgerError(f"台账里没有结对关系“{pairing}”。")
        since_at = datetime.combine(since, datetime.min.time()).astimezone() if since else None

        query = _in_scope(select(Record), Record, scope_pairing, year)
        if since_at is not None:
            touched = select(Attachment.record_id).where(
                or_(Attachment.updated_at >= since_at, Attachment.deleted_at >= since_at)
            )
            query = query.where(
                or_(Record.updated_at >= since_at, Record.deleted_at >= since_at, Record.id.in_(touched))
            )
        records = session.scalars(query.order_by(Record.created_at, Record.id)).all()
        job.report(0.1, f"{len(records)} 条记录")
        history = known_revisions(session, (record.id for record in records))
        record_items, attachment_items, files = [], [], {}
        for record in records:
            values, current = values_and_revision(record)
            record_items.append(
                {
                    "id": str(record.id),
                    "kind": record.kind,
                    "values": {name: value for name, value in values.items() if name not in ("id", "kind")},
                    "revision": current,
                    "history": sorted(history.get(record.id, set()) | {current}),
                    **row_item(record, STAMPS),
                }
            )
            for attachment in record.attachments:
                stored = attachment.file
                file = row_item(stored, leave_out=("sha256", "added_at"))
                attachment_items.append({**row_item(attachment), "file": file})
                files[f"evidence/{stored.relative_path}"] = ledger.evidence_dir / stored.relative_path

        plans_query = _in_scope(select(Plan), Plan, scope_pairing, year)
        if since_at is not None:
            plans_query = plans_query.where(Plan.updated_at >= since_at)
        plans = session.scalars(plans_query.order_by(Plan.created_at)).all()
        record_ids = {record.id for record in records}
        task_ids = {task.id for plan in plans for task in plan.tasks}
        links = session.execute(
            select(RecordTask.record_id, RecordTask.task_id).where(
                or_(RecordTask.record_id.in_(record_ids), RecordTask.task_id.in_(task_ids))
            )
        ).all()
        pairings = {record.pairing for record in records} | {plan.pairing for plan in plans}
        data = {
            "pairings": [
                row_item(p, ("name", "east", "west", "counties")) for p in sorted(pairings, key=lambda p: p.name)
            ],
            "records": record_items,
            "attachments": attachment_items,
            "plans": [_plan_item(plan) for plan in plans],
            "links": [[str(record_id), str(task_id)] for record_id, task_id in links],
            # The ledger's own frameworks whatever the scope: the team assesses by the same ones.
            "frameworks": [
                {"name": name, "framework": kept.data, "changed_at": kept.changed_at and kept.changed_at.isoformat()}
                for name, kept in stored_frameworks(session).items()
            ],
        }
        author = ledger.author

    job.report(0.3, "写入佐证材料")
    summary = PackSummary(Path(target), len(record_items), len(attachment_items), len(files), len(plans))
    # In the ledger's cache (cleared on opening), not the system temp folder: the data is personal.
    with tempfile.TemporaryDirectory(prefix="pack-", dir=ledger.cache_dir) as work:
        data_path = Path(work) / DATA
        data_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        about = {
            "scope": {"pairing": pairing, "year": year, "since": since.isoformat() if since else None},
            "counts": {"records": summary.records, "attachments": summary.attachments, "plans": summary.plans},
        }
        backup.write_archive(
            Path(target),
            {DATA: data_path, **files},
            PACK_FORMAT,
            author,
            about,
            job=job.part(0.3, 1.0),
            notes=ledger.cache_dir,
        )
    return summary


def _in_scope(query: Select, model: type[Record] | type[Plan], pairing: Pairing | None, year: int | None) -> Select:
    """`query` of records or plans narrowed to the pairing and the year packed, where one is asked for."""
    if pairing is not None:
        query = query.where(model.pairing_id == pairing.id)
    if year is not None:
        # A record that lasts travels with every year it counts in; a plan is of one year.
        query = query.where(model.year == year if model is Plan else in_year(model, year))
    return query


def _plan_item(plan: Plan) -> dict[str, Any]:
    """A plan as a package carries it: its row, its pairing by name, and its tasks' and their targets' rows."""
    tasks = [
        {
            **row_item(task, leave_out=("plan_id",)),
            "targets": [row_item(target, leave_out=("task_id",)) for target in task.targets],
        }
        for task in plan.tasks
    ]
    return {**row_item(plan, leave_out=("pairing_id",)), "pairing": plan.pairing.name, "tasks": tasks}
