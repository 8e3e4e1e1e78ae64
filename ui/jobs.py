"""Long work started from the window: the Excel ledger out and back in, the evidence binder, its box labels.

The ledger's functions do the work and know nothing of Qt. Here each runs on the worker (`ui.worker`): a pool
thread with a session of its own (a SQLAlchemy session belongs to one thread; the engine is shared), progress
through queued signals, stopped when its cancel flag is set, so the window stays responsive. Every dialog shows
its outcome in itself rather than in a message box, so a test can drive it from start to finish.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger.assessment import frameworks
from ledger.errors import LedgerError, describe_os_error
from ledger.excel.export import EVIDENCE_SHEET, PROGRESS_SHEET, ExportSummary, export_workbook
from ledger.excel.importing import CONFLICT_RULES, Conflict, ImportFailed, ImportReport, Mistake, import_workbook
from ledger.kinds import KINDS
from ledger.models import Setting
from ledger.pdf.binder import BinderOptions, BinderResult, build_binder
from ledger.pdf.labels import SPINE_WIDTHS, Box, LabelOptions, labels_for_binder
from ui.context import LedgerContext
from ui.worker import Job, JobRunner, JobState, Outcome, Work

#: 保管期限 as DA/T 22-2015 names them.
RETENTIONS = ("永久", "30年", "10年")
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]')
_SECTION_SEPARATORS = re.compile(r"[\s,，、;；]+")
_ROOT = QModelIndex()  # Qt's default `parent` of a table's rows


class MistakesModel(QAbstractTableModel):
    """The mistakes of a workbook that could not be imported, one a row. A conflict's row (a record changed in the
    ledger since the export) also holds the clerk's choice for it in the last column: "workbook" or "ledger", or
    "stop" while none is made (the dialog's overall rule until the clerk picks another)."""

    CHOICE = 5  # the column of a conflict's choice

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._mistakes: list[Mistake] = []
        self._choices: dict[uuid.UUID, str] = {}
        self._rule = "stop"
        self._headers = (
            self.tr("工作表"), self.tr("行"), self.tr("列"), self.tr("值"), self.tr("原因"), self.tr("处理"),
        )  # fmt: skip

    def set_mistakes(self, mistakes: Sequence[Mistake], rule: str | None = None) -> None:
        self.beginResetModel()
        self._mistakes = list(mistakes)
        self._rule = rule or self._rule
        self._choices = {m.record_id: self._rule for m in self._mistakes if isinstance(m, Conflict)}
        self.endResetModel()

    def set_rule(self, rule: str) -> None:
        """Every conflict's choice becomes `rule`, the dialog's overall one."""
        self._rule = rule
        self._choices = dict.fromkeys(self._choices, rule)
        if self._mistakes:
            self.dataChanged.emit(self.index(0, self.CHOICE), self.index(len(self._mistakes) - 1, self.CHOICE))

    def choices(self) -> dict[uuid.UUID, str]:
        return dict(self._choices)

    def only_settled_conflicts(self) -> bool:
        """Every row is a conflict with a choice made: the import may go ahead with them."""
        return all(isinstance(m, Conflict) for m in self._mistakes) and "stop" not in self._choices.values()

    def conflict_rows(self) -> list[int]:
        return [row for row, mistake in enumerate(self._mistakes) if isinstance(mistake, Conflict)]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._mistakes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def _conflict(self, index: QModelIndex | QPersistentModelIndex) -> Conflict | None:
        mistake = self._mistakes[index.row()] if index.isValid() and index.row() < len(self._mistakes) else None
        return mistake if isinstance(mistake, Conflict) and index.column() == self.CHOICE else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._mistakes):
            return None
        if index.column() == self.CHOICE:
            conflict = self._conflict(index)
            if conflict is None:
                return None
            choice = self._choices[conflict.record_id]
            if role == Qt.ItemDataRole.EditRole:
                return choice
            if role == Qt.ItemDataRole.DisplayRole:
                return self.tr(CONFLICT_CHOICES.get(choice, "请选择"))
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            mistake = self._mistakes[index.row()]
            row = str(mistake.row) if mistake.row else ""  # 0: the whole sheet
            return (mistake.sheet, row, mistake.column, mistake.value, mistake.reason)[index.column()]
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        conflict = self._conflict(index)
        if conflict is None or role != Qt.ItemDataRole.EditRole or value not in CONFLICT_RULES:
            return False
        if self._choices[conflict.record_id] != value:
            self._choices[conflict.record_id] = value
            self.dataChanged.emit(index, index)
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if self._conflict(index) is not None else flags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._headers):
            return self._headers[section]
        return None


