"""The targets of one task corrected by hand: a measure chosen, its filters as widgets, a minimum typed.

Each save or clear is one undoable change through `LedgerContext.change_targets`; the dialog shows a refusal in
itself and stays open, so the user can correct and try again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger.errors import LedgerError
from ledger.models import Task
from ledger.plans import store as plans
from ledger.plans.measures import MEASURES, Measure, Param
from ledger.plans.plan_json import target_params
from ledger.plans.target_years import BASES
from ui.context import LedgerContext
from ui.plans.display import NOTE_STYLE, button_row, closing, em_width, flat, show_outcome, target_text


class _ParamEditor:
    """One filter of a measure as a widget; an empty choice means the target does not filter on it."""

    def __init__(self, param: Param, parent: QWidget):
        self.param = param
        self.widget: QSpinBox | QComboBox
        if param.kind in ("days", "months"):
            self.widget = QSpinBox(parent)
            self.widget.setRange(0, 3650 if param.kind == "days" else 12)
            self.widget.setSuffix(parent.tr(" 天") if param.kind == "days" else parent.tr(" 个月"))
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
        em = em_width(self)

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
        current_layout.addLayout(button_row(self.clear_button, self.clear_all_button))

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
        self.basis_box = QComboBox()
        for basis, words in BASES.items():
            self.basis_box.addItem(words or self.tr("不比较"), basis)
        self.basis_box.setToolTip(self.tr("按本台账上一年度的同一指标比较；目标值可填 0"))
        self.save_button = QPushButton(self.tr("保存指标"))
        self.save_button.clicked.connect(self.save)
        self.save_button.setDefault(True)
        editor = QGroupBox(self.tr("设置指标"))
        editor_form = QFormLayout(editor)
        editor_form.addRow(self.tr("指标"), self.measure_box)
        editor_form.addRow(self.params_form)
        editor_form.addRow(self.tr("目标值（不少于）"), minimum)
        editor_form.addRow(self.tr("与上年比较"), self.basis_box)
        note = QLabel(self.tr("条件相同只改目标值；条件不同则另增一项指标。"))
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        editor_form.addRow(note)
        editor_form.addRow(button_row(self.save_button))

        self.status, buttons = closing(self)

        layout = QVBoxLayout(self)
        layout.addWidget(self.task_label)
        layout.addWidget(self.words_label)
        layout.addWidget(current, 1)
        layout.addWidget(editor)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(em * 50, em * 46)

        self.targets: list[tuple[str, dict[str, Any], Decimal, str]] = []
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
            self.task_label.setText(f"<b>{task.seq}</b> {flat(task.item)}")
            self.words_label.setText(self.tr("任务指标：{0}").format(flat(task.target_text) or "—"))
            self.targets = [(t.measure, target_params(t), t.threshold, t.basis) for t in task.targets]
            shown = [(target_text(t), t.source) for t in task.targets]
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
        measures = {name for name, *_ in self.targets}
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
        name, params, threshold, basis = self.targets[row]
        self.measure_box.setCurrentIndex(self.measure_box.findData(name))
        for param_name, editor in self.param_editors.items():
            editor.set_value(params.get(param_name))
        self.minimum_edit.setText(plans.number_text(threshold))
        self.basis_box.setCurrentIndex(self.basis_box.findData(basis or ""))

    def params(self) -> dict[str, Any]:
        values = {name: editor.value() for name, editor in self.param_editors.items()}
        return {name: value for name, value in values.items() if value is not None}

    def save(self) -> None:
        name, params, minimum = self.measure_box.currentData(), self.params(), self.minimum_edit.text()
        basis = self.basis_box.currentData()

        def set_target(session: Session, task: Task) -> str:
            return target_text(plans.set_target(session, task, name, params, minimum or (0 if basis else ""), basis))

        self._write(set_target, self.tr("已保存：{0}（可用 Ctrl+Z 撤销）"))

    def clear(self, measure_name: str | None) -> None:
        def clear_targets(session: Session, task: Task) -> int:
            return plans.clear_targets(session, task, measure_name)

        self._write(clear_targets, self.tr("已清除 {0} 个指标（可用 Ctrl+Z 撤销）"))

    def _write(self, action: Callable[[Session, Task], Any], done: str) -> None:
        try:
            result = self.context.change_targets(self.task_id, action)
        except LedgerError as error:
            show_outcome(self.status, str(error), failed=True)
            return
        show_outcome(self.status, done.format(result))
        self.refresh()
