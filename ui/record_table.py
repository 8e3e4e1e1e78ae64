"""A kind's records as a table: columns from the field spec, sorting, a filter box, a column chooser, totals.

The model holds the records' display texts and sort keys, loaded in one pass when the scope or the ledger
changes, so sorting and filtering never touch the database. Besides the fields it has a 佐证 column (how many
files are attached) and, in the recycle bin, when and by whom each record was deleted.

It behaves like a sheet in Excel or WPS: 事项 takes the spare width, money is grouped (1,300,000.00), Ctrl+C
copies the selection with a header row, a right-click offers what can be done to the rows, and the widths,
order, hidden columns and sort of each view are remembered.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPoint, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ledger import records
from ledger.assessment.gaps import missing_evidence
from ledger.fields import Field, FieldType
from ledger.kinds import KINDS
from ledger.validation import display
from ledger.values import format_money
from ui.context import LedgerContext
from ui.transient import popup

#: Fields that add up in a total: money, and counts of people or days.
_SUMMED = (FieldType.MONEY, FieldType.INT)
#: Shown until the user chooses otherwise: the fields that say what a record is, not every detail.
_SHOWN_BY_DEFAULT = {"title", "end_date", "record_status", "responsible_units"}
_STATUS_COLOURS = {"已核实": QColor(Qt.GlobalColor.darkGreen), "已归档": QColor(Qt.GlobalColor.darkGray)}
#: The 佐证 count of a record that lacks evidence its framework expects.
_LACKING = QColor(Qt.GlobalColor.red)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
#: The unit a money field's label names, dropped where the amount states its own (金额（元） → 金额 … 万元).
_YUAN_IN_LABEL = re.compile(r"\s*[（(]元[)）]\s*$")

#: Columns that are not fields: (name, label). Every table counts the evidence; the recycle bin says who deleted.
EVIDENCE = ("evidence", "佐证")
DELETED_AT = ("deleted_at", "删除时间")
DELETED_BY = ("deleted_by", "删除人")


class RecordTableModel(QAbstractTableModel):
    def __init__(self, context: LedgerContext, kind: str, *, deleted: bool = False):
        super().__init__()
        self.context, self.kind, self.deleted = context, kind, deleted
        self.spec = KINDS[kind]
        self.fields: list[Field] = list(self.spec.fields)
        #: The columns after the fields.
        self.extras: list[tuple[str, str]] = [EVIDENCE, DELETED_AT, DELETED_BY] if deleted else [EVIDENCE]
        names = [field.name for field in self.fields] + [name for name, _ in self.extras]
        self._columns = {name: column for column, name in enumerate(names)}
        self.ids: list[uuid.UUID] = []
        self.rows: list[list[str]] = []  # the texts shown, one per column (fields, then extras)
        self.keys: list[list[Any]] = []
        self.status: list[str] = []
        self.values: list[list[Any]] = []  # the exact amounts and counts of the fields, for totals and copying
        self.lines: list[str] = []  # what the filter box searches: the texts shown, and amounts as typed (1300000)
        #: What each live record lacks of the evidence its year's framework expects (the records `ledger gaps` lists).
        self.missing: dict[uuid.UUID, list[str]] = {}

    def column_of(self, name: str) -> int:
        """The column of a field or an extra column, by name."""
        return self._columns[name]

    def reload(self) -> None:
        money = [field.name for field in self.fields if field.type is FieldType.MONEY]
        scope = {"year": self.context.year, "pairing": self.context.pairing}
        # Everything is read before the reset begins: a failed read leaves the table as it was, not half reset.
        with self.context.session() as session:
            found = records.value_rows(session, self.kind, deleted=self.deleted, **scope)
            roles = records.evidence_roles(session, self.kind, deleted=self.deleted, **scope)
            deletions = records.deletions(session, self.kind, **scope) if self.deleted else {}
        # The recycle bin needs no evidence: only live records can lack it.
        missing = {} if self.deleted else missing_evidence(self.kind, found, roles)
        self.beginResetModel()
        self.ids, self.rows, self.keys, self.status, self.values, self.lines = [], [], [], [], [], []
        self.missing = missing
        for record_id, values in found:
            self.ids.append(record_id)
            shown = [_cell_text(field, values.get(field.name)) for field in self.fields]
            keys = [_sort_key(field, values.get(field.name)) for field in self.fields]
            count = sum(roles.get(record_id, {}).values())
            shown.append(str(count))
            keys.append(float(count))
            if self.deleted:
                when, who = deletions.get(record_id, (None, ""))
                local = when.astimezone() if isinstance(when, datetime) else None
                shown += [f"{local:%Y-%m-%d %H:%M}" if local else "", who]
                keys += [local.isoformat() if local else "", who]
            self.rows.append(shown)
            amounts = [format_money(values[name]) for name in money if isinstance(values.get(name), Decimal)]
            self.lines.append(" ".join(shown + amounts))
            self.keys.append(keys)
            self.values.append([values.get(f.name) if f.type in _SUMMED else None for f in self.fields])
            self.status.append(values.get("record_status") or "")
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields) + len(self.extras)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.UserRole:
            return self.keys[row][column]
        if column >= len(self.fields):
            return self._extra_data(row, self.extras[column - len(self.fields)][0], role)
        field = self.fields[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if field.type is FieldType.ENTRIES:  # a tie's activities on one line; the tooltip has a line each
                return self.rows[row][column].replace("\n", "；")
            return self.rows[row][column]
        if role == Qt.ItemDataRole.ToolTipRole and len(self.rows[row][column]) > 20:
            return self.rows[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole and field.type in _SUMMED:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and field.name == "record_status":
            return _STATUS_COLOURS.get(self.status[row])
        return None

    def _extra_data(self, row: int, name: str, role: int) -> Any:
        text = self.rows[row][self.column_of(name)]
        lacking = self.missing.get(self.ids[row]) if name == EVIDENCE[0] else None
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and name == EVIDENCE[0]:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and lacking:
            return _LACKING
        if role == Qt.ItemDataRole.ToolTipRole and lacking:
            return self.tr("缺少：{0}").format("、".join(lacking))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section >= len(self.fields):
            name, label = self.extras[section - len(self.fields)]
            if role == Qt.ItemDataRole.DisplayRole:
                return self.tr(label)
            if role == Qt.ItemDataRole.ToolTipRole and name == EVIDENCE[0]:
                return self.tr("附上的佐证材料（文件）数；红色：缺少考核要求的材料")
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.fields[section].label
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole label too, where a narrow column cuts it short
            field = self.fields[section]
            return f"{field.label}：{field.help}" if field.help else field.label
        return None

    def copy_text(self, row: int, column: int) -> str:
        """A cell as it goes to the clipboard: as shown, except that money is a plain number (1300000.00), which
        Excel and WPS read as a number; grouped text such as 1,300,000.00 may be pasted as text."""
        if column < len(self.fields) and self.fields[column].type is FieldType.MONEY:
            amount = self.values[row][column]
            return format_money(amount) if amount is not None else ""
        return str(self.data(self.index(row, column)) or "")


def _cell_text(field: Field, value: Any) -> str:
    """A value as the table shows it: money in yuan with thousands separators, the rest as `display` gives it."""
    if field.type is FieldType.MONEY and isinstance(value, Decimal) and value.is_finite():
        return format_money(value, grouped=True)
    return display(field, value)


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


def tsv_cell(text: str) -> str:
    """A cell of tab-separated text as Excel writes and reads it: quoted when it holds a tab, a line break or a
    quote, with inner quotes doubled."""
    if any(character in text for character in '\t\n\r"'):
        return '"' + text.replace('"', '""') + '"'
    return text


class _Proxy(QSortFilterProxyModel):
    """Sorts by the values' own order (dates, amounts) and keeps rows where every filter word appears; with
    `gaps_only`, only the records that lack evidence."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self.gaps_only = False
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_words(self, text: str) -> None:
        self.beginFilterChange()
        self.words = text.split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_gaps_only(self, only: bool) -> None:
        self.beginFilterChange()
        self.gaps_only = only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        model = self.sourceModel()
        if self.gaps_only and model.ids[row] not in model.missing:
            return False
        if not self.words:
            return True
        line = model.lines[row]
        return all(word in line for word in self.words)