#: A conflict's choices in the mistakes table; with none made ("stop") the import waits.
CONFLICT_CHOICES = {"workbook": "以工作簿为准", "ledger": "保留台账"}


class ChoiceDelegate(QStyledItemDelegate):
    """A conflict's choice as a combo box, kept open on its row; a pick is written to the model at once."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        box = QComboBox(parent)
        box.setPlaceholderText(self.tr("请选择"))
        for rule, words in CONFLICT_CHOICES.items():
            box.addItem(self.tr(words), rule)
        box.currentIndexChanged.connect(lambda _: self.commitData.emit(box))
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        if found != editor.currentIndex():
            editor.setCurrentIndex(found)  # -1 shows 请选择

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        if editor.currentIndex() >= 0:
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def documents() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


class PathField(QWidget):
    """A file to write or to read: typed, or chosen with the system's file dialog."""

    #: A file was chosen with the file dialog.
    picked = Signal()

    def __init__(self, caption: str, file_filter: str, suffix: str, *, save: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self._caption, self._filter, self._suffix, self._save = caption, file_filter, suffix, save
        self._chosen = False  # once the user names a file, suggestions no longer replace it
        self.edit = QLineEdit()
        self.edit.setMinimumWidth(360)
        self.edit.textEdited.connect(self._typed)
        self.browse = QPushButton(self.tr("浏览…"))
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self._browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.browse)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = documents() / path
        if self._save and path.suffix.lower() != self._suffix:
            path = path.with_name(path.name + self._suffix)
        return path

    def set_path(self, path: Path | str) -> None:
        self._chosen = True
        self.edit.setText(str(path))

    def suggest(self, path: Path) -> None:
        if not self._chosen:
            self.edit.setText(str(path))

    @Slot()
    def _typed(self) -> None:
        self._chosen = True

    @Slot()
    def _browse(self) -> None:
        start = self.edit.text() or str(documents())
        if self._save:
            chosen, _ = QFileDialog.getSaveFileName(self, self._caption, start, self._filter)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, self._caption, start, self._filter)
        if chosen:
            self.set_path(chosen)
            self.picked.emit()


