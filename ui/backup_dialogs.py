"""完整备份 and 从备份恢复: the whole ledger in one zip for a USB stick, and a backup put back in the window.

Restoring needs the ledger closed (`Ledger.restore` takes its lock itself): the dialog closes it, restores on the
worker, and hands the context the restored ledger, so the window stays and every view reloads. When the backup
is refused, or the restore cancelled, the ledger as it was is opened again.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger.errors import LedgerError
from ledger.jobs import Job
from ledger.storage.backup import Backup, list_backups
from ledger.storage.folder import Ledger
from ui.context import LedgerContext
from ui.jobs import JobDialog, PathField, documents
from ui.transient import tell
from ui.widgets import listing, spread_row
from ui.worker import JobRunner, JobState, Outcome


class FullBackupDialog(JobDialog):
    """完整备份: the database and every evidence file in one zip, with a manifest of their SHA-256."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent, title=self.tr("完整备份"), start=self.tr("备份"))
        self.output = PathField(self.tr("保存完整备份"), self.tr("完整备份 (*.zip)"), ".zip", save=True)
        self.output.suggest(documents() / self.tr("协作台账完整备份-{day}.zip").format(day=f"{date.today():%Y%m%d}"))
        form, fields = self._form(self.tr("保存到"), self.output)
        fields.addRow(
            self._note(
                self.tr(
                    "数据库和全部佐证材料写成一个 zip 文件，附每个文件的校验值，可存到 U 盘。"
                    "在这台或另一台电脑上用“文件 → 从备份恢复”即可恢复。"
                )
            )
        )
        self._build(form)
        self.setMinimumWidth(620)

    @Slot()
    def start(self) -> None:
        path = self._need_output(self.output)
        if path is None:
            return
        ledger = self.context.ledger

        def work(job: Job, session: Session | None) -> Path:
            return ledger.full_backup(path, job=job)

        self._run(work, self._written, self.tr("已取消，未生成文件。"))

    def _written(self, path: Path) -> None:
        size = path.stat().st_size / 1e6
        self.status.setText(self.tr("已完整备份：{path}（{size:.1f} MB）").format(path=path, size=size))
        self._show_file(path)
        self.open_file_button.hide()  # opened with 从备份恢复, not with the system


class RestoreDialog(JobDialog):
    """从备份恢复: one of the ledger's own backups, or another file — a database copy or a full backup."""

    COLUMNS = ("时间", "原因", "大小")

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent, title=self.tr("从备份恢复"), start=self.tr("恢复…"))
        # While it runs the ledger is closed: nothing else in the program may read it.
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.source: Path | None = None
        self.backups: list[Backup] = []
        self._closed: Path | None = None  # the folder of the ledger closed for the restore
        self.table = listing([self.tr(label) for label in self.COLUMNS])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        em = self.fontMetrics().horizontalAdvance("中")
        self.table.setColumnWidth(0, em * 12)
        self.table.setColumnWidth(1, em * 10)
        self.table.setMinimumHeight(em * 16)
        self.table.itemSelectionChanged.connect(self._listed_chosen)
        self.table.cellDoubleClicked.connect(lambda row, column: self.start())
        other = QPushButton(self.tr("选择其他文件…"))
        other.setAutoDefault(False)
        other.clicked.connect(self._browse)
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.chosen.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QWidget()
        column = QVBoxLayout(form)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel(self.tr("本台账的备份（backups 文件夹，最新的在前）：")))
        column.addWidget(self.table)
        column.addLayout(spread_row(self.chosen, other))
        column.addWidget(
            self._note(
                self.tr(
                    "恢复会用所选备份替换当前的数据库。替换前，当前数据库会另存为一份备份"
                    "（原因“操作前：恢复”），需要时可以再恢复回来。"
                )
            )
        )
        self._build(form)
        self.setMinimumWidth(640)
        self.list_backups()

    def list_backups(self) -> None:
        self.backups = list_backups(self.context.ledger.backups_dir)
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            cells = (f"{backup.made:%Y-%m-%d %H:%M:%S}", backup.label, _size(backup.path))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.choose(None)

    def choose(self, path: Path | str | None) -> None:
        """The file to restore from: one of those listed or any other."""
        self.source = Path(path) if path is not None else None
        listed = [backup.path for backup in self.backups]
        if self.source in listed:
            self.table.selectRow(listed.index(self.source))
        else:
            self.table.clearSelection()
        self.chosen.setText(self.tr("将恢复：{path}").format(path=self.source) if self.source else "")

    @Slot()
    def _listed_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.choose(self.backups[rows[0].row()].path)

    @Slot()
    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("选择备份"),
            str(documents()),
            self.tr("台账备份 (*.sqlite *.zip);;所有文件 (*)"),
        )
        if chosen:
            self.choose(chosen)

    @Slot()
    def start(self) -> None:
        source = self.source
        if source is None:
            self.status.setText(self.tr("请先选择一份备份。"))
            return
        if self._busy():
            self.status.setText(self.tr("有任务正在进行（如编制佐证材料），请等它完成后再恢复。"))
            return
        question = self.tr(
            "将用这份备份替换当前台账的数据库：\n{name}\n\n"
            "当前数据库会先另存为一份备份，需要时可以再恢复回来；"
            "但这份备份之后所做的修改，在恢复后的台账中将看不到。\n\n确定要恢复吗？"
        ).format(name=source)
        answer = QMessageBox.warning(
            self,
            self.tr("从备份恢复"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        closing = self.context.ledger
        folder = self._closed = closing.path
        closing.close()
        if closing.backup_error:  # the restore keeps the database it replaces all the same
            tell(self, self.tr("从备份恢复"), closing.backup_error + self.tr("\n恢复前的数据库仍会另存为备份。"))

        def work(job: Job, session: Session | None) -> tuple[Ledger, Path | None]:
            return Ledger.restore(folder, source, job=job)

        self._run(work, self._restored, self.tr("已取消，台账没有改动。"), needs_ledger=False)

    def _busy(self) -> bool:
        """Whether another job of the window (a binder, the periodic backup) is using the ledger."""
        window = self.parentWidget()
        others = window.window().findChildren(JobRunner) if window is not None else []
        return any(runner.running() for runner in others if runner is not self.runner)

    @Slot(object)
    def _ended(self, outcome: Outcome) -> None:
        if outcome.state is not JobState.DONE:
            self._reopen()
        super()._ended(outcome)

    def _restored(self, result: tuple[Ledger, Path | None]) -> None:
        ledger, kept = result
        self._closed = None
        self.context.renew(ledger)
        name = self.source.name if self.source else ""
        self.list_backups()
        text = self.tr("已从“{name}”恢复。").format(name=name)
        if kept is not None:
            text += self.tr("恢复前的数据库已另存为备份 {kept}。").format(kept=kept.name)
        self.status.setText(text)

    def _reopen(self) -> None:
        """The ledger as it was, opened again: the backup was refused before anything changed."""
        folder, self._closed = self._closed, None
        if folder is None:
            return
        try:
            # The same records: the undo stack and the views stay as they are.
            self.context.ledger = Ledger.open(folder)
        except (LedgerError, OSError) as error:
            QMessageBox.critical(
                self,
                self.tr("从备份恢复"),
                self.tr("台账未能重新打开：{error}\n窗口将关闭，请重新启动协作台账。").format(error=error),
            )
            if self.parentWidget() is not None:
                self.parentWidget().window().close()


def _size(path: Path) -> str:
    try:
        return f"{path.stat().st_size / 1e6:.1f} MB"
    except OSError:  # removed by the rotation meanwhile
        return ""
