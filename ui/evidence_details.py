"""Before the files of one drop or pick are attached to a record: the dialog that asks each file's type, guessed
from its name for the clerk to check, and its caption.

The evidence panel opens it; tests answer it through the panel's `ask_details` instead, so no modal dialog waits.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ledger.models import EVIDENCE_ROLES


class DetailsDialog(QDialog):
    """Each file's role, guessed from its name for the clerk to check, and its caption, before the files of one
    drop or pick are attached; a caption for all of them fills the ones left empty."""

    VISIBLE_ROWS = 8

    def __init__(self, paths: Sequence[Path], roles: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("添加佐证材料"))
        intro = QLabel(self.tr("将添加 {count} 个文件。材料类型已按文件名猜出，请逐个核对：").format(count=len(paths)))
        self.table = QTableWidget(len(paths), 3)
        self.table.setHorizontalHeaderLabels([self.tr("文件"), self.tr("材料类型"), self.tr("说明")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.roles: list[QComboBox] = []
        self.captions: list[QLineEdit] = []
        for row, (path, role) in enumerate(zip(paths, roles, strict=True)):
            name = QTableWidgetItem(path.name)
            name.setToolTip(str(path))
            self.table.setItem(row, 0, name)
            combo = QComboBox()
            combo.addItems(EVIDENCE_ROLES)
            combo.setCurrentText(role)
            caption = QLineEdit()
            caption.setPlaceholderText(self.tr("可不填"))
            self.table.setCellWidget(row, 1, combo)
            self.table.setCellWidget(row, 2, caption)
            self.roles.append(combo)
            self.captions.append(caption)
        em = self.fontMetrics().horizontalAdvance("中")
        header = self.table.horizontalHeader()
        # The names as wide as they need, up to a limit (the rest is elided, whole in the tooltip); the caption
        # takes what is left.
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(0, min(max(self.table.columnWidth(0), em * 12), em * 24))
        self.table.setColumnWidth(1, self.roles[0].sizeHint().width() if self.roles else em * 7)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        row_height = max(QComboBox().sizeHint().height(), QLineEdit().sizeHint().height()) + 4
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        rows = min(max(len(paths), 1), self.VISIBLE_ROWS)
        height = header.sizeHint().height() + row_height * rows + 2 * self.table.frameWidth()
        self.table.setMinimumHeight(height)
        if len(paths) <= self.VISIBLE_ROWS:
            self.table.setMaximumHeight(height)  # no empty rows below a few files
        self.common = QLineEdit()
        self.common.setPlaceholderText(self.tr("说明为空的文件都用这一条，可不填，例如：会议现场"))
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("添加"), QDialogButtonBox.ButtonRole.AcceptRole).setDefault(True)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        common = QFormLayout()
        common.addRow(self.tr("共同说明"), self.common)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(common)
        layout.addWidget(buttons)
        self.setMinimumWidth(em * 50)

    def details(self) -> list[tuple[str, str]]:
        """(role, caption) of each file, in the order given."""
        common = self.common.text().strip()
        return [
            (role.currentText(), caption.text().strip() or common)
            for role, caption in zip(self.roles, self.captions, strict=True)
        ]
