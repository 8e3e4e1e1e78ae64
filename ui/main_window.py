"""The main window: a sidebar of views, the pairing and year every view follows, menus and shortcuts."""

from __future__ import annotations

import importlib
import uuid
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ledger import __version__, records
from ledger.errors import LedgerError
from ledger.kinds import KINDS
from ledger.storage.folder import is_ledger
from ledger.years import continuation
from ui.audit_log import AuditLog
from ui.changes import EVERYTHING, Changes
from ui.context import LedgerContext
from ui.evidence_view import EvidenceView
from ui.overview import Overview
from ui.plans.view import PlanView
from ui.record_table import RecordTable
from ui.recycle_bin import RecycleBin
from ui.settings_view import SettingsView
from ui.transient import run_modal, show_modeless
from ui.worker import JobRunner, JobState, Outcome

ALL = "全部"
#: While the window stays open the ledger is copied this often, when it changed (it is also copied on open and close).
BACKUP_EVERY_MS = 60 * 60 * 1000
#: The dialogs of long work, by name, and the module each is in: imported when first opened.
DIALOGS = {
    "ExcelExportDialog": "ui.excel_dialogs",
    "ExcelImportDialog": "ui.excel_dialogs",
    "BinderDialog": "ui.binder_dialogs",
    "LabelsDialog": "ui.binder_dialogs",
    "PackDialog": "ui.exchange_dialogs",
    "MergeDialog": "ui.exchange_dialogs",
    "FullBackupDialog": "ui.backup_dialogs",
    "RestoreDialog": "ui.backup_dialogs",
}


