"""The audit log told in words: who changed what, when, on which record; searched by words.

Shared by the window's 修改记录 and `ledger history --search`. A ledger may hold a hundred thousand entries,
so the log is read a page at a time and the search is a query: each word must appear in the author, the
record's 事项 or the change itself, or name an action, a kind or a field label the entry has.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from ledger.kinds import KINDS
from ledger.models import Attachment, AuditEntry, Person, Plan, Record, Task
from ledger.settings import SETTINGS

ACTIONS = {
    "insert": "新增",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "attach": "添加佐证材料",
    "detach": "移除佐证材料",
    "merge": "合并",
    "conflict": "合并冲突",
    "roster": "导入名册",
}
TARGETS = {
    "pairing": "结对关系",
    "unit": "单位",
    "person": "人员",
    "plan": "年度计划",
    "task": "计划任务",
    "attachment": "佐证材料",
    "setting": "台账设置",
}
#: Names in the changes of what is not a record field: attachments, plans, pairings, merges.
NAMES = {
    "name": "名称",
    "title": "标题",
    "year": "年度",
    "pairing": "结对关系",
    "source": "来源文件",
    "tasks": "任务数",
    "targets": "指标数",
    "package": "交换包",
    "file": "文件",
    "role": "类别",
    "caption": "说明",
    "original_name": "文件名",
    "position": "顺序",
    "deleted_at": "移除时间",
    # A person of the directory (`ledger.persons`).
    "gender": "性别",
    "id_number": "身份证号",
    "phone": "联系电话",
    "unit": "单位",
    "poverty_status": "脱贫户/监测对象",
    # A pairing's receiving counties, and a roster imported (`ledger.rosters`).
    "counties": "受援县",
    "people": "人数",
    "added": "新增",
    "updated": "更新",
    "removed": "移除",
}
#: Bookkeeping in the changes, not for people.
_HIDDEN = {"record", "sha256", "revisions", "id"}
_LONGEST = 60  # characters of one value in a summary; the tooltip has it whole


def _label(kind: str | None, name: str) -> str:
    spec = KINDS.get(kind or "")
    if spec is not None and name in spec.by_name:
        return spec.by_name[name].label
    return NAMES.get(name, name)


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        text = "（空）"
    elif isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, list):
        text = "、".join(map(str, value))
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…"


def _field_value(kind: str | None, name: str, value: Any) -> str:
    """A field's value as its type says it (money as the window shows it), else as any value is said."""
    spec = KINDS.get(kind or "")
    logged = spec.by_name[name].values.logged(value) if spec is not None and name in spec.by_name else None
    return _value(value) if logged is None else logged


def _pairs(kind: str | None, changes: dict[str, Any], *, old_and_new: bool) -> str:
    parts = []
    for name, value in changes.items():
        if name in _HIDDEN:
            continue
        shown = partial(_field_value, kind, name)
        if old_and_new and isinstance(value, list) and len(value) == 2:
            parts.append(f"{_label(kind, name)}：{shown(value[0])} → {shown(value[1])}")
        else:
            parts.append(f"{_label(kind, name)}：{shown(value)}")
    return "；".join(parts)


def summary(action: str, target: str, kind: str | None, changes: Any) -> str:
    """One entry's changes in words: 地点：甲地 → 乙地；…"""
    if not isinstance(changes, dict):
        return _value(changes)
    package = changes.get("package")
    if action == "delete" and target == "record":
        return "移入回收站"
    if action == "restore":
        return "从回收站恢复"
    if action == "delete" and target == "plan":
        return f"删除计划“{changes.get('title', '')}”（{len(changes.get('tasks') or [])} 项任务）"
    if action == "merge":
        return f"来自交换包“{package}”"
    if action == "conflict":
        lost = changes.get("lost") or {}
        values = lost.get("values") if isinstance(lost, dict) else None
        text = f"交换包“{package}”与本机都改过，以{changes.get('kept', '')}的为准"
        if isinstance(values, dict):
            shown = {name: value for name, value in values.items() if value not in (None, "", [])}
            text += f"；未采用 {changes.get('lost_by') or '未署名'} 的版本：{_pairs(kind, shown, old_and_new=False)}"
        return text
    if target == "setting":  # key → [old, new], named as `ledger config` names it
        return "；".join(
            f"{SETTINGS[key].name if key in SETTINGS else key}：{_value(pair[0])} → {_value(pair[1])}"
            for key, pair in changes.items()
            if isinstance(pair, list) and len(pair) == 2
        )
    if "linked" in changes:
        before, after = changes["linked"]
        return f"关联记录 {len(after)} 条" if after else f"取消关联 {len(before or [])} 条"
    return _pairs(kind, changes, old_and_new=action == "update")


