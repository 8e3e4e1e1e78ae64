"""The import preview: a task list as `read_plan` understood it, shown before anything is written, and the
pairing and year it goes under, asked when its title and the window disagree.

A dialog of its own because the question about the pairing and year, and reading the list again when it is
answered, are most of the work of importing a plan; the view only opens it and turns to the plan it imported.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ledger.errors import LedgerError
from ledger.plans import store as plans
from ledger.plans.measures import MEASURES
from ledger.plans.store import PlanReading, TaskReading
from ledger.plans.target_years import BASES
from ui.context import LedgerContext
from ui.plans.display import ERROR_STYLE, NOTE_STYLE, em_width, flat, shown_deadline

PREVIEW_COLUMNS = ("序号", "重点工作", "具体事项与读出的指标", "完成时限")
# The import preview's question about the pairing and year, and the same place once it is answered.
QUESTION_STYLE = "QFrame#scopeNote { background: #FFF3CD; border: 1px solid #E0A800; border-radius: 4px; }"
ANSWERED_STYLE = "QFrame#scopeNote { border: none; }"
YEARS_FROM = 2000  # the first year a plan may be imported for; the last is next year


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
        em = em_width(self)

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
            self.note_layout.setContentsMargins(*[em_width(self) // 2] * 4)
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
            top = QTreeWidgetItem(
                [task.seq, task.area, flat(task.item), shown_deadline(task.deadline, task.deadline_text)]
            )
            top.setToolTip(2, "\n".join(filter(None, [task.item, task.target_text, task.source])))
            top.setToolTip(3, self.tr("原文：{0}").format(task.deadline_text or "—"))
            self.tree.addTopLevelItem(top)
            for proposed in task_reading.targets:
                label = MEASURES[proposed.measure].describe(
                    proposed.params, year=reading.year, compared=BASES[proposed.basis]
                )
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
