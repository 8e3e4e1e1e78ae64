"""A kind's records as a table: columns from the field spec, sorting, a filter box, a column chooser, totals.

The model holds the records' display texts and sort keys, loaded in one pass when the scope or the ledger
changes, so sorting and filtering never touch the database.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ledger import records
from ledger.fields import Field, FieldType
from ledger.kinds import KINDS
from ledger.validation import display
from ui.context import LedgerContext

#: Fields that add up in a total: money, and counts of people or days.
_SUMMED = (FieldType.MONEY, FieldType.INT)
#: Shown until the user chooses otherwise: the fields that say what a record is, not every detail.
_SHOWN_BY_DEFAULT = {"title", "end_date", "record_status", "responsible_units"}
_STATUS_COLOURS = {"已核实": Qt.GlobalColor.darkGreen, "已归档": Qt.GlobalColor.darkGray}


class RecordTableModel(QAbstractTableModel):
    def __init__(self, context: LedgerContext, kind: str, *, deleted: bool = False):
        super().__init__()
        self.context, self.kind, self.deleted = context, kind, deleted
        self.spec = KINDS[kind]
        self.fields: list[Field] = list(self.spec.fields)
        self.ids: list[uuid.UUID] = []
        self.rows: list[list[str]] = []
        self.keys: list[list[Any]] = []
        self.status: list[str] = []
        self.values: list[list[Any]] = []  # the exact amounts and counts, for totals

    def reload(self) -> None:
        self.beginResetModel()
        self.ids, self.rows, self.keys, self.status, self.values = [], [], [], [], []
        with self.context.session() as session:
            found = records.value_rows(
                session, self.kind, year=self.context.year, pairing=self.context.pairing, deleted=self.deleted
            )
        for record_id, values in found:
            self.ids.append(record_id)
            self.rows.append([display(field, values.get(field.name)) for field in self.fields])
            self.keys.append([_sort_key(field, values.get(field.name)) for field in self.fields])
            self.values.append([values.get(f.name) if f.type in _SUMMED else None for f in self.fields])
            self.status.append(values.get("record_status") or "")
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        field = self.fields[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if field.type is FieldType.ENTRIES:  # a tie's activities on one line; the tooltip has a line each
                return self.rows[row][column].replace("\n", "；")
            return self.rows[row][column]
        if role == Qt.ItemDataRole.ToolTipRole and len(self.rows[row][column]) > 20:
            return self.rows[row][column]
        if role == Qt.ItemDataRole.UserRole:
            return self.keys[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and field.type in _SUMMED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and field.name == "record_status":
            return _STATUS_COLOURS.get(self.status[row])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.fields[section].label
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.fields[section].help or None
        return None


def _sort_key(field: Field, value: Any) -> float | str:
    """One type per column, so Qt compares keys itself instead of calling back into Python per comparison:
    numbers as floats (empty first), everything else as text (dates as ISO text sort as dates)."""
    if field.type in _SUMMED:
        return float(value) if value is not None else float("-inf")
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(map(str, value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class _Proxy(QSortFilterProxyModel):
    """Sorts by the values' own order (dates, amounts) and keeps rows where every filter word appears."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_words(self, text: str) -> None:
        self.beginFilterChange()
        self.words = text.split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        if not self.words:
            return True
        line = " ".join(self.sourceModel().rows[row])
        return all(word in line for word in self.words)


