"""The record form's editors, one per field type, each read and written as the text its type parses.

A date is typed or picked from a calendar, a choice or pairing picked from a fixed list, units completed from the
ledger's directory (after the last 、 when there are several), a person's name from the directory of people, long
texts given a few lines; whatever the widget, the form sees only text, so reading it stays with the field's type
(`field.values`), as for the command line and the Excel import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QStandardItem, QStandardItemModel, QWheelEvent
from PySide6.QtWidgets import QCalendarWidget, QCheckBox, QComboBox, QCompleter, QLineEdit, QPlainTextEdit, QWidget

from ledger.field_types import FieldType
from ledger.fields import Field
from ledger.persons import KnownPerson

# Where a person offered for completion keeps their name (matched and typed in) and their place in the list.
_NAME_ROLE = Qt.ItemDataRole.UserRole
_ROW_ROLE = Qt.ItemDataRole.UserRole + 1

# What a units field's type splits on (`ledger.field_lists`), but the line break, which a line edit cannot hold.
_UNIT_SEPARATOR = re.compile(r"[、，,；;]")


class FieldEditor(QObject):
    edited = Signal()

    def __init__(self, field: Field, widget: QWidget, *, wide: bool = False):
        super().__init__(widget)
        self.field = field
        self.widget = widget
        #: Takes a whole row of the form (a list of units), as a long text does.
        self.wide = wide
        widget.setToolTip(field.help)

    def text(self) -> str:
        raise NotImplementedError

    def set_text(self, text: str) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.widget.setEnabled(not read_only)

    def is_read_only(self) -> bool:
        return not self.widget.isEnabled()


class _TypedEditor(FieldEditor):
    """A box typed into (a line, a few lines): read-only, its text stays selectable rather than greyed out."""

    widget: QLineEdit | QPlainTextEdit

    def __init__(self, field: Field, widget: QLineEdit | QPlainTextEdit, *, wide: bool = False):
        super().__init__(field, widget, wide=wide)
        widget.setPlaceholderText(field.help)
        widget.textChanged.connect(self.edited)

    def set_read_only(self, read_only: bool) -> None:
        self.widget.setReadOnly(read_only)
        # Style sheets match properties such as readOnly only when a widget is polished.
        self.widget.style().unpolish(self.widget)
        self.widget.style().polish(self.widget)

    def is_read_only(self) -> bool:
        return self.widget.isReadOnly()


class LineEditor(_TypedEditor):
    def __init__(self, field: Field, completer: QCompleter | None = None, *, wide: bool = False):
        line = QLineEdit()
        super().__init__(field, line, wide=wide)
        self.line = line
        if completer is not None:
            line.setCompleter(completer)

    def text(self) -> str:
        return self.line.text()

    def set_text(self, text: str) -> None:
        self.line.setText(text)


class PersonEditor(LineEditor):
    """A name completed from the directory of people, each offered with their unit (two 王芳 of two units are two
    people); `chosen` gives the person picked, so the form can fill in what it knows of them."""

    chosen = Signal(object)

    def __init__(self, field: Field, people: Sequence[KnownPerson]):
        self.people = list(people)
        model = QStandardItemModel()
        for row, person in enumerate(self.people):
            item = QStandardItem(f"{person.name}（{person.unit}）" if person.unit else person.name)
            item.setData(person.name, _NAME_ROLE)
            item.setData(row, _ROW_ROLE)
            model.appendRow(item)
        completer = QCompleter(model)
        # Matched and typed in by the name alone; the list shows each with their unit.
        completer.setCompletionRole(_NAME_ROLE)
        super().__init__(field, completer)
        model.setParent(completer)
        completer.activated[QModelIndex].connect(lambda index: self.chosen.emit(self.people[index.data(_ROW_ROLE)]))


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
            shown = self.field.values.parse(self.text())
        except ValueError:
            shown = None
        if isinstance(shown, date):
            calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        calendar.clicked.connect(lambda day: (self.set_text(day.toString("yyyy-MM-dd")), calendar.close()))
        calendar.move(self.line.mapToGlobal(self.line.rect().bottomLeft()))
        calendar.show()


class _ComboEditor(FieldEditor):
    """A combo box, its text the one it shows."""

    def __init__(self, field: Field):
        combo = Combo()
        super().__init__(field, combo)
        self.combo = combo

    def text(self) -> str:
        return self.combo.currentText()


class ChoiceEditor(_ComboEditor):
    """A fixed list; optional fields start with an empty entry, required ones with none chosen."""

    def __init__(self, field: Field, choices: Sequence[str]):
        super().__init__(field)
        if not field.required:
            self.combo.addItem("")
        self.combo.addItems(list(choices))
        self.combo.setPlaceholderText(self.tr("请选择"))
        self.combo.setCurrentIndex(-1 if field.required else 0)
        self.combo.currentTextChanged.connect(self.edited)

    def set_text(self, text: str) -> None:
        index = self.combo.findText(text)
        if index < 0 and text:  # a value from before the list changed stays visible, not lost
            self.combo.addItem(text)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)


class SuggestionEditor(_ComboEditor):
    """Offers `field.suggestions` while accepting any text."""

    def __init__(self, field: Field):
        super().__init__(field)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(list(field.suggestions))
        self.combo.setCurrentIndex(-1)
        self.combo.lineEdit().setPlaceholderText(field.help)
        self.combo.editTextChanged.connect(self.edited)

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


class TextEditor(_TypedEditor):
    def __init__(self, field: Field, lines: int):
        edit = QPlainTextEdit()
        super().__init__(field, edit)
        self.edit = edit
        edit.setTabChangesFocus(True)
        margins = edit.contentsMargins()
        edit.setFixedHeight(
            edit.fontMetrics().lineSpacing() * lines
            + int(edit.document().documentMargin() * 2)
            + margins.top()
            + margins.bottom()
        )

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)


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


def make_editor(
    field: Field, pairings: Sequence[str], units: Sequence[str], people: Sequence[KnownPerson] = ()
) -> FieldEditor:
    """The editor of `field`; `people` are the persons a person's name is completed from (none where the record
    names no person of the directory)."""
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
            return LineEditor(field, _unit_completer(UnitsCompleter(list(units))), wide=True)
        case FieldType.PERSON if people:
            return PersonEditor(field, people)
    if field.multiline:
        # A tie's activities are a list a year long; the other texts are a paragraph.
        return TextEditor(field, 6 if field.type is FieldType.ENTRIES else 4 if field.max_length > 2000 else 3)
    if field.suggestions:
        return SuggestionEditor(field)
    return LineEditor(field)


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
