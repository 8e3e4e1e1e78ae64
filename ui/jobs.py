"""The frame of every long job's dialog: options above, then the job's progress and outcome, then 开始 / 取消 / 关闭.

The ledger's functions do the work and know nothing of Qt. Here each runs on the worker (`ui.worker`): a pool
thread with a session of its own (a SQLAlchemy session belongs to one thread; the engine is shared), progress
through queued signals, stopped when its cancel flag is set, so the window stays responsive. Every dialog shows
its outcome in itself rather than in a message box, so a test can drive it from start to finish. The dialogs
built on this frame live by area: `ui.excel_dialogs`, `ui.binder_dialogs`, `ui.exchange_dialogs` and
`ui.backup_dialogs`; those that try a file before writing anything (the Excel import, the merge) are a
`TrialDialog`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStandardPaths, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ledger.errors import LedgerError, describe_os_error
from ui.context import LedgerContext
from ui.worker import JobRunner, JobState, Outcome, Work

_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]')


def documents() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


class PathField(QWidget):
    """A file to write or to read: typed, or chosen with the system's file dialog."""

    #: A file was chosen with the file dialog.
    picked = Signal()

    def __init__(self, caption: str, file_filter: str, suffix: str, *, save: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self._caption, self._filter, self.suffix, self._save = caption, file_filter, suffix, save
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
        if self._save and path.suffix.lower() != self.suffix:
            path = path.with_name(path.name + self.suffix)
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

    def __init__(self, context: LedgerContext, parent: QWidget | None = None, *, title: str, start: str):
        """`title` is the window's, `start` the word on the button that starts the job (导出, 打包, 检查…)."""
        super().__init__(parent)
        self.setWindowTitle(title)
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
        self.start_button = QPushButton(start)
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

    @staticmethod
    def _form(label: str, file: PathField) -> tuple[QWidget, QFormLayout]:
        """The form `_build` takes, flush with the dialog, its first row the file the job writes or reads."""
        form = QWidget()
        fields = QFormLayout(form)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addRow(label, file)
        return form, fields

    @staticmethod
    def _note(text: str) -> QLabel:
        """A paragraph below the options saying what the job does and how it is undone or carried on."""
        note = QLabel(text)
        note.setWordWrap(True)
        return note

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

    def _scope_form(self, what: Callable[[], str]) -> tuple[QWidget, QFormLayout]:
        """The form of a job writing `output` for a pairing and a year, or all of them: the file, then `pairing`
        and `year`; the file suggested is named for those chosen and for `what` it holds (`_follow_scope`)."""
        self.pairing = self._pairing_box(self.tr("全部结对关系"))
        self.year = self._year_box(self.tr("全部年度"))
        form, fields = self._form(self.tr("保存到"), self.output)
        fields.addRow(self.tr("结对关系"), self.pairing)
        fields.addRow(self.tr("年度"), self.year)
        self._follow_scope(self.pairing, self.year, what)
        return form, fields

    def _follow_scope(self, pairing: QComboBox, year: QComboBox, what: Callable[[], str]) -> None:
        """Suggests for `output` a file in the user's Documents named for the pairing and year chosen and what it
        holds, e.g. 2020年鹤山市—龙州县台账.xlsx, and again whenever they change (until the user names one)."""

        def suggest() -> None:
            chosen = year.currentData()
            name = (f"{chosen}年" if chosen else "") + (pairing.currentData() or "") + what()
            self.output.suggest(documents() / (_UNSAFE_IN_NAMES.sub("_", name) + self.output.suffix))

        pairing.currentIndexChanged.connect(suggest)
        year.currentIndexChanged.connect(suggest)
        suggest()

    def _need_output(self, field: PathField) -> Path | None:
        path = field.path()
        if path is None:
            self.status.setText(self.tr("请先选择保存位置。"))
        return path


class TrialDialog(JobDialog):
    """A job on a file read (`source`), tried first without writing (检查, 预览) and then run for real with a
    second button once the trial allows it: Enter presses the trial until then, and the real run after. Another
    file chosen forgets the trial; while either runs, what the last one showed is cleared."""

    source: PathField
    _commit_button: QPushButton
    _missing: str

    def __init__(self, context: LedgerContext, parent: QWidget | None = None, *, title: str, start: str):
        super().__init__(context, parent, title=title, start=start)
        # The real run writes in one long transaction: edits in the window meanwhile would wait on it.
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.tried: Path | None = None  # the file of the last trial, while it allows the real run

    def _build_trial(self, form: QWidget, results: QWidget, commit_button: QPushButton, missing: str) -> None:
        """`_build` with the trial's `results` below the form, hidden until it has some, and `commit_button`
        for the real run beside 开始; `missing` asks for a file when there is none to try."""
        self._commit_button, self._missing = commit_button, missing
        commit_button.setAutoDefault(False)
        commit_button.setEnabled(False)
        commit_button.clicked.connect(self.commit)
        results.hide()
        self._build(form, results=[results], buttons=[commit_button])
        self.source.edit.textChanged.connect(self._forget_trial)
        self.source.picked.connect(self.start)
        self.setMinimumWidth(860)  # room for the results: a mistake's reason, a conflict's two values

    def set_source(self, path: Path | str) -> None:
        self.source.set_path(path)

    @Slot()
    def _forget_trial(self) -> None:
        self.tried = None
        self._allow_commit(False)

    def _allow_commit(self, allowed: bool) -> None:
        self._commit_button.setEnabled(allowed)
        self._commit_button.setDefault(allowed)
        self.start_button.setDefault(not allowed)

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        if running:
            self._allow_commit(False)
            self._clear_results()

    def _clear_results(self) -> None:
        raise NotImplementedError

    @Slot()
    def start(self) -> None:
        """The trial, on the file chosen."""
        path = self.source.path()
        if path is None:
            self.status.setText(self._missing)
            return
        self._try(path)

    @Slot()
    def commit(self) -> None:
        """The real run, on the file the trial allowed."""
        if self.tried is not None and not self.runner.running():
            self._commit(self.tried)

    def _try(self, path: Path) -> None:
        raise NotImplementedError

    def _commit(self, path: Path) -> None:
        raise NotImplementedError
