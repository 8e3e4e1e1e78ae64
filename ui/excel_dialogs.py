"""导出 and 导入 Excel 台账: the ledger out as a workbook, and a workbook back in once a dry run finds it clean.

The import's dry run lists every mistake in a table (`MistakesModel`); a conflict, the row of a record changed in
the ledger since the export, is settled there by the clerk's choice (`ChoiceDelegate`) before anything is
written, and the import then runs in one transaction with those choices.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger.excel.export import EVIDENCE_SHEET, PROGRESS_SHEET, ExportSummary, export_workbook
from ledger.excel.importing import CONFLICT_RULES, Conflict, ImportFailed, ImportReport, Mistake, import_workbook
from ledger.jobs import Job
from ledger.kinds import KINDS
from ui.changes import EVERYTHING
from ui.context import LedgerContext
from ui.jobs import JobDialog, PathField, TrialDialog

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


class ExcelExportDialog(JobDialog):
    """导出 Excel 台账: the options of `ledger export`."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent, title=self.tr("导出 Excel 台账"), start=self.tr("导出"))
        self.output = PathField(self.tr("导出 Excel 台账"), self.tr("Excel 工作簿 (*.xlsx)"), ".xlsx", save=True)
        form, fields = self._scope_form(lambda: self.tr("台账"))
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
        fields.addRow(self.tr("记录类别"), kinds)
        fields.addRow(self.tr("逾期判断日期"), self.as_of)
        self._build(form)
        self.setMinimumWidth(600)

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
            return export_workbook(session, path, pairing=pairing, year=year, kinds=kinds, as_of=as_of, job=job)

        self._run(work, self._exported, self.tr("已取消，未生成文件。"))

    def _exported(self, summary: ExportSummary) -> None:
        self.status.setText(self.tr("已导出：{path}").format(path=summary.path))
        units = {PROGRESS_SHEET: self.tr("项任务"), EVIDENCE_SHEET: self.tr("个文件")}
        self._show_lines([f"{sheet}：{count} {units.get(sheet, self.tr('条'))}" for sheet, count in summary.sheets])
        self._show_file(summary.path)


class ExcelImportDialog(TrialDialog):
    """导入 Excel 台账: every mistake is listed after a dry run, and only a clean file can be imported.

    The dry run lists every conflict (a row of a record changed in the ledger since the export) too, each with a
    choice in the table, first the overall rule's; once each has 以工作簿为准 or 保留台账 and nothing else is wrong,
    the import goes ahead with those choices."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent, title=self.tr("导入 Excel 台账"), start=self.tr("检查"))
        self.start_button.setToolTip(self.tr("试导入：检查每一行，不写入台账"))
        self._reading: Path | None = None  # the file of the job running or last run
        self.source = PathField(self.tr("导入 Excel 台账"), self.tr("Excel 工作簿 (*.xlsx *.xlsm)"), "", save=False)
        form, fields = self._form(self.tr("文件"), self.source)
        # Rows of records changed in the ledger after the export: each settled in the table, this the first choice.
        self.conflict_rule = QComboBox()
        for rule, words in CONFLICT_RULES.items():
            self.conflict_rule.addItem(self.tr(words), rule)
        self.conflict_rule.setToolTip(self.tr("工作簿导出以后，台账里又修改过的记录：导入这些行会撤销较新的修改"))
        fields.addRow(self.tr("导出后台账里改过的行"), self.conflict_rule)
        fields.addRow(
            self._note(self.tr("先检查全部内容；有记录编号的行更新该记录，没有的行新增。有任何错误则全部不导入。"))
        )
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
        # Allowed by a clean check, or by one that found only conflicts once each is settled in the table.
        self.import_button = QPushButton(self.tr("导入"))
        self._build_trial(form, self.mistakes_view, self.import_button, self.tr("请先选择要导入的 Excel 文件。"))
        self.conflict_rule.currentIndexChanged.connect(self._rule_changed)
        self.mistakes.dataChanged.connect(self._settled)

    @Slot()
    def _rule_changed(self) -> None:
        self.mistakes.set_rule(self.conflict_rule.currentData())

    @Slot()
    def _settled(self) -> None:
        """A conflict's choice changed: the import may go ahead once each has one."""
        self._allow_commit(self.tried is not None and self.mistakes.only_settled_conflicts())

    def _clear_results(self) -> None:
        self.mistakes.set_mistakes([])
        self.mistakes_view.hide()

    def _try(self, path: Path) -> None:
        self._reading = path

        def work(job: Job, session: Session) -> ImportReport:  # conflicts listed, to be settled in the table
            return import_workbook(session, path, dry_run=True, job=job, conflicts="stop")

        self._run(work, lambda report: self._checked_clean(path, report), self.tr("已取消检查。"))

    def _checked_clean(self, path: Path, report: ImportReport) -> None:
        self.tried = path
        self.status.setText(self.tr("检查通过，没有错误。确认以下内容后点“导入”："))
        self._show_lines(report.lines())
        self._allow_commit(True)

    def _commit(self, path: Path) -> None:
        rule, choices = self.conflict_rule.currentData(), self.mistakes.choices()
        self._reading = path

        def work(job: Job, session: Session) -> ImportReport:
            return import_workbook(session, path, job=job, conflicts=rule, choices=choices)

        self._run(work, self._imported, self.tr("已取消，未导入任何内容。"))

    def _imported(self, report: ImportReport) -> None:
        self.tried = None
        self.status.setText(self.tr("导入完成。"))
        self._show_lines(report.lines())
        self.context.changed.emit(EVERYTHING)

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
        self.tried = self._reading if not count else None  # only conflicts: settled in the table, imported
        self._settled()
