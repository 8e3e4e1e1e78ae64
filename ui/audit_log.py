"""修改记录: the audit log, newest first, each change told in words — who, when, what, on which record.

A ledger may hold a hundred thousand entries, so the model reads a page at a time as the table scrolls down, and
the filter is a query: each word must appear in the author, the record's 事项 or the change itself, or name an
action, a kind or a field label the entry has. The summaries are made for the rows read, from the changes' JSON.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ledger.kinds import KINDS
from ledger.models import Attachment, AuditEntry, Plan, Record, Task
from ui.context import LedgerContext

PAGE = 2000
ACTIONS = {
    "insert": "新增",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "attach": "添加佐证材料",
    "detach": "移除佐证材料",
    "merge": "合并",
    "conflict": "合并冲突",
}
TARGETS = {"pairing": "结对关系", "unit": "单位", "plan": "年度计划", "task": "计划任务", "attachment": "佐证材料"}
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
}
#: Bookkeeping in the changes, not for people.
_HIDDEN = {"record", "sha256", "revisions", "id"}
_ROOT = QModelIndex()
COLUMNS = ("时间", "修改人", "操作", "对象", "内容")
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


def _pairs(kind: str | None, changes: dict[str, Any], *, old_and_new: bool) -> str:
    parts = []
    for name, value in changes.items():
        if name in _HIDDEN:
            continue
        if old_and_new and isinstance(value, list) and len(value) == 2:
            parts.append(f"{_label(kind, name)}：{_value(value[0])} → {_value(value[1])}")
        else:
            parts.append(f"{_label(kind, name)}：{_value(value)}")
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
    if "linked" in changes:
        before, after = changes["linked"]
        return f"关联记录 {len(after)} 条" if after else f"取消关联 {len(before or [])} 条"
    return _pairs(kind, changes, old_and_new=action == "update")


class AuditModel(QAbstractTableModel):
    """The entries found, newest first: display texts, and for each the record it concerns (to open it)."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.words: list[str] = []
        self.rows: list[tuple[str, ...]] = []
        self.records: list[tuple[str, uuid.UUID] | None] = []  # (kind, id) of the record, where it exists
        self._more = False

    def set_words(self, text: str) -> None:
        self.words = text.split()
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows, self.records = self._read(offset=0)
        self.endResetModel()

    def has_more(self) -> bool:
        return self._more

    # Qt asks for more when the view is scrolled to the bottom.
    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> None:
        if parent.isValid() or not self._more:
            return
        rows, found = self._read(offset=len(self.rows))
        if rows:
            self.beginInsertRows(_ROOT, len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows += rows
            self.records += found
            self.endInsertRows()

    def _read(self, offset: int) -> tuple[list[tuple[str, ...]], list[tuple[str, uuid.UUID] | None]]:
        """A page of entries from `offset` on: their cells, and the record each concerns."""
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
            .where(*(self._matching(word, record.c.title) for word in self.words))
            .order_by(AuditEntry.at.desc(), AuditEntry.id)
            .offset(offset)
            .limit(PAGE)
        )
        with self.context.session() as session:
            found = session.execute(query).all()
            names = self._names(session, found)
        self._more = len(found) == PAGE
        rows, records = [], []
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
            rows.append((_when(at), author, ACTIONS.get(action, action), what, summary(action, target, kind, changes)))
            records.append((kind, record_id) if record_id is not None and kind in KINDS else None)
        return rows, records

    @staticmethod
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

    @staticmethod
    def _names(session, found) -> dict[uuid.UUID, str]:
        """The titles of the plans and the items of the tasks among the entries read."""
        wanted = {row.target_id for row in found if row.target in ("plan", "task")}
        if not wanted:
            return {}
        names = dict(session.execute(select(Plan.id, Plan.title).where(Plan.id.in_(wanted))).all())
        for task_id, seq, item in session.execute(select(Task.id, Task.seq, Task.item).where(Task.id.in_(wanted))):
            names[task_id] = f"{seq} {item}".strip()
        return names

    # Qt's side

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() >= 3:  # 对象 and 内容 are often wider
            return self.rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None


def _when(at: datetime) -> str:
    return f"{at.astimezone():%Y-%m-%d %H:%M:%S}"


class AuditLog(QWidget):
    """The view: a filter box, what was found, and the table; double-click opens the entry's record."""

    #: The user asked for an entry's record: (kind, record id).
    open_record = Signal(str, object)

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.model = AuditModel(context, self)
        self.filter = QLineEdit(placeholderText=self.tr("筛选：修改人、事项或修改内容，空格分开多个词"))
        self.filter.setClearButtonEnabled(True)
        # A query per keystroke would be wasted on a large ledger: it runs once typing pauses.
        self._typing = QTimer(self, singleShot=True, interval=300)
        self._typing.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(self._typing.start)
        self.count = QLabel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(True)
        em = self.fontMetrics().horizontalAdvance("中")
        self.table.setColumnWidth(0, self.fontMetrics().horizontalAdvance("2020-12-20 09:30:00") + em * 2)
        for column, width in enumerate((6, 7, 24), start=1):
            self.table.setColumnWidth(column, em * width)
        self.table.doubleClicked.connect(self._open)
        self.model.rowsInserted.connect(self._update_count)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)

    def reload(self) -> None:
        self.model.set_words(self.filter.text())
        self._update_count()

    @Slot()
    def apply_filter(self) -> None:
        self._typing.stop()
        self.reload()

    @Slot()
    def _update_count(self) -> None:
        found = self.tr("找到 {0} 条") if self.model.words else self.tr("最近 {0} 条")
        text = found.format(self.model.rowCount())
        if self.model.has_more():
            text += self.tr("（向下滚动载入更多）")
        self.count.setText(text)

    def _open(self, index: QModelIndex) -> None:
        found = self.model.records[index.row()] if index.isValid() else None
        if found is None:
            self.count.setText(self.tr("这条修改记录没有对应的记录可打开。"))
            return
        self.open_record.emit(*found)
