"""年度计划: the plans of the pairing and year the window follows, their tasks and targets; a task list read
and shown before it is imported, targets corrected by hand, records linked to a task, a plan deleted.

Everything is done by `ledger.plans.store` through `LedgerContext` (an import, a target edited and a link are undoable
changes); the view reads with short sessions of its own into plain rows, so no ORM object outlives its
session. Dialogs show the ledger's refusals in themselves and stay open, so the user can correct and try
again; the view's own message boxes go through `_warn` and `_confirm`, which tests replace.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QAction, QIntValidator, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger import records
from ledger.errors import LedgerError
from ledger.kinds import KINDS
from ledger.models import Record, Target, Task
from ledger.plans import store as plans
from ledger.plans.measures import MEASURES, Measure, Param
from ledger.plans.progress import task_progress
from ledger.plans.store import PlanReading, TaskReading
from ui.context import LedgerContext
from ui.transient import ask, popup, run_modal

COLUMNS = ("序号", "重点工作", "具体事项", "任务指标", "完成时限", "责任单位", "量化指标", "关联记录")
PREVIEW_COLUMNS = ("序号", "重点工作", "具体事项与读出的指标", "完成时限")
ERROR_STYLE = "color: #C0392B;"
NOTE_STYLE = "color: #8A5A00;"
# The import preview's question about the pairing and year, and the same place once it is answered.
QUESTION_STYLE = "QFrame#scopeNote { background: #FFF3CD; border: 1px solid #E0A800; border-radius: 4px; }"
ANSWERED_STYLE = "QFrame#scopeNote { border: none; }"
YEARS_FROM = 2000  # the first year a plan may be imported for; the last is next year


def _em(widget: QWidget) -> int:
    return widget.fontMetrics().horizontalAdvance("中")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _target_text(target: Target) -> str:
    threshold = plans.number_text(target.threshold, grouped=True)
    return f"{plans.target_label(target)} ≥ {threshold}{MEASURES[target.measure].unit}"


def _deadline(deadline: date | None, written: str) -> str:
    # The parsed date is what progress uses, so it is shown; the words it was read from are in the tooltip.
    return f"{deadline:%Y-%m-%d}" if deadline else written or "—"


@dataclass(frozen=True)
class _PlanRow:
    id: uuid.UUID
    title: str
    pairing: str
    year: int
    doc_no: str
    source_name: str
    tasks: int
    targets: int


@dataclass(frozen=True)
class _TaskRow:
    id: uuid.UUID
    seq: str
    area: str
    item: str
    target_text: str
    deadline: str
    deadline_text: str
    units: str
    targets: tuple[tuple[str, str], ...]  # (what it counts ≥ how much, the words it was read from)
    linked: int  # records filed under the task: once there are any, its progress counts them alone

    @classmethod
    def of(cls, session: Session, task: Task) -> _TaskRow:
        shown = plans.task_json(task)
        return cls(
            task.id,
            task.seq,
            task.area,
            task.item,
            task.target_text,
            _deadline(task.deadline, task.deadline_text),
            task.deadline_text,
            "、".join(shown["responsible_units"] + shown["assisting_units"]),
            tuple((_target_text(target), target.source) for target in task.targets),
            len(plans.linked_record_ids(session, task)),
        )


class PlanView(QWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.plan_rows: list[_PlanRow] = []
        self.task_rows: list[_TaskRow] = []
        em = _em(self)

        self.plan_box = QComboBox()
        self.plan_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.plan_box.setMinimumContentsLength(24)
        self.plan_box.currentIndexChanged.connect(self._show_plan)
        self.import_button = QPushButton(self.tr("导入任务清单(&I)…"))
        self.import_button.clicked.connect(self.choose_file)
        self.target_button = QPushButton(self.tr("修改指标(&M)…"))
        self.target_button.clicked.connect(self.edit_targets)
        self.links_button = QPushButton(self.tr("关联记录(&L)…"))
        self.links_button.setToolTip(self.tr("把台账记录关联到选中的任务，或取消关联（F3）"))
        self.links_button.clicked.connect(self.edit_links)
        self.delete_button = QPushButton(self.tr("删除计划"))
        self.delete_button.clicked.connect(self.delete_plan)
        top = QHBoxLayout()
        label = QLabel(self.tr("计划(&P)"))
        label.setBuddy(self.plan_box)
        top.addWidget(label)
        top.addWidget(self.plan_box, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.target_button)
        top.addWidget(self.links_button)
        top.addWidget(self.delete_button)

        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(name) for name in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (0, 4, 7):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column, width in ((1, 6), (3, 13), (5, 10), (6, 26)):
            header.resizeSection(column, em * width)
        # Wrapped rows are as tall as their text at the columns' widths, which change with the window.
        header.sectionResized.connect(self.table.resizeRowsToContents)
        self.table.activated.connect(self.edit_targets)  # Enter, or a double click
        self.table.itemSelectionChanged.connect(self._enable)

        self.edit_action = QAction(self.tr("修改指标…"), self)
        self.edit_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.edit_action.triggered.connect(self.edit_targets)
        self.table.addAction(self.edit_action)
        self.links_action = QAction(self.tr("关联记录…"), self)
        self.links_action.setShortcut(QKeySequence(Qt.Key.Key_F3))
        self.links_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.links_action.triggered.connect(self.edit_links)
        self.table.addAction(self.links_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.facts)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint, 1)
        self.reload()

    # Reading -------------------------------------------------------------------------------------

    def reload(self) -> None:
        chosen = self.plan_box.currentData()
        with self.context.session() as session:
            found = plans.list_plans(session, pairing=self.context.pairing, year=self.context.year)
            self.plan_rows = [
                _PlanRow(
                    plan.id,
                    plan.title,
                    plan.pairing.name,
                    plan.year,
                    plan.doc_no or "",
                    plan.source_name or "",
                    len(plan.tasks),
                    sum(len(task.targets) for task in plan.tasks),
                )
                for plan in found
            ]
        self.plan_box.blockSignals(True)
        self.plan_box.clear()
        for row in self.plan_rows:
            where = f"{row.year}年" if self.context.pairing else f"{row.pairing}，{row.year}年"
            # Ids as text: a combo box finds Python objects only by identity.
            self.plan_box.addItem(f"{row.title}（{where}）", str(row.id))
        self.plan_box.setCurrentIndex(max(0, self.plan_box.findData(chosen)))
        self.plan_box.blockSignals(False)
        self._show_plan()

    def current_plan_id(self) -> uuid.UUID | None:
        chosen = self.plan_box.currentData()
        return uuid.UUID(chosen) if chosen else None

    def current_task_id(self) -> uuid.UUID | None:
        row = self.table.currentRow()
        return self.task_rows[row].id if 0 <= row < len(self.task_rows) and self.table.selectedItems() else None

    def select_plan(self, plan_id: uuid.UUID) -> None:
        index = self.plan_box.findData(str(plan_id))
        if index >= 0:
            self.plan_box.setCurrentIndex(index)

    def _show_plan(self) -> None:
        chosen_task = self.current_task_id()
        plan_id = self.current_plan_id()
        self.task_rows = []
        if plan_id is not None:
            with self.context.session() as session:
                tasks = plans.get_plan(session, str(plan_id)).tasks
                self.task_rows = [_TaskRow.of(session, task) for task in tasks]
        self._fill_table()
        shown = bool(self.plan_rows)
        self.table.setVisible(shown)
        self.facts.setVisible(shown)
        self.hint.setVisible(not shown)
        if shown:
            row = self.plan_rows[self.plan_box.currentIndex()]
            parts = [
                f"{row.pairing}　{row.year}年",
                self.tr("工作任务 {0} 项，量化指标 {1} 个").format(row.tasks, row.targets),
            ]
            if row.doc_no:
                parts.append(self.tr("文号：{0}").format(row.doc_no))
            if row.source_name:
                parts.append(self.tr("导入自：{0}").format(row.source_name))
            self.facts.setText("　｜　".join(parts))
        else:
            scope = "".join(filter(None, [self.context.pairing, f"{self.context.year}年" if self.context.year else ""]))
            self.hint.setText(
                self.tr(
                    "还没有{0}年度计划。\n点“导入任务清单…”，选择印发的工作要点清单或计划表"
                    "（Excel .xlsx 或 Word .docx），先预览读到的任务和指标，确认后才写入台账。"
                ).format(scope + "的" if scope else "")
            )
        # The task chosen before stays chosen; otherwise the first, so F2 works as soon as the table has focus.
        rows = [row for row, task in enumerate(self.task_rows) if task.id == chosen_task] or [0]
        if self.task_rows:
            self.table.selectRow(rows[0])
        self._enable()

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.task_rows))
        area = None
        for row, task in enumerate(self.task_rows):
            # The area is written once at the head of its tasks, as the printed list merges it.
            cells = [
                task.seq,
                task.area if task.area != area else "",
                task.item,
                task.target_text,
                task.deadline,
                task.units,
                "\n".join(text for text, _ in task.targets) or "—",
                self.tr("{0} 条").format(task.linked) if task.linked else "—",
            ]
            area = task.area
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                self.table.setItem(row, column, item)
            self.table.item(row, 4).setToolTip(self.tr("原文：{0}").format(task.deadline_text or "—"))
            sources = [self.tr("{0}（读自“{1}”）").format(*shown) if shown[1] else shown[0] for shown in task.targets]
            self.table.item(row, 6).setToolTip("\n".join(sources) or self.tr("没有量化指标：按 F2 设置"))
            self.table.item(row, 7).setToolTip(
                self.tr("进度只按这 {0} 条关联的记录计算；按 F3 查看或修改").format(task.linked)
                if task.linked
                else self.tr("未关联记录：进度按本结对本年度的全部记录计算；按 F3 关联")
            )
        self.table.resizeRowsToContents()

    def _enable(self) -> None:
        has_plan = self.current_plan_id() is not None
        self.delete_button.setEnabled(has_plan)
        has_task = self.current_task_id() is not None
        for widget in (self.target_button, self.edit_action, self.links_button, self.links_action):
            widget.setEnabled(has_task)

    def _menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.edit_action)
        menu.addAction(self.links_action)
        menu.addSeparator()
        menu.addAction(self.tr("导入任务清单…"), self.choose_file)
        menu.addAction(self.tr("删除计划"), self.delete_plan).setEnabled(self.current_plan_id() is not None)
        popup(menu, self.table.viewport().mapToGlobal(position))

    # Importing -----------------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择任务清单"), "", self.tr("任务清单 (*.xlsx *.docx);;Excel (*.xlsx);;Word (*.docx)")
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> uuid.UUID | None:
        """Reads the task list, shows what was understood, and imports it if the user confirms. A plan imported
        under another pairing or year than the window's (the preview asked) is shown: the window turns to it."""
        try:
            preview = PlanImportPreview(self.context, Path(path), self)
        except LedgerError as error:
            self._warn(self.tr("无法导入任务清单"), str(error))
            return None
        accepted = run_modal(preview) == QDialog.DialogCode.Accepted
        plan_id = preview.plan_id if accepted else None
        if plan_id is None or preview.imported_scope is None:
            return None
        pairing, year = preview.imported_scope
        # Only what the window narrows to: "全部" stays 全部.
        self.context.set_scope(
            pairing if self.context.pairing is not None else None, year if self.context.year is not None else None
        )
        self.select_plan(plan_id)  # the list was reloaded on the ledger's `changed` and `scope_changed`
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(self.tr("已导入任务清单（Ctrl+Z 撤销）"), 8000)
        return plan_id

    # Changing ------------------------------------------------------------------------------------

    def edit_targets(self) -> None:
        task_id = self.current_task_id()
        if task_id is None:
            return
        try:
            dialog = TargetDialog(self.context, task_id, self)
        except LedgerError as error:
            self._warn(self.tr("无法修改指标"), str(error))
            return
        run_modal(dialog)

    def edit_links(self) -> None:
        task_id = self.current_task_id()
        if task_id is None:
            return
        try:
            dialog = TaskLinksDialog(self.context, task_id, self)
        except LedgerError as error:
            self._warn(self.tr("无法关联记录"), str(error))
            return
        run_modal(dialog)

    def delete_plan(self) -> None:
        plan_id = self.current_plan_id()
        if plan_id is None:
            return
        try:
            with self.context.session() as session:
                plan = plans.get_plan(session, str(plan_id))
                title = plan.title
                linked = sum(len(plans.linked_record_ids(session, task)) for task in plan.tasks)
        except LedgerError as error:
            self._warn(self.tr("未能删除"), str(error))
            return
        detail = self.tr("删除后不能撤销，可以重新导入任务清单。")
        if linked:
            detail += self.tr("关联到其任务的 {0} 条记录将取消关联（记录本身不删除）。").format(linked)
        if not self._confirm(self.tr("删除计划"), self.tr("删除计划“{0}”？").format(title), detail):
            return
        try:
            self.context.write(lambda session: plans.delete_plan(session, plans.get_plan(session, str(plan_id))))
        except LedgerError as error:
            self._warn(self.tr("未能删除"), str(error))

    # Asking --------------------------------------------------------------------------------------

    def _warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def _confirm(self, title: str, text: str, detail: str) -> bool:
        choices = [
            (self.tr("删除"), QMessageBox.ButtonRole.DestructiveRole),
            (self.tr("取消"), QMessageBox.ButtonRole.RejectRole),
        ]
        return ask(self, title, text, choices, default=1, detail=detail) == 0


