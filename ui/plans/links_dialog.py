"""The records filed under one task, and those of its plan's pairing and year that could be, linked and unlinked.

Each link or unlink is one write through `LedgerContext.link_records`; the records are read into plain rows in a
short session, so the lists can be filtered as the user types without going back to the ledger.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ledger import records
from ledger.errors import LedgerError
from ledger.kinds import KINDS
from ledger.models import Record
from ledger.plans import store as plans
from ledger.plans.measures import MEASURES
from ledger.plans.progress import task_progress
from ui.context import LedgerContext
from ui.plans.display import NOTE_STYLE, button_row, closing, em_width, flat, show_outcome, target_text


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
            flat(record.summary or ""),
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
        em = em_width(self)

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
        linked_layout.addLayout(button_row(self.unlink_button))

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
        candidates_layout.addLayout(button_row(self.link_button))

        self.status, buttons = closing(self)
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
        header.resizeSection(0, em_width(self) * 7)
        header.resizeSection(1, em_width(self) * 7)
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
                    target_text(measured.target),
                    plans.number_text(measured.actual, grouped=True),
                    MEASURES[measured.target.measure].unit,
                    self.tr("（已达到）") if measured.reached else "",
                )
                for measured in progress.targets
            ]
            self.task_label.setText(f"<b>{task.seq}</b>　{flat(task.item)}")
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
            show_outcome(self.status, str(error), failed=True)
            return
        show_outcome(self.status, done.format(count))
        self.refresh(selected=record_ids if link else ())
        self._enable()
