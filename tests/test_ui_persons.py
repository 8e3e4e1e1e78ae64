"""The record form completes a known person: their name offered from the directory of people as it is typed, and
what the directory knows of them filled in where the form has nothing yet."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog
from samples import ID_NUMBER, VALID

from ledger import records
from ui.context import LedgerContext
from ui.field_editors import PersonEditor
from ui.record_dialog import RecordDialog


@pytest.fixture
def context(ledger):
    with ledger.session() as session, session.begin():
        records.add_record(session, "cadre", VALID["cadre"])  # 陈志强 of 鹤山市科工商务局, with his ID number
        records.add_record(session, "cadre", {**VALID["cadre"], "person_name": "陈志明", "id_number": None})
    return LedgerContext(ledger)


def _dialog(qtbot, context, kind: str) -> RecordDialog:
    dialog = RecordDialog(context, kind)
    dialog.confirm_discard = lambda: True
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()  # a line edit takes its completer's choice only while it has the focus
    return dialog


def _pick(qtbot, editor: PersonEditor, typed: str, row: int) -> list[str]:
    """Types `typed` into the name as a person would, then picks the offer at `row`; returns what was offered."""
    editor.line.setFocus()
    qtbot.waitUntil(editor.line.hasFocus)
    QApplication.sendEvent(editor.line, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, typed))
    popup = editor.line.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    offered = [popup.model().index(number, 0).data() for number in range(popup.model().rowCount())]
    for _ in range(row + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    return offered


def test_a_known_person_chosen_fills_in_what_the_form_lacks(qtbot, context, ledger):
    dialog = _dialog(qtbot, context, "dispatch")
    form = dialog.form
    form.editors["phone"].line.setText("13900001111")  # typed already: kept
    offered = _pick(qtbot, form.editors["person_name"], "陈", 0)
    assert offered == ["陈志强（鹤山市科工商务局）", "陈志明（鹤山市科工商务局）"]
    shown = {name: form.editors[name].text() for name in ("person_name", "gender", "id_number", "phone")}
    assert shown == {"person_name": "陈志强", "gender": "男", "id_number": ID_NUMBER, "phone": "13900001111"}
    assert form.editors["home_institution"].text() == "鹤山市科工商务局"
    assert dialog.isVisible()  # picking with Enter does not save

    form.editors["field"].combo.setCurrentText("教育")
    form.editors["role"].combo.setCurrentText("教师")
    form.editors["direction"].combo.setCurrentText("东部选派到西部")
    typed = {"host_institution": "龙州县高级中学", "start_date": "2020-03-01", "end_date": "2020-06-30"}
    for name, text in typed.items():
        form.editors[name].line.setText(text)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ledger.session() as session:
        saved = records.get_record(session, dialog.saved_id)
        [posting] = records.list_records(session, "cadre", text="陈志强")
        assert saved.person_id == posting.person_id  # the same person as the directory's


def test_only_a_record_naming_a_person_of_the_directory_completes_one(qtbot, context):
    cadre, meeting = _dialog(qtbot, context, "cadre"), _dialog(qtbot, context, "meeting")
    assert isinstance(cadre.form.editors["person_name"], PersonEditor)
    # A meeting's lead is a name too, but of no one the directory keeps.
    assert meeting.form.editors["lead"].line.completer() is None