class JobDialog(QDialog):
    """Options above, then the job's progress and its outcome, then 开始 / 取消 / 关闭.

    A subclass builds its form and passes it to `_build`; `start()` reads the options on this thread and hands
    `_run` a function that uses only them, so no widget is touched from the worker."""

    #: The job ended: "done", "cancelled" or "failed".
    job_ended = Signal(str)

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.state = JobState.IDLE
        self.result: Any = None
        self._result_path: Path | None = None
        self._on_done: Callable[[Any], None] = lambda result: None
        self._cancelled_text = ""
        self.runner = JobRunner(context.ledger, self)
        self.runner.progressed.connect(self._show_progress)
        self.runner.ended.connect(self._ended)
        # Made without a parent: the tab order follows the order they join the dialog in `_build`.
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        # Its room is kept while it is hidden, so nothing below it (the buttons) moves when a job starts.
        policy = self.progress_bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress_bar.setSizePolicy(policy)
        self.progress_bar.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        # A line of Chinese kept for the status from the start too (CJK glyphs stand taller than an empty label).
        self.status.setMinimumHeight(QLabel(self.tr("正在准备…")).sizeHint().height())
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setMaximumHeight(150)
        self.details.hide()
        self.open_file_button = QPushButton(self.tr("打开文件"))
        self.open_folder_button = QPushButton(self.tr("打开所在文件夹"))
        self.start_button = QPushButton(self.tr("开始"))
        self.cancel_button = QPushButton(self.tr("取消"))
        self.close_button = QPushButton(self.tr("关闭"))
        for button in (self.open_file_button, self.open_folder_button, self.cancel_button, self.close_button):
            button.setAutoDefault(False)
        self.start_button.setDefault(True)  # Enter starts
        self.cancel_button.setEnabled(False)
        self.open_file_button.clicked.connect(self.open_file)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

    def _build(self, form: QWidget, results: Sequence[QWidget] = (), buttons: Sequence[QPushButton] = ()) -> None:
        self.form = form
        # Disabled while a job runs; some styles then draw placeholders as dark as typed text, which misleads.
        palette = form.palette()
        dimmed = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.PlaceholderText, dimmed)
        form.setPalette(palette)
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)
        layout.addWidget(self.details)
        for widget in results:
            layout.addWidget(widget)
        opening = QHBoxLayout()
        opening.addWidget(self.open_file_button)
        opening.addWidget(self.open_folder_button)
        opening.addStretch(1)
        layout.addLayout(opening)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.start_button, *buttons, self.cancel_button, self.close_button):
            row.addWidget(button)
        layout.addLayout(row)
        self._show_file(None)

    # Running -------------------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        raise NotImplementedError

    def _run(
        self, work: Work, on_done: Callable[[Any], None], cancelled_text: str, *, needs_ledger: bool = True
    ) -> None:
        if self.runner.running():
            return
        # The context's ledger, not the one the dialog opened with: a restore reopens it meanwhile.
        self.runner.ledger = self.context.ledger if needs_ledger else None
        # The file the job writes or reads, named by a message about the disk that names none.
        field = getattr(self, "output", None) or getattr(self, "source", None)
        self.runner.target = field.path() if isinstance(field, PathField) else None
        self._on_done, self._cancelled_text = on_done, cancelled_text
        self.result = None
        self._show_file(None)
        self.details.clear()
        self.details.hide()
        self.status.setText(self.tr("正在准备…"))
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self._set_running(True)
        self.state = JobState.RUNNING
        self.runner.start(work)

    def _set_running(self, running: bool) -> None:
        self.form.setEnabled(not running)
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)  # Esc and the window's own close button still cancel

    @Slot()
    def cancel(self) -> None:
        if self.runner.running():
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(self.tr("正在取消…"))

    def reject(self) -> None:
        """Esc and the window's close button stop a running job first; the dialog then says how it ended."""
        if self.runner.running():
            self.cancel()
        else:
            super().reject()

    @Slot(float, str)
    def _show_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(round(min(max(fraction, 0.0), 1.0) * 1000))
        if self.cancel_button.isEnabled():  # after a cancel, "正在取消…" stays
            self.status.setText(message)

    @Slot(object)
    def _ended(self, outcome: Outcome) -> None:
        self.progress_bar.hide()
        self._set_running(False)
        if outcome.state is JobState.DONE:
            self.result = outcome.result
            self._on_done(outcome.result)
        elif outcome.state is JobState.CANCELLED:
            self.status.setText(self._cancelled_text)
        else:
            assert outcome.error is not None
            self._failed(outcome.error)
        self.state = outcome.state
        self.job_ended.emit(str(outcome.state))

    def _failed(self, error: Exception) -> None:
        self.status.setText(self._describe(error))

    def _describe(self, error: Exception) -> str:
        if isinstance(error, LedgerError):
            return self.tr("未能完成：{error}").format(error=error)
        said = describe_os_error(error, self.runner.target)  # the disk's or the file system's failure
        if said is not None:
            return self.tr("未能完成：{error}").format(error=said)
        return self.tr("未能完成，出现意外错误（{kind}：{error}）。").format(kind=type(error).__name__, error=error)

    # Showing the outcome -------------------------------------------------------------------------

    def _show_lines(self, lines: Sequence[str]) -> None:
        self.details.setPlainText("\n".join(lines))
        self.details.setVisible(bool(lines))

    def _show_file(self, path: Path | None) -> None:
        self._result_path = path
        self.open_file_button.setVisible(path is not None)
        self.open_folder_button.setVisible(path is not None)

    @Slot()
    def open_file(self) -> None:
        if self._result_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._result_path)))

    @Slot()
    def open_folder(self) -> None:
        if self._result_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._result_path.parent)))

    # Form pieces ---------------------------------------------------------------------------------

    def _pairing_box(self, everything: str | None = None) -> QComboBox:
        """The ledger's pairings, the context's chosen; `everything`: the label of a first item meaning all."""
        box = QComboBox()
        if everything:
            box.addItem(everything, None)
        for name in self.context.pairings():
            box.addItem(name, name)
        found = box.findData(self.context.pairing)
        box.setCurrentIndex(max(found, 0))
        return box

    def _year_box(self, everything: str | None = None) -> QComboBox:
        box = QComboBox()
        years = self.context.years()
        if everything or not years:
            box.addItem(everything or self.tr("有记录的最近一年"), None)
        for year in years:
            box.addItem(self.tr("{year}年").format(year=year), year)
        found = box.findData(self.context.year)
        box.setCurrentIndex(max(found, 0))
        return box

    def _date_box(self) -> QDateEdit:
        box = QDateEdit(QDate.currentDate())
        box.setCalendarPopup(True)
        box.setDisplayFormat("yyyy-MM-dd")
        return box

    def set_output(self, path: Path | str) -> None:
        """The file the job writes, as if chosen in the file dialog (callers that know it, and tests)."""
        self.output.set_path(path)

    def _suggested(self, pairing: str | None, year: int | None, what: str, suffix: str) -> Path:
        """A file in the user's Documents named for what it holds, e.g. 2020年鹤山市—龙州县台账.xlsx."""
        name = (f"{year}年" if year else "") + (pairing or "") + what
        return documents() / (_UNSAFE_IN_NAMES.sub("_", name) + suffix)

    def _need_output(self, field: PathField) -> Path | None:
        path = field.path()
        if path is None:
            self.status.setText(self.tr("请先选择保存位置。"))
        return path