@dataclass(frozen=True)
class LogLine:
    at: datetime
    author: str
    action: str  # in words: 新增, 修改, 合并冲突 …
    what: str  # 会议与互访“…”, 年度计划“…”
    summary: str
    record: tuple[str, uuid.UUID] | None  # (kind, id) of the record it concerns, where that still exists


def read_log(session: Session, words: list[str], *, offset: int = 0, limit: int = 2000) -> list[LogLine]:
    """A page of entries, newest first, from `offset` on, each containing every one of `words`."""
    attachment = aliased(Attachment)
    record = Record.__table__  # the shared table alone: no kind's own table is needed
    record_id = func.coalesce(attachment.record_id, AuditEntry.target_id)
    query = (
        select(
            AuditEntry.at,
            AuditEntry.author,
            AuditEntry.action,
            AuditEntry.target,
            AuditEntry.target_id,
            AuditEntry.record_kind,
            AuditEntry.changes,
            record.c.id,
            record.c.kind,
            record.c.title,
            record.c.deleted_at,
        )
        .outerjoin(attachment, and_(AuditEntry.target == "attachment", attachment.id == AuditEntry.target_id))
        .outerjoin(record, and_(AuditEntry.target.in_(("record", "attachment")), record.c.id == record_id))
        .where(*(_matching(word, record.c.title) for word in words))
        .order_by(AuditEntry.at.desc(), AuditEntry.id)
        .offset(offset)
        .limit(limit)
    )
    found = session.execute(query).all()
    names = _names(session, found)
    lines = []
    for at, author, action, target, target_id, entry_kind, text, record_id, kind, title, deleted_at in found:
        kind = kind or entry_kind
        try:
            changes = json.loads(text)
        except ValueError:
            changes = text
        if record_id is not None:
            what = f"{KINDS[kind].label}“{title}”" if kind in KINDS else title
            if deleted_at is not None:
                what += "（在回收站）"
        elif kind in KINDS:
            what = f"{KINDS[kind].label}（记录已不存在）"
        else:
            what = TARGETS.get(target, target)
            named = changes.get("title") or changes.get("name") if isinstance(changes, dict) else None
            if names.get(target_id) or named:
                what += f"“{names.get(target_id) or named}”"
        lines.append(
            LogLine(
                at,
                author,
                ACTIONS.get(action, action),
                what,
                summary(action, target, kind, changes),
                (kind, record_id) if record_id is not None and kind in KINDS else None,
            )
        )
    return lines


def _matching(word: str, title):
    """Where `word` appears: author, 事项, the changes' text; or the action, kind or a field it names."""
    options = [
        AuditEntry.author.contains(word, autoescape=True),
        title.contains(word, autoescape=True),
        AuditEntry.changes.contains(word, autoescape=True),
    ]
    actions = [action for action, text in ACTIONS.items() if word in text]
    if actions:
        options.append(AuditEntry.action.in_(actions))
    kinds = [kind for kind, spec in KINDS.items() if word in spec.label]
    if kinds:
        options.append(AuditEntry.record_kind.in_(kinds))
    fields = {field.name for spec in KINDS.values() for field in spec.fields if word in field.label}
    fields |= {name for name, label in NAMES.items() if word in label}
    options += [AuditEntry.changes.contains(f'"{name}"', autoescape=True) for name in sorted(fields)]
    return or_(*options)


def _names(session: Session, found) -> dict[uuid.UUID, str]:
    """The titles of the plans, the items of the tasks and the names of the persons among the entries read."""
    wanted = {row.target_id for row in found if row.target in ("plan", "task", "person")}
    if not wanted:
        return {}
    names = dict(session.execute(select(Plan.id, Plan.title).where(Plan.id.in_(wanted))).all())
    names.update(session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted))).all())
    for task_id, seq, item in session.execute(select(Task.id, Task.seq, Task.item).where(Task.id.in_(wanted))):
        names[task_id] = f"{seq} {item}".strip()
    return names
