"""佐证材料: every evidence file of the chosen pairing and year, with its record; narrowed by words typed in the
filter box, opened with the system viewer.

The list comes from one query and shows at once; thumbnails come after. A year may hold thousands of camera
photos, so only the rows in sight are drawn, a few at a time between events (each at the thumbnail's size, which
for a JPEG is a fraction of a full decode), and a placeholder stands in until then.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ledger import evidence
from ledger.kinds import KINDS
from ui.changes import Changes
from ui.context import LedgerContext
from ui.evidence_files import badge_icon, rounded_page, thumbnail, viewing_copy
from ui.widgets import listing

COLUMNS = ("台账", "事项", "材料类型", "说明", "文件", "大小", "页数")
TITLE, FILE = 1, 4
ICON = 40  # pixels of a row's thumbnail
#: Milliseconds of drawing thumbnails between two looks at the event queue: the window keeps answering.
BATCH_MS = 30
_ROW = Qt.ItemDataRole.UserRole  # on a row's first item: its place in `EvidenceView.rows`


class _Row:
    __slots__ = ("kind", "record_id", "path", "name", "is_image", "words")

    def __init__(self, listed: evidence.Listed, path: Path, label: str):
        self.kind, self.record_id, self.path, self.name = listed.kind, listed.record_id, path, listed.name
        self.is_image = listed.mime.startswith("image/")
        # What the filter box matches: file name, type, caption, record title, and the kind's name.
        self.words = "\n".join((listed.name, listed.role, listed.caption, listed.title, label)).casefold()


class _Number(QTableWidgetItem):
    """A cell shown as text (1,234 KB) that sorts by its number."""

    def __init__(self, text: str, number: int):
        super().__init__(text)
        self.number = number

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.number < other.number if isinstance(other, _Number) else super().__lt__(other)


class _Placeholder(QStyledItemDelegate):
    """Draws a grey frame in the file column where the thumbnail is not drawn yet."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        pixmap, painter = rounded_page(
            ICON * 2, QPen(QColor("#c4c8ce"), 3), QColor("#eef0f3"), QRectF(10, 10, ICON * 2 - 20, ICON * 2 - 20)
        )
        painter.end()
        self.icon = QIcon(pixmap)

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if not option.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration:
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
            option.icon = self.icon
            option.decorationSize = QSize(ICON, ICON)


