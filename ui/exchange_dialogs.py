"""打包交换 and 合并台账: the records of one laptop packed for the work group's others, and a package merged in
after a preview that says what would change and lists each record changed on both sides, field by field."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger.exchange.merge import CONFLICT_RULES, merge_package
from ledger.exchange.merge_report import Conflict, MergeReport, describe_value
from ledger.exchange.pack import PackSummary, write_pack
from ledger.jobs import Job
from ledger.kinds import KINDS
from ui.context import LedgerContext
from ui.jobs import JobDialog, PathField, TrialDialog

#: How each side of a conflict fared, as `ledger merge` says it.
KEPT = {"ours": "保留本机的", "theirs": "采用对方的", None: "留待人工处理"}


class PackDialog(JobDialog):
    """打包交换: the options of `ledger pack`."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent, title=self.tr("打包交换"), start=self.tr("打包"))
        self.output = PathField(self.tr("保存交换包"), self.tr("交换包 (*.zip)"), ".zip", save=True)
        form, fields = self._scope_form(self._package_name)
        self.since_on = QCheckBox(self.tr("只打包这一天以来新增或修改的"))
        self.since = self._date_box()
        self.since.setEnabled(False)
        self.since_on.toggled.connect(self.since.setEnabled)
        since = QWidget()
        row = QHBoxLayout(since)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.since_on)
        row.addWidget(self.since)
        row.addStretch(1)
        fields.addRow(self.tr("范围"), since)
        fields.addRow(
            self._note(
                self.tr(
                    "交换包含所选范围的记录（连同回收站中的）、佐证材料和年度计划，"
                    "拷给工作组其他电脑，在那里用“文件 → 合并台账”合并。"
                )
            )
        )
        self._build(form)
        self.setMinimumWidth(620)

    def _package_name(self) -> str:
        # Who packed it and when: the receiving laptop gets packages from several people.
        return self.tr("交换包-{author}-{day}").format(author=self.context.ledger.author, day=f"{date.today():%Y%m%d}")

    @Slot()
    def start(self) -> None:
        path = self._need_output(self.output)
        if path is None:
            return
        pairing, year = self.pairing.currentData(), self.year.currentData()
        since = self.since.date().toPython() if self.since_on.isChecked() else None
        ledger = self.context.ledger

        def work(job: Job, session: Session | None) -> PackSummary:
            return write_pack(ledger, path, pairing=pairing, year=year, since=since, job=job)

        self._run(work, self._packed, self.tr("已取消，未生成文件。"))

    def _packed(self, summary: PackSummary) -> None:
        self.status.setText(
            self.tr(
                "已打包 {records} 条记录、{attachments} 份佐证材料（{files} 个文件）、{plans} 个计划：{path}"
            ).format_map(vars(summary))
        )
        self._show_file(summary.path)
        self.open_file_button.hide()  # a package is for another laptop, not for opening here


