"""The dialog that adds, edits or duplicates one record, its form built from the kind's field spec.

What is typed is read by `ledger.validation.parse_field` (the same reader as the command line and the Excel
import) and saved through `LedgerContext.save_record`, so every rule about values lives in `ledger/`; the
form only places the problems it is given under the fields they name.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ledger import records
from ledger.errors import LedgerError
from ledger.fields import Field, FieldType, KindSpec, Problem
from ledger.kinds import KINDS
from ledger.kinds.common import ARCHIVED
from ledger.validation import display, parse_field, read_record
from ledger.values import format_money, format_wan
from ui.context import LedgerContext
from ui.evidence_panel import EvidencePanel
from ui.transient import ask

VERIFIED = "已核实"  # ledger.kinds.common names only ARCHIVED
ERROR_COLOR = "#c0392b"
# What `ledger.validation.split_units` splits on, but the line break, which a line edit cannot hold.
_UNIT_SEPARATOR = re.compile(r"[、，,；;]")
_NOTE_STYLES = {
    "locked": "background:#fff4e5; border:1px solid #f0c36d;",
    "verified": "background:#eaf7ee; border:1px solid #8fd19e;",
    "info": "background:#eef4fb; border:1px solid #a9c6e8;",
}


# Editors: one per field, each read and written as the text parse_field reads -----------------------


class FieldEditor(QObject):
    edited = Signal()

    def __init__(self, field: Field, widget: QWidget):
        super().__init__(widget)
        self.field = field
        self.widget = widget
        widget.setToolTip(field.help)

    def text(self) -> str:
        raise NotImplementedError

    def set_text(self, text: str) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.widget.setEnabled(not read_only)

    def is_read_only(self) -> bool:
        return not self.widget.isEnabled()


class LineEditor(FieldEditor):
    def __init__(self, field: Field, completer: QCompleter | None = None):
        line = QLineEdit()
        super().__init__(field, line)
        self.line = line
        line.setPlaceholderText(field.help)
        if completer is not None:
            line.setCompleter(completer)
        line.textChanged.connect(self.edited)

    def text(self) -> str:
        return self.line.text()

    def set_text(self, text: str) -> None:
        self.line.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)
        _repolish(self.line)

    def is_read_only(self) -> bool:
        return self.line.isReadOnly()


class DateEditor(LineEditor):
    """Typed in any form parse_date reads (2020年5月12日), or picked from a calendar; empty is allowed."""

    def __init__(self, field: Field):
        super().__init__(field)
        self.line.setPlaceholderText(field.help or self.tr("例如 2020-05-12 或 2020年5月12日"))
        self.pick = self.line.addAction(_calendar_icon(), QLineEdit.ActionPosition.TrailingPosition)
        self.pick.setToolTip(self.tr("从日历选择"))
        self.pick.triggered.connect(self._show_calendar)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.pick.setEnabled(not read_only)

    def _show_calendar(self) -> None:
        calendar = QCalendarWidget(self.line)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        try:
            shown = parse_field(self.field, self.text())
        except ValueError:
            shown = None
        if isinstance(shown, date):
            calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        calendar.clicked.connect(lambda day: (self.set_text(day.toString("yyyy-MM-dd")), calendar.close()))
        calendar.move(self.line.mapToGlobal(self.line.rect().bottomLeft()))
        calendar.show()


class ChoiceEditor(FieldEditor):
    """A fixed list; optional fields start with an empty entry, required ones with none chosen."""

    def __init__(self, field: Field, choices: Sequence[str]):
        combo = Combo()
        super().__init__(field, combo)
        self.combo = combo
        if not field.required:
            combo.addItem("")
        combo.addItems(list(choices))
        combo.setPlaceholderText(self.tr("请选择"))
        combo.setCurrentIndex(-1 if field.required else 0)
        combo.currentTextChanged.connect(self.edited)

    def text(self) -> str:
        return self.combo.currentText()

    def set_text(self, text: str) -> None:
        index = self.combo.findText(text)
        if index < 0 and text:  # a value from before the list changed stays visible, not lost
            self.combo.addItem(text)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)


class SuggestionEditor(FieldEditor):
    """Offers `field.suggestions` while accepting any text."""

    def __init__(self, field: Field):
        combo = Combo()
        super().__init__(field, combo)
        self.combo = combo
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(list(field.suggestions))
        combo.setCurrentIndex(-1)
        combo.lineEdit().setPlaceholderText(field.help)
        combo.editTextChanged.connect(self.edited)

    def text(self) -> str:
        return self.combo.currentText()

    def set_text(self, text: str) -> None:
        self.combo.setEditText(text)


class CheckEditor(FieldEditor):
    def __init__(self, field: Field):
        box = QCheckBox()
        super().__init__(field, box)
        self.box = box
        box.setText(self.tr("是"))
        box.toggled.connect(self.edited)

    def text(self) -> str:
        return "是" if self.box.isChecked() else "否"

    def set_text(self, text: str) -> None:
        self.box.setChecked(text == "是")


class TextEditor(FieldEditor):
    def __init__(self, field: Field):
        edit = QPlainTextEdit()
        super().__init__(field, edit)
        self.edit = edit
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(field.help)
        # A tie's activities are a list a year long; the other texts are a paragraph.
        lines = 6 if field.type is FieldType.ENTRIES else 4 if field.max_length > 2000 else 3
        margins = edit.contentsMargins()
        edit.setFixedHeight(
            edit.fontMetrics().lineSpacing() * lines
            + int(edit.document().documentMargin() * 2)
            + margins.top()
            + margins.bottom()
        )
        edit.textChanged.connect(self.edited)

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        _repolish(self.edit)

    def is_read_only(self) -> bool:
        return self.edit.isReadOnly()


class UnitsCompleter(QCompleter):
    """Completes the unit typed after the last 、, keeping those before it."""

    def splitPath(self, path: str) -> list[str]:
        return [_split_last_unit(path)[1].strip()]

    def pathFromIndex(self, index) -> str:
        return _split_last_unit(self.widget().text())[0] + index.data()


def _split_last_unit(text: str) -> tuple[str, str]:
    ends = [match.end() for match in _UNIT_SEPARATOR.finditer(text)]
    cut = ends[-1] if ends else 0
    return text[:cut], text[cut:]


def _unit_completer(completer: QCompleter) -> QCompleter:
    # Contains, not prefix: people type 扶贫办 and expect 鹤山市扶贫办.
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return completer


def make_editor(field: Field, pairings: Sequence[str], units: Sequence[str]) -> FieldEditor:
    if field.derived:
        editor = LineEditor(field)
        editor.set_read_only(True)
        editor.line.setPlaceholderText(field.help or editor.tr("自动计算"))
        return editor
    match field.type:
        case FieldType.DATE:
            return DateEditor(field)
        case FieldType.CHOICE:
            return ChoiceEditor(field, field.choices)
        case FieldType.PAIRING:
            return ChoiceEditor(field, pairings)
        case FieldType.BOOL:
            return CheckEditor(field)
        case FieldType.UNIT:
            return LineEditor(field, _unit_completer(QCompleter(list(units))))
        case FieldType.UNITS:
            return LineEditor(field, _unit_completer(UnitsCompleter(list(units))))
    if field.multiline:
        return TextEditor(field)
    if field.suggestions:
        return SuggestionEditor(field)
    return LineEditor(field)


# The form ------------------------------------------------------------------------------------------


class RecordForm(QWidget):
    """A kind's fields in its spec's order, two to a row where short, each with a line for its message."""

    def __init__(self, spec: KindSpec, pairings: Sequence[str], units: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.editors = {field.name: make_editor(field, pairings, units) for field in spec.fields}
        self.messages: dict[str, QLabel] = {}
        self._pending: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self._check_pending)

        if spec.compose_title is not None:
            self.editors["title"].line.setPlaceholderText(self.tr("不填时按其他各项自动生成"))

        grid = QGridLayout(self)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        grid.setColumnMinimumWidth(2, 14)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(4, 1)
        row = column = 0
        for field in spec.fields:
            wide = _is_wide(field)
            if wide and column:
                row, column = row + 1, 0
            label, cell = self._label(field), self._cell(field)
            grid.addWidget(label, row, column * 3, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
            grid.addWidget(cell, row, column * 3 + 1, 1, 4 if wide else 1)
            if wide or column:
                row, column = row + 1, 0
            else:
                column = 1
        grid.setRowStretch(row + 1, 1)

    def _label(self, field: Field) -> QLabel:
        # Only what must be typed: not 年度, which follows the date, nor what the ledger composes or defaults.
        star = f'<span style="color:{ERROR_COLOR}">*</span>' if self.spec.must_fill(field) else ""
        label = QLabel(f"{star}{field.label}")
        label.setToolTip(field.help)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # As tall as a line edit, so the text lines up with the first line of any editor.
        label.setFixedHeight(QLineEdit().sizeHint().height())
        label.setBuddy(self.editors[field.name].widget)
        return label

    def _cell(self, field: Field) -> QWidget:
        editor = self.editors[field.name]
        message = QLabel()
        message.setWordWrap(True)
        message.hide()
        self.messages[field.name] = message
        if not field.derived:
            editor.edited.connect(partial(self._edited, field.name))
        cell = QWidget()
        layout = QVBoxLayout(cell)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor.widget)
        layout.addWidget(message)
        layout.addStretch(1)  # keeps the editor at the top when a neighbour's message makes the row taller
        return cell

    def texts(self) -> dict[str, str]:
        return {field.name: self.editors[field.name].text() for field in self.spec.editable_fields}

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            if name in self.editors:
                self.editors[name].set_text(_shown(self.spec.field(name), value))
        self._timer.stop()
        self._pending.clear()
        for name in self.messages:
            self._say(name, "")
        for name in values:
            if name in self.editors and not self.spec.field(name).derived:
                self._check(name)

    def parse(self) -> tuple[dict[str, Any], list[Problem]]:
        """The values typed, and every mistake in them at once: unreadable, required but empty, and the rest."""
        return read_record(self.spec, self.texts())

    def set_read_only(self, read_only: bool, keep: Collection[str] = ()) -> None:
        for field in self.spec.editable_fields:
            self.editors[field.name].set_read_only(read_only and field.name not in keep)

    def show_problems(self, problems: Sequence[Problem]) -> list[Problem]:
        """Puts each message under its field; returns those naming no field of this form."""
        by_field: dict[str, list[str]] = {}
        elsewhere = []
        for problem in problems:
            if problem.field in self.messages:
                by_field.setdefault(problem.field, []).append(problem.message)
            else:
                elsewhere.append(problem)
        for name in self.messages:
            self._say(name, "；".join(by_field.get(name, [])), error=True)
        return elsewhere

    def _edited(self, name: str) -> None:
        self._pending.add(name)
        self._timer.start()

    def _check_pending(self) -> None:
        for name in sorted(self._pending):
            self._check(name)
        self._pending.clear()

    def _check(self, name: str) -> None:
        field = self.spec.field(name)
        try:
            value = parse_field(field, self.editors[name].text())
        except ValueError as error:
            self._say(name, str(error), error=True)
            return
        if field.type is FieldType.MONEY and isinstance(value, Decimal):
            yuan = format_money(value, grouped=True)
            self._say(name, self.tr("＝ {yuan} 元（{wan}）").format(yuan=yuan, wan=format_wan(value)))
        elif field.type is FieldType.ENTRIES and value:
            # What was read, so a line whose amount stayed in its text (5万元 with no space) is noticed.
            total = sum((entry.amount for entry in value if entry.amount), Decimal(0))
            said = self.tr("共 {0} 项").format(len(value))
            self._say(name, said + (self.tr("，金额合计 {0}").format(format_wan(total)) if total else ""))
        else:
            self._say(name, "")

    def _say(self, name: str, text: str, *, error: bool = False) -> None:
        message = self.messages[name]
        message.setText(text)
        message.setStyleSheet(f"color:{ERROR_COLOR};" if error else "color:palette(placeholder-text);")
        message.setVisible(bool(text))


def _is_wide(field: Field) -> bool:
    # The 事项 is the record's name in every list and printout: give it the whole row too.
    return field.multiline or field.type is FieldType.UNITS or field.name == "title"


def _shown(field: Field, value: Any) -> str:
    if field.type is FieldType.MONEY and isinstance(value, Decimal):
        return format_money(value, grouped=True)
    return display(field, value)


# The dialog ----------------------------------------------------------------------------------------


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

        self.form = RecordForm(self.spec, *self._directory())
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

        buttons = QHBoxLayout()
        buttons.addWidget(self.problems, 1)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
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

    def _directory(self) -> tuple[list[str], list[str]]:
        with self.context.session() as session:
            units = records.unit_names(session)
        return self.context.pairings(), units

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


# Small helpers -------------------------------------------------------------------------------------


class Combo(QComboBox):
    """Scrolling the form over a combo box scrolls the form; it does not change the value under the mouse."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


def _repolish(widget: QWidget) -> None:
    # Style sheets match properties such as readOnly only when a widget is polished.
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _calendar_icon() -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor("#5f6b7a")
    painter.setPen(color)
    painter.drawRoundedRect(QRectF(4.5, 6.5, 23, 21), 3, 3)
    painter.fillRect(QRectF(4.5, 6.5, 23, 6), color)
    painter.fillRect(QRectF(9, 3, 3, 6), color)
    painter.fillRect(QRectF(20, 3, 3, 6), color)
    for row in range(2):
        for column in range(3):
            painter.fillRect(QRectF(8.5 + column * 6, 15.5 + row * 5, 3, 3), color)
    painter.end()
    return QIcon(pixmap)