class MainWindow(QMainWindow):
    def __init__(self, context: LedgerContext):
        super().__init__()
        self.context = context
        self.next_ledger: Path | None = None  # the ledger to open once this window closes
        self.setWindowTitle(self.tr("协作台账 — {0}").format(context.ledger.path))
        self.setMinimumSize(QSize(900, 600))

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.stack = QStackedWidget()
        self.overview = Overview(context)
        self.plans = PlanView(context)
        self.tables: dict[str, RecordTable] = {}
        self._add_view(self.tr("总览"), self.overview)
        self._add_view(self.tr("年度计划"), self.plans)
        for kind, spec in KINDS.items():
            table = RecordTable(context, kind)
            table.open_requested.connect(lambda record_id, kind=kind: self.edit_record(kind, record_id))
            table.totals_changed.connect(self._show_totals)
            # The table's right-click menu; its evidence is in the record's form, beside the fields.
            table.new_requested.connect(self.new_record)
            table.duplicate_requested.connect(lambda record_id, kind=kind: self._duplicate(kind, record_id))
            table.delete_requested.connect(self.delete_selected)
            table.evidence_requested.connect(
                lambda record_id, kind=kind: self._open_form(kind, record_id=record_id, focus_evidence=True)
            )
            self.tables[kind] = table
            self._add_view(spec.label, table)
        self.evidence = EvidenceView(context)
        self.evidence.open_record.connect(self.edit_record)
        self._add_view(self.tr("佐证材料"), self.evidence)
        self.bin = RecycleBin(context)
        self._add_view(self.tr("回收站"), self.bin)
        self.audit = AuditLog(context)
        self.audit.open_record.connect(self.edit_record)
        self._add_view(self.tr("修改记录"), self.audit)
        self.settings = SettingsView(context)
        self.settings.restore_requested.connect(lambda: self.open_job("RestoreDialog"))
        self._add_view(self.tr("设置"), self.settings)
        self.search_results = SearchResults(context, self)
        self._add_view(self.tr("搜索结果"), self.search_results)
        self.sidebar.setCurrentRow(0)
        self.sidebar.currentRowChanged.connect(self._show_view)
        em = self.fontMetrics().horizontalAdvance("中")
        self.sidebar.setMinimumWidth(em * 7)
        self.sidebar.setStyleSheet("QListWidget#sidebar::item { padding: 6px 10px; }")

        self.splitter = QSplitter()
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([em * 9, em * 100])
        self.setCentralWidget(self.splitter)

        # Views load when shown, and when shown after a change read again what it touched: a large ledger's other
        # kinds are not read at start or on every edit. What each view has not seen yet waits here, merged.
        self._pending: dict[QWidget, Changes] = {self.stack.widget(i): EVERYTHING for i in range(self.stack.count())}
        self._scope_bar()
        self._menus()
        context.changed.connect(self._changed)
        context.scope_changed.connect(self.reload)
        context.failed.connect(self._tell_failure)
        self._restore_state()
        self.backup_runner = JobRunner(None, self)
        self.backup_runner.ended.connect(self._backed_up)
        self.backup_timer = QTimer(self, interval=BACKUP_EVERY_MS)
        self.backup_timer.timeout.connect(self.periodic_backup)
        self.backup_timer.start()

    @Slot(str)
    def _tell_failure(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("未能完成"), message)

    # Views ---------------------------------------------------------------------------------------

    def _add_view(self, label: str, widget: QWidget) -> None:
        self.sidebar.addItem(label)
        self.stack.addWidget(widget)

    def _show_view(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        widget = self.stack.currentWidget()
        changes = self._pending.pop(widget, None)
        if changes is not None:
            if hasattr(widget, "refresh"):
                widget.refresh(changes)
            elif hasattr(widget, "reload"):  # a view that reads little (设置, 修改记录) reads it all again
                widget.reload()
        self.statusBar().showMessage(widget.totals_text() if isinstance(widget, RecordTable) else "")

    def _show_totals(self, text: str) -> None:
        if self.sender() is self.stack.currentWidget():
            self.statusBar().showMessage(text)

    def show_kind(self, kind: str) -> RecordTable:
        self.sidebar.setCurrentRow(self.stack.indexOf(self.tables[kind]))
        return self.tables[kind]

    def current_table(self) -> RecordTable | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, RecordTable) else None

    def reload(self) -> None:
        """Every view reads everything again (the pairing or year was chosen anew)."""
        self._changed(EVERYTHING)

    @Slot(object)
    def _changed(self, changes: Changes) -> None:
        """The shown view reads again what `changes` touched; the others will when shown."""
        if changes.everything or changes.pairings or changes.records or changes.plans:
            self._fill_scope()  # a pairing added, a year first used or no longer
        for index in range(self.stack.count()):
            widget = self.stack.widget(index)
            waiting = self._pending.get(widget)
            self._pending[widget] = changes if waiting is None else waiting | changes
        self._show_view(self.stack.currentIndex())

    # The pairing and year ------------------------------------------------------------------------

    def _scope_bar(self) -> None:
        bar = QToolBar(self.tr("范围"))
        bar.setObjectName("scope")
        bar.setMovable(False)
        self.pairing_box = QComboBox()
        self.pairing_box.setMinimumContentsLength(10)
        self.year_box = QComboBox()
        self.search_box = QLineEdit(placeholderText=self.tr("搜索全部记录（Ctrl+F）"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(self.fontMetrics().horizontalAdvance("中") * 16)
        self.search_box.returnPressed.connect(self.search)
        bar.addWidget(QLabel(self.tr(" 结对关系 ")))
        bar.addWidget(self.pairing_box)
        bar.addWidget(QLabel(self.tr("  年度 ")))
        bar.addWidget(self.year_box)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy())
        bar.addWidget(spacer)
        bar.addWidget(self.search_box)
        self.addToolBar(bar)
        self._fill_scope()
        self.pairing_box.currentIndexChanged.connect(self._scope_chosen)
        self.year_box.currentIndexChanged.connect(self._scope_chosen)

    def _fill_scope(self) -> None:
        for box, items, current in (
            (self.pairing_box, self.context.pairings(), self.context.pairing),
            (self.year_box, self.context.years(), self.context.year),
        ):
            box.blockSignals(True)
            box.clear()
            box.addItem(self.tr(ALL), None)
            for item in items:
                box.addItem(f"{item}年" if isinstance(item, int) else item, item)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)

    def _scope_chosen(self) -> None:
        self.context.set_scope(self.pairing_box.currentData(), self.year_box.currentData())

    # Records -------------------------------------------------------------------------------------

    def new_record(self) -> None:
        table = self.current_table()
        kind = table.kind if table is not None and not table.deleted else None
        if kind is None:
            QMessageBox.information(self, self.tr("新增记录"), self.tr("请先在左侧选择一类台账（如“会议与互访”）。"))
            return
        if not self.context.pairings():  # every record belongs to one: the form could not be saved
            QMessageBox.information(
                self, self.tr("新增记录"), self.tr("台账里还没有结对关系。请先在“设置”里填写东部和西部的市县并添加。")
            )
            self.sidebar.setCurrentRow(self.stack.indexOf(self.settings))
            self.settings.east.setFocus()
            return
        self._open_form(kind)

    def edit_record(self, kind: str, record_id: uuid.UUID | None) -> None:
        if record_id is not None:
            self._open_form(kind, record_id=record_id)

    def duplicate_record(self) -> None:
        table = self.current_table()
        if table is not None and not table.deleted and table.current_id() is not None:
            self._duplicate(table.kind, table.current_id())

    def _duplicate(self, kind: str, record_id: uuid.UUID) -> None:
        """复制为新记录; for a tie, which stands for all its years, first the offer to continue it instead."""
        spec = KINDS[kind]
        if spec.standing:
            with self.context.session() as session:
                record = records.get_record(session, record_id)
                values, title = records.record_values(record), record.title
            continued = continuation(spec, values)
            if continued is None:
                answer = QMessageBox.question(
                    self,
                    self.tr("复制为新记录"),
                    self.tr(
                        "“{0}”没有截止日期，已计入此后的每个年度，新年度不必复制，在同一条记录里续写帮扶活动即可。\n\n仍要复制为另一条结对吗？"
                    ).format(title),
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
            elif not self._continue(kind, record_id, title, values, continued):
                return
        self._open_form(kind, copy_of=record_id)

    def _continue(self, kind: str, record_id: uuid.UUID, title: str, values: dict, continued: dict) -> bool:
        """Offers to carry a standing record on past its end; True when a copy is wanted after all."""
        ended = "、".join(values[name].isoformat() for name in continued if values.get(name))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("延续到新年度"), "", parent=self)
        box.setText(self.tr("“{0}”的协议截止于 {1}。").format(title, ended))
        box.setInformativeText(
            self.tr(
                "延续：清除截止日期，同一条记录此后每个年度都计入，新年度的帮扶活动续写在其中。\n复制：另建一条新的结对记录。"
            )
        )
        carry_on = box.addButton(self.tr("延续"), QMessageBox.ButtonRole.AcceptRole)
        copy = box.addButton(self.tr("复制为新记录"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(carry_on)
        run_modal(box)
        if box.clickedButton() is copy:
            return True
        if box.clickedButton() is carry_on:
            try:
                saved = self.context.save_record(kind, continued, record_id)
            except LedgerError as error:  # archived, or gone since: said, nothing changed
                saved = [error]
            if isinstance(saved, list):
                QMessageBox.warning(self, self.tr("延续到新年度"), "\n".join(map(str, saved)))
            else:
                self.statusBar().showMessage(
                    self.tr("已延续“{0}”：此后每个年度都计入（Ctrl+Z 撤销）").format(title), 5000
                )
        return False

    def _open_form(self, kind: str, **which) -> None:
        from ui.record_dialog import RecordDialog

        dialog = RecordDialog(self.context, kind, parent=self, **which)
        if run_modal(dialog) and dialog.saved_id is not None:
            self._select(kind, dialog.saved_id)  # its table read the record again when it was saved, or does now

    def _select(self, kind: str, record_id: uuid.UUID) -> None:
        table = self.show_kind(kind)
        for row in range(table.proxy.rowCount()):
            index = table.proxy.index(row, 0)
            if table.record_at(index) == record_id:
                table.table.selectRow(row)
                table.table.scrollTo(index)
                return

    def delete_selected(self) -> None:
        table = self.current_table()
        if table is None or table.deleted:
            return
        chosen = table.selected_ids()
        if chosen and self.context.delete_records(chosen):
            message = self.tr("已将 {0} 条记录移入回收站（Ctrl+Z 撤销）").format(len(chosen))
            self.statusBar().showMessage(message, 5000)

    # Search --------------------------------------------------------------------------------------

    def search(self) -> None:
        self.search_results.run(self.search_box.text())
        self.sidebar.setCurrentRow(self.stack.indexOf(self.search_results))

    # Menus ---------------------------------------------------------------------------------------

    def _menus(self) -> None:
        def action(menu, text: str, slot, shortcut=None) -> QAction:
            item = menu.addAction(text)
            item.triggered.connect(slot)
            if shortcut is not None:
                item.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
            return item

        files = self.menuBar().addMenu(self.tr("文件(&F)"))
        action(files, self.tr("新建台账…"), self._new_ledger)
        action(files, self.tr("打开台账…"), self._choose_ledger, QKeySequence.StandardKey.Open)
        self.recent_menu = files.addMenu(self.tr("最近的台账"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        files.addSeparator()
        action(files, self.tr("打包交换…"), lambda: self.open_job("PackDialog"))
        action(files, self.tr("合并台账…"), lambda: self.open_job("MergeDialog"))
        files.addSeparator()
        action(files, self.tr("打开台账文件夹"), self._open_folder)
        action(files, self.tr("立即备份"), self._backup)
        action(files, self.tr("完整备份…"), lambda: self.open_job("FullBackupDialog"))
        action(files, self.tr("从备份恢复…"), lambda: self.open_job("RestoreDialog"))
        files.addSeparator()
        action(files, self.tr("退出"), self.close, QKeySequence.StandardKey.Quit)

        edit = self.menuBar().addMenu(self.tr("编辑(&E)"))
        undo = self.context.undo_stack.createUndoAction(self, self.tr("撤销"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.context.undo_stack.createRedoAction(self, self.tr("重做"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addActions([undo, redo])
        edit.addSeparator()
        action(edit, self.tr("新增记录"), self.new_record, QKeySequence.StandardKey.New)
        action(edit, self.tr("复制为新记录"), self.duplicate_record, "Ctrl+D")
        delete = action(edit, self.tr("删除（移入回收站）"), self.delete_selected, QKeySequence.StandardKey.Delete)
        delete.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        edit.addSeparator()
        action(edit, self.tr("搜索"), lambda: (self.search_box.setFocus(), self.search_box.selectAll()), "Ctrl+F")

        tools = self.menuBar().addMenu(self.tr("工具(&T)"))
        for text, name in (
            (self.tr("导出 Excel 台账…"), "ExcelExportDialog"),
            (self.tr("导入 Excel 台账…"), "ExcelImportDialog"),
            (self.tr("编制佐证材料 PDF…"), "BinderDialog"),
            (self.tr("打印档案盒标签…"), "LabelsDialog"),
        ):
            action(tools, text, lambda checked=False, name=name: self.open_job(name))

        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        action(help_menu, self.tr("关于协作台账"), self._about)

    def open_job(self, name: str):
        dialog = getattr(importlib.import_module(DIALOGS[name]), name)(self.context, self)
        return show_modeless(dialog)

    def switch_to(self, path: Path) -> None:
        """Closes this window; the application then opens the ledger at `path` (made there if new)."""
        self.next_ledger = path
        self.close()

    def _new_ledger(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择一个空文件夹存放新台账"))
        if not folder:
            return
        path = Path(folder)
        if is_ledger(path) or any(path.iterdir()):
            QMessageBox.warning(self, self.tr("新建台账"), self.tr("请选择一个空文件夹。"))
            return
        self.switch_to(path)

    def _choose_ledger(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择台账文件夹"))
        if folder and not is_ledger(Path(folder)):
            QMessageBox.warning(self, self.tr("打开台账"), self.tr("这个文件夹里没有台账。"))
        elif folder:
            self.switch_to(Path(folder))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        current = str(self.context.ledger.path)
        for item in QSettings().value("recent", [], list):
            if item != current and is_ledger(Path(item)):
                chosen = self.recent_menu.addAction(item)
                chosen.triggered.connect(lambda checked=False, item=item: self.switch_to(Path(item)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction(self.tr("（没有其他台账）")).setEnabled(False)

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.context.ledger.path)))

    def _backup(self) -> None:
        path = self.context.ledger.backup("manual")
        self.statusBar().showMessage(self.tr("已备份到 {0}").format(path), 8000)

    @Slot()
    def periodic_backup(self) -> None:
        """A copy on the worker when the ledger changed since the newest backup; none while a job (a restore, a
        merge) has the ledger, the next hour's copy catches up."""
        if any(runner.running() for runner in self.findChildren(JobRunner)):
            return
        ledger = self.context.ledger
        self.backup_runner.start(lambda job, session: ledger.backup_if_changed("periodic"))

    @Slot(object)
    def _backed_up(self, outcome: Outcome) -> None:
        if outcome.state is JobState.FAILED:
            self.statusBar().showMessage(self.tr("定时备份未能完成：{0}").format(outcome.error))

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("关于协作台账"),
            self.tr("<b>协作台账</b> {0}<br>东西部协作工作组的台账、佐证材料与考核材料。<br>台账：{1}").format(
                __version__, self.context.ledger.path
            ),
        )

    # State ---------------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self._fit_to_screen()
        splitter = settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        # Remembered by name, so a view added to the sidebar does not shift it.
        named = self.sidebar.findItems(str(settings.value("window/view", "")), Qt.MatchFlag.MatchExactly)
        view = self.sidebar.row(named[0]) if named else 0
        self.sidebar.setCurrentRow(view)
        self._show_view(view)  # the signal does not fire when the row is already current

    def _fit_to_screen(self) -> None:
        """The first window fills most of the screen (a laptop's 1366×768 nearly whole), centred; it is
        remembered after."""
        area = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        width = min(area.width(), max(self.minimumWidth(), min(1600, int(area.width() * 0.92))))
        height = min(area.height(), max(self.minimumHeight(), min(1000, int(area.height() * 0.92))))
        self.resize(width, height)
        self.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)

    def closeEvent(self, event) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue("window/view", self.sidebar.currentItem().text() if self.sidebar.currentItem() else "")
        for table in (*self.tables.values(), *self.bin.tables.values()):
            table.save_state()
        self.backup_timer.stop()  # the ledger is closed once the window is: no copy of it after that
        super().closeEvent(event)


class SearchResults(QWidget):
    """Records of every kind whose texts hold the words searched for."""

    def __init__(self, context: LedgerContext, window: MainWindow):
        super().__init__()
        self.context, self.window = context, window
        self.label = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("台账"), self.tr("日期"), self.tr("事项"), self.tr("状态")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(2, self.table.horizontalHeader().ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(self._open)
        self.found: list[tuple[str, uuid.UUID]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.table)

    def run(self, text: str) -> None:
        text = text.strip()
        self.found = []
        rows = []
        if text:
            with self.context.session() as session:
                for kind, spec in KINDS.items():
                    for record in records.list_records(
                        session, kind, text=text, year=self.context.year, pairing=self.context.pairing
                    ):
                        when = getattr(record, spec.date_field)
                        self.found.append((kind, record.id))
                        day = f"{when:%Y-%m-%d}" if when else ""
                        rows.append([spec.label, day, record.title, record.record_status])
        self.table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(cell or ""))
        self.label.setText(self.tr("“{0}”：找到 {1} 条记录（双击打开）").format(text, len(rows)))

    def _open(self, row: int, column: int) -> None:
        kind, record_id = self.found[row]
        self.window.edit_record(kind, record_id)
