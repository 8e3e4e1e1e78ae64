"""What a package brings, checked whole before a merge writes anything: the same checks as every other way in.

A package is made by another ledger, but it is a file a person carries, and its data can be edited (with the
manifest's hashes worked out again). So every value it brings passes the checks the form, the command line
and a workbook pass (`ledger.values.text_problem` for words, the kinds' field specs for records, known roles,
known measures with their parameters), its evidence files pass what `attach` would refuse, and nothing lands
on a record that is archived. A value that slipped through would break every later output: a control
character stops the Excel export, an unknown measure the progress report, a broken picture the binder.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.evidence import caption_problem, stored_file_refusal
from ledger.fields import Problem
from ledger.kinds import KINDS
from ledger.kinds.common import ARCHIVED
from ledger.limits import Limits
from ledger.models import EVIDENCE_ROLES, Attachment, EvidenceFile, Record
from ledger.plans.plan_checks import plan_problems, stored_target_problems
from ledger.validation import check_values, complete
from ledger.values import NAME_LENGTH, quoted, text_problem

#: How many problems a refusal lists; a package spoilt throughout would otherwise print thousands.
MOST_LISTED = 20
_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXTENSION = re.compile(r"(\.[a-z0-9]{1,10})?")
_REVISION = re.compile(r"[0-9a-f]{1,64}")
_AUTHORS = ("created_by", "updated_by", "deleted_by")


def package_problems(session: Session, data: Mapping[str, Any], files: Mapping[str, Path]) -> list[Problem]:
    """Every value of a package's `data` that cannot be merged, each named with where it is; `files` are the
    package's evidence files by member name (sha256 and extension). Reads the ledger, writes nothing. The
    metadata of each evidence file new to the ledger is replaced in `data` by what probing the file found."""
    problems: list[Problem] = []
    for number, item in enumerate(data.get("pairings", []), start=1):
        problems += _pairing(number, item)
    packed: dict[uuid.UUID, tuple[bool, datetime | None]] = {}
    for number, item in enumerate(data.get("records", []), start=1):
        problems += _record(number, item, packed)
    limits = Limits.of(session)
    probed: dict[str, str | None] = {}
    for number, item in enumerate(data.get("attachments", []), start=1):
        problems += _attachment(session, number, item, packed, files, limits, probed)
    for number, item in enumerate(data.get("plans", []), start=1):
        problems += _plan(number, item)
    return problems


def _where(label: str, problems: list[Problem]) -> list[Problem]:
    return [Problem(p.field, f"{label}{p.label}", p.value, p.message) for p in problems]


def _words(item: Mapping[str, Any], names: Mapping[str, tuple[str, int]], *, lines: bool = False) -> list[Problem]:
    """Problems of the text values `names` of `item` (label, most characters); absent or null values pass."""
    found = []
    for name, (label, most) in names.items():
        value = item.get(name)
        if value is not None and (problem := text_problem(value, most, lines=lines)):
            found.append(Problem(name, label, value if isinstance(value, str) else repr(value), problem))
    return found


def _authors(item: Mapping[str, Any]) -> list[Problem]:
    return _words(item, dict.fromkeys(_AUTHORS, ("经手人", NAME_LENGTH)))


def _pairing(number: int, item: Any) -> list[Problem]:
    if not isinstance(item, dict):
        return [Problem("pairings", f"第{number}个结对关系", quoted(repr(item)), "数据有误")]
    names = {
        "name": ("名称", 2 * NAME_LENGTH + 1),
        "east": ("东部地名", NAME_LENGTH),
        "west": ("西部地名", NAME_LENGTH),
    }
    return _where(f"第{number}个结对关系的", _words(item, names))


def _record(number: int, item: Any, packed: dict[uuid.UUID, tuple[bool, datetime | None]]) -> list[Problem]:
    if not isinstance(item, dict) or not isinstance(item.get("values"), dict):
        return [Problem("records", f"第{number}条记录", quoted(repr(item)), "数据有误")]
    kind, values = item.get("kind"), item["values"]
    title = values.get("title")
    where = f"第{number}条记录（{quoted(title, 20)}）的" if isinstance(title, str) and title else f"第{number}条记录的"
    if kind not in KINDS:
        return [Problem("kind", f"{where}种类", str(kind), "不认识的记录种类")]
    spec = KINDS[kind]
    problems, typed = [], {}
    for field in spec.editable_fields:
        try:
            typed[field.name] = field.values.normalize(field.values.from_json(values.get(field.name)))
        except ValueError as error:
            problems.append(Problem(field.name, field.label, quoted(repr(values.get(field.name))), str(error)))
    if not problems:
        problems += check_values(spec, complete(spec, typed))
    problems += _authors(item)
    history = item.get("history", [])
    if not isinstance(history, list) or not all(isinstance(r, str) and _REVISION.fullmatch(r) for r in history):
        problems.append(Problem("history", "版本记录", quoted(repr(history)), "数据有误"))
    try:
        record_id = uuid.UUID(str(item.get("id")))
    except ValueError:
        problems.append(Problem("id", "编号", str(item.get("id")), "不是有效的编号"))
    else:
        packed[record_id] = (values.get("record_status") == ARCHIVED, _time(item.get("updated_at")))
    return _where(where, problems)


def _attachment(
    session: Session,
    number: int,
    item: Any,
    packed: Mapping[uuid.UUID, tuple[bool, datetime | None]],
    files: Mapping[str, Path],
    limits: Limits,
    probed: dict[str, str | None],
) -> list[Problem]:
    if not isinstance(item, dict):
        return [Problem("attachments", f"第{number}份佐证材料", quoted(repr(item)), "数据有误")]
    name = item.get("original_name")
    where = f"第{number}份佐证材料（{quoted(name, 30)}）的" if isinstance(name, str) else f"第{number}份佐证材料的"
    problems = _words(item, {"original_name": ("文件名", NAME_LENGTH)}) + _authors(item)
    if item.get("role") not in EVIDENCE_ROLES:
        problems.append(Problem("role", "材料类型", str(item.get("role")), f"只能是：{'、'.join(EVIDENCE_ROLES)}"))
    if caption := caption_problem(item.get("caption")):
        problems.append(caption)
    try:
        attachment_id, record_id = uuid.UUID(str(item.get("id"))), uuid.UUID(str(item.get("record_id")))
    except ValueError:
        return _where(where, [*problems, Problem("id", "编号", str(item.get("id")), "不是有效的编号")])
    problems += _archived(session, attachment_id, record_id, item, packed)
    sha256, meta = item.get("sha256"), item.get("file")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        problems.append(Problem("sha256", "内容摘要", str(sha256), "数据有误"))
    elif (
        not isinstance(meta, dict)
        or not isinstance(meta.get("ext", ""), str)
        or not _EXTENSION.fullmatch(meta.get("ext") or "")
    ):
        problems.append(Problem("file", "文件信息", quoted(repr(meta)), "数据有误"))
    elif session.get(EvidenceFile, sha256) is None and f"{sha256}{meta.get('ext') or ''}" in files:
        if sha256 not in probed:
            path = files[f"{sha256}{meta.get('ext') or ''}"]
            refusal, info = stored_file_refusal(path, name if isinstance(name, str) else path.name, limits)
            probed[sha256] = refusal
            if info is not None and refusal is None:
                # What the file is, as probed here, not as the package says: the binder trusts it.
                meta.update(
                    mime=info.mime,
                    width=info.width,
                    height=info.height,
                    orientation=info.orientation,
                    taken_at=info.taken_at.isoformat() if info.taken_at else None,
                    page_count=info.page_count,
                )
        if probed[sha256]:
            problems.append(Problem("file", "文件", name if isinstance(name, str) else sha256, probed[sha256]))
    return _where(where, problems)


def _archived(
    session: Session,
    attachment_id: uuid.UUID,
    record_id: uuid.UUID,
    item: Mapping[str, Any],
    packed: Mapping[uuid.UUID, tuple[bool, datetime | None]],
) -> list[Problem]:
    """Evidence added to, changed on or removed from a record after it was archived: `attach`, `update_attachment`
    and `detach` refuse that, and so does a merge. An archived record carries the evidence it had when archived."""
    refused = [Problem("record_id", "所属记录", str(record_id), "记录已归档，不能添加、修改或移除佐证材料")]
    if record_id in packed:
        archived, archived_at = packed[record_id]
        if not archived or archived_at is None:
            return []
        changed = [_time(item.get(name)) for name in ("created_at", "updated_at", "deleted_at")]
        try:
            later = any(at is not None and at > archived_at for at in changed)
        except TypeError:  # a time without its zone: the merge refuses it
            later = False
        return refused if later else []
    local = session.get(Record, record_id)
    if local is not None and local.record_status == ARCHIVED:
        present = session.scalar(select(Attachment.id).where(Attachment.id == attachment_id))
        return [] if present is not None else refused
    return []


def _plan(number: int, item: Any) -> list[Problem]:
    if not isinstance(item, dict) or not isinstance(item.get("tasks", []), list):
        return [Problem("plans", f"第{number}个计划", quoted(repr(item)), "数据有误")]
    title = item.get("title")
    where = f"第{number}个计划（{quoted(title, 20)}）的" if isinstance(title, str) else f"第{number}个计划的"
    tasks, problems = [], _authors(item)
    if isinstance(item.get("year"), bool) or not isinstance(item.get("year"), int) or not 1990 <= item["year"] <= 2100:
        problems.append(Problem("year", "年度", str(item.get("year")), "年度应在 1990—2100 之间"))
    for task_number, task in enumerate(item.get("tasks", []), start=1):
        if not isinstance(task, dict):
            problems.append(Problem("tasks", f"第{task_number}项任务", quoted(repr(task)), "数据有误"))
            continue
        units = {}
        for name in ("responsible_units", "assisting_units"):
            try:
                units[name] = json.loads(task.get(name) or "[]")
            except (TypeError, ValueError):
                units[name] = task.get(name)
        tasks.append({**task, **units})
        for target in task.get("targets", []) if isinstance(task.get("targets", []), list) else [None]:
            if not isinstance(target, dict):
                problems.append(Problem("targets", f"第{task_number}项任务的指标", quoted(repr(target)), "数据有误"))
                continue
            found = stored_target_problems(
                target.get("measure"), target.get("params"), target.get("threshold"), target.get("basis") or ""
            )
            problems += _where(f"第{task_number}项任务的", found)
            problems += _where(f"第{task_number}项任务的指标", _words(target, {"source": ("原文", 2000)}))
    problems += plan_problems(item, tasks)
    return _where(where, problems)


def _time(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