class ExcelExportDialog(JobDialog):
    """导出 Excel 台账: the options of `ledger export`."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.setWindowTitle(self.tr("导出 Excel 台账"))
        self.start_button.setText(self.tr("导出"))
        form = QWidget()
        fields = QFormLayout(form)
        fields.setContentsMargins(0, 0, 0, 0)
        self.output = PathField(self.tr("导出 Excel 台账"), self.tr("Excel 工作簿 (*.xlsx)"), ".xlsx", save=True)
        self.pairing = self._pairing_box(self.tr("全部结对关系"))
        self.year = self._year_box(self.tr("全部年度"))
        kinds = QWidget()
        grid = QGridLayout(kinds)
        grid.setContentsMargins(0, 0, 0, 0)
        self.kinds: dict[str, QCheckBox] = {}
        for position, spec in enumerate(KINDS.values()):
            box = QCheckBox(spec.label, checked=True)
            grid.addWidget(box, position // 3, position % 3)
            self.kinds[spec.name] = box
        self.as_of = self._date_box()
        self.as_of.setToolTip(self.tr("指标完成情况按这一天判断是否逾期"))
        fields.addRow(self.tr("保存到"), self.output)
        fields.addRow(self.tr("结对关系"), self.pairing)
        fields.addRow(self.tr("年度"), self.year)
        fields.addRow(self.tr("记录类别"), kinds)
        fields.addRow(self.tr("逾期判断日期"), self.as_of)
        self._build(form)
        self.setMinimumWidth(600)
        self.pairing.currentIndexChanged.connect(self._suggest_output)
        self.year.currentIndexChanged.connect(self._suggest_output)
        self._suggest_output()

    @Slot()
    def _suggest_output(self) -> None:
        suggested = self._suggested(self.pairing.currentData(), self.year.currentData(), self.tr("台账"), ".xlsx")
        self.output.suggest(suggested)

    @Slot()
    def start(self) -> None:
        kinds = [name for name, box in self.kinds.items() if box.isChecked()]
        if not kinds:
            self.status.setText(self.tr("请至少选择一类记录。"))
            return
        path = self._need_output(self.output)
        if path is None:
            return
        pairing, year, as_of = self.pairing.currentData(), self.year.currentData(), self.as_of.date().toPython()

        def work(job: Job, session: Session) -> ExportSummary:
            return export_workbook(
                session, path, pairing=pairing, year=year, kinds=kinds, as_of=as_of, progress=job.progress
            )

        self._run(work, self._exported, self.tr("已取消，未生成文件。"))

    def _exported(self, summary: ExportSummary) -> None:
        self.status.setText(self.tr("已导出：{path}").format(path=summary.path))
        units = {PROGRESS_SHEET: self.tr("项任务"), EVIDENCE_SHEET: self.tr("个文件")}
        self._show_lines([f"{sheet}：{count} {units.get(sheet, self.tr('条'))}" for sheet, count in summary.sheets])
        self._show_file(summary.path)


class ExcelImportDialog(JobDialog):
    """导入 Excel 台账: every mistake is listed after a dry run, and only a clean file can be imported.

    The dry run lists every conflict (a row of a record changed in the ledger since the export) too, each with a
    choice in the table, first the overall rule's; once each has 以工作簿为准 or 保留台账 and nothing else is wrong,
    the import goes ahead with those choices."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.setWindowTitle(self.tr("导入 Excel 台账"))
        # The import writes in one long transaction: edits in the window meanwhile would wait on it.
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.start_button.setText(self.tr("检查"))
        self.start_button.setToolTip(self.tr("试导入：检查每一行，不写入台账"))
        self._checked: Path | None = None  # the file whose dry run was clean, but perhaps for its conflicts
        self._reading: Path | None = None  # the file of the job running or last run
        form = QWidget()
        fields = QFormLayout(form)
        fields.setContentsMargins(0, 0, 0, 0)
        self.source = PathField(self.tr("导入 Excel 台账"), self.tr("Excel 工作簿 (*.xlsx *.xlsm)"), "", save=False)
        fields.addRow(self.tr("文件"), self.source)
        # Rows of records changed in the ledger after the export: each settled in the table, this the first choice.
        self.conflict_rule = QComboBox()
        for rule, words in CONFLICT_RULES.items():
            self.conflict_rule.addItem(self.tr(words), rule)
        self.conflict_rule.setToolTip(self.tr("工作簿导出以后，台账里又修改过的记录：导入这些行会撤销较新的修改"))
        fields.addRow(self.tr("导出后台账里改过的行"), self.conflict_rule)
        note = QLabel(self.tr("先检查全部内容；有记录编号的行更新该记录，没有的行新增。有任何错误则全部不导入。"))
        note.setWordWrap(True)
        fields.addRow(note)
        self.mistakes = MistakesModel(self)
        self.mistakes_view = QTableView()
        self.mistakes_view.setModel(self.mistakes)
        self.mistakes_view.setItemDelegateForColumn(MistakesModel.CHOICE, ChoiceDelegate(self.mistakes_view))
        self.mistakes_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mistakes_view.verticalHeader().hide()
        self.mistakes_view.setMinimumHeight(220)
        header = self.mistakes_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # the reason
        header.setSectionResizeMode(MistakesModel.CHOICE, QHeaderView.ResizeMode.Fixed)
        probe = QComboBox()  # as wide as a choice's combo box
        probe.addItems([self.tr(words) for words in CONFLICT_CHOICES.values()])
        header.resizeSection(MistakesModel.CHOICE, probe.sizeHint().width())
        self.mistakes_view.hide()
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setAutoDefault(False)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.import_checked)
        self._build(form, results=[self.mistakes_view], buttons=[self.import_button])
        self.source.edit.textChanged.connect(self._forget_check)
        self.conflict_rule.currentIndexChanged.connect(self._rule_changed)
        self.mistakes.dataChanged.connect(self._settled)
        self.source.picked.connect(self.start)
        self.setMinimumWidth(860)  # room for a mistake's reason beside its sheet, row, column and value

    def set_source(self, path: Path | str) -> None:
        self.source.set_path(path)

    @Slot()
    def _forget_check(self) -> None:
        self._checked = None
        self._allow_import(False)

    @Slot()
    def _rule_changed(self) -> None:
        self.mistakes.set_rule(self.conflict_rule.currentData())

    @Slot()
    def _settled(self) -> None:
        """A conflict's choice changed: the import may go ahead once each has one."""
        self._allow_import(self._checked is not None and self.mistakes.only_settled_conflicts())

    def _allow_import(self, allowed: bool) -> None:
        self.import_button.setEnabled(allowed)
        # Enter imports once a clean check has been seen, and checks otherwise.
        self.import_button.setDefault(allowed)
        self.start_button.setDefault(not allowed)

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        if running:
            self._allow_import(False)
            self.mistakes.set_mistakes([])
            self.mistakes_view.hide()

    @Slot()
    def start(self) -> None:
        path = self.source.path()
        if path is None:
            self.status.setText(self.tr("请先选择要导入的 Excel 文件。"))
            return

        self._reading = path

        def work(job: Job, session: Session) -> ImportReport:  # conflicts listed, to be settled in the table
            return import_workbook(session, path, dry_run=True, progress=job.progress, conflicts="stop")

        self._run(work, lambda report: self._checked_clean(path, report), self.tr("已取消检查。"))

    def _checked_clean(self, path: Path, report: ImportReport) -> None:
        self._checked = path
        self.status.setText(self.tr("检查通过，没有错误。确认以下内容后点“导入”："))
        self._show_lines(report.lines())
        self._allow_import(True)

    @Slot()
    def import_checked(self) -> None:
        path = self._checked
        if path is None or self.runner.running():
            return

        rule, choices = self.conflict_rule.currentData(), self.mistakes.choices()
        self._reading = path

        def work(job: Job, session: Session) -> ImportReport:
            return import_workbook(session, path, progress=job.progress, conflicts=rule, choices=choices)

        self._run(work, self._imported, self.tr("已取消，未导入任何内容。"))

    def _imported(self, report: ImportReport) -> None:
        self._checked = None
        self.status.setText(self.tr("导入完成。"))
        self._show_lines(report.lines())
        self.context.changed.emit()

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, ImportFailed):
            super()._failed(error)
            return
        conflicts = len(error.conflicts)
        count = len(error.mistakes) - conflicts
        text = ""
        if count or not conflicts:
            text = self.tr("发现 {count} 处错误，未导入任何内容。请在 Excel 中改正后重新检查。").format(count=count)
            if error.more:
                text += self.tr("（只列出前 {count} 处）").format(count=count)
        if conflicts:
            text += self.tr(
                "有 {count} 行的记录在导出以后已在台账里修改过，导入会撤销那些修改，尚未导入任何内容。"
                "请在下表“处理”一列逐行选择以工作簿为准或保留台账，再点“导入”。"
            ).format(count=conflicts)
        self.status.setText(text)
        self.mistakes.set_mistakes(error.mistakes, self.conflict_rule.currentData())
        for row in self.mistakes.conflict_rows():
            self.mistakes_view.openPersistentEditor(self.mistakes.index(row, MistakesModel.CHOICE))
        self.mistakes_view.show()
        self._checked = self._reading if not count else None  # only conflicts: settled in the table, imported
        self._settled()


