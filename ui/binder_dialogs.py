"""编制佐证材料 and 档案盒标签: the evidence binder as a PDF, and the labels of the boxes it is filed in.

Both dialogs share the options that decide where the binder's pages fall (`_LayoutFields`), as the command line
does: a box's page counts are those of a binder made with the same options, so the clerk sets them alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ledger.assessment import frameworks
from ledger.jobs import Job
from ledger.pdf.binder import BinderOptions, BinderResult, build_binder
from ledger.pdf.labels import SPINE_WIDTHS, Box, LabelOptions, labels_for_binder
from ledger.settings import MASK_PERSONAL, read_setting
from ui.context import LedgerContext
from ui.jobs import JobDialog, PathField

#: 保管期限 as DA/T 22-2015 names them.
RETENTIONS = ("永久", "30年", "10年")
_SECTION_SEPARATORS = re.compile(r"[\s,，、;；]+")


class _LayoutFields(QGroupBox):
    """What decides where the binder's pages fall, shared by the binder and its box labels (as in the CLI)."""

    def __init__(self, dialog: JobDialog):
        super().__init__(dialog.tr("内容与分册"))
        defaults = BinderOptions()
        self.pairing = dialog._pairing_box()
        self.year = dialog._year_box()
        self.framework = QComboBox()
        self.framework.addItem(self.tr("按年度自动选择"), None)
        with dialog.context.session() as session:  # the ledger's own frameworks too
            found = frameworks.available(session)
        for framework in found:
            self.framework.addItem(framework.title, framework.name)
        self.sections = QLineEdit(placeholderText=self.tr("全部；或写编号，如 一 2.1"))
        self.evidence = QCheckBox(self.tr("附照片和扫描件"), checked=defaults.evidence)
        self.gaps = QCheckBox(self.tr("开头列出缺少佐证材料的记录"), checked=defaults.gaps)
        self.volume_pages = QSpinBox(minimum=0, maximum=100_000, singleStep=50, value=defaults.volume_pages or 0)
        self.volume_pages.setSpecialValueText(self.tr("不分册"))
        self.volume_pages.setSuffix(self.tr(" 页"))
        self.volume_pages.setToolTip(self.tr("每册正文约多少页，在小节之间分开；每册有封面和目录"))
        self.font = QLineEdit(placeholderText=self.tr("默认：台账设置或本机中文字体"))
        fields = QFormLayout(self)
        fields.addRow(self.tr("结对关系"), self.pairing)
        fields.addRow(self.tr("年度"), self.year)
        fields.addRow(self.tr("考核指标体系"), self.framework)
        fields.addRow(self.tr("只编小节"), self.sections)
        fields.addRow("", self.evidence)
        fields.addRow("", self.gaps)
        fields.addRow(self.tr("分册"), self.volume_pages)
        fields.addRow(self.tr("字体"), self.font)

    def options(self, **more: Any) -> BinderOptions:
        return BinderOptions(
            pairing=self.pairing.currentData(),
            year=self.year.currentData(),
            framework=self.framework.currentData(),
            sections=[number for number in _SECTION_SEPARATORS.split(self.sections.text()) if number],
            evidence=self.evidence.isChecked(),
            gaps=self.gaps.isChecked(),
            volume_pages=self.volume_pages.value() or None,
            font=self.font.text().strip() or None,
            **more,
        )


class _LaidOutDialog(JobDialog):
    """A PDF made from the binder's pages: the file across the top, then `_LayoutFields` beside the dialog's own
    options (side by side to keep the dialog low); the file suggested is named for the pairing and year chosen."""

    def _lay_out(
        self, caption: str, what: str, title: str, rows: Sequence[tuple[str, QWidget]], note: str = ""
    ) -> None:
        """Lays the dialog out, its own options the `rows` of a group headed `title`; `caption` heads the file
        dialog, `what` names what the suggested file holds."""
        own = QGroupBox(title)
        fields = QFormLayout(own)
        for label, widget in rows:
            fields.addRow(label, widget)
        self.output = PathField(caption, self.tr("PDF 文件 (*.pdf)"), ".pdf", save=True)
        self.layout_fields = _LayoutFields(self)
        form = QWidget()
        layout = QVBoxLayout(form)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QFormLayout()
        top.addRow(self.tr("保存到"), self.output)
        layout.addLayout(top)
        row = QHBoxLayout()
        row.addWidget(self.layout_fields, 1)
        row.addWidget(own, 1)
        layout.addLayout(row)
        if note:
            layout.addWidget(self._note(note))
        self._build(form)
        self.setMinimumWidth(760)
        self._follow_scope(self.layout_fields.pairing, self.layout_fields.year, lambda: what)