class RecordTable(QWidget):
    """The view of one kind (or of the recycle bin): filter box, table, and the totals line."""

    #: The user asked to open a record (Enter, double-click, 编辑).
    open_requested = Signal(object)
    #: The totals of what is shown changed: text for the status bar.
    totals_changed = Signal(str)
    #: The right-click menu's 新增.
    new_requested = Signal()
    #: 复制为新记录 of the record under the cursor.
    duplicate_requested = Signal(object)
    #: 删除 of the selected rows.
    delete_requested = Signal()
    #: 打开佐证材料 of the record under the cursor.
    evidence_requested = Signal(object)
    #: 恢复 of the selected rows (in the recycle bin).
    restore_requested = Signal()

    def __init__(self, context: LedgerContext, kind: str, *, deleted: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.context, self.kind, self.deleted = context, kind, deleted
        self.model = RecordTableModel(context, kind, deleted=deleted)
        self.proxy = _Proxy()
        self.proxy.setSourceModel(self.model)

        self.filter = QLineEdit(placeholderText=self.tr("筛选：输入文字，空格分开多个词"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.gaps_button = QPushButton(self.tr("缺佐证"))
        self.gaps_button.setCheckable(True)
        self.gaps_button.setToolTip(
            self.tr("只显示缺少考核要求的佐证材料的记录（按各年度的考核指标体系，与“ledger gaps”所列相同）")
        )
        self.gaps_button.toggled.connect(self._gaps_only)
        self.gaps_button.setVisible(not deleted)
        self.count = QLabel()
        self.columns = QPushButton(self.tr("列…"))
        self.columns.setToolTip(self.tr("选择显示哪些列"))
        self.columns.clicked.connect(
            lambda: popup(self._column_menu(), self.columns.mapToGlobal(self.columns.rect().bottomLeft()))
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
        header.setTextElideMode(Qt.TextElideMode.ElideRight)  # a long label cut short says so (…); its tooltip has it
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda point: popup(self._column_menu(), header.mapToGlobal(point)))
        self.table.doubleClicked.connect(lambda index: self.open_requested.emit(self.record_at(index)))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_row_menu)
        opening = QAction(self.table)
        opening.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        opening.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        opening.triggered.connect(self._open_current)
        copying = QAction(self.table)
        copying.setShortcut(QKeySequence.StandardKey.Copy)
        copying.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copying.triggered.connect(self.copy_selection)
        self.table.addActions([opening, copying])

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.gaps_button)
        top.addWidget(self.count)
        top.addWidget(self.columns)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)

        self._settings_key = f"table/{'deleted-' if deleted else ''}{kind}"
        if not self._restore_columns():
            # Newest first in the bin (what was just deleted); in date order elsewhere, as the ledger is kept.
            if deleted:
                self.table.sortByColumn(self.model.column_of(DELETED_AT[0]), Qt.SortOrder.DescendingOrder)
            else:
                self.table.sortByColumn(self.model.column_of(self.model.spec.date_field), Qt.SortOrder.AscendingOrder)
        # The sort is remembered as soon as it is chosen, like Excel's; the widths when the window closes.
        header.sortIndicatorChanged.connect(self.save_state)

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

    def _gaps_only(self, only: bool) -> None:
        self.proxy.set_gaps_only(only)
        self._update_counts()

    def _update_counts(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown == total:
            self.count.setText(self.tr("共 {0} 条").format(total))
        else:
            self.count.setText(self.tr("显示 {0} / {1} 条").format(shown, total))
        gaps = len(self.model.missing)
        self.gaps_button.setText(self.tr("缺佐证 {0}").format(gaps) if gaps else self.tr("缺佐证"))
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
                parts.append(f"{_YUAN_IN_LABEL.sub('', field.label)} {total / 10000:,.2f} 万元")
            else:
                parts.append(f"{field.label} {int(total):,}")
        return "　".join(parts)

    # Copying -------------------------------------------------------------------------------------

    def selection_text(self) -> str:
        """The selected rows (or cells) as tab-separated lines under a header line of the columns' labels: the
        columns shown, in the order shown, so that they paste into Excel or WPS as they look here."""
        indexes = self.table.selectionModel().selectedIndexes()
        if not indexes:
            return ""
        header = self.table.horizontalHeader()
        chosen = {index.column() for index in indexes}
        columns = [
            column
            for column in (header.logicalIndex(visual) for visual in range(header.count()))
            if column in chosen and not header.isSectionHidden(column)
        ]
        rows = sorted({index.row() for index in indexes})
        labels = [str(self.model.headerData(column, Qt.Orientation.Horizontal)) for column in columns]
        lines = ["\t".join(map(tsv_cell, labels))]
        for row in rows:
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            lines.append("\t".join(tsv_cell(self.model.copy_text(source, column)) for column in columns))
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> None:
        text = self.selection_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    # The right-click menu ------------------------------------------------------------------------

    def row_menu(self) -> QMenu:
        """What can be done to the rows: the shortcuts shown are those of the window and the table."""
        menu = QMenu(self)
        record_id = self.current_id()
        one, chosen = record_id is not None, bool(self.selected_ids())

        def add(text: str, slot, shortcut=None, enabled: bool = True) -> QAction:
            action = menu.addAction(text)
            action.triggered.connect(slot)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.setEnabled(enabled)
            return action

        if self.deleted:
            add(self.tr("恢复"), self.restore_requested.emit, enabled=chosen)
        else:
            add(self.tr("新增"), self.new_requested.emit, QKeySequence.StandardKey.New)
            add(self.tr("编辑"), lambda: self.open_requested.emit(record_id), Qt.Key.Key_Enter, one)
            add(self.tr("复制为新记录"), lambda: self.duplicate_requested.emit(record_id), "Ctrl+D", one)
            add(self.tr("删除"), self.delete_requested.emit, QKeySequence.StandardKey.Delete, chosen)
            menu.addSeparator()
            add(self.tr("打开佐证材料"), lambda: self.evidence_requested.emit(record_id), None, one)
        menu.addSeparator()
        add(self.tr("复制"), self.copy_selection, QKeySequence.StandardKey.Copy, chosen)
        return menu

    def _show_row_menu(self, point: QPoint) -> None:
        # The menu is for the row under the pointer: within the selection it keeps the selection, elsewhere it
        # selects that row alone (explicitly, whatever keys are held).
        index = self.table.indexAt(point)
        if index.isValid():
            selection = self.table.selectionModel()
            flags = selection.SelectionFlag
            keep = selection.isRowSelected(index.row(), QModelIndex())
            selection.setCurrentIndex(index, flags.NoUpdate if keep else flags.ClearAndSelect | flags.Rows)
        popup(self.row_menu(), self.table.viewport().mapToGlobal(point))

    # Columns -------------------------------------------------------------------------------------

    def _column_menu(self) -> QMenu:
        menu = QMenu(self)
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            action = menu.addAction(str(self.model.headerData(column, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda shown, column=column: self._show_column(column, shown))
        return menu

    def _show_column(self, column: int, shown: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(column, not shown)
        self.save_state()

    def _restore_columns(self) -> bool:
        """The widths, order, hidden columns and sort the user left, or the defaults; True when restored."""
        header = self.table.horizontalHeader()
        state = QSettings().value(self._settings_key)
        restored = state is not None and header.restoreState(state)
        if not restored:
            for column in range(self.model.columnCount()):
                field = self.model.fields[column] if column < len(self.model.fields) else None
                shown = field is None or _shown_by_default(self.model.spec, field, deleted=self.deleted)
                header.setSectionHidden(column, not shown)
                header.resizeSection(column, _width(self, field, column, self.model))
        # 事项 takes the width the other columns leave, as in a sheet; a saved state (which holds resize modes)
        # cannot take that away.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.model.column_of("title"), QHeaderView.ResizeMode.Stretch)
        if restored and not 0 <= header.sortIndicatorSection() < self.model.columnCount():
            return False  # restored, but not sorted by any column: sorted by date
        return restored

    def save_state(self) -> None:
        QSettings().setValue(self._settings_key, self.table.horizontalHeader().saveState())


def _shown_by_default(spec, field: Field, *, deleted: bool = False) -> bool:
    """The fields that say what a record is: its title, dates, kind of record, person, amounts and counts; in the
    recycle bin, which also says when and by whom, not the counts and units."""
    if deleted and (field.name == "responsible_units" or field.type is FieldType.INT):
        return False
    if field.name in _SHOWN_BY_DEFAULT or field.name == spec.date_field:
        return True
    if field.type is FieldType.CHOICE:
        return field.required
    if field.type is FieldType.INT:
        return field.name != "year"
    return field.type in (FieldType.PERSON, FieldType.MONEY, FieldType.ENTRIES)


def _width(widget: QWidget, field: Field | None, column: int, model: RecordTableModel) -> int:
    metrics = widget.fontMetrics()
    em = metrics.horizontalAdvance("中")
    if field is None:
        name, label = model.extras[column - len(model.fields)]
        if name == DELETED_AT[0]:
            return metrics.horizontalAdvance("2020-12-31 23:59") + em
        return em * (len(label) + 2)
    if field.name == "title" or field.type is FieldType.ENTRIES:
        return em * 22
    if field.type is FieldType.MONEY:
        return max(metrics.horizontalAdvance("99,999,999.99") + em, em * (len(field.label) + 2))
    if field.type is FieldType.DATE:
        return max(metrics.horizontalAdvance("2020-12-31") + em, em * (len(field.label) + 2))
    if field.type is FieldType.UNITS:
        return em * 14
    if field.type is FieldType.CHOICE and field.choices:
        # Wide enough for the usual choices; a long one (致富带头人/乡村振兴人才培训) is cut short, not the 事项.
        return em * (min(max(len(field.label), *(len(choice) for choice in field.choices)), 8) + 2)
    if field.type is FieldType.INT:  # small numbers under a label that may be long: the header's tooltip has it all
        return em * (min(len(field.label), 4) + 2)
    return max(em * (len(field.label) + 2), em * 5)
