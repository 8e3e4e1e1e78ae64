"""The form of one record, built from the kind's field spec: two fields to a row where short, each with its message.

What is typed is read by each field's type (`field.values`) and `ledger.validation`, the same readers as the
command line and the Excel import use, so every rule about values lives in `ledger/`; the form checks a field
shortly after it is edited and places the problems it is given under the fields they name. A person's name picked
from the directory fills in the gender, ID number, phone and unit still empty. `ui.record_dialog` shows it in the
dialog that adds, edits or duplicates a record.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCompleter, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ledger.fields import Field, KindSpec, Problem
from ledger.persons import KnownPerson, unit_field
from ledger.validation import read_record
from ui.field_editors import PersonEditor, make_editor

ERROR_COLOR = "#c0392b"


class RecordForm(QWidget):
    """A kind's fields in its spec's order, two to a row where short, each with a line for its message."""

    def __init__(
        self,
        spec: KindSpec,
        pairings: Sequence[str],
        units: Sequence[str],
        people: Sequence[KnownPerson] = (),
        parent: QWidget | None = None,
        counties: Mapping[str, Sequence[str]] | None = None,
    ):
        super().__init__(parent)
        self.spec = spec
        self.editors = {field.name: make_editor(field, pairings, units, people) for field in spec.fields}
        for editor in self.editors.values():
            if isinstance(editor, PersonEditor):
                editor.chosen.connect(self._complete_person)
        # 受援县 offers the counties of the pairing chosen (设置), and says so where it covers only one.
        self.counties = dict(counties or {})
        if "county" in self.editors and "pairing" in self.editors:
            self.editors["pairing"].edited.connect(self._offer_counties)
            self._offer_counties()
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
            # The 事项 is the record's name in every list and printout: give it the whole row too.
            wide = field.multiline or self.editors[field.name].wide or field.name == "title"
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

    def _offer_counties(self) -> None:
        line = self.editors["county"].line
        listed = list(self.counties.get(self.editors["pairing"].text(), ()))
        completer = QCompleter(listed, line)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        line.setCompleter(completer)
        line.setPlaceholderText("、".join(listed) if listed else self.tr("只有一个县，不填"))

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
                self.editors[name].set_text(self.spec.field(name).values.shown(value))
        self._timer.stop()
        self._pending.clear()
        for name in self.messages:
            self._say(name, "")
        for name in values:
            if name in self.editors and not self.spec.field(name).derived:
                self._check(name)

    def _complete_person(self, person: KnownPerson) -> None:
        """Fills in what the directory knows of the person chosen where the form has nothing yet."""
        known = {"gender": person.gender, "id_number": person.id_number, "phone": person.phone}
        known[unit_field(self.spec.name)] = person.unit
        for name, text in known.items():
            editor = self.editors[name]
            if text and not editor.text().strip() and not editor.is_read_only():
                editor.set_text(text)

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
            value = field.values.parse(self.editors[name].text())
        except ValueError as error:
            self._say(name, str(error), error=True)
            return
        self._say(name, field.values.read_back(value))

    def _say(self, name: str, text: str, *, error: bool = False) -> None:
        message = self.messages[name]
        message.setText(text)
        message.setStyleSheet(f"color:{ERROR_COLOR};" if error else "color:palette(placeholder-text);")
        message.setVisible(bool(text))