class MergeDialog(TrialDialog):
    """合并台账: the preview `ledger merge --dry-run` prints, with the conflicts as a tree, then the merge."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent, title=self.tr("合并台账"), start=self.tr("预览"))
        self.start_button.setToolTip(self.tr("试合并：列出将有哪些变化，不写入台账"))
        self.source = PathField(self.tr("选择交换包"), self.tr("交换包 (*.zip)"), "", save=False)
        self.rule = QComboBox()
        for key, text in CONFLICT_RULES.items():
            self.rule.addItem(self.tr(text), key)
        form, fields = self._form(self.tr("交换包"), self.source)
        fields.addRow(self.tr("双方都改过的记录"), self.rule)
        fields.addRow(
            self._note(
                self.tr(
                    "先预览将新增、更新哪些记录，哪些记录本机和对方都改过（冲突）；确认后点“合并”。"
                    "合并前自动备份当前数据库；冲突中未采用的版本记入修改记录。"
                )
            )
        )
        self.conflicts = QTreeWidget()
        self.conflicts.setHeaderLabels(
            [self.tr("冲突的记录 / 字段"), self.tr("本机"), self.tr("对方"), self.tr("处理")]
        )
        self.conflicts.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.conflicts.setMinimumHeight(200)
        em = self.fontMetrics().horizontalAdvance("中")
        for column, width in enumerate((30, 15, 15)):
            self.conflicts.setColumnWidth(column, em * width)
        # Allowed by a preview of a package that changes something.
        self.merge_button = QPushButton(self.tr("合并"))
        self._build_trial(form, self.conflicts, self.merge_button, self.tr("请先选择交换包。"))
        self.rule.currentIndexChanged.connect(self._rule_chosen)

    @Slot()
    def _rule_chosen(self) -> None:
        # The rule decides which side each conflict keeps: what the preview showed no longer holds.
        if self.tried is not None:
            self.start()

    def _clear_results(self) -> None:
        self.conflicts.clear()
        self.conflicts.hide()

    def _try(self, path: Path) -> None:
        self._run(
            self._merging(path, dry_run=True), lambda report: self._preview(path, report), self.tr("已取消预览。")
        )

    def _commit(self, path: Path) -> None:
        self._run(self._merging(path, dry_run=False), self._merged, self.tr("已取消，未合并任何内容。"))

    def _merging(self, path: Path, *, dry_run: bool):
        ledger, rule = self.context.ledger, self.rule.currentData()

        def work(job: Job, session: Session | None) -> MergeReport:
            return merge_package(ledger, path, dry_run=dry_run, conflicts=rule, job=job)

        return work

    def _preview(self, path: Path, report: MergeReport) -> None:
        self.tried = path
        if report.changed:
            self.status.setText(self.tr("预览（未写入）：确认以下内容后点“合并”。"))
        else:
            self.status.setText(self.tr("预览（未写入）：这个交换包没有需要合并的新内容。"))
        self._show_report(report)
        self._allow_commit(report.changed)

    def _merged(self, report: MergeReport) -> None:
        self.tried = None
        self.status.setText(self.tr("合并完成。"))
        self._show_report(report)
        self.context.renew()

    def _show_report(self, report: MergeReport) -> None:
        # The lines name the report's own fields, its lists (records added, updated, in conflict) by their length.
        counts = {name: len(value) if isinstance(value, list) else value for name, value in vars(report).items()}
        counts["verb"] = self.tr("将") if report.dry_run else self.tr("已")
        lines = [
            self.tr("交换包“{package}”，{author} 打包").format(
                package=report.package, author=report.author or self.tr("未署名")
            ),
            self.tr(
                "{verb}新增记录 {added} 条，更新 {updated} 条，未变 {unchanged} 条；冲突 {conflicts} 条"
            ).format_map(counts),
            self.tr(
                "{verb}新增佐证材料 {attachments_added} 份（文件 {files_added} 个），更新 {attachments_updated} 份；"
                "计划新增 {plans_added} 个、更新 {plans_updated} 个；关联 {links_added} 条"
            ).format_map(counts),
        ]
        lines += [self.tr("新增：{title}").format(title=title) for title in report.added]
        lines += [self.tr("更新：{title}").format(title=title) for title in report.updated]
        if report.backup:
            lines.append(self.tr("合并前的数据库已备份为 {path}").format(path=report.backup))
        self._show_lines(lines)
        self._show_conflicts(report.conflicts)

    def _show_conflicts(self, conflicts: list[Conflict]) -> None:
        self.conflicts.clear()
        bold = QFont(self.conflicts.font())
        bold.setBold(True)
        for conflict in conflicts:
            label = KINDS[conflict.kind].label
            top = QTreeWidgetItem(
                [
                    f"{label}“{conflict.title}”",
                    _who(conflict.ours),
                    _who(conflict.theirs),
                    self.tr(KEPT[conflict.kept]),
                ]
            )
            top.setFont(0, bold)
            top.setToolTip(0, top.text(0))
            for name, (ours, theirs) in conflict.fields.items():
                child = QTreeWidgetItem([name, describe_value(ours), describe_value(theirs), ""])
                for column in range(3):
                    child.setToolTip(column, child.text(column))
                top.addChild(child)
            self.conflicts.addTopLevelItem(top)
        self.conflicts.expandAll()
        self.conflicts.setVisible(bool(conflicts))


def _who(change: tuple[str, datetime]) -> str:
    author, at = change
    return f"{author or '未署名'} {at.astimezone():%Y-%m-%d %H:%M}"
