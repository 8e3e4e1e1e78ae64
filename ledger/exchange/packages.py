"""Exchange packages: the records, plans and evidence of one laptop, merged into the team's other ledgers.

A package is a zip with `data.json`, the evidence files under `evidence/`, and a manifest naming
each member's SHA-256 and who packed it. Merging refuses a package whole when any member is missing,
altered or outside its folder, then writes in one transaction.

Records are matched by id. Which side changed is read from each record's revisions: the hash of
every state it has had, replayed from the audit log, plus the states learnt in earlier merges. The
incoming record replaces ours when our state is one of its past states; it is ignored when its state
is one of ours; otherwise both sides changed it — a conflict. By default the newer change wins and
the losing version is written to the audit log; `conflicts="leave"` reports it and changes nothing.
Both sides of a conflict choose the same winner (time, then revision), so two ledgers merged both
ways end equal, and merging the same package twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ledger.errors import InvalidInput, LedgerError
from ledger.evidence import reconcile_store, stored_path
from ledger.exchange.checks import MOST_LISTED, package_problems
from ledger.fields import KindSpec, Problem
from ledger.kinds import KINDS
from ledger.models import (
    Attachment,
    AuditEntry,
    EvidenceFile,
    Plan,
    Record,
    RecordTask,
    Target,
    Task,
    utc_now,
)
from ledger.records import add_pairing, audit, find_pairing, put_record, record_json
from ledger.storage import backup
from ledger.storage.backup import BadBackup
from ledger.storage.folder import Ledger
from ledger.storage.outputs import refuse_inside_ledger
from ledger.validation import from_json

Progress = Callable[[float, str], None]

PACK_FORMAT = "xiezuo-ledger-pack"
DATA = "data.json"
CONFLICT_RULES = {"newer": "较新的修改为准", "leave": "留待人工处理"}


class BadPackage(LedgerError):
    """A package that cannot be merged as it is; nothing was changed."""


# Revisions ------------------------------------------------------------------------------------


def revision(spec: KindSpec, values: Mapping[str, Any], deleted: bool) -> str:
    """The hash of a record's state: its field values as JSON (empty as null) and whether it is deleted."""
    content = {field.name: _or_none(values.get(field.name)) for field in spec.fields}
    content["deleted"] = deleted
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def _or_none(value: Any) -> Any:
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
    return _current(record)[1]


def _current(record: Record) -> tuple[dict[str, Any], str]:
    values = record_json(record)
    return values, revision(KINDS[record.kind], values, record.deleted)