class BinderDialog(_LaidOutDialog):
    """编制佐证材料: the options of `ledger binder`."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent, title=self.tr("编制佐证材料"), start=self.tr("开始编制"))
        defaults = BinderOptions()
        with context.session() as session:  # the ledger's setting (设置)
            masked = read_setting(session, MASK_PERSONAL)
        self.mask_personal = QCheckBox(self.tr("身份证号、电话打码"), checked=masked)
        self.duplex = QCheckBox(self.tr("双面打印（装订边左右交替）"), checked=defaults.duplex)
        self.dpi = QSpinBox(minimum=72, maximum=600, singleStep=50, value=defaults.dpi)
        self.dpi.setSuffix(" dpi")
        self.as_of = self._date_box()
        self.as_of.setToolTip(self.tr("指标完成情况按这一天判断是否逾期"))
        printing = [
            ("", self.mask_personal),
            ("", self.duplex),
            (self.tr("照片分辨率"), self.dpi),
            (self.tr("逾期判断日期"), self.as_of),
        ]
        self._lay_out(self.tr("保存佐证材料"), self.tr("佐证材料"), self.tr("打印"), printing)

    @Slot()
    def start(self) -> None:
        path = self._need_output(self.output)
        if path is None:
            return
        options = self.layout_fields.options(
            mask_personal=self.mask_personal.isChecked(),
            dpi=self.dpi.value(),
            duplex=self.duplex.isChecked(),
            as_of=self.as_of.date().toPython(),
        )
        ledger = self.context.ledger

        def work(job: Job, session: Session) -> BinderResult:
            return build_binder(ledger, session, path, options, job=job)

        self._run(work, self._built, self.tr("已取消，未生成文件。"))

    def _built(self, result: BinderResult) -> None:
        if len(result.volumes) > 1:
            text = self.tr("已编制 {volumes} 册（{records} 件记录，共 {pages} 页）：{path} 等")
        else:
            text = self.tr("已编制：{path}（{records} 件记录，共 {pages} 页）")
        self.status.setText(
            text.format(volumes=len(result.volumes), records=result.records, pages=result.pages, path=result.path)
        )
        lines = [str(path) for path in result.volumes] if len(result.volumes) > 1 else []
        lines += [self.tr("注意：{warning}").format(warning=warning) for warning in result.warnings]
        if result.problems:
            lines.append(self.tr("以下 {count} 个材料未能附入，已在其位置注明：").format(count=len(result.problems)))
            lines += [f"  {problem}" for problem in result.problems]
        self._show_lines(lines)
        self._show_file(result.path)


class LabelsDialog(_LaidOutDialog):
    """档案盒标签: the options of `ledger labels`, with the binder's layout options its page counts follow."""

    def __init__(self, context: LedgerContext, parent: QWidget | None = None):
        super().__init__(context, parent, title=self.tr("档案盒标签（盒脊、封面、备考表）"), start=self.tr("生成"))
        defaults = LabelOptions()
        self.retention = QComboBox()
        self.retention.addItems(RETENTIONS)
        self.retention.setCurrentText(defaults.retention)
        self.fonds = QLineEdit(placeholderText=self.tr("留空则手填"))
        self.spine = QComboBox()
        for width in SPINE_WIDTHS:
            self.spine.addItem(f"{width} mm", width)
        self.spine.setCurrentIndex(self.spine.findData(defaults.spine_mm))
        self.compiled_by = QLineEdit(context.ledger.author)
        self.checked_by = QLineEdit(placeholderText=self.tr("留空则手填"))
        boxes = [
            (self.tr("保管期限"), self.retention),
            (self.tr("全宗号"), self.fonds),
            (self.tr("盒脊厚度"), self.spine),
            (self.tr("整理人"), self.compiled_by),
            (self.tr("检查人"), self.checked_by),
        ]
        note = self.tr("每个考核指标大项一盒；盒内页数按同样选项编制的佐证材料计算，请用与打印的佐证材料相同的选项。")
        self._lay_out(self.tr("保存档案盒标签"), self.tr("档案盒标签"), self.tr("档案盒"), boxes, note)

    @Slot()
    def start(self) -> None:
        path = self._need_output(self.output)
        if path is None:
            return
        binder = self.layout_fields.options()
        options = LabelOptions(
            retention=self.retention.currentText(),
            fonds=self.fonds.text().strip(),
            spine_mm=self.spine.currentData(),
            compiled_by=self.compiled_by.text().strip(),
            checked_by=self.checked_by.text().strip(),
        )
        ledger = self.context.ledger

        def work(job: Job, session: Session) -> tuple[list[Box], int]:
            return labels_for_binder(ledger, session, path, binder, options, job=job)

        self._run(work, lambda result: self._made(path, *result), self.tr("已取消，未生成文件。"))

    def _made(self, path: Path, boxes: list[Box], pages: int) -> None:
        self.status.setText(
            self.tr("已生成：{path}（{boxes} 盒，共 {pages} 页）").format(path=path, boxes=len(boxes), pages=pages)
        )
        line = self.tr("第 {number} 盒  {heading}  件号 {first_item}—{last_item}，{items} 件，{pages} 页")
        self._show_lines([line.format_map(vars(box)) for box in boxes])
        self._show_file(path)
