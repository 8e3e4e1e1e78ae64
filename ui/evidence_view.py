"""佐证材料: every evidence file of the chosen pairing and year, with its record; opened with the system viewer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ledger import records
from ledger.evidence import live_attachments
from ledger.kinds import KINDS
from ui.context import LedgerContext
from ui.evidence_panel import badge_icon, thumbnail

COLUMNS = ("台账", "事项", "类别", "说明", "文件", "大小", "页数")
ICON = 40  # pixels of a row's thumbnail


class EvidenceView(QWidget):
    #: The user asked for a file's record: (kind, record id).
    open_record = Signal(str, object)

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.note = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(label) for label in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setVisible(False)
        self.table.cellDoubleClicked.connect(self._open)
        self.table.setIconSize(QSize(ICON, ICON))
        self.table.verticalHeader().setDefaultSectionSize(ICON + 6)
        # Thumbnails are decoded for the rows in sight only: a year may hold thousands of camera photos.
        self.table.verticalScrollBar().valueChanged.connect(self._show_thumbnails)
        self.icons: dict[str, QIcon] = {}
        em = self.fontMetrics().horizontalAdvance("中")
        for column, width in enumerate((7, 24, 6, 14, 20, 6, 4)):
            self.table.setColumnWidth(column, em * width)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        self.rows: list[tuple[str, object, str]] = []  # (kind, record id, stored path) by the row's first item

    def reload(self) -> None:
        self.table.setSortingEnabled(False)
        self.table.setRowCount(0)
        self.rows = []
        with self.context.session() as session:
            for kind, spec in KINDS.items():
                found = records.list_records(session, kind, year=self.context.year, pairing=self.context.pairing)
                for record in found:
                    for attachment in live_attachments(record):
                        stored = attachment.file
                        path = str(self.context.ledger.evidence_path(stored.relative_path))
                        cells = [
                            spec.label,
                            record.title,
                            attachment.role,
                            attachment.caption or "",
                            attachment.original_name,
                            f"{stored.size / 1024:,.0f} KB",
                            str(stored.page_count or ""),
                        ]
                        row = self.table.rowCount()
                        self.table.insertRow(row)
                        for column, text in enumerate(cells):
                            item = QTableWidgetItem(text)
                            if column == 0:
                                item.setData(0x0100, len(self.rows))  # Qt.UserRole: the row's place in self.rows
                            self.table.setItem(row, column, item)
                        self.rows.append((kind, record.id, path))
        self.table.setSortingEnabled(True)
        QTimer.singleShot(0, self._show_thumbnails)
        self.note.setText(self.tr("共 {0} 个文件（双击打开文件，在记录中添加或移除）").format(len(self.rows)))

    def _show_thumbnails(self) -> None:
        first = max(self.table.rowAt(0), 0)
        last = self.table.rowAt(self.table.viewport().height())
        for row in range(first, (last if last >= 0 else self.table.rowCount() - 1) + 1):
            item = self.table.item(row, 4)
            if item is None or not item.icon().isNull():
                continue
            path = self.rows[self.table.item(row, 0).data(0x0100)][2]
            if path not in self.icons:
                pixmap = thumbnail(Path(path))
                self.icons[path] = QIcon(pixmap) if pixmap is not None else badge_icon(Path(path))
            item.setIcon(self.icons[path])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._show_thumbnails()

    def _open(self, row: int, column: int) -> None:
        kind, record_id, path = self.rows[self.table.item(row, 0).data(0x0100)]
        if column <= 1:
            self.open_record.emit(kind, record_id)
        else:
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))