# Packing --------------------------------------------------------------------------------------


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
    progress: Progress | None = None,
) -> PackSummary:
    """Writes the records (deleted ones too, so deletions travel), their evidence, and the plans of the
    scope; with `since`, only what changed from that day on."""
    refuse_inside_ledger(target, ledger.path, "交换包")
    report = progress or (lambda fraction, message: None)
    with ledger.session() as session:
        scope_pairing = None
        if pairing:
            scope_pairing = find_pairing(session, pairing)
            if scope_pairing is None:
                raise LedgerError(f"台账里没有结对关系“{pairing}”。")
        since_at = datetime.combine(since, datetime.min.time()).astimezone() if since else None

        query = select(Record)
        if scope_pairing is not None:
            query = query.where(Record.pairing_id == scope_pairing.id)
        if year is not None:
            query = query.where(Record.year == year)
        if since_at is not None:
            touched = select(Attachment.record_id).where(
                or_(Attachment.updated_at >= since_at, Attachment.deleted_at >= since_at)
            )
            query = query.where(
                or_(Record.updated_at >= since_at, Record.deleted_at >= since_at, Record.id.in_(touched))
            )
        records = session.scalars(query.order_by(Record.created_at, Record.id)).all()
        report(0.1, f"{len(records)} 条记录")
        history = known_revisions(session, (record.id for record in records))
        record_items, attachment_items, files = [], [], {}
        for record in records:
            values, current = _current(record)
            record_items.append(
                {
                    "id": str(record.id),
                    "kind": record.kind,
                    "values": {name: value for name, value in values.items() if name not in ("id", "kind")},
                    "revision": current,
                    "history": sorted(history.get(record.id, set()) | {current}),
                    **_stamps_json(record),
                }
            )
            for attachment in record.attachments:
                stored = attachment.file
                attachment_items.append(
                    {
                        "id": str(attachment.id),
                        "record_id": str(record.id),
                        "sha256": attachment.sha256,
                        "original_name": attachment.original_name,
                        "role": attachment.role,
                        "caption": attachment.caption,
                        "position": attachment.position,
                        **_stamps_json(attachment),
                        "file": {
                            "ext": stored.ext,
                            "size": stored.size,
                            "mime": stored.mime,
                            "width": stored.width,
                            "height": stored.height,
                            "orientation": stored.orientation,
                            "taken_at": stored.taken_at.isoformat() if stored.taken_at else None,
                            "page_count": stored.page_count,
                        },
                    }
                )
                files[f"evidence/{stored.relative_path}"] = ledger.evidence_dir / stored.relative_path

        plans_query = select(Plan)
        if scope_pairing is not None:
            plans_query = plans_query.where(Plan.pairing_id == scope_pairing.id)
        if year is not None:
            plans_query = plans_query.where(Plan.year == year)
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
                {"name": p.name, "east": p.east, "west": p.west} for p in sorted(pairings, key=lambda p: p.name)
            ],
            "records": record_items,
            "attachments": attachment_items,
            "plans": [_plan_item(plan) for plan in plans],
            "links": [[str(record_id), str(task_id)] for record_id, task_id in links],
        }
        author = ledger.author

    report(0.3, "写入佐证材料")
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
            progress=lambda f, m: report(0.3 + 0.7 * f, m),
            notes=ledger.cache_dir,
        )
    return summary


def _stamps_json(row) -> dict[str, Any]:
    return {
        name: (value.isoformat() if isinstance(value, datetime) else value)
        for name in ("created_at", "created_by", "updated_at", "updated_by", "deleted_at", "deleted_by")
        if hasattr(row, name)
        for value in [getattr(row, name)]
    }


def _plan_item(plan: Plan) -> dict[str, Any]:
    return {
        "id": str(plan.id),
        "pairing": plan.pairing.name,
        "year": plan.year,
        "title": plan.title,
        "doc_no": plan.doc_no,
        "source_name": plan.source_name,
        **_stamps_json(plan),
        "tasks": [
            {
                "id": str(task.id),
                "position": task.position,
                "seq": task.seq,
                "area": task.area,
                "item": task.item,
                "target_text": task.target_text,
                "deadline": task.deadline.isoformat() if task.deadline else None,
                "deadline_text": task.deadline_text,
                "responsible_units": task.responsible_units,
                "assisting_units": task.assisting_units,
                "remarks": task.remarks,
                "targets": [
                    {
                        "id": str(target.id),
                        "position": target.position,
                        "measure": target.measure,
                        "params": target.params,
                        "threshold": str(target.threshold),
                        "source": target.source,
                    }
                    for target in task.targets
                ],
            }
            for task in plan.tasks
        ],
    }


# Merging --------------------------------------------------------------------------------------


@dataclass
class Conflict:
    record_id: uuid.UUID
    kind: str
    title: str
    ours: tuple[str, datetime]  # who changed it last and when
    theirs: tuple[str, datetime]
    fields: dict[str, tuple[Any, Any]]  # label: (ours, theirs)
    kept: str | None  # "ours", "theirs", or None when left to the user


@dataclass
class MergeReport:
    package: str
    author: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    attachments_added: int = 0
    attachments_updated: int = 0
    files_added: int = 0
    plans_added: int = 0
    plans_updated: int = 0
    links_added: int = 0
    backup: Path | None = None
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.added
            or self.updated
            or any(conflict.kept == "theirs" for conflict in self.conflicts)
            or self.attachments_added
            or self.attachments_updated
            or self.plans_added
            or self.plans_updated
            or self.links_added
        )