class _LayoutFields(QGroupBox):
    """What decides where the binder's pages fall, shared by the binder and its box labels (as in the CLI)."""

    changed = Signal()

    def __init__(self, dialog: JobDialog):
        super().__init__(dialog.tr("内容与分册"))
        defaults = BinderOptions()
        self.pairing = dialog._pairing_box()
        self.year = dialog._year_box()
        self.framework = QComboBox()
        self.framework.addItem(self.tr("按年度自动选择"), None)
        for framework in frameworks.available():
            self.framework.addItem(framework.title, framework.name)
        self.sections = QLineEdit(placeholderText=self.tr("全部；或写编号，如 一 2.1"))
        self.evidence = QCheckBox(self.tr("附照片和扫描件"), checked=defaults.evidence)
        self.gaps = QCheckBox(self.tr("开头列出缺少佐证材料的记录"), checked=defaults.gaps)
        self.volume_pages = QSpinBox(minimum=0, maximum=100_000, singleStep=50, value=defaults.volume_pages or 0)
        self.volume_pages.setSpecialValueText(self.tr("不分册"))
        self.volume_pages.setSuffix(self.tr(" 页"))
        self.volume_pages.setToolTip(self.tr("每册正文约多少页，在小节之间分开；每册有封面和目录"))
        self.font = QLineEdit(placeholderText=self.tr("默认：台账设置或本机中文字体"))
        fields = QFormLayout(self)
        fields.addRow(self.tr("结对关系"), self.pairing)
        fields.addRow(self.tr("年度"), self.year)
        fields.addRow(self.tr("考核指标体系"), self.framework)
        fields.addRow(self.tr("只编小节"), self.sections)
        fields.addRow("", self.evidence)
        fields.addRow("", self.gaps)
        fields.addRow(self.tr("分册"), self.volume_pages)
        fields.addRow(self.tr("字体"), self.font)
        self.pairing.currentIndexChanged.connect(self.changed)
        self.year.currentIndexChanged.connect(self.changed)

    def options(self, **more: Any) -> BinderOptions:
        return BinderOptions(
            pairing=self.pairing.currentData(),
            year=self.year.currentData(),
            framework=self.framework.currentData(),
            sections=[number for number in _SECTION_SEPARATORS.split(self.sections.text()) if number],
            evidence=self.evidence.isChecked(),
            gaps=self.gaps.isChecked(),
            volume_pages=self.volume_pages.value() or None,
            font=self.font.text().strip() or None,
            **more,
        )


