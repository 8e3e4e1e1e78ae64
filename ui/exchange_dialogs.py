"""打包交换 and 合并台账: the records of one laptop packed for the work group's others, and a package merged in
after a preview that says what would change and lists each record changed on both sides, field by field."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt, Slot
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
from ui.jobs import JobDialog, PathField

#: How each side of a conflict fared, as `ledger merge` says it.
KEPT = {"ours": "保留本机的", "theirs": "采用对方的", None: "留待人工处理"}


class PackDialog(JobDialog):
    """打包交换: the options of `ledger pack`."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.setWindowTitle(self.tr("打包交换"))
        self.start_button.setText(self.tr("打包"))
        self.output = PathField(self.tr("保存交换包"), self.tr("交换包 (*.zip)"), ".zip", save=True)
        self.pairing = self._pairing_box(self.tr("全部结对关系"))
        self.year = self._year_box(self.tr("全部年度"))
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
        form, fields = self._form(self.tr("保存到"), self.output)
        fields.addRow(self.tr("结对关系"), self.pairing)
        fields.addRow(self.tr("年度"), self.year)
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
        self.pairing.currentIndexChanged.connect(self._suggest_output)
        self.year.currentIndexChanged.connect(self._suggest_output)
        self._suggest_output()

    @Slot()
    def _suggest_output(self) -> None:
        # Named for who packed it and when: the receiving laptop gets packages from several people.
        what = self.tr("交换包-{author}-{day}").format(author=self.context.ledger.author, day=f"{date.today():%Y%m%d}")
        self.output.suggest(self._suggested(self.pairing.currentData(), self.year.currentData(), what, ".zip"))

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
            ).format(
                records=summary.records,
                attachments=summary.attachments,
                files=summary.files,
                plans=summary.plans,
                path=summary.path,
            )
        )
        self._show_file(summary.path)
        self.open_file_button.hide()  # a package is for another laptop, not for opening here


class MergeDialog(JobDialog):
    """合并台账: the preview `ledger merge --dry-run` prints, with the conflicts as a tree, then the merge."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.setWindowTitle(self.tr("合并台账"))
        # The merge writes in one transaction: edits in the window meanwhile would wait on it.
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.start_button.setText(self.tr("预览"))
        self.start_button.setToolTip(self.tr("试合并：列出将有哪些变化，不写入台账"))
        self._previewed: Path | None = None  # the package whose preview is shown
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
        self.conflicts.hide()
        self.merge_button = QPushButton(self.tr("合并"))
        self.merge_button.setAutoDefault(False)
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge_previewed)
        self._build(form, results=[self.conflicts], buttons=[self.merge_button])
        self.source.edit.textChanged.connect(self._forget_preview)
        self.source.picked.connect(self.start)
        self.rule.currentIndexChanged.connect(self._rule_chosen)
        self.setMinimumWidth(860)

    def set_source(self, path: Path | str) -> None:
        self.source.set_path(path)

    @Slot()
    def _forget_preview(self) -> None:
        self._previewed = None
        self._allow_merge(False)

    @Slot()
    def _rule_chosen(self) -> None:
        # The rule decides which side each conflict keeps: what the preview showed no longer holds.
        if self._previewed is not None:
            self.start()

    def _allow_merge(self, allowed: bool) -> None:
        self.merge_button.setEnabled(allowed)
        self.merge_button.setDefault(allowed)
        self.start_button.setDefault(not allowed)

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        if running:
            self._allow_merge(False)
            self.conflicts.clear()
            self.conflicts.hide()

    @Slot()
    def start(self) -> None:
        path = self.source.path()
        if path is None:
            self.status.setText(self.tr("请先选择交换包。"))
            return
        self._run(
            self._merging(path, dry_run=True), lambda report: self._preview(path, report), self.tr("已取消预览。")
        )

    @Slot()
    def merge_previewed(self) -> None:
        path = self._previewed
        if path is None or self.runner.running():
            return
        self._run(self._merging(path, dry_run=False), self._merged, self.tr("已取消，未合并任何内容。"))

    def _merging(self, path: Path, *, dry_run: bool):
        ledger, rule = self.context.ledger, self.rule.currentData()

        def work(job: Job, session: Session | None) -> MergeReport:
            return merge_package(ledger, path, dry_run=dry_run, conflicts=rule, job=job)

        return work

    def _preview(self, path: Path, report: MergeReport) -> None:
        self._previewed = path
        if report.changed:
            self.status.setText(self.tr("预览（未写入）：确认以下内容后点“合并”。"))
        else:
            self.status.setText(self.tr("预览（未写入）：这个交换包没有需要合并的新内容。"))
        self._show_report(report)
        self._allow_merge(report.changed)

    def _merged(self, report: MergeReport) -> None:
        self._previewed = None
        self.status.setText(self.tr("合并完成。"))
        self._show_report(report)
        self.context.renew()

    def _show_report(self, report: MergeReport) -> None:
        verb = self.tr("将") if report.dry_run else self.tr("已")
        lines = [
            self.tr("交换包“{package}”，{author} 打包").format(
                package=report.package, author=report.author or self.tr("未署名")
            ),
            self.tr("{verb}新增记录 {added} 条，更新 {updated} 条，未变 {unchanged} 条；冲突 {conflicts} 条").format(
                verb=verb,
                added=len(report.added),
                updated=len(report.updated),
                unchanged=report.unchanged,
                conflicts=len(report.conflicts),
            ),
            self.tr(
                "{verb}新增佐证材料 {attachments} 份（文件 {files} 个），更新 {updated} 份；"
                "计划新增 {plans} 个、更新 {plans_updated} 个；关联 {links} 条"
            ).format(
                verb=verb,
                attachments=report.attachments_added,
                files=report.files_added,
                updated=report.attachments_updated,
                plans=report.plans_added,
                plans_updated=report.plans_updated,
                links=report.links_added,
            ),
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
