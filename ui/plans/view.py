"""年度计划: the plans of the pairing and year the window follows, their tasks and targets; a task list read
and shown before it is imported, targets corrected by hand, records linked to a task, a plan deleted.

Everything is done by `ledger.plans.store` through `LedgerContext` (an import, a target edited and a link are undoable
changes); the view reads with short sessions of its own into plain rows, so no ORM object outlives its
session. Dialogs show the ledger's refusals in themselves and stay open, so the user can correct and try
again; the view's own message boxes go through `_warn` and `_confirm`, which tests replace.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger.errors import LedgerError
from ledger.models import Task
from ledger.plans import store as plans
from ledger.plans.plan_json import task_json
from ui.changes import Changes, PlanScope
from ui.context import LedgerContext
from ui.plans.display import em_width, shown_deadline, target_text
from ui.plans.import_preview import PlanImportPreview
from ui.plans.links_dialog import TaskLinksDialog
from ui.plans.target_dialog import TargetDialog
from ui.transient import ask, popup, run_modal
from ui.widgets import listing

COLUMNS = ("序号", "重点工作", "具体事项", "任务指标", "完成时限", "责任单位", "量化指标", "关联记录")


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
        shown = task_json(task)
        return cls(
            task.id,
            task.seq,
            task.area,
            task.item,
            task.target_text,
            shown_deadline(task.deadline, task.deadline_text),
            task.deadline_text,
            "、".join(shown["responsible_units"] + shown["assisting_units"]),
            tuple((target_text(target), target.source) for target in task.targets),
            len(plans.linked_record_ids(session, task)),
        )


class PlanView(QWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.plan_rows: list[_PlanRow] = []
        self.task_rows: list[_TaskRow] = []
        em = em_width(self)

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

        self.table = listing([self.tr(name) for name in COLUMNS])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
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

    def refresh(self, changes: Changes) -> None:
        """Reads all again when plans of the pairing and year shown changed (their tasks, targets or links): a
        record changed does not change what is shown here."""
        if changes.plans_in(self.context.pairing, self.context.year):
            self.reload()

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
        self._open_for_task(TargetDialog, self.tr("无法修改指标"))

    def edit_links(self) -> None:
        self._open_for_task(TaskLinksDialog, self.tr("无法关联记录"))

    def _open_for_task(self, dialog_class: type[TargetDialog | TaskLinksDialog], refused: str) -> None:
        """Opens a dialog on the chosen task; `refused` heads the warning when the task cannot be read."""
        task_id = self.current_task_id()
        if task_id is None:
            return
        try:
            dialog = dialog_class(self.context, task_id, self)
        except LedgerError as error:
            self._warn(refused, str(error))
            return
        run_modal(dialog)

    def delete_plan(self) -> None:
        plan_id = self.current_plan_id()
        if plan_id is None:
            return
        try:
            with self.context.session() as session:
                plan = plans.get_plan(session, str(plan_id))
                title, changes = plan.title, Changes(plans=frozenset({PlanScope.of(plan)}))
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
            self.context.write(
                lambda session: plans.delete_plan(session, plans.get_plan(session, str(plan_id))), changes
            )
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