def merge_package(
    ledger: Ledger,
    path: Path,
    *,
    dry_run: bool = False,
    conflicts: str = "newer",
    progress: Progress | None = None,
) -> MergeReport:
    """Merges a package into the ledger in one transaction (or only reports what would change)."""
    if conflicts not in CONFLICT_RULES:
        raise ValueError(conflicts)
    report = progress or (lambda fraction, message: None)
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="merge-", dir=ledger.cache_dir) as work:
        try:
            manifest, unpacked = backup.unpack_verified(
                path, Path(work), PACK_FORMAT, "交换包", DATA, progress=lambda f, m: report(0.4 * f, m)
            )
        except BadBackup as error:
            raise BadPackage(str(error)) from None
        data = _read_data(path, unpacked.pop(DATA))
        merge = _Merge(ledger, path.name, manifest, data, unpacked, conflicts=conflicts, dry_run=dry_run)
        # Every value checked as every other way in checks it, before anything is written (`ledger.exchange.checks`).
        with ledger.session() as session:
            problems = package_problems(session, data, merge.files)
        if problems:
            listed = [f"  {problem}" for problem in problems[:MOST_LISTED]]
            more = [f"  ……共 {len(problems)} 处，只列出前 {MOST_LISTED} 处"] if len(problems) > MOST_LISTED else []
            raise BadPackage("\n".join([f"交换包“{path.name}”中的数据有误，未作任何更改：", *listed, *more]))
        if not dry_run:
            merge.result.backup = ledger.backup("before-merge")
        with ledger.session() as session:
            try:
                merge.run(session, lambda f, m: report(0.4 + 0.6 * f, m))
            except BaseException as error:
                session.rollback()
                # Files already moved into the store for rows now rolled back go where opening would put them.
                reconcile_store(session, ledger.evidence_dir, ledger.orphans_dir)
                if isinstance(error, InvalidInput):
                    raise BadPackage(f"交换包“{path.name}”中的数据有误，未作任何更改：\n{error}") from None
                raise
            if dry_run:
                session.rollback()
            else:
                session.commit()
        if merge.result.backup is not None and not merge.result.changed:
            # Nothing changed (the same package again): the copy would only push older ones out of the rotation.
            merge.result.backup.unlink()
            merge.result.backup = None
    return merge.result


