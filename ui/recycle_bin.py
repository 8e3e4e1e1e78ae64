"""回收站: deleted records by kind, with when and by whom each was deleted, restored with their evidence."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ledger.kinds import KINDS
from ui.changes import Changes
from ui.context import LedgerContext
from ui.record_table import RecordTable
from ui.transient import ask


class RecycleBin(QWidget):
    """A tab per kind; it opens on a tab that has records, and asks before restoring."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        #: Asked, with the number of records, before they are restored; replaced in tests.
        self.confirm_restore: Callable[[int], bool] = self._ask_restore
        self.tabs = QTabWidget()
        self.tables: dict[str, RecordTable] = {}
        for kind, spec in KINDS.items():
            table = RecordTable(context, kind, deleted=True)
            table.restore_requested.connect(self.ask_and_restore)
            self.tables[kind] = table
            self.tabs.addTab(table, spec.label)
        self.restore_button = QPushButton(self.tr("恢复所选记录"))
        self.restore_button.clicked.connect(self.ask_and_restore)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("删除的记录连同其佐证材料保存在这里，可以恢复。")), 1)
        top.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)

    def refresh(self, changes: Changes) -> None:
        """Each kind's tab reads again what `changes` touched of it."""
        for index, table in enumerate(self.tables.values()):
            table.refresh(changes)
            count = table.model.rowCount()
            self.tabs.setTabText(index, f"{KINDS[table.kind].label}（{count}）" if count else KINDS[table.kind].label)
        # An empty tab shows nothing to restore: open the first kind that has deleted records instead.
        if self.tabs.currentWidget().model.rowCount() == 0:
            having = [table for table in self.tables.values() if table.model.rowCount()]
            if having:
                self.tabs.setCurrentWidget(having[0])

    def current_table(self) -> RecordTable:
        return self.tabs.currentWidget()

    def ask_and_restore(self) -> None:
        """The button and the menu's 恢复: restores the selected records once the user has said so."""
        chosen = self.current_table().selected_ids()
        if chosen and self.confirm_restore(len(chosen)):
            self.restore_selected()

    def restore_selected(self) -> None:
        """Restores the selected records of the current tab, without asking (Ctrl+Z deletes them again)."""
        chosen = self.current_table().selected_ids()
        if chosen:
            self.context.restore_records(chosen)

    def _ask_restore(self, count: int) -> bool:
        choices = [
            (self.tr("恢复"), QMessageBox.ButtonRole.AcceptRole),
            (self.tr("取消"), QMessageBox.ButtonRole.RejectRole),
        ]
        text = self.tr("把所选的 {0} 条记录连同其佐证材料恢复到台账中？").format(count)
        return ask(self, self.tr("恢复记录"), text, choices, default=0) == 0