class RecordTable(QWidget):
    """The view of one kind (or of the recycle bin): filter box, table, and the totals line."""

    #: The user asked to open a record (Enter, double-click).
    open_requested = Signal(object)
    #: The totals of what is shown changed: text for the status bar.
    totals_changed = Signal(str)

    def __init__(self, context: LedgerContext, kind: str, *, deleted: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.context, self.kind, self.deleted = context, kind, deleted
        self.model = RecordTableModel(context, kind, deleted=deleted)
        self.proxy = _Proxy()
        self.proxy.setSourceModel(self.model)

        self.filter = QLineEdit(placeholderText=self.tr("筛选：输入文字，空格分开多个词"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.count = QLabel()
        self.columns = QPushButton(self.tr("列…"))
        self.columns.setToolTip(self.tr("选择显示哪些列"))
        self.columns.clicked.connect(
            lambda: self._column_menu().exec(self.columns.mapToGlobal(self.columns.rect().bottomLeft()))
        )

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda point: self._column_menu().exec(header.mapToGlobal(point)))
        self.table.doubleClicked.connect(lambda index: self.open_requested.emit(self.record_at(index)))
        opening = QAction(self.table)
        opening.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        opening.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        opening.triggered.connect(self._open_current)
        self.table.addAction(opening)

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.count)
        top.addWidget(self.columns)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)

        self._settings_key = f"table/{'deleted-' if deleted else ''}{kind}"
        self._restore_columns()
        date_column = self.model.fields.index(self.model.spec.by_name[self.model.spec.date_field])
        self.table.sortByColumn(date_column, Qt.SortOrder.AscendingOrder)

    def reload(self) -> None:
        selected = set(self.selected_ids())
        self.model.reload()
        self._update_counts()
        for row in range(self.proxy.rowCount()):
            if self.model.ids[self.proxy.mapToSource(self.proxy.index(row, 0)).row()] in selected:
                self.table.selectRow(row)

    def record_at(self, index: QModelIndex) -> uuid.UUID | None:
        if not index.isValid():
            return None
        return self.model.ids[self.proxy.mapToSource(index).row()]

    def selected_ids(self) -> list[uuid.UUID]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.ids[self.proxy.mapToSource(self.proxy.index(row, 0)).row()] for row in rows]

    def current_id(self) -> uuid.UUID | None:
        return self.record_at(self.table.currentIndex())

    def _open_current(self) -> None:
        record_id = self.current_id()
        if record_id is not None:
            self.open_requested.emit(record_id)

    def _filter(self, text: str) -> None:
        self.proxy.set_words(text)
        self._update_counts()

    def _update_counts(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown == total:
            self.count.setText(self.tr("共 {0} 条").format(total))
        else:
            self.count.setText(self.tr("显示 {0} / {1} 条").format(shown, total))
        self.totals_changed.emit(self.totals_text())

    def totals_text(self) -> str:
        """The sums of what the filter shows: money in 万元, counts as they are."""
        rows = [self.proxy.mapToSource(self.proxy.index(row, 0)).row() for row in range(self.proxy.rowCount())]
        parts = [self.tr("{0} 条").format(len(rows))]
        for column, field in enumerate(self.model.fields):
            if field.type not in _SUMMED or field.name == "year":
                continue
            total = sum((self.model.values[row][column] or Decimal(0) for row in rows), Decimal(0))
            if not total:
                continue
            if field.type is FieldType.MONEY:
                parts.append(f"{field.label} {total / 10000:,.2f} 万元")
            else:
                parts.append(f"{field.label} {int(total):,}")
        return "　".join(parts)

    # Columns -------------------------------------------------------------------------------------

    def _column_menu(self) -> QMenu:
        menu = QMenu(self)
        header = self.table.horizontalHeader()
        for column, field in enumerate(self.model.fields):
            action = menu.addAction(field.label)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda shown, column=column: self._show_column(column, shown))
        return menu

    def _show_column(self, column: int, shown: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        self.save_state()

    def _restore_columns(self) -> None:
        header = self.table.horizontalHeader()
        state = QSettings().value(self._settings_key)
        if state is not None and header.restoreState(state):
            return
        for column, field in enumerate(self.model.fields):
            header.setSectionHidden(column, not _shown_by_default(self.model.spec, field))
            header.resizeSection(column, _width(self, field))

    def save_state(self) -> None:
        QSettings().setValue(self._settings_key, self.table.horizontalHeader().saveState())


def _shown_by_default(spec, field: Field) -> bool:
    """The fields that say what a record is: its title, dates, kind of record, person, amounts and counts."""
    if field.name in _SHOWN_BY_DEFAULT or field.name == spec.date_field:
        return True
    if field.type is FieldType.CHOICE:
        return field.required
    if field.type is FieldType.INT:
        return field.name != "year"
    return field.type in (FieldType.PERSON, FieldType.MONEY, FieldType.ENTRIES)


def _width(widget: QWidget, field: Field) -> int:
    em = widget.fontMetrics().horizontalAdvance("中")
    if field.name == "title" or field.type is FieldType.ENTRIES:
        return em * 22
    if field.type in (FieldType.DATE, FieldType.MONEY):
        return em * 7
    if field.type is FieldType.UNITS:
        return em * 14
    if field.type is FieldType.CHOICE and field.choices:
        return em * (max(len(field.label), *(len(choice) for choice in field.choices)) + 2)
    return max(em * (len(field.label) + 2), em * 5)