def _read_data(path: Path, data_path: Path) -> dict[str, Any]:
    try:
        data = json.loads(data_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BadPackage(f"交换包“{path.name}”的数据无法读取（不是有效的 JSON 文本），文件已损坏或被改动。") from None
    expected = {"pairings": list, "records": list, "attachments": list, "plans": list, "links": list}
    if not isinstance(data, dict) or any(not isinstance(data.get(key), kind) for key, kind in expected.items()):
        raise BadPackage(f"交换包“{path.name}”的数据不完整。")
    return data


class _Merge:
    def __init__(self, ledger, name, manifest, data, files, *, conflicts, dry_run):
        self.ledger = ledger
        self.name = name
        self.data = data
        self.files = {Path(member).name: file for member, file in files.items()}
        self.rule = conflicts
        self.dry_run = dry_run
        self.author = str(manifest.get("author") or "")
        self.result = MergeReport(name, self.author, dry_run=dry_run)
        self.task_map: dict[uuid.UUID, uuid.UUID] = {}

    def run(self, session: Session, report: Progress) -> None:
        for item in self.data["pairings"]:
            if find_pairing(session, _text(item, "name")) is None:
                add_pairing(session, _text(item, "east"), _text(item, "west"))
        items = self.data["records"]
        history = known_revisions(session, (_uuid(item, "id") for item in items))
        for number, item in enumerate(items, start=1):
            self._record(session, item, history)
            if number % 200 == 0:
                report(0.8 * number / len(items), f"记录 {number}/{len(items)}")
        report(0.8, "佐证材料")
        for item in self.data["attachments"]:
            self._attachment(session, item)
        report(0.9, "计划")
        for item in self.data["plans"]:
            self._plan(session, item)
        for pair in self.data["links"]:
            self._link(session, pair)
        session.flush()

    # Records

    def _record(self, session: Session, item: Any, history: dict[uuid.UUID, set[str]]) -> None:
        record_id, kind = _uuid(item, "id"), _text(item, "kind")
        if kind not in KINDS:
            raise _bad("kind", kind, "不认识的记录种类")
        spec = KINDS[kind]
        values = item.get("values")
        if not isinstance(values, dict):
            raise _bad("values", "", "缺少字段值")
        theirs_history = {str(rev) for rev in item.get("history", [])}
        theirs = revision(spec, values, item.get("deleted_at") is not None)
        theirs_history.add(theirs)
        local = session.get(Record, record_id)
        if local is None:
            self._put(session, kind, record_id, values, item, theirs_history)
            self.result.added.append(str(values.get("title")))
            return
        ours_values, ours = _current(local)
        ours_known = history.get(record_id, set()) | {ours}
        if ours == theirs or theirs in ours_known:
            self.result.unchanged += 1
            return
        if ours in theirs_history:
            self._put(session, kind, record_id, values, item, theirs_history)
            self.result.updated.append(str(values.get("title")))
            return
        # Both sides changed it since they last agreed.
        their_time = _datetime(item.get("deleted_at") or item.get("updated_at"))
        our_time = max(filter(None, [local.updated_at, local.deleted_at]))
        theirs_newer = (their_time, theirs) > (our_time, ours)
        kept = None if self.rule == "leave" else ("theirs" if theirs_newer else "ours")
        fields = {
            field.label: (ours_values.get(field.name), values.get(field.name))
            for field in spec.fields
            if _or_none(ours_values.get(field.name)) != _or_none(values.get(field.name))
        }
        if local.deleted != (item.get("deleted_at") is not None):
            fields["回收站"] = ("已删除" if local.deleted else "", "已删除" if item.get("deleted_at") else "")
        self.result.conflicts.append(
            Conflict(
                record_id,
                kind,
                str(local.title),
                (local.deleted_by or local.updated_by, our_time),
                (str(item.get("deleted_by") or item.get("updated_by") or ""), their_time),
                fields,
                kept,
            )
        )
        if kept is None:
            return
        if kept == "theirs":
            losing = {"values": ours_values, "deleted": local.deleted}
            lost_by = local.deleted_by or local.updated_by
        else:
            losing = {"values": values, "deleted": item.get("deleted_at") is not None}
            lost_by = self.result.conflicts[-1].theirs[0]
        if kept == "theirs":
            self._put(session, kind, record_id, values, item, theirs_history)
        audit(
            session,
            "conflict",
            "record",
            record_id,
            kind,
            {
                "kept": "对方" if kept == "theirs" else "本机",
                "package": self.name,
                "lost": losing,
                "lost_by": lost_by,
                "revisions": sorted(theirs_history),
            },
        )

    def _put(self, session, kind, record_id, values, item, theirs_history) -> None:
        spec = KINDS[kind]
        typed = {}
        for field_spec in spec.fields:
            try:
                typed[field_spec.name] = from_json(field_spec, values.get(field_spec.name))
            except ValueError as error:
                raise _bad(field_spec.label, str(values.get(field_spec.name)), str(error)) from None
        stamps = {name: _stamp(item, name) for name in ("created_at", "created_by", "updated_at", "updated_by")}
        stamps |= {"deleted_at": _datetime(item.get("deleted_at")), "deleted_by": item.get("deleted_by")}
        record = session.get(Record, record_id)
        if record is not None:
            stamps.pop("created_at"), stamps.pop("created_by")
        put_record(session, kind, record_id, typed, stamps)
        audit(session, "merge", "record", record_id, kind, {"package": self.name, "revisions": sorted(theirs_history)})

    # Evidence

    def _attachment(self, session: Session, item: Any) -> None:
        attachment_id, record_id = _uuid(item, "id"), _uuid(item, "record_id")
        sha256 = _text(item, "sha256")
        local = session.get(Attachment, attachment_id)
        wanted = {
            "original_name": _text(item, "original_name"),
            "role": _text(item, "role"),
            "caption": item.get("caption"),
            "position": int(item.get("position") or 0),
            "deleted_at": _datetime(item.get("deleted_at")),
            "deleted_by": item.get("deleted_by"),
            "updated_at": _stamp(item, "updated_at"),
            "updated_by": _stamp(item, "updated_by"),
        }
        if local is None:
            if session.get(Record, record_id) is None:
                raise _bad("record_id", str(record_id), "佐证材料所属的记录不在交换包中，也不在本台账中")
            self._evidence_file(session, sha256, item.get("file") or {})
            session.add(
                Attachment(
                    id=attachment_id,
                    record_id=record_id,
                    sha256=sha256,
                    created_at=_stamp(item, "created_at"),
                    created_by=_stamp(item, "created_by"),
                    **wanted,
                )
            )
            session.flush()
            audit(
                session,
                "attach",
                "attachment",
                attachment_id,
                None,
                {"file": wanted["original_name"], "package": self.name},
            )
            self.result.attachments_added += 1
            return
        if local.sha256 != sha256 or local.record_id != record_id:
            raise _bad("attachment", str(attachment_id), "同一编号的佐证材料内容不同")
        shown = ("original_name", "role", "caption", "position", "deleted_at")
        if all(getattr(local, name) == wanted[name] for name in shown):
            return
        ours_at = max(filter(None, [local.updated_at, local.deleted_at]))
        theirs_at = max(filter(None, [wanted["updated_at"], wanted["deleted_at"]]))
        if theirs_at > ours_at:
            changes = {
                name: [str(getattr(local, name)), str(wanted[name])]
                for name in shown
                if getattr(local, name) != wanted[name]
            }
            for name, value in wanted.items():
                setattr(local, name, value)
            audit(session, "update", "attachment", attachment_id, None, changes)
            self.result.attachments_updated += 1

    def _evidence_file(self, session: Session, sha256: str, meta: Mapping[str, Any]) -> None:
        if session.get(EvidenceFile, sha256) is not None:
            return
        ext = str(meta.get("ext") or "")
        source = self.files.get(f"{sha256}{ext}")
        if source is None:
            raise _bad("file", sha256, "交换包中缺少这份佐证材料的文件")
        size = source.stat().st_size
        if not self.dry_run:
            final = stored_path(self.ledger.evidence_dir, sha256, ext)
            final.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, final)
        taken = meta.get("taken_at")
        session.add(
            EvidenceFile(
                sha256=sha256,
                ext=ext,
                size=size,
                mime=str(meta.get("mime") or "application/octet-stream"),
                width=meta.get("width"),
                height=meta.get("height"),
                orientation=meta.get("orientation"),
                taken_at=datetime.fromisoformat(taken) if taken else None,
                page_count=meta.get("page_count"),
                added_at=utc_now(),
            )
        )
        session.flush()
        self.result.files_added += 1

    # Plans

    def _plan(self, session: Session, item: Any) -> None:
        plan_id = _uuid(item, "id")
        local = session.get(Plan, plan_id)
        pairing = find_pairing(session, _text(item, "pairing"))
        if pairing is None:
            raise _bad("pairing", _text(item, "pairing"), "交换包没有带上这个结对关系")
        if local is None:
            # The same plan imported on two laptops: one plan, its tasks matched by number and wording.
            same = session.scalar(
                select(Plan).where(
                    Plan.pairing_id == pairing.id, Plan.year == int(item["year"]), Plan.title == _text(item, "title")
                )
            )
            if same is not None:
                ours = {(task.seq, task.item): task.id for task in same.tasks}
                for task in item.get("tasks", []):
                    if (task.get("seq"), task.get("item")) in ours:
                        self.task_map[_uuid(task, "id")] = ours[(task.get("seq"), task.get("item"))]
                return
            plan = Plan(
                id=plan_id,
                pairing=pairing,
                year=int(item["year"]),
                title=_text(item, "title"),
                doc_no=item.get("doc_no"),
                source_name=item.get("source_name"),
                **{name: _stamp(item, name) for name in ("created_at", "created_by", "updated_at", "updated_by")},
            )
            plan.tasks = [
                Task(**fields, targets=[Target(**target) for target in targets])
                for fields, targets in map(_task_fields, item.get("tasks", []))
            ]
            session.add(plan)
            session.flush()
            audit(session, "insert", "plan", plan.id, None, {"title": plan.title, "package": self.name})
            self.result.plans_added += 1
            return
        if _stamp(item, "updated_at") <= local.updated_at:
            return
        local.title, local.doc_no = _text(item, "title"), item.get("doc_no")
        local.updated_at, local.updated_by = _stamp(item, "updated_at"), _stamp(item, "updated_by")
        tasks = {task.id: task for task in local.tasks}
        for task_item in item.get("tasks", []):
            fields, targets = _task_fields(task_item)
            task = tasks.get(fields["id"])
            if task is None:
                local.tasks.append(Task(**fields, targets=[Target(**target) for target in targets]))
                continue
            for name, value in fields.items():
                setattr(task, name, value)
            existing = {target.id: target for target in task.targets}
            kept = []
            for values in targets:
                target = existing.get(values["id"]) or Target()
                for name, value in values.items():
                    setattr(target, name, value)
                kept.append(target)
            task.targets = kept
        session.flush()
        audit(session, "update", "plan", local.id, None, {"package": self.name})
        self.result.plans_updated += 1

    def _link(self, session: Session, pair: Any) -> None:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise _bad("links", str(pair), "关联数据有误")
        record_id = _uuid({"id": pair[0]}, "id")
        task_id = _uuid({"id": pair[1]}, "id")
        task_id = self.task_map.get(task_id, task_id)
        if session.get(Record, record_id) is None or session.get(Task, task_id) is None:
            return
        if session.get(RecordTask, (record_id, task_id)) is None:
            session.add(RecordTask(record_id=record_id, task_id=task_id))
            self.result.links_added += 1