class PlanImportPreview(QDialog):
    """What `read_plan` understood of a task list, before anything is written: the tasks, the targets it
    proposes (each ticked; untick one to leave it out), the numbers no measure took, and its warnings.

    The pairing and year are proposed from the list's title (「2020年湛江市—柳州市…计划表」). When the title names
    another pairing or year than the window's, or a pairing the ledger lacks, a highlighted question asks which
    to import under, and 导入 waits for the answer (or for a pairing or year chosen in the boxes): a list is never
    filed silently under a pairing its title does not name. A pairing the title names in full and the ledger
    lacks is offered in the box as 新增, and added with the plan."""

    def __init__(self, context: LedgerContext, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.path = path
        self.plan_id: uuid.UUID | None = None
        self.imported_scope: tuple[str, int] | None = None  # (pairing, year) the plan went to, once imported
        self.reading: PlanReading | None = None
        self.setWindowTitle(self.tr("导入任务清单：{0}").format(path.name))
        em = _em(self)

        try:
            with context.session() as session:
                self.title_scope = plans.read_title(session, path)
        except LedgerError:  # the file holds no task list: the view says so, and this dialog goes
            self.deleteLater()
            raise
        known = context.pairings()
        scope = self.title_scope
        # A pairing the title names in full (湛江市—柳州市, not 鹤山—龙州) can be added with the plan.
        self.new_pairing = scope.pairing if scope.pairing and not scope.known and scope.complete else None
        today = date.today().year
        self.first_year, self.last_year = YEARS_FROM, today + 1
        title_pairing = scope.pairing if scope.known or self.new_pairing else None
        fallback = context.pairing or (known[0] if known else None)
        self.by_title = (title_pairing or fallback, scope.year or context.year or today)
        by_scope_pairing = context.pairing or (scope.pairing if scope.known else None) or (known[0] if known else None)
        self.by_scope = (by_scope_pairing, context.year or scope.year or today)
        if self.by_title[0] is None:
            self.deleteLater()
            raise LedgerError(self.tr("台账里还没有结对关系，请先在“设置”中登记结对关系再导入计划。"))
        # Asked when the title and the window disagree, or the title names a pairing the ledger lacks.
        self.asking = self.by_title != self.by_scope or bool(scope.pairing and not scope.known)

        self.pairing_box = QComboBox()
        for name in known:
            self.pairing_box.addItem(name, name)
        if self.new_pairing:
            self.pairing_box.addItem(self.tr("{0}（新增）").format(self.new_pairing), self.new_pairing)
        self.pairing_box.setToolTip(self.tr("按标题选定；可改选。选“（新增）”的一项，导入时登记这个结对关系"))
        self.pairing_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Any year: those with plans or records are listed, another is typed.
        self.year_box = QComboBox()
        self.year_box.setEditable(True)
        self.year_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.year_box.setValidator(QIntValidator(0, self.last_year, self.year_box))
        years = {*context.years(), self.by_title[1], self.by_scope[1]}
        for year in sorted((year for year in years if self.first_year <= year <= self.last_year), reverse=True):
            self.year_box.addItem(str(year), year)
        self.year_box.setMinimumContentsLength(5)
        self.year_box.setToolTip(
            self.tr("列出已有计划或记录的年度；其他年度（{0}–{1}）可直接输入").format(self.first_year, self.last_year)
        )
        self.title_edit = QLineEdit()
        self.doc_no_edit = QLineEdit(placeholderText=self.tr("可不填"))
        form = QFormLayout()
        form.addRow(self.tr("文件"), QLabel(str(path)))
        choice = QHBoxLayout()
        choice.addWidget(self.pairing_box)
        choice.addSpacing(em)
        year_label = QLabel(self.tr("年度(&Y)"))
        year_label.setBuddy(self.year_box)
        choice.addWidget(year_label)
        choice.addWidget(self.year_box)
        choice.addWidget(QLabel(self.tr("年")))
        choice.addStretch(1)
        form.addRow(self.tr("结对关系"), choice)

        # The question, or what the title said once it is answered.
        self.scope_note = QFrame()
        self.scope_note.setObjectName("scopeNote")
        self.scope_text = QLabel()
        self.scope_text.setWordWrap(True)
        self.scope_text.setTextFormat(Qt.TextFormat.RichText)
        self.by_title_button = QPushButton()
        self.by_title_button.clicked.connect(lambda: self.choose(*self.by_title))
        self.by_scope_button = QPushButton()
        self.by_scope_button.clicked.connect(lambda: self.choose(*self.by_scope))
        self.note_layout = note_layout = QVBoxLayout(self.scope_note)
        note_layout.addWidget(self.scope_text)
        self.answers = QWidget()
        answers = QHBoxLayout(self.answers)
        answers.setContentsMargins(0, 0, 0, 0)
        answers.addWidget(self.by_title_button)
        answers.addWidget(self.by_scope_button)
        answers.addStretch(1)
        note_layout.addWidget(self.answers)
        form.addRow(self.scope_note)
        form.addRow(self.tr("计划标题"), self.title_edit)
        form.addRow(self.tr("文号"), self.doc_no_edit)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr(name) for name in PREVIEW_COLUMNS])
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 5), (1, 6), (3, 7)):
            header.resizeSection(column, em * width)
        # A list read with the wrong year warns on every row: the warnings scroll rather than push the tasks out.
        self.warnings = QPlainTextEdit()
        self.warnings.setReadOnly(True)
        self.warnings.setStyleSheet(NOTE_STYLE)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)

        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(self.tr("导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.warnings)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry()
        self.resize(min(em * 80, screen.width() - 2 * em), min(em * 50, screen.height() - 4 * em))

        self._set_boxes(*self.by_title)
        try:
            self.read()
        except LedgerError:
            self.deleteLater()
            raise
        self.pairing_box.currentIndexChanged.connect(self._chosen_in_boxes)
        self.year_box.currentTextChanged.connect(self._chosen_in_boxes)
        if self.asking:  # Enter answers as the title says, when it names a pairing that can be chosen
            shown = [button for button in (self.by_title_button, self.by_scope_button) if not button.isHidden()]
            if shown:
                shown[0].setFocus()

    # Choosing the pairing and year ---------------------------------------------------------------

    def chosen_pairing(self) -> str | None:
        return self.pairing_box.currentData()

    def chosen_year(self) -> int | None:
        text = self.year_box.currentText().strip()
        year = int(text) if text.isdigit() else None
        return year if year is not None and self.first_year <= year <= self.last_year else None

    def choose(self, pairing: str, year: int) -> None:
        """The question answered: import under `pairing` and `year`."""
        self.asking = False
        self._set_boxes(pairing, year)
        self._read_again()
        self.import_button.setFocus()

    def _set_boxes(self, pairing: str, year: int) -> None:
        for box in (self.pairing_box, self.year_box):
            box.blockSignals(True)
        self.pairing_box.setCurrentIndex(max(0, self.pairing_box.findData(pairing)))
        index = self.year_box.findData(year)
        if index >= 0:
            self.year_box.setCurrentIndex(index)
        self.year_box.setEditText(str(year))
        for box in (self.pairing_box, self.year_box):
            box.blockSignals(False)

    def _chosen_in_boxes(self) -> None:
        # A pairing or year chosen by hand answers the question as well as its buttons do.
        self.asking = False
        if self.chosen_year() is None:
            self.error.setText(
                self.tr("年度应为 {0}–{1} 之间的四位数").format(self.first_year, self.last_year)
                if len(self.year_box.currentText().strip()) >= 4
                else ""
            )
            self._show_scope()
            return
        self._read_again()

    def _describe(self, pairing: str | None, year: int | None) -> str:
        parts = [pairing or "", self.tr("{0}年").format(year) if year else ""]
        return " ".join(part for part in parts if part)

    def _show_scope(self) -> None:
        scope = self.title_scope
        named = self._describe(scope.pairing, scope.year)
        self.scope_note.setVisible(bool(named))
        if not named:
            self._enable()
            return
        new = self.new_pairing is not None and self.chosen_pairing() == self.new_pairing
        self.answers.setVisible(self.asking)
        self.scope_note.setToolTip(self.tr("读自：{0}").format(scope.text))
        if self.asking:
            self.scope_note.setStyleSheet(QUESTION_STYLE)
            self.note_layout.setContentsMargins(*[_em(self) // 2] * 4)
            window = self._describe(self.context.pairing, self.context.year)
            lines = [self.tr("标题写的是 <b>{0}</b>").format(named)]
            if scope.pairing and not scope.known:
                lines.append(
                    self.tr("，台账里还没有这个结对关系（东部 {0}，西部 {1}）").format(*scope.places)
                    if self.new_pairing
                    else self.tr("，台账里没有这个结对关系")
                )
            if window:
                lines.append(self.tr("，当前选的是 <b>{0}</b>").format(window))
            if self.new_pairing:
                lines.append(self.tr("。新增这个结对关系并按标题导入？"))
            elif scope.pairing and not scope.known:
                lines.append(
                    self.tr(
                        "。如果是新的结对关系，请先在“设置”中登记（地名写全称，如 鹤山市—龙州县）再导入；"
                        "否则按当前选择导入。"
                    )
                )
            else:
                lines.append(self.tr("。按标题导入？"))
            self.scope_text.setText("".join(lines))
            if self.new_pairing:
                title_answer = self.tr("新增结对关系并按标题导入：{0}")
            elif scope.pairing and not scope.known:
                title_answer = self.tr("按标题的年度导入：{0}")
            else:
                title_answer = self.tr("按标题导入：{0}")
            self.by_title_button.setText(title_answer.format(self._describe(*self.by_title)))
            self.by_title_button.setVisible(self.by_title != self.by_scope or bool(self.new_pairing))
            self.by_scope_button.setText(self.tr("按当前选择导入：{0}").format(self._describe(*self.by_scope)))
            self.by_scope_button.setVisible(self.by_scope[0] is not None and self.by_scope[0] != self.new_pairing)
        else:
            self.scope_note.setStyleSheet(ANSWERED_STYLE)
            self.note_layout.setContentsMargins(0, 0, 0, 0)
            chosen = (self.chosen_pairing(), self.chosen_year())
            if scope.pairing and scope.year and chosen == (scope.pairing, scope.year):
                text = self.tr("结对关系和年度按标题选定：<b>{0}</b>").format(named)
            else:
                text = self.tr("标题写的是 {0}；将导入到 <b>{1}</b>").format(named, self._describe(*chosen))
            if new:
                text += self.tr("，并新增这个结对关系")
            window = (self.context.pairing, self.context.year)
            if self.chosen_year() and any(
                mine is not None and mine != theirs
                for mine, theirs in zip(window, (self.chosen_pairing(), self.chosen_year()), strict=True)
            ):
                text += self.tr("；导入后窗口转到该结对关系和年度")
            self.scope_text.setText(text + self.tr("。"))
        self._enable()

    def _enable(self) -> None:
        reading = self.reading
        current = reading is not None and (reading.pairing.name, reading.year) == (
            self.chosen_pairing(),
            self.chosen_year(),
        )
        self.import_button.setEnabled(current and not self.asking)
        self.import_button.setToolTip(
            self.tr("请先回答上面的问题：按哪个结对关系和年度导入") if self.asking and current else ""
        )

    # Reading -------------------------------------------------------------------------------------

    def read(self) -> None:
        # Year and pairing change what is read: deadlines without a year, and which side sends whom.
        pairing, year = self.chosen_pairing(), self.chosen_year()
        with self.context.session() as session:
            self.reading = plans.read_plan(
                session, self.path, pairing=pairing, year=year, new_pairing=pairing == self.new_pairing
            )
        if not self.title_edit.isModified():
            self.title_edit.setText(self.reading.title)
        self._fill()
        self._show_scope()

    def _read_again(self) -> None:
        try:
            self.read()
            self.error.clear()
        except LedgerError as error:
            self.error.setText(str(error))
            self._show_scope()

    def _fill(self) -> None:
        reading = self.reading
        self.tree.clear()
        for task_reading in reading.tasks:
            task = task_reading.task
            top = QTreeWidgetItem([task.seq, task.area, _flat(task.item), _deadline(task.deadline, task.deadline_text)])
            top.setToolTip(2, "\n".join(filter(None, [task.item, task.target_text, task.source])))
            top.setToolTip(3, self.tr("原文：{0}").format(task.deadline_text or "—"))
            self.tree.addTopLevelItem(top)
            for proposed in task_reading.targets:
                label = MEASURES[proposed.measure].describe(proposed.params)
                threshold = plans.number_text(proposed.threshold, grouped=True)
                text = f"{label} ≥ {threshold}{proposed.unit}　〔{proposed.source}〕"
                child = QTreeWidgetItem(top, ["", "", text])
                child.setCheckState(2, Qt.CheckState.Checked)
                child.setToolTip(2, self.tr("读自“{0}”；取消勾选则不导入这项指标").format(proposed.source))
            for words in task_reading.unmatched:
                child = QTreeWidgetItem(top, ["", "", self.tr("未识别为指标：{0}").format(words)])
                child.setForeground(2, self.palette().placeholderText())
            top.setExpanded(True)
        targets = sum(len(task.targets) for task in reading.tasks)
        dated = sum(1 for task in reading.tasks if task.task.deadline)
        self.summary.setText(
            self.tr(
                "读到工作任务 <b>{0}</b> 项，重点工作 {1} 类（{2}）；完成时限读出 {3} 项；"
                "量化指标 <b>{4}</b> 个，取消勾选的不导入，导入后也可逐项修改。尚未写入台账。"
            ).format(len(reading.tasks), len(reading.areas), "、".join(reading.areas), dated, targets)
        )
        self.warnings.setPlainText("\n".join(self.tr("注意：{0}").format(warning) for warning in reading.warnings))
        self.warnings.setVisible(bool(reading.warnings))
        lines = min(5, len(reading.warnings))
        self.warnings.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 2 * self.warnings.frameWidth() + 8)

    def target_items(self) -> list[QTreeWidgetItem]:
        """The proposed targets' rows, in the reading's order: task by task."""
        found = []
        for top in range(self.tree.topLevelItemCount()):
            task = self.tree.topLevelItem(top)
            found += [task.child(row) for row in range(len(self.reading.tasks[top].targets))]
        return found

    def chosen(self) -> PlanReading:
        """The reading as the user left it: the title typed, the targets still ticked."""
        tasks = []
        for top, task_reading in enumerate(self.reading.tasks):
            item = self.tree.topLevelItem(top)
            kept = [
                target
                for row, target in enumerate(task_reading.targets)
                if item.child(row).checkState(2) == Qt.CheckState.Checked
            ]
            tasks.append(TaskReading(task_reading.task, kept, task_reading.unmatched))
        title = self.title_edit.text().strip() or self.reading.title
        return dataclasses.replace(self.reading, title=title, tasks=tasks)

    def confirm(self) -> None:
        if not self.import_button.isEnabled():  # a question waits, or the boxes name what was not read
            return
        chosen = self.chosen()
        doc_no = self.doc_no_edit.text().strip() or None
        try:
            # One undoable change (Ctrl+Z), the new pairing, if any, added with it.
            self.plan_id = self.context.import_plan(chosen, doc_no=doc_no, source_name=self.path.name)
        except LedgerError as error:
            self.error.setText(str(error))
            return
        self.imported_scope = (chosen.pairing.name, chosen.year)
        self.accept()


class _ParamEditor:
    """One filter of a measure as a widget; an empty choice means the target does not filter on it."""

    def __init__(self, param: Param, parent: QWidget):
        self.param = param
        self.widget: QSpinBox | QComboBox
        if param.kind == "days":
            self.widget = QSpinBox(parent)
            self.widget.setRange(0, 3650)
            self.widget.setSuffix(parent.tr(" 天"))
            self.widget.setSpecialValueText(parent.tr("不限"))
            return
        self.widget = QComboBox(parent)
        self.widget.addItem(parent.tr("不限"), None)
        if param.kind == "bool":
            self.widget.addItem(parent.tr("是"), True)
            self.widget.addItem(parent.tr("否"), False)
        for choice in param.choices:
            self.widget.addItem(choice, choice)
        if param.kind == "text":  # a programme may be one the list does not name
            self.widget.setEditable(True)
            self.widget.setCurrentText("")

    def value(self) -> Any:
        if isinstance(self.widget, QSpinBox):
            return self.widget.value() or None
        if self.param.kind == "text":
            return self.widget.currentText().strip() or None
        return self.widget.currentData()

    def set_value(self, value: Any) -> None:
        if isinstance(self.widget, QSpinBox):
            self.widget.setValue(int(value or 0))
        elif self.param.kind == "text":
            self.widget.setCurrentText(value or "")
        else:
            self.widget.setCurrentIndex(max(0, self.widget.findData(value)))


class TargetDialog(QDialog):
    """The targets of one task: pick one to change its minimum, or set a new one; clear some or all.

    A target is its measure and filters: the same measure and filters changes the minimum, other filters add
    another target (as `ledger plan set-target` does)."""

    def __init__(self, context: LedgerContext, task_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.task_id = task_id
        self.setWindowTitle(self.tr("修改量化指标"))
        em = _em(self)

        self.task_label = QLabel()
        self.task_label.setWordWrap(True)
        self.words_label = QLabel()
        self.words_label.setWordWrap(True)
        self.targets_list = QListWidget()
        self.targets_list.setWordWrap(True)
        self.targets_list.currentRowChanged.connect(self._load_target)
        self.clear_button = QPushButton()
        self.clear_button.setToolTip(self.tr("清除本任务中这一指标的全部各项（不论条件）"))
        self.clear_button.clicked.connect(lambda: self.clear(self.measure_box.currentData()))
        self.clear_all_button = QPushButton(self.tr("清除全部指标"))
        self.clear_all_button.clicked.connect(lambda: self.clear(None))
        for button in (self.clear_button, self.clear_all_button):
            button.setAutoDefault(False)  # Enter in the minimum saves; it never clears
        current = QGroupBox(self.tr("现有指标（选中一项可改它的目标值）"))
        current_layout = QVBoxLayout(current)
        current_layout.addWidget(self.targets_list)
        clearing = QHBoxLayout()
        clearing.addStretch(1)
        clearing.addWidget(self.clear_button)
        clearing.addWidget(self.clear_all_button)
        current_layout.addLayout(clearing)

        self.measure_box = QComboBox()
        for found in MEASURES.values():
            self.measure_box.addItem(f"{found.label}（{found.unit}）", found.name)
            self.measure_box.setItemData(self.measure_box.count() - 1, found.help, Qt.ItemDataRole.ToolTipRole)
        self.measure_box.currentIndexChanged.connect(self._measure_chosen)
        self.params_form = QFormLayout()
        self.param_editors: dict[str, _ParamEditor] = {}
        self.minimum_edit = QLineEdit()
        self.minimum_edit.setMaximumWidth(em * 10)
        self.unit_label = QLabel()
        minimum = QHBoxLayout()
        minimum.addWidget(self.minimum_edit)
        minimum.addWidget(self.unit_label)
        minimum.addStretch(1)
        self.save_button = QPushButton(self.tr("保存指标"))
        self.save_button.clicked.connect(self.save)
        self.save_button.setDefault(True)
        editor = QGroupBox(self.tr("设置指标"))
        editor_form = QFormLayout(editor)
        editor_form.addRow(self.tr("指标"), self.measure_box)
        editor_form.addRow(self.params_form)
        editor_form.addRow(self.tr("目标值（不少于）"), minimum)
        note = QLabel(self.tr("条件相同只改目标值；条件不同则另增一项指标。"))
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        editor_form.addRow(note)
        saving = QHBoxLayout()
        saving.addStretch(1)
        saving.addWidget(self.save_button)
        editor_form.addRow(saving)

        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.task_label)
        layout.addWidget(self.words_label)
        layout.addWidget(current, 1)
        layout.addWidget(editor)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(em * 50, em * 46)

        self.targets: list[tuple[str, dict[str, Any], Decimal]] = []
        self._measure_chosen()
        try:
            self.refresh()
        except LedgerError:  # the task is gone: the view says so, and this dialog goes
            self.deleteLater()
            raise
        self.minimum_edit.setFocus()

    def refresh(self) -> None:
        with self.context.session() as session:
            task = plans.get_task(session, str(self.task_id))
            self.task_label.setText(f"<b>{task.seq}</b> {_flat(task.item)}")
            self.words_label.setText(self.tr("任务指标：{0}").format(_flat(task.target_text) or "—"))
            self.targets = [(t.measure, plans.target_params(t), t.threshold) for t in task.targets]
            shown = [(_target_text(t), t.source) for t in task.targets]
        self.targets_list.blockSignals(True)
        self.targets_list.clear()
        for text, source in shown:
            item = QListWidgetItem(text)
            item.setToolTip(self.tr("读自“{0}”").format(source) if source else self.tr("手工设置"))
            self.targets_list.addItem(item)
        if not shown:
            self.targets_list.addItem(self.tr("（没有量化指标）"))
            self.targets_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self.targets_list.blockSignals(False)
        self._enable()

    def _enable(self) -> None:
        measures = {name for name, _, _ in self.targets}
        self.clear_all_button.setEnabled(bool(measures))
        self.clear_button.setEnabled(self.measure_box.currentData() in measures)

    def _measure_chosen(self) -> None:
        found: Measure = MEASURES[self.measure_box.currentData()]
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.param_editors = {param.name: _ParamEditor(param, self) for param in found.params}
        for param in found.params:
            self.params_form.addRow(param.label, self.param_editors[param.name].widget)
        self.unit_label.setText(found.unit)
        self.clear_button.setText(self.tr("清除“{0}”").format(found.label))
        self._enable()

    def _load_target(self, row: int) -> None:
        if not 0 <= row < len(self.targets):
            return
        name, params, threshold = self.targets[row]
        self.measure_box.setCurrentIndex(self.measure_box.findData(name))
        for param_name, editor in self.param_editors.items():
            editor.set_value(params.get(param_name))
        self.minimum_edit.setText(plans.number_text(threshold))

    def params(self) -> dict[str, Any]:
        values = {name: editor.value() for name, editor in self.param_editors.items()}
        return {name: value for name, value in values.items() if value is not None}

    def save(self) -> None:
        name, params, minimum = self.measure_box.currentData(), self.params(), self.minimum_edit.text()

        def set_target(session: Session, task: Task) -> str:
            return _target_text(plans.set_target(session, task, name, params, minimum))

        self._write(set_target, self.tr("已保存：{0}（可用 Ctrl+Z 撤销）"))

    def clear(self, measure_name: str | None) -> None:
        def clear_targets(session: Session, task: Task) -> int:
            return plans.clear_targets(session, task, measure_name)

        self._write(clear_targets, self.tr("已清除 {0} 个指标（可用 Ctrl+Z 撤销）"))

    def _write(self, action: Callable[[Session, Task], Any], done: str) -> None:
        try:
            result = self.context.change_targets(self.task_id, action)
        except LedgerError as error:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(str(error))
            return
        self.status.setStyleSheet("")
        self.status.setText(done.format(result))
        self.refresh()


@dataclass(frozen=True)
class _RecordRow:
    id: uuid.UUID
    kind: str
    date: str
    title: str
    detail: str  # what the tooltip tells, and the filter searches
    deleted: bool

    @classmethod
    def of(cls, record: Record) -> _RecordRow:
        spec = KINDS[record.kind]
        day = getattr(record, spec.date_field)
        shown = f"{day:%Y-%m-%d}" if day else "—"
        period = f"{shown} 至 {record.end_date:%Y-%m-%d}" if spec.date_field != "date" and record.end_date else shown
        lines = [
            record.title,
            f"{spec.label}　{period}　{record.record_status}",
            record.location or "",
            "、".join(record.responsible_units),
            _flat(record.summary or ""),
        ]
        return cls(record.id, record.kind, shown, record.title, "\n".join(filter(None, lines)), record.deleted)

    def matches(self, words: list[str]) -> bool:
        text = f"{KINDS[self.kind].label} {self.date} {self.detail}".casefold()
        return all(word in text for word in words)


class TaskLinksDialog(QDialog):
    """The records filed under one task, and the records of its plan's pairing and year that could be.

    Linking and unlinking are `plans.link_records` and `plans.unlink_records`, each one write. Once a task has
    linked records its progress counts them alone (`ledger.plans.progress`): the dialog says so, and shows what each
    target counts now, so the effect of every link is seen at once."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("类型", "日期", "事项")

    def __init__(self, context: LedgerContext, task_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.task_id = task_id
        self.linked_rows: list[_RecordRow] = []
        self.candidate_rows: list[_RecordRow] = []
        self.measured: list[str] = []  # the kinds the task's targets count
        self.scope = ""  # the plan's pairing and year, as the lists' titles say them
        self.setWindowTitle(self.tr("关联记录"))
        em = _em(self)

        self.task_label = QLabel()
        self.task_label.setWordWrap(True)
        self.task_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        note = QLabel(
            self.tr("关联了记录后，本任务的进度只按关联的记录计算；一条都不关联，则按本结对本年度的全部记录计算。")
        )
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)

        self.linked = self._tree()
        self.linked.doubleClicked.connect(self.unlink)
        self.unlink_button = QPushButton(self.tr("取消关联(&U)"))
        self.unlink_button.setToolTip(self.tr("取消选中记录与本任务的关联（Delete）；记录本身不删除"))
        self.unlink_button.clicked.connect(self.unlink)
        self._keys(self.linked, self.unlink, [Qt.Key.Key_Delete, Qt.Key.Key_Return, Qt.Key.Key_Enter])
        self.linked_box = QGroupBox()
        linked_layout = QVBoxLayout(self.linked_box)
        linked_layout.addWidget(self.linked, 1)
        unlinking = QHBoxLayout()
        unlinking.addStretch(1)
        unlinking.addWidget(self.unlink_button)
        linked_layout.addLayout(unlinking)

        self.kind_box = QComboBox()
        self.kind_box.currentIndexChanged.connect(self._fill_candidates)
        self.filter_edit = QLineEdit(placeholderText=self.tr("筛选：事项、日期、地点、单位…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._fill_candidates)
        self.filter_edit.returnPressed.connect(self._to_candidates)
        self.candidates = self._tree()
        self.candidates.doubleClicked.connect(self.link)
        self.link_button = QPushButton(self.tr("关联(&A)"))
        self.link_button.setToolTip(self.tr("把选中的记录关联到本任务（Enter 或双击）；可按 Ctrl、Shift 多选"))
        self.link_button.clicked.connect(self.link)
        self._keys(self.candidates, self._link_current, [Qt.Key.Key_Return, Qt.Key.Key_Enter])
        self.candidates_box = QGroupBox()
        candidates_layout = QVBoxLayout(self.candidates_box)
        choosing = QHBoxLayout()
        kind_label = QLabel(self.tr("类型(&K)"))
        kind_label.setBuddy(self.kind_box)
        choosing.addWidget(kind_label)
        choosing.addWidget(self.kind_box)
        choosing.addWidget(self.filter_edit, 1)
        candidates_layout.addLayout(choosing)
        candidates_layout.addWidget(self.candidates, 1)
        linking = QHBoxLayout()
        linking.addStretch(1)
        linking.addWidget(self.link_button)
        candidates_layout.addLayout(linking)

        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        for button in (self.link_button, self.unlink_button, buttons.button(QDialogButtonBox.StandardButton.Close)):
            button.setAutoDefault(False)  # Enter links in the list it is pressed in, and never closes

        layout = QVBoxLayout(self)
        layout.addWidget(self.task_label)
        layout.addWidget(self.progress_label)
        layout.addWidget(note)
        layout.addWidget(self.linked_box, 1)
        layout.addWidget(self.candidates_box, 2)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry()
        self.resize(min(em * 70, screen.width() - 2 * em), min(em * 56, screen.height() - 4 * em))

        try:
            self.refresh()
        except LedgerError:  # the task is gone: the view says so, and this dialog goes
            self.deleteLater()
            raise
        self._fill_kinds()
        self.linked.itemSelectionChanged.connect(self._enable)
        self.candidates.itemSelectionChanged.connect(self._enable)
        self._enable()
        self.filter_edit.setFocus()

    def _tree(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setHeaderLabels([self.tr(name) for name in self.COLUMNS])
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tree.setExpandsOnDoubleClick(False)
        header = tree.header()
        header.setStretchLastSection(True)
        header.resizeSection(0, _em(self) * 7)
        header.resizeSection(1, _em(self) * 7)
        tree.setMinimumHeight(header.sizeHint().height() + 4 * tree.fontMetrics().lineSpacing() + 8)
        return tree

    def _keys(self, tree: QTreeWidget, slot: Callable[[], None], keys: list[Qt.Key]) -> None:
        action = QAction(tree)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        tree.addAction(action)

    # Reading -------------------------------------------------------------------------------------

    def refresh(self, selected: Sequence[uuid.UUID] = ()) -> None:
        with self.context.session() as session:
            task = plans.get_task(session, str(self.task_id))
            plan = task.plan
            self.scope = f"{plan.pairing.name}{plan.year}年"
            self.measured = list(dict.fromkeys(MEASURES[target.measure].kind for target in task.targets))
            linked_ids = plans.linked_record_ids(session, task)
            self.linked_rows = sorted(
                (_RecordRow.of(records.get_record(session, record_id)) for record_id in linked_ids),
                key=lambda row: (list(KINDS).index(row.kind), row.date),
            )
            linked = set(linked_ids)
            self.candidate_rows = [
                _RecordRow.of(record)
                for kind in KINDS
                for record in records.list_records(session, kind, year=plan.year, pairing=plan.pairing.name)
                if record.id not in linked
            ]
            progress = task_progress(session, task, date.today())
            counted = [
                self.tr("{0}，现计 {1}{2}{3}").format(
                    _target_text(measured.target),
                    plans.number_text(measured.actual, grouped=True),
                    MEASURES[measured.target.measure].unit,
                    self.tr("（已达到）") if measured.reached else "",
                )
                for measured in progress.targets
            ]
            self.task_label.setText(f"<b>{task.seq}</b>　{_flat(task.item)}")
        if not counted:
            basis = self.tr("本任务没有量化指标，关联的记录只作归档，不计算进度。")
        elif linked_ids:
            basis = self.tr("现按关联的 {0} 条记录计算：").format(len(linked_ids))
        else:
            basis = self.tr("现按{0}的全部记录计算：").format(self.scope)
        self.progress_label.setText("<br>".join([basis] + [f"　· {line}" for line in counted]))

        self.linked_box.setTitle(self.tr("已关联的记录（{0} 条）").format(len(self.linked_rows)))
        self.linked.clear()
        for row in self.linked_rows:
            item = self._item(row, self.linked)
            if row.deleted:
                item.setText(2, self.tr("{0}（在回收站，不计入）").format(row.title))
                for column in range(len(self.COLUMNS)):
                    item.setForeground(column, self.palette().placeholderText())
            item.setSelected(row.id in selected)
        if not self.linked_rows:
            self._placeholder(self.linked, self.tr("（还没有关联记录）"))
        self._fill_candidates()

    def _fill_kinds(self) -> None:
        """The kinds the task's targets count come first, and are what is shown at first."""
        self.kind_box.blockSignals(True)
        if self.measured:
            labels = "、".join(KINDS[kind].label for kind in self.measured)
            self.kind_box.addItem(self.tr("指标所计：{0}").format(labels), ",".join(self.measured))
        self.kind_box.addItem(self.tr("全部类型"), ",".join(KINDS))
        for spec in KINDS.values():
            self.kind_box.addItem(spec.label, spec.name)
        self.kind_box.blockSignals(False)
        self._fill_candidates()

    def _fill_candidates(self) -> None:
        kinds = (self.kind_box.currentData() or ",".join(KINDS)).split(",")
        words = self.filter_edit.text().casefold().split()
        shown = [row for row in self.candidate_rows if row.kind in kinds and row.matches(words)]
        shown.sort(key=lambda row: row.kind not in self.measured)  # stable: by kind, then date, as read
        row_now = max(0, self.candidates.indexOfTopLevelItem(self.candidates.currentItem()))
        self.candidates.clear()
        for row in shown:
            self._item(row, self.candidates)
        if shown:
            # After a link the next record is current, so Enter links on down the list.
            self.candidates.setCurrentItem(
                self.candidates.topLevelItem(min(row_now, len(shown) - 1)),
                0,
                QItemSelectionModel.SelectionFlag.NoUpdate,
            )
        else:
            self._placeholder(self.candidates, self.tr("（没有符合的记录）"))
        title = self.tr("{0}可关联的记录（显示 {1} 条，共 {2} 条）")
        self.candidates_box.setTitle(title.format(self.scope, len(shown), len(self.candidate_rows)))

    def _item(self, row: _RecordRow, tree: QTreeWidget) -> QTreeWidgetItem:
        item = QTreeWidgetItem(tree, [KINDS[row.kind].label, row.date, row.title])
        item.setData(0, Qt.ItemDataRole.UserRole, str(row.id))
        for column in range(len(self.COLUMNS)):
            item.setToolTip(column, row.detail)
        return item

    def _placeholder(self, tree: QTreeWidget, text: str) -> None:
        item = QTreeWidgetItem(tree, ["", "", text])
        item.setFlags(Qt.ItemFlag.NoItemFlags)

    def _to_candidates(self) -> None:
        self.candidates.setFocus()
        if not self.candidates.selectedItems() and self.candidates.currentItem():
            self.candidates.currentItem().setSelected(True)

    @staticmethod
    def chosen(tree: QTreeWidget) -> list[uuid.UUID]:
        found = [item.data(0, Qt.ItemDataRole.UserRole) for item in tree.selectedItems()]
        return [uuid.UUID(text) for text in found if text]

    def _enable(self) -> None:
        self.link_button.setEnabled(bool(self.chosen(self.candidates)))
        self.unlink_button.setEnabled(bool(self.chosen(self.linked)))

    # Changing ------------------------------------------------------------------------------------

    def _link_current(self) -> None:
        current = self.candidates.currentItem()
        if not self.candidates.selectedItems() and current is not None:
            current.setSelected(True)
        self.link()

    def link(self) -> None:
        chosen = self.chosen(self.candidates)
        if chosen:
            self._write(True, chosen, self.tr("已关联 {0} 条记录"))

    def unlink(self) -> None:
        chosen = self.chosen(self.linked)
        if chosen:
            self._write(False, chosen, self.tr("已取消关联 {0} 条记录"))

    def _write(self, link: bool, record_ids: list[uuid.UUID], done: str) -> None:
        try:
            count = self.context.link_records(self.task_id, record_ids, link=link)
        except LedgerError as error:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(str(error))
            return
        self.status.setStyleSheet("")
        self.status.setText(done.format(count))
        self.refresh(selected=record_ids if link else ())
        self._enable()
