"""Merging an exchange package into the ledger: checked whole, then written in one transaction.

Merging refuses a package whole when any member is missing, altered or outside its folder, or any value fails
the checks (`ledger.exchange.checks`), then writes in one transaction. Records are matched by id. The incoming
record replaces ours when our state is one of its past states (`ledger.exchange.revisions`); it is ignored when
its state is one of ours; otherwise both sides changed it — a conflict. By default the newer change wins and
the losing version is written to the audit log; `conflicts="leave"` reports it and changes nothing. Both sides
of a conflict choose the same winner (time, then revision), so two ledgers merged both ways end equal, and
merging the same package twice changes nothing.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.assessment.frameworks import FrameworkError, store_frameworks, stored_frameworks
from ledger.audit_entries import audit
from ledger.errors import InvalidInput, LedgerError
from ledger.evidence import put_attachment
from ledger.evidence_store import put_stored_file, reconcile_store
from ledger.exchange.checks import MOST_LISTED, package_problems
from ledger.exchange.merge_report import Conflict, MergeReport
from ledger.exchange.pack import DATA, PACK_FORMAT
from ledger.exchange.package_items import bad_value, datetime_of, stamp_of, task_fields, text_of, uuid_of
from ledger.exchange.revisions import known_revisions, or_none, revision, values_and_revision
from ledger.jobs import Job
from ledger.kinds import KINDS
from ledger.models import Attachment, EvidenceFile, Plan, Record, Task
from ledger.plans.store import put_link, put_plan
from ledger.records import add_pairing, find_pairing, pairing_counties, put_record, set_pairing_counties
from ledger.storage import backup
from ledger.storage.backup import BadBackup
from ledger.storage.folder import Ledger

CONFLICT_RULES = {"newer": "较新的修改为准", "leave": "留待人工处理"}


class BadPackage(LedgerError):
    """A package that cannot be merged as it is; nothing was changed."""


def merge_package(
    ledger: Ledger,
    path: Path,
    *,
    dry_run: bool = False,
    conflicts: str = "newer",
    job: Job | None = None,
) -> MergeReport:
    """Merges a package into the ledger in one transaction (or only reports what would change)."""
    if conflicts not in CONFLICT_RULES:
        raise ValueError(conflicts)
    job = job or Job()
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="merge-", dir=ledger.cache_dir) as work:
        try:
            manifest, unpacked = backup.unpack_verified(
                path, Path(work), PACK_FORMAT, "交换包", DATA, job=job.part(0.0, 0.4)
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
                merge.run(session, job.part(0.4, 1.0))
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

    def run(self, session: Session, job: Job) -> None:
        for item in self.data["pairings"]:
            pairing = find_pairing(session, text_of(item, "name"))
            if pairing is None:
                pairing = add_pairing(session, text_of(item, "east"), text_of(item, "west"))
            # The other side's counties join ours, so that its records naming them are taken; none is dropped.
            ours = pairing_counties(pairing)
            wanted = ours + [name for name in _counties(item) if name not in ours]
            if wanted != ours:
                set_pairing_counties(session, pairing, "、".join(wanted))
        items = self.data["records"]
        history = known_revisions(session, (uuid_of(item, "id") for item in items))
        for number, item in enumerate(items, start=1):
            self._record(session, item, history)
            if number % 200 == 0:
                job.report(0.8 * number / len(items), f"记录 {number}/{len(items)}")
        job.report(0.8, "佐证材料")
        for item in self.data["attachments"]:
            self._attachment(session, item)
        job.report(0.9, "计划")
        for item in self.data["plans"]:
            self._plan(session, item)
        for pair in self.data["links"]:
            self._link(session, pair)
        self._frameworks(session)
        session.flush()

    # Records

    def _record(self, session: Session, item: Any, history: dict[uuid.UUID, set[str]]) -> None:
        record_id, kind = uuid_of(item, "id"), text_of(item, "kind")
        if kind not in KINDS:
            raise bad_value("kind", kind, "不认识的记录种类")
        spec = KINDS[kind]
        values = item.get("values")
        if not isinstance(values, dict):
            raise bad_value("values", "", "缺少字段值")
        theirs_history = {str(rev) for rev in item.get("history", [])}
        theirs = revision(spec, values, item.get("deleted_at") is not None)
        theirs_history.add(theirs)
        local = session.get(Record, record_id)
        if local is None:
            self._put(session, kind, record_id, values, item, theirs_history)
            self.result.added.append(str(values.get("title")))
            return
        ours_values, ours = values_and_revision(local)
        ours_known = history.get(record_id, set()) | {ours}
        if ours == theirs or theirs in ours_known:
            self.result.unchanged += 1
            return
        if ours in theirs_history:
            self._put(session, kind, record_id, values, item, theirs_history)
            self.result.updated.append(str(values.get("title")))
            return
        # Both sides changed it since they last agreed.
        their_time = datetime_of(item.get("deleted_at") or item.get("updated_at"))
        our_time = max(filter(None, [local.updated_at, local.deleted_at]))
        theirs_newer = (their_time, theirs) > (our_time, ours)
        kept = None if self.rule == "leave" else ("theirs" if theirs_newer else "ours")
        fields = {
            field.label: (ours_values.get(field.name), values.get(field.name))
            for field in spec.fields
            if or_none(ours_values.get(field.name)) != or_none(values.get(field.name))
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
                typed[field_spec.name] = field_spec.values.from_json(values.get(field_spec.name))
            except ValueError as error:
                raise bad_value(field_spec.label, str(values.get(field_spec.name)), str(error)) from None
        stamps = {name: stamp_of(item, name) for name in ("created_at", "created_by", "updated_at", "updated_by")}
        stamps |= {"deleted_at": datetime_of(item.get("deleted_at")), "deleted_by": item.get("deleted_by")}
        record = session.get(Record, record_id)
        if record is not None:
            stamps.pop("created_at"), stamps.pop("created_by")
        put_record(session, kind, record_id, typed, stamps)
        audit(session, "merge", "record", record_id, kind, {"package": self.name, "revisions": sorted(theirs_history)})

    # Evidence

    def _attachment(self, session: Session, item: Any) -> None:
        attachment_id, record_id = uuid_of(item, "id"), uuid_of(item, "record_id")
        sha256 = text_of(item, "sha256")
        local = session.get(Attachment, attachment_id)
        wanted = {
            "original_name": text_of(item, "original_name"),
            "role": text_of(item, "role"),
            "caption": item.get("caption"),
            "position": int(item.get("position") or 0),
            "deleted_at": datetime_of(item.get("deleted_at")),
            "deleted_by": item.get("deleted_by"),
            "updated_at": stamp_of(item, "updated_at"),
            "updated_by": stamp_of(item, "updated_by"),
        }
        if local is None:
            if session.get(Record, record_id) is None:
                raise bad_value("record_id", str(record_id), "佐证材料所属的记录不在交换包中，也不在本台账中")
            self._evidence_file(session, sha256, item.get("file") or {})
            row = {"record_id": record_id, "sha256": sha256, "created_at": stamp_of(item, "created_at")}
            row |= {"created_by": stamp_of(item, "created_by"), **wanted}
            put_attachment(session, attachment_id, row, self.name)
            self.result.attachments_added += 1
            return
        if local.sha256 != sha256 or local.record_id != record_id:
            raise bad_value("attachment", str(attachment_id), "同一编号的佐证材料内容不同")
        # Theirs is put in place when what is shown of it differs from ours and it was changed later.
        ours_at = max(filter(None, [local.updated_at, local.deleted_at]))
        theirs_at = max(filter(None, [wanted["updated_at"], wanted["deleted_at"]]))
        if theirs_at > ours_at and put_attachment(session, attachment_id, wanted, self.name):
            self.result.attachments_updated += 1

    def _evidence_file(self, session: Session, sha256: str, meta: Mapping[str, Any]) -> None:
        if session.get(EvidenceFile, sha256) is not None:
            return
        source = self.files.get(f"{sha256}{meta.get('ext') or ''}")
        if source is None:
            raise bad_value("file", sha256, "交换包中缺少这份佐证材料的文件")
        put_stored_file(session, None if self.dry_run else self.ledger.evidence_dir, source, sha256, meta)
        self.result.files_added += 1

    # Plans

    def _plan(self, session: Session, item: Any) -> None:
        plan_id = uuid_of(item, "id")
        local = session.get(Plan, plan_id)
        pairing = find_pairing(session, text_of(item, "pairing"))
        if pairing is None:
            raise bad_value("pairing", text_of(item, "pairing"), "交换包没有带上这个结对关系")
        if local is None:
            # The same plan imported on two laptops: one plan, its tasks matched by number and wording.
            same = session.scalar(
                select(Plan).where(
                    Plan.pairing_id == pairing.id, Plan.year == int(item["year"]), Plan.title == text_of(item, "title")
                )
            )
            if same is not None:
                ours = {(task.seq, task.item): task.id for task in same.tasks}
                for task in item.get("tasks", []):
                    if (task.get("seq"), task.get("item")) in ours:
                        self.task_map[uuid_of(task, "id")] = ours[(task.get("seq"), task.get("item"))]
                return
            values = {
                "pairing": pairing,
                "year": int(item["year"]),
                "title": text_of(item, "title"),
                "doc_no": item.get("doc_no"),
                "source_name": item.get("source_name"),
                **{name: stamp_of(item, name) for name in ("created_at", "created_by", "updated_at", "updated_by")},
            }
            tasks = [task_fields(task) for task in item.get("tasks", [])]
            put_plan(session, plan_id, values, tasks, package=self.name)
            self.result.plans_added += 1
            return
        if stamp_of(item, "updated_at") <= local.updated_at:
            return
        values = {"title": text_of(item, "title"), "doc_no": item.get("doc_no")}
        values |= {"updated_at": stamp_of(item, "updated_at"), "updated_by": stamp_of(item, "updated_by")}
        tasks = [task_fields(task) for task in item.get("tasks", [])]
        put_plan(session, plan_id, values, tasks, package=self.name)
        self.result.plans_updated += 1

    # Frameworks

    def _frameworks(self, session: Session) -> None:
        """The package's frameworks that ours lack or that changed there later, as plans are taken; checked
        together with what the ledger keeps, and refused whole when one cannot be used."""
        items = self.data.get("frameworks", [])  # none in a package of an earlier version
        if not isinstance(items, list):
            raise bad_value("frameworks", str(items)[:30], "考核指标体系的数据有误")
        ours = stored_frameworks(session)
        taken = {}
        for item in items:
            name, data = text_of(item, "name"), item.get("framework")
            kept, changed_at = ours.get(name), datetime_of(item.get("changed_at"))
            if kept is not None and (
                kept.data == data or changed_at is None or (kept.changed_at and changed_at <= kept.changed_at)
            ):
                continue
            taken[name] = (data, f"交换包“{self.name}”中的考核指标体系“{name}”")
        try:
            stored = store_frameworks(session, taken, package=self.name)
        except FrameworkError as error:
            raise BadPackage(f"交换包“{self.name}”中的考核指标体系有误，未作任何更改：\n{error}") from None
        self.result.frameworks += [framework.name for framework, done in stored if done != "same"]

    def _link(self, session: Session, pair: Any) -> None:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise bad_value("links", str(pair), "关联数据有误")
        record_id = uuid_of({"id": pair[0]}, "id")
        task_id = uuid_of({"id": pair[1]}, "id")
        task_id = self.task_map.get(task_id, task_id)
        if session.get(Record, record_id) is None or session.get(Task, task_id) is None:
            return
        if put_link(session, record_id, task_id):
            self.result.links_added += 1


def _counties(item: Mapping[str, Any]) -> list[str]:
    """The receiving counties a package's pairing lists; none from a package made before pairings listed them."""
    try:
        listed = json.loads(item.get("counties") or "[]")
    except (TypeError, ValueError):
        raise BadPackage(f"交换包中结对关系“{item.get('name')}”的受援县数据有误，未作任何更改。") from None
    if not isinstance(listed, list) or not all(isinstance(name, str) for name in listed):
        raise BadPackage(f"交换包中结对关系“{item.get('name')}”的受援县数据有误，未作任何更改。")
    return listed
