"""The dialog that adds, edits or duplicates one record: the record's form, its evidence beside it, saving.

What is typed is saved through `LedgerContext.save_record`, so every rule about values lives in `ledger/`. The
dialog says what state the record is in (new, a copy, verified, archived, in the recycle bin), opens archived and
deleted records read-only, takes evidence once the record is saved, and asks before unsaved changes are lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ledger import persons, records
from ledger.errors import LedgerError
from ledger.fields import Problem
from ledger.kinds import KINDS
from ledger.kinds.common import ARCHIVED
from ui.context import LedgerContext
from ui.evidence_panel import EvidencePanel
from ui.record_form import ERROR_COLOR, RecordForm
from ui.transient import ask
from ui.widgets import spread_row

VERIFIED = "已核实"  # ledger.kinds.common names only ARCHIVED
_NOTE_STYLES = {
    "locked": "background:#fff4e5; border:1px solid #f0c36d;",
    "verified": "background:#eaf7ee; border:1px solid #8fd19e;",
    "info": "background:#eef4fb; border:1px solid #a9c6e8;",
}


class RecordDialog(QDialog):
    """Adds a record (no id), edits one (`record_id`) or adds a copy of one (`copy_of`).

    `saved_id` is the record's id once saved. Archived records open read-only but for their status,
    which the ledger lets change so a record can be reopened."""

    def __init__(
        self,
        context: LedgerContext,
        kind: str,
        record_id: uuid.UUID | None = None,
        *,
        copy_of: uuid.UUID | None = None,
        focus_evidence: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.context = context
        self.spec = KINDS[kind]
        self.record_id = record_id
        self.saved_id: uuid.UUID | None = None
        #: Asked before unsaved changes are thrown away; replaced in tests.
        self.confirm_discard: Callable[[], bool] = self._ask_discard
        self.evidence: EvidencePanel | None = None
        self._initial: dict[str, str] = {}
        self._copy_title = ""

        self.form = RecordForm(self.spec, *self._directory(), counties=self._counties())
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.form)
        self.side = QWidget()
        QVBoxLayout(self.side).setContentsMargins(8, 0, 0, 0)
        # The form keeps room for two columns; the evidence gives way first on a small screen.
        self.scroll.setMinimumWidth(540)
        self.side.setMinimumWidth(240)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.scroll)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color:{ERROR_COLOR};")
        self.continue_button = QPushButton(self.tr("保存并添加材料"))
        self.continue_button.setToolTip(self.tr("保存记录，不关闭窗口，接着添加佐证材料"))
        self.continue_button.setAutoDefault(False)
        self.continue_button.clicked.connect(self._save_and_add_evidence)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setDefault(True)  # Enter in a line edit saves
        self.save_button.clicked.connect(self._save_and_close)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        layout.addLayout(spread_row(self.problems, self.continue_button, self.save_button, self.cancel_button))
        self.setStyleSheet(
            'QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"] { background: palette(window); }'
        )

        if record_id is not None:
            self._present(*self._read(record_id))
        elif copy_of is not None:
            self._present(self._copied(copy_of), False, copy=True)
        else:
            self._present(self._defaults(), False)
        self._fit_to_screen()
        if focus_evidence and self.evidence is not None:  # 打开佐证材料: the files, not the fields, first
            self.evidence.list.setFocus()
            self.evidence.list.setCurrentRow(0)
        else:
            self._focus_first_editable()

    # Reading ---------------------------------------------------------------------------------------

    def _directory(self) -> tuple[list[str], list[str], list[persons.KnownPerson]]:
        with self.context.session() as session:
            units = records.unit_names(session)
            people = persons.known_persons(session, self.spec.name)
        return self.context.pairings(), units, people

    def _counties(self) -> dict[str, list[str]]:
        """The receiving counties of each pairing, which 受援县 is chosen from."""
        with self.context.session() as session:
            return {
                name: records.pairing_counties(records.find_pairing(session, name))
                for name in records.pairing_names(session)
            }

    def _read(self, record_id: uuid.UUID) -> tuple[dict[str, Any], bool]:
        with self.context.session() as session:
            record = records.get_record(session, record_id)
            return records.record_values(record), record.deleted

    def _defaults(self) -> dict[str, Any]:
        values = {field.name: field.default for field in self.spec.fields if field.default is not None}
        values["pairing"] = self.context.pairing
        return values

    def _copied(self, record_id: uuid.UUID) -> dict[str, Any]:
        original, _ = self._read(record_id)
        values = {name: value for name, value in original.items() if not self.spec.field(name).derived}
        values["title"] = self.tr("{title}（副本）").format(title=original["title"])
        values["record_status"] = self.spec.field("record_status").default
        # A year that only followed the date is left empty, so it follows the copy's new date again.
        day = original.get(self.spec.date_field)
        if isinstance(day, date) and original.get("year") == day.year:
            values["year"] = None
        self._copy_title = original["title"]
        return values

    # Showing ---------------------------------------------------------------------------------------

    def _present(self, values: Mapping[str, Any], deleted: bool, *, copy: bool = False) -> None:
        """Shows `values` for the dialog's mode: new, copy, or the record `record_id` as it is now."""
        self.form.set_values(values)
        self._initial = self.form.texts()
        status = values.get("record_status")
        existing = self.record_id is not None
        archived = existing and status == ARCHIVED
        self.form.set_read_only(archived or deleted, keep=() if deleted else ("record_status",))
        self.save_button.setEnabled(not deleted)
        self.continue_button.setVisible(not existing)

        label = self.spec.label
        if not existing:
            verb = self.tr("复制") if copy else self.tr("新增")
        else:
            verb = self.tr("查看") if archived or deleted else self.tr("修改")
        title = self.tr("{verb}{kind}记录").format(verb=verb, kind=label)
        self.setWindowTitle(title)
        self.heading.setText(title if not existing else f"{title}：{values.get('title') or ''}")

        if deleted:
            self._set_note("locked", self.tr("此记录在回收站里，恢复后才能修改。"))
        elif archived:
            self._set_note(
                "locked", self.tr("此记录已归档，不能修改。如确需修改，请先把“状态”改回“已核实”并保存，再重新打开。")
            )
        elif existing and status == VERIFIED:
            self._set_note("verified", self.tr("已核实：此记录已经核对无误，修改时请留意。"))
        elif copy:
            self._set_note(
                "info",
                self.tr("这是“{title}”的副本，保存后成为一条新记录；佐证材料不会复制。").format(title=self._copy_title),
            )
        else:
            self._set_note("", "")
        self._show_side(EvidencePanel(self.context, self.record_id) if existing else self._evidence_later())

    def _set_note(self, style: str, text: str) -> None:
        self.note.setText(text)
        self.note.setStyleSheet(f"{_NOTE_STYLES.get(style, '')} border-radius:4px; padding:6px 10px;")
        self.note.setVisible(bool(text))

    def _evidence_later(self) -> QWidget:
        text = self.tr(
            "佐证材料在记录保存后添加。\n\n点“保存并添加材料”，记录保存后窗口不关闭，"
            "就可以在这里拖入或选择会议纪要、签到表、照片等文件。"
        )
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet(
            "color:palette(placeholder-text); border:1px dashed palette(mid); border-radius:6px; padding:16px;"
        )
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addStretch(1)
        return holder

    def _show_side(self, widget: QWidget) -> None:
        layout = self.side.layout()
        while layout.count():
            layout.takeAt(0).widget().deleteLater()
        layout.addWidget(widget)
        self.evidence = widget if isinstance(widget, EvidencePanel) else None

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.setMinimumSize(min(820, area.width()), min(480, area.height()))
        self.resize(min(1200, area.width() - 40), min(760, area.height() - 40))

    def _focus_first_editable(self) -> None:
        # The 事项 first: pairing and year are usually right already.
        editors = self.form.editors
        names = ["title", *(field.name for field in self.spec.editable_fields)]
        name = next((name for name in names if not editors[name].is_read_only()), None)
        if name is not None:
            editors[name].widget.setFocus()

    # Saving ----------------------------------------------------------------------------------------

    def _save_and_close(self) -> None:
        if self._save():
            self.accept()

    def _save_and_add_evidence(self) -> None:
        if self._save():
            self.record_id = self.saved_id
            self._present(*self._read(self.record_id))

    def _save(self) -> bool:
        values, problems = self.form.parse()
        if not problems and self.record_id is not None:
            # Only what was changed: the ledger keeps year and composed title following their fields.
            current = self.form.texts()
            values = {name: value for name, value in values.items() if current[name] != self._initial[name]}
            if not values:
                self.saved_id = self.record_id
                return True
        if not problems:
            try:
                result = self.context.save_record(self.spec.name, values, self.record_id)
            except LedgerError as error:
                QMessageBox.warning(self, self.tr("未能保存"), str(error))
                return False
            if isinstance(result, uuid.UUID):
                self.saved_id = result
                self.problems.clear()
                return True
            problems = result
        self._show_problems(problems)
        return False

    def _show_problems(self, problems: Sequence[Problem]) -> None:
        elsewhere = self.form.show_problems(problems)
        lines = [self.tr("有 {count} 处需要修改，见各项下方的红字。").format(count=len(problems))]
        self.problems.setText("\n".join(lines + [str(problem) for problem in elsewhere]))
        named = {problem.field for problem in problems}
        first = next((field.name for field in self.spec.editable_fields if field.name in named), None)
        if first is not None:
            widget = self.form.editors[first].widget
            self.scroll.ensureWidgetVisible(widget)
            widget.setFocus()

    # Closing ---------------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        return self.form.texts() != self._initial

    def reject(self) -> None:
        """Esc, 取消 and the window's close button: asks first when something typed would be lost."""
        if self.is_dirty() and not self.confirm_discard():
            return
        # After 保存并添加材料 the record exists: closing reports it as saved.
        self.done(QDialog.DialogCode.Accepted if self.saved_id else QDialog.DialogCode.Rejected)

    def _ask_discard(self) -> bool:
        choices = [
            (self.tr("放弃修改"), QMessageBox.ButtonRole.DestructiveRole),
            (self.tr("继续编辑"), QMessageBox.ButtonRole.RejectRole),
        ]
        return ask(self, self.tr("放弃修改"), self.tr("有未保存的修改，要放弃吗？"), choices, default=1) == 0
