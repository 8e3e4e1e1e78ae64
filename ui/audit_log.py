"""修改记录: the audit log, newest first, each change told in words (`ledger.audit_log`), a page at a time as
the table scrolls down, filtered by the words typed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from ledger.audit_log import read_log
from ui.context import LedgerContext
from ui.record_table import rows_to_read

PAGE = 2000
_ROOT = QModelIndex()
COLUMNS = ("时间", "修改人", "操作", "对象", "内容")


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
        with self.context.session() as session:
            lines = read_log(session, self.words, offset=offset, limit=PAGE)
        self._more = len(lines) == PAGE
        rows = [(_when(line.at), line.author, line.action, line.what, line.summary) for line in lines]
        return rows, [line.record for line in lines]

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
        rows_to_read(self.table, self.fontMetrics().height())
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
