"""总览: each task of the year's plans against its targets, and the totals of each kind of record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QProgressBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ledger.kinds import KINDS
from ledger.plans.measures import MEASURES
from ledger.plans.plan_json import target_label
from ledger.plans.progress import STATES, plan_progress
from ledger.plans.store import list_plans, number_text
from ledger.summaries import kind_totals
from ui.changes import Changes
from ui.context import LedgerContext

OVERDUE = QColor("#C0392B")
DONE = QColor("#1E7B34")
COLUMNS = ("序号", "具体事项", "量化指标", "目标", "完成", "进度", "状态")


class Overview(QWidget):
    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.as_of = date.today()
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tasks = QTreeWidget()
        self.tasks.setHeaderLabels([self.tr(label) for label in COLUMNS])
        self.tasks.setAlternatingRowColors(True)
        self.tasks.setUniformRowHeights(True)
        self.tasks.setRootIsDecorated(True)
        header = self.tasks.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        em = self.fontMetrics().horizontalAdvance("中")
        # 目标, 完成 and 状态 are sized from what they show once filled (`_fit`); these are for the empty tree.
        for column, width in ((0, 7), (2, 18), (3, 6), (4, 6), (5, 9), (6, 6)):
            header.resizeSection(column, em * width)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.totals)
        layout.addWidget(self.tasks, 1)

    def refresh(self, changes: Changes) -> None:
        """Reads all again when records or plans of the pairing and year shown changed; evidence counts for neither."""
        pairing, year = self.context.pairing, self.context.year
        if changes.records_in(pairing, year) or changes.plans_in(pairing, year):
            self.reload()

    def reload(self) -> None:
        self.tasks.clear()
        pairing, year = self.context.pairing, self.context.year
        with self.context.session() as session:
            self.totals.setText(self._totals(session))
            plans = list_plans(session, pairing=pairing, year=year)
            scope = "　".join(filter(None, [pairing or self.tr("全部结对关系"), f"{year}年" if year else ""]))
            self.heading.setText(
                f"<b>{scope}</b>　" + self.tr("截至 {0}，按台账记录计算，草稿不计").format(f"{self.as_of:%Y年%m月%d日}")
            )
            if not plans:
                hint = self.tr("还没有年度计划：在“年度计划”中导入工作要点清单后，这里显示各项任务的完成情况。")
                item = QTreeWidgetItem([hint])
                self.tasks.addTopLevelItem(item)
                item.setFirstColumnSpanned(True)  # only once the item is in the tree
                return
            for plan in plans:
                top = QTreeWidgetItem([plan.title])
                self.tasks.addTopLevelItem(top)
                top.setFirstColumnSpanned(True)
                for task in plan_progress(session, plan, self.as_of):
                    self._task(top, task)
                top.setExpanded(True)
        self._fit()

    def _fit(self) -> None:
        """目标, 完成 and 状态 as wide as their widest text (260万元, 1234.57万元, 无量化指标): never cut short."""
        for column in (3, 4, 6):
            self.tasks.resizeColumnToContents(column)

    def _task(self, parent: QTreeWidgetItem, task) -> None:
        state = STATES[task.state]
        late = task.state == "overdue"
        colour = OVERDUE if late else DONE if task.state == "done" else None
        for index, measured in enumerate(task.targets or [None]):
            first = index == 0
            cells = [task.task.seq if first else "", " ".join(task.task.item.split()) if first else ""]
            if measured is None:
                cells += ["—", "", "", "", state]
            else:
                unit = MEASURES[measured.target.measure].unit
                cells += [
                    target_label(measured.target),
                    f"{number_text(measured.required, grouped=True)}{unit}",
                    f"{number_text(measured.actual, grouped=True)}{unit}",
                    "",
                    state if first else "",
                ]
            item = QTreeWidgetItem(parent, cells)
            item.setToolTip(1, task.task.item)
            item.setToolTip(2, cells[2])
            if measured is not None and measured.pending:
                pending = f"{number_text(measured.pending, grouped=True)}{MEASURES[measured.target.measure].unit}"
                item.setToolTip(4, self.tr("另有草稿 {0}，核实后计入").format(pending))
            if colour is not None and first:
                item.setForeground(6, QBrush(colour))
            # Each target by itself: one reached is green though its task is overdue for another.
            short = measured is not None and not measured.reached
            if measured is not None and (measured.reached or late):
                item.setForeground(4, QBrush(OVERDUE if short else DONE))
            if measured is not None:
                bar = QProgressBar()
                bar.setRange(0, 100)
                bar.setValue(min(100, int(measured.ratio * 100)))
                bar.setFormat(f"{measured.ratio * 100:.0f}%")
                if late and short:
                    bar.setStyleSheet(f"QProgressBar::chunk {{ background: {OVERDUE.name()}; }}")
                self.tasks.setItemWidget(item, 5, bar)

    def _totals(self, session) -> str:
        """Each kind's count and sums of money, as `ledger.summaries` adds them up in SQL."""
        lines = []
        for counted in kind_totals(session, self.context.pairing, self.context.year):
            text = f"{KINDS[counted.kind].label} <b>{counted.count}</b> 条"
            for field, total in counted.sums:
                text += "，" + field.values.total_text(total or Decimal(0), bold=True)
            lines.append(text)
        return "　｜　".join(lines) + self.tr("　（金额按开始年度计，不含草稿）")
