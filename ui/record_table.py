"""A kind's records as a table: columns from the field spec, sorting, a filter box, a column chooser, totals.

The rows come from `ui.record_table_model`, read in one pass, and after a change only those it touched. The
table behaves like a sheet in Excel or WPS: 事项 takes the spare width, money is grouped (1,300,000.00), Ctrl+C
copies the selection with a header row, a right-click offers what can be done to the rows, and the widths, order,
hidden columns and sort of each view are remembered.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ledger.fields import Field
from ui.changes import Changes
from ui.context import LedgerContext
from ui.record_table_model import DELETED_AT, RecordFilter, RecordTableModel
from ui.transient import popup
from ui.widgets import spread_row

#: Shown until the user chooses otherwise: the fields that say what a record is, not every detail.
_SHOWN_BY_DEFAULT = {"title", "end_date", "record_status", "responsible_units"}
#: Past this many rows changed at once (a large selection deleted), reading the whole table is quicker than
#: narrowing its queries to the changed ones.
MOST_CHANGED_ROWS = 200


def rows_to_read(table: QTableView, line_height: int) -> None:
    """Whole rows chosen, not edited in place, one line each and striped: the record tables and the audit log alike."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(line_height + 10)


def tsv_cell(text: str) -> str:
    """A cell of tab-separated text as Excel writes and reads it: quoted when it holds a tab, a line break or a
    quote, with inner quotes doubled."""
    if any(character in text for character in '\t\n\r"'):
        return '"' + text.replace('"', '""') + '"'
    return text


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
        self.proxy = RecordFilter()
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
        rows_to_read(self.table, self.fontMetrics().height())
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(spread_row(self.filter, self.gaps_button, self.count, self.columns))
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

    def refresh(self, changes: Changes) -> None:
        """Reads again the rows `changes` touched, if any is of this kind and scope; everything after a change
        of everything, or of many rows."""
        if changes.everything:
            self.reload()
            return
        changed = changes.record_ids(self.kind, self.context.pairing, self.context.year)
        if len(changed) > MOST_CHANGED_ROWS:
            self.reload()
        elif changed:
            self.model.refresh(changed)
            self._update_counts()

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
            if not field.values.adds_up or field.name == "year":
                continue
            total = sum((self.model.values[row][column] or Decimal(0) for row in rows), Decimal(0))
            if total:
                parts.append(field.values.total_text(total))
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
    if deleted and field.name == "responsible_units":
        return False
    if field.name in _SHOWN_BY_DEFAULT or field.name == spec.date_field:
        return True
    return field.values.shown_by_default(deleted=deleted)


def _width(widget: QWidget, field: Field | None, column: int, model: RecordTableModel) -> int:
    metrics = widget.fontMetrics()
    em = metrics.horizontalAdvance("中")
    if field is None:
        name, label = model.extras[column - len(model.fields)]
        if name == DELETED_AT[0]:
            return metrics.horizontalAdvance("2020-12-31 23:59") + em
        return em * (len(label) + 2)
    if field.name == "title":
        return em * 22
    return field.values.table_width(em, metrics.horizontalAdvance)