def _side_by_side(output: QWidget, label: str, groups: Sequence[QWidget], note: str = "") -> QWidget:
    """The output file across the top, then the groups of options beside each other to keep the dialog low."""
    form = QWidget()
    layout = QVBoxLayout(form)
    layout.setContentsMargins(0, 0, 0, 0)
    top = QFormLayout()
    top.addRow(label, output)
    layout.addLayout(top)
    row = QHBoxLayout()
    for group in groups:
        row.addWidget(group, 1)
    layout.addLayout(row)
    if note:
        below = QLabel(note)
        below.setWordWrap(True)
        layout.addWidget(below)
    return form


class BinderDialog(JobDialog):
    """编制佐证材料: the options of `ledger binder`."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.setWindowTitle(self.tr("编制佐证材料"))
        self.start_button.setText(self.tr("开始编制"))
        defaults = BinderOptions()
        self.output = PathField(self.tr("保存佐证材料"), self.tr("PDF 文件 (*.pdf)"), ".pdf", save=True)
        self.layout_fields = _LayoutFields(self)
        printing = QGroupBox(self.tr("打印"))
        with context.session() as session:  # the ledger's setting (设置), masked unless it says 否
            masked = session.get(Setting, "mask_personal")
        self.mask_personal = QCheckBox(self.tr("身份证号、电话打码"), checked=not (masked and masked.value == "否"))
        self.duplex = QCheckBox(self.tr("双面打印（装订边左右交替）"), checked=defaults.duplex)
        self.dpi = QSpinBox(minimum=72, maximum=600, singleStep=50, value=defaults.dpi)
        self.dpi.setSuffix(" dpi")
        self.as_of = self._date_box()
        self.as_of.setToolTip(self.tr("指标完成情况按这一天判断是否逾期"))
        fields = QFormLayout(printing)
        fields.addRow("", self.mask_personal)
        fields.addRow("", self.duplex)
        fields.addRow(self.tr("照片分辨率"), self.dpi)
        fields.addRow(self.tr("逾期判断日期"), self.as_of)
        self._build(_side_by_side(self.output, self.tr("保存到"), [self.layout_fields, printing]))
        self.setMinimumWidth(760)
        self.layout_fields.changed.connect(self._suggest_output)
        self._suggest_output()

    @Slot()
    def _suggest_output(self) -> None:
        fields = self.layout_fields
        what = self.tr("佐证材料")
        self.output.suggest(self._suggested(fields.pairing.currentData(), fields.year.currentData(), what, ".pdf"))

    @Slot()
    def start(self) -> None:
        path = self._need_output(self.output)
        if path is None:
            return
        options = self.layout_fields.options(
            mask_personal=self.mask_personal.isChecked(),
            dpi=self.dpi.value(),
            duplex=self.duplex.isChecked(),
            as_of=self.as_of.date().toPython(),
        )
        ledger = self.context.ledger

        def work(job: Job, session: Session) -> BinderResult:
            return build_binder(ledger, session, path, options, progress=job.report, cancelled=job.cancelled)

        self._run(work, self._built, self.tr("已取消，未生成文件。"))

    def _built(self, result: BinderResult) -> None:
        if len(result.volumes) > 1:
            text = self.tr("已编制 {volumes} 册（{records} 件记录，共 {pages} 页）：{path} 等")
        else:
            text = self.tr("已编制：{path}（{records} 件记录，共 {pages} 页）")
        self.status.setText(
            text.format(volumes=len(result.volumes), records=result.records, pages=result.pages, path=result.path)
        )
        lines = [str(path) for path in result.volumes] if len(result.volumes) > 1 else []
        lines += [self.tr("注意：{warning}").format(warning=warning) for warning in result.warnings]
        if result.problems:
            lines.append(self.tr("以下 {count} 个材料未能附入，已在其位置注明：").format(count=len(result.problems)))
            lines += [f"  {problem}" for problem in result.problems]
        self._show_lines(lines)
        self._show_file(result.path)


class LabelsDialog(JobDialog):
    """档案盒标签: the options of `ledger labels`, with the binder's layout options its page counts follow."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.setWindowTitle(self.tr("档案盒标签（盒脊、封面、备考表）"))
        self.start_button.setText(self.tr("生成"))
        defaults = LabelOptions()
        self.output = PathField(self.tr("保存档案盒标签"), self.tr("PDF 文件 (*.pdf)"), ".pdf", save=True)
        self.layout_fields = _LayoutFields(self)
        boxes = QGroupBox(self.tr("档案盒"))
        self.retention = QComboBox()
        self.retention.addItems(RETENTIONS)
        self.retention.setCurrentText(defaults.retention)
        self.fonds = QLineEdit(placeholderText=self.tr("留空则手填"))
        self.spine = QComboBox()
        for width in SPINE_WIDTHS:
            self.spine.addItem(f"{width} mm", width)
        self.spine.setCurrentIndex(self.spine.findData(defaults.spine_mm))
        self.compiled_by = QLineEdit(context.ledger.author)
        self.checked_by = QLineEdit(placeholderText=self.tr("留空则手填"))
        fields = QFormLayout(boxes)
        fields.addRow(self.tr("保管期限"), self.retention)
        fields.addRow(self.tr("全宗号"), self.fonds)
        fields.addRow(self.tr("盒脊厚度"), self.spine)
        fields.addRow(self.tr("整理人"), self.compiled_by)
        fields.addRow(self.tr("检查人"), self.checked_by)
        note = self.tr("每个考核指标大项一盒；盒内页数按同样选项编制的佐证材料计算，请用与打印的佐证材料相同的选项。")
        self._build(_side_by_side(self.output, self.tr("保存到"), [self.layout_fields, boxes], note))
        self.setMinimumWidth(760)
        self.layout_fields.changed.connect(self._suggest_output)
        self._suggest_output()

    @Slot()
    def _suggest_output(self) -> None:
        fields = self.layout_fields
        what = self.tr("档案盒标签")
        self.output.suggest(self._suggested(fields.pairing.currentData(), fields.year.currentData(), what, ".pdf"))

    @Slot()
    def start(self) -> None:
        path = self._need_output(self.output)
        if path is None:
            return
        binder = self.layout_fields.options()
        options = LabelOptions(
            retention=self.retention.currentText(),
            fonds=self.fonds.text().strip(),
            spine_mm=self.spine.currentData(),
            compiled_by=self.compiled_by.text().strip(),
            checked_by=self.checked_by.text().strip(),
        )
        ledger = self.context.ledger

        def work(job: Job, session: Session) -> tuple[list[Box], int]:
            return labels_for_binder(
                ledger, session, path, binder, options, progress=job.report, cancelled=job.cancelled
            )

        self._run(work, lambda result: self._made(path, *result), self.tr("已取消，未生成文件。"))

    def _made(self, path: Path, boxes: list[Box], pages: int) -> None:
        self.status.setText(
            self.tr("已生成：{path}（{boxes} 盒，共 {pages} 页）").format(path=path, boxes=len(boxes), pages=pages)
        )
        line = self.tr("第 {number} 盒  {heading}  件号 {first}—{last}，{items} 件，{pages} 页")
        self._show_lines(
            [
                line.format(
                    number=box.number,
                    heading=box.heading,
                    first=box.first_item,
                    last=box.last_item,
                    items=box.items,
                    pages=box.pages,
                )
                for box in boxes
            ]
        )
        self._show_file(path)