def _task_fields(item: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A task's columns and its targets' columns as the package gives them."""
    try:
        targets = [
            {
                "id": _uuid(target, "id"),
                "position": int(target["position"]),
                "measure": _text(target, "measure"),
                "params": _text(target, "params"),
                "threshold": Decimal(_text(target, "threshold")),
                "source": str(target.get("source") or ""),
            }
            for target in item.get("targets", [])
        ]
        fields = {
            "id": _uuid(item, "id"),
            "position": int(item["position"]),
            "seq": str(item.get("seq") or ""),
            "area": str(item.get("area") or ""),
            "item": _text(item, "item"),
            "target_text": str(item.get("target_text") or ""),
            "deadline": date.fromisoformat(item["deadline"]) if item.get("deadline") else None,
            "deadline_text": str(item.get("deadline_text") or ""),
            "responsible_units": str(item.get("responsible_units") or "[]"),
            "assisting_units": str(item.get("assisting_units") or "[]"),
            "remarks": str(item.get("remarks") or ""),
        }
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise _bad("task", str(item.get("item", ""))[:30], f"计划任务的数据有误：{error}") from None
    return fields, targets


def _bad(name: str, value: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(name, name, value, message)])


def _text(item: Any, key: str) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    if not isinstance(value, str) or not value:
        raise _bad(key, str(value), "缺少或不是文字")
    return value


def _uuid(item: Any, key: str) -> uuid.UUID:
    try:
        return uuid.UUID(_text(item, key))
    except ValueError:
        raise _bad(key, str(item.get(key)), "不是有效的编号") from None


def _datetime(text: Any) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        raise _bad("time", str(text), "不是有效的时间") from None
    if value.tzinfo is None:
        raise _bad("time", str(text), "时间缺少时区")
    return value


def _stamp(item: Mapping[str, Any], name: str) -> Any:
    if name.endswith("_at"):
        return _datetime(item.get(name)) or utc_now()
    return str(item.get(name) or "")


def describe_value(value: Any) -> str:
    if value is None or value == []:
        return "（空）"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)