class EvidenceView(QWidget):
    #: The user asked for a file's record: (kind, record id).
    open_record = Signal(str, object)

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.note = QLabel()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("筛选：文件名、材料类型、说明或事项中的字词，空格分隔"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = listing([self.tr(label) for label in COLUMNS])
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)
        self.table.cellDoubleClicked.connect(self._open)
        self.table.setIconSize(QSize(ICON, ICON))
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(ICON + 6)
        self.table.setItemDelegateForColumn(FILE, _Placeholder(self.table))
        em = self.fontMetrics().horizontalAdvance("中")
        for column, width in enumerate((7, 24, 6, 14, 20, 6, 4)):
            self.table.setColumnWidth(column, em * width)
        # 事项 takes the spare width, as in the record tables.
        self.table.horizontalHeader().setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        # In the ledger's order (by kind, then date) until a column is clicked; that order is kept on reloading.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        # Thumbnails are drawn for the rows in sight only, whenever which rows those are changes.
        self.table.verticalScrollBar().valueChanged.connect(self._want_in_sight)
        self.table.verticalScrollBar().rangeChanged.connect(self._want_in_sight)
        self.table.model().layoutChanged.connect(self._want_in_sight)  # sorted
        self.icons: dict[Path, QIcon] = {}  # by stored path: stored files never change
        self._badges: dict[str, QIcon] = {}  # by extension
        self._wanted: list[int] = []  # places in `rows` whose thumbnails are to be drawn, next first
        self._drawer = QTimer(self)
        self._drawer.setSingleShot(True)
        self._drawer.setInterval(0)
        self._drawer.timeout.connect(self._draw_some)
        #: Photos decoded for thumbnails so far (a figure for tests: only what was in sight).
        self.decoded = 0

        top = QHBoxLayout()
        top.addWidget(self.note, 1)
        top.addWidget(self.filter, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.rows: list[_Row] = []

    def refresh(self, changes: Changes) -> None:
        """Reads all again when records of the pairing and year shown changed (a title, a deletion, a year) or
        their evidence did."""
        pairing, year = self.context.pairing, self.context.year
        if changes.records_in(pairing, year) or changes.evidence_in(pairing, year):
            self.reload()

    def reload(self) -> None:
        with self.context.session() as session:
            listed = evidence.list_evidence(session, year=self.context.year, pairing=self.context.pairing)
        labels = {kind: spec.label for kind, spec in KINDS.items()}
        self.rows = []
        self._wanted = []
        self.table.setUpdatesEnabled(False)
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(listed))
        for row, entry in enumerate(listed):
            label = labels.get(entry.kind, entry.kind)
            for column, text in enumerate((label, entry.title, entry.role, entry.caption, entry.name)):
                item = QTableWidgetItem(text)
                if column in (TITLE, 3, FILE):
                    item.setToolTip(text)
                self.table.setItem(row, column, item)
            self.table.item(row, 0).setData(_ROW, row)
            self.table.setItem(row, 5, _Number(f"{max(entry.size, 1024) / 1024:,.0f} KB", entry.size))
            self.table.setItem(row, 6, _Number(str(entry.page_count or ""), entry.page_count or 0))
            for column in (5, 6):
                self.table.item(row, column).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            self.rows.append(_Row(entry, self.context.ledger.evidence_path(entry.relative_path), label))
        self.table.setSortingEnabled(True)
        self.table.setUpdatesEnabled(True)
        self._apply_filter()

    # Filtering ------------------------------------------------------------------------------------

    def _apply_filter(self) -> None:
        words = self.filter.text().casefold().split()
        shown = 0
        for row in range(self.table.rowCount()):
            match = all(word in self._row(row).words for word in words)
            self.table.setRowHidden(row, not match)
            shown += match
        total = len(self.rows)
        if words:
            text = self.tr("显示 {shown} 个，共 {total} 个文件（双击打开文件，双击事项打开记录）")
        else:
            text = self.tr("共 {total} 个文件（双击打开文件，双击事项打开记录）")
        self.note.setText(text.format(shown=shown, total=total))
        self._want_in_sight()

    def shown_rows(self) -> int:
        """How many rows the filter leaves."""
        return sum(not self.table.isRowHidden(row) for row in range(self.table.rowCount()))

    def _row(self, row: int) -> _Row:
        return self.rows[self.table.item(row, 0).data(_ROW)]

    # Thumbnails -----------------------------------------------------------------------------------

    def _want_in_sight(self) -> None:
        """Queues the thumbnails of the rows in sight that are not drawn yet, and draws them soon."""
        if not self.isVisible() or not self.rows:
            return
        first = max(self.table.rowAt(0), 0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        last = self.table.rowCount() - 1 if last < 0 else last
        self._wanted = [
            self.table.item(row, 0).data(_ROW)
            for row in range(first, last + 1)
            if self.table.item(row, FILE).icon().isNull() and not self.table.isRowHidden(row)
        ]
        if self._wanted:
            self._drawer.start()

    def _draw_some(self) -> None:
        """Draws queued thumbnails for about BATCH_MS, then lets the window answer before drawing more."""
        until = time.monotonic() + BATCH_MS / 1000
        at = {self.table.item(row, 0).data(_ROW): row for row in range(self.table.rowCount())}
        while self._wanted and time.monotonic() < until:
            place = self._wanted.pop(0)
            row = at.get(place)
            if row is not None:
                self.table.item(row, FILE).setIcon(self._icon(self.rows[place]))
        if self._wanted:
            self._drawer.start()

    def _icon(self, row: _Row) -> QIcon:
        if row.path not in self.icons:
            picture = None
            if row.is_image:
                picture = thumbnail(row.path)
                self.decoded += 1
            self.icons[row.path] = QIcon(picture) if picture is not None else self._badge(row.path)
        return self.icons[row.path]

    def _badge(self, path: Path) -> QIcon:
        if path.suffix not in self._badges:
            self._badges[path.suffix] = badge_icon(path)
        return self._badges[path.suffix]

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._want_in_sight()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._want_in_sight()

    # Opening --------------------------------------------------------------------------------------

    def _open(self, row: int, column: int) -> None:
        shown = self._row(row)
        if column <= TITLE:
            self.open_record.emit(shown.kind, shown.record_id)
            return
        try:
            copy = viewing_copy(self.context.ledger, shown.path, shown.name)
        except OSError:
            copy = shown.path  # the stored file itself, if no copy could be made
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))
