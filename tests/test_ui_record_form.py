"""The record dialog and the evidence panel, driven like a user would: text set on the widgets, buttons clicked,
files dropped; the ledger is checked after each step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QDate, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QCalendarWidget, QDialog, QMessageBox
from samples import VALID
from sqlalchemy import func, select

from ledger import evidence, records
from ledger.models import Record
from ui import evidence_panel
from ui.context import LedgerContext
from ui.evidence_panel import EvidencePanel, guess_role
from ui.record_form import RecordDialog


@pytest.fixture
def context(ledger):
    return LedgerContext(ledger)


@pytest.fixture(autouse=True)
def messages(monkeypatch) -> list[str]:
    """Message boxes are recorded instead of shown, so no test waits on a modal dialog."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text) or 0)
    return shown


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "会场.jpg"
    Image.new("RGB", (640, 480), (200, 120, 40)).save(path, "JPEG")
    return path


@pytest.fixture
def scan(tmp_path) -> Path:
    from reportlab.pdfgen import canvas

    path = tmp_path / "会议纪要.pdf"
    pdf = canvas.Canvas(str(path))
    for _ in range(2):
        pdf.drawString(72, 720, "minutes")
        pdf.showPage()
    pdf.save()
    return path


def _add(ledger, kind: str = "meeting", **changes):
    with ledger.session() as session, session.begin():
        return records.add_record(session, kind, {**VALID[kind], **changes}).id


def _values(ledger, record_id) -> dict:
    with ledger.session() as session:
        return records.record_values(records.get_record(session, record_id))


def _live_count(ledger) -> int:
    with ledger.session() as session:
        return session.scalar(select(func.count()).select_from(Record).where(Record.deleted_at.is_(None)))


def _shown(qtbot, dialog: RecordDialog) -> RecordDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _drop(widget, paths: list[Path]) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    enter = QDragEnterEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, drop)


# The form ------------------------------------------------------------------------------------------


def test_a_new_meeting_is_refused_while_invalid_then_saved(qtbot, context, ledger):
    dialog = _shown(qtbot, RecordDialog(context, "meeting"))
    form = dialog.form
    assert form.editors["pairing"].text() == "鹤山市—龙州县"
    form.editors["title"].line.setText("鹤山—龙州扶贫协作党政联席会议")
    form.editors["date"].line.setText("2020-02-30")
    _click(qtbot, dialog.save_button)

    assert "没有这一天" in form.messages["date"].text()
    assert form.messages["date"].isVisibleTo(dialog)
    assert dialog.isVisible() and dialog.saved_id is None
    assert _live_count(ledger) == 0

    form.editors["date"].line.setText("2020年4月20日")
    _click(qtbot, dialog.save_button)
    assert "必须填写" in form.messages["meeting_type"].text()  # the ledger's own check, shown at its field
    assert not form.messages["date"].isVisibleTo(dialog)
    assert _live_count(ledger) == 0

    form.editors["meeting_type"].combo.setCurrentText("党政联席会议")
    form.editors["main_leader_present"].box.setChecked(True)
    form.editors["responsible_units"].line.setText("鹤山市扶贫办、龙州县扶贫办")
    form.editors["attendees"].edit.setPlainText("两地党政主要领导")
    _click(qtbot, dialog.save_button)

    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert _live_count(ledger) == 1
    values = _values(ledger, dialog.saved_id)
    assert values["title"] == "鹤山—龙州扶贫协作党政联席会议"
    assert (values["date"], values["year"]) == (date(2020, 4, 20), 2020)
    assert values["meeting_type"] == "党政联席会议" and values["main_leader_present"] is True
    assert values["responsible_units"] == ["鹤山市扶贫办", "龙州县扶贫办"]
    assert (values["attendees"], values["record_status"], values["level"]) == ("两地党政主要领导", "草稿", None)


def test_money_is_checked_while_typing_and_saved_exact(qtbot, context, ledger):
    dialog = _shown(qtbot, RecordDialog(context, "disbursement"))
    amount = dialog.form.editors["amount"].line
    message = dialog.form.messages["amount"]
    amount.setText("两百万")
    qtbot.waitUntil(lambda: "无法识别的金额" in message.text(), timeout=2000)
    amount.setText("260万")
    qtbot.waitUntil(lambda: "2,600,000.00" in message.text(), timeout=2000)

    form = dialog.form
    form.editors["title"].line.setText("拨付财政帮扶资金")
    form.editors["fund_type"].combo.setCurrentText("财政援助资金")
    form.editors["fund_level"].combo.setCurrentText("县区")
    form.editors["date"].line.setText("2020-06-01")
    _click(qtbot, dialog.save_button)

    assert _values(ledger, dialog.saved_id)["amount"] == Decimal("2600000.00")


def test_a_ties_activities_are_typed_as_lines_checked_while_typing_and_edited(qtbot, context, ledger):
    dialog = _shown(qtbot, RecordDialog(context, "tie"))
    form = dialog.form
    activities = form.editors["activities"].edit
    message = form.messages["activities"]
    activities.setPlainText("2020-05-12 捐赠图书 200册 3.5万元\n九月 送教下乡")
    qtbot.waitUntil(lambda: "第2条“九月 送教下乡”应以日期开头" in message.text(), timeout=2000)
    activities.setPlainText("2020-09-08 送教下乡\n2020-05-12 捐赠图书 200册 3.5万元")
    qtbot.waitUntil(lambda: message.text() == "共 2 项，金额合计 3.5万元", timeout=2000)
    form.editors["level"].combo.setCurrentText("学校")
    form.editors["east_party"].line.setText("鹤山市纪元中学")
    form.editors["west_party"].line.setText("龙州县高级中学")
    form.editors["date"].line.setText("2020-03-20")
    _click(qtbot, dialog.save_button)

    values = _values(ledger, dialog.saved_id)
    assert values["title"] == "鹤山市纪元中学与龙州县高级中学结对帮扶"
    assert [str(activity) for activity in values["activities"]] == [
        "2020-05-12 捐赠图书 200册 3.5万元",
        "2020-09-08 送教下乡",
    ]
    again = _shown(qtbot, RecordDialog(context, "tie", dialog.saved_id))
    assert again.form.editors["activities"].text() == "2020-05-12 捐赠图书 200册 3.5万元\n2020-09-08 送教下乡"


def test_an_edit_is_saved_and_undone(qtbot, context, ledger):
    record_id = _add(ledger)
    dialog = _shown(qtbot, RecordDialog(context, "meeting", record_id))
    assert dialog.form.editors["title"].text() == VALID["meeting"]["title"]
    assert dialog.evidence is not None
    dialog.form.editors["title"].line.setText("党政联席会议（第一次）")
    dialog.form.editors["location"].line.setText("龙州县人民政府")
    _click(qtbot, dialog.save_button)

    assert dialog.saved_id == record_id
    assert _values(ledger, record_id)["title"] == "党政联席会议（第一次）"
    context.undo_stack.undo()
    values = _values(ledger, record_id)
    assert (values["title"], values["location"]) == (VALID["meeting"]["title"], None)


def test_unsaved_changes_are_kept_unless_the_user_discards_them(qtbot, context, ledger):
    record_id = _add(ledger)
    dialog = _shown(qtbot, RecordDialog(context, "meeting", record_id))
    dialog.form.editors["title"].line.setText("改了一半")
    asked = []
    dialog.confirm_discard = lambda: asked.append(True) or False
    _click(qtbot, dialog.cancel_button)
    assert asked and dialog.isVisible()

    dialog.confirm_discard = lambda: True
    _click(qtbot, dialog.cancel_button)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert _values(ledger, record_id)["title"] == VALID["meeting"]["title"]


def test_a_duplicate_is_prefilled_and_saved_as_a_second_record_without_evidence(qtbot, context, ledger, photo):
    original = _add(ledger)
    with ledger.session() as session, session.begin():
        evidence.attach(session, ledger.evidence_dir, records.get_record(session, original), [photo], role="照片")
    dialog = _shown(qtbot, RecordDialog(context, "meeting", copy_of=original))
    form = dialog.form
    assert form.editors["title"].text() == VALID["meeting"]["title"] + "（副本）"
    assert form.editors["date"].text() == "2020-04-20"
    assert form.editors["meeting_type"].text() == "党政联席会议"
    assert dialog.evidence is None and "副本" in dialog.note.text()
    form.editors["date"].line.setText("2021-03-02")
    _click(qtbot, dialog.save_button)

    assert _live_count(ledger) == 2 and dialog.saved_id != original
    copy = _values(ledger, dialog.saved_id)
    assert copy["title"].endswith("（副本）") and copy["responsible_units"] == VALID["meeting"]["responsible_units"]
    assert (copy["date"], copy["year"]) == (date(2021, 3, 2), 2021)  # the year follows the copy's date
    with ledger.session() as session:
        assert evidence.live_attachments(records.get_record(session, dialog.saved_id)) == []


def test_an_archived_record_opens_read_only(qtbot, context, ledger, photo, messages):
    record_id = _add(ledger, record_status="已归档")
    dialog = _shown(qtbot, RecordDialog(context, "meeting", record_id))
    editors = dialog.form.editors
    assert "已归档" in dialog.note.text() and dialog.note.isVisibleTo(dialog)
    assert editors["title"].line.isReadOnly() and editors["summary"].edit.isReadOnly()
    assert not editors["meeting_type"].combo.isEnabled() and not editors["main_leader_present"].box.isEnabled()
    assert editors["record_status"].combo.isEnabled()  # the ledger lets a record be reopened
    panel = dialog.evidence
    assert panel.read_only and not panel.add_button.isEnabled()

    _drop(panel, [photo])
    assert any("已归档" in text for text in messages)
    assert panel.list.count() == 0


def test_save_and_add_evidence_keeps_the_dialog_open_on_the_saved_record(qtbot, context, ledger):
    dialog = _shown(qtbot, RecordDialog(context, "meeting"))
    dialog.form.editors["title"].line.setText("工作推进会")
    dialog.form.editors["date"].line.setText("2020-05-06")
    dialog.form.editors["meeting_type"].combo.setCurrentText("工作推进会")
    _click(qtbot, dialog.continue_button)

    assert dialog.isVisible() and dialog.record_id == dialog.saved_id is not None
    assert dialog.evidence is not None and dialog.evidence.record_id == dialog.saved_id
    assert not dialog.continue_button.isVisibleTo(dialog) and not dialog.is_dirty()
    _click(qtbot, dialog.cancel_button)
    assert dialog.result() == QDialog.DialogCode.Accepted  # the record exists


def test_units_complete_after_the_last_separator_and_dates_come_from_the_calendar(qtbot, context, ledger):
    _add(ledger)  # puts 鹤山市扶贫办 and 龙州县扶贫办 in the directory of units
    dialog = _shown(qtbot, RecordDialog(context, "meeting"))
    completer = dialog.form.editors["responsible_units"].line.completer()
    dialog.form.editors["responsible_units"].line.setText("鹤山市扶贫办、龙州")
    completer.setCompletionPrefix("鹤山市扶贫办、龙州")
    assert completer.completionCount() == 1
    assert completer.pathFromIndex(completer.currentIndex()) == "鹤山市扶贫办、龙州县扶贫办"

    date_editor = dialog.form.editors["date"]
    date_editor.pick.trigger()
    calendar = date_editor.line.findChild(QCalendarWidget)
    calendar.clicked.emit(QDate(2020, 4, 20))
    assert date_editor.text() == "2020-04-20"


# Evidence ------------------------------------------------------------------------------------------


def test_dropped_files_are_attached_with_the_role_asked(qtbot, context, ledger, photo, scan):
    record_id = _add(ledger)
    panel = EvidencePanel(context, record_id)
    qtbot.addWidget(panel)
    asked = []
    panel.ask_details = lambda paths, role: asked.append((list(paths), role)) or ("照片", "会场")
    _drop(panel, [photo, scan])

    assert asked == [([photo, scan], "其他")]  # one question for the whole drop
    with ledger.session() as session:
        attached = evidence.live_attachments(records.get_record(session, record_id))
        assert [(a.original_name, a.role, a.caption) for a in attached] == [
            ("会场.jpg", "照片", "会场"),
            ("会议纪要.pdf", "照片", "会场"),
        ]
        assert attached[1].file.page_count == 2
    assert panel.list.count() == 2
    texts = [panel.list.item(row).text() for row in range(2)]
    assert all("照片 · 会场" in text for text in texts) and "2 页" in texts[1]
    assert not panel.list.item(0).icon().isNull()


def test_large_files_are_attached_on_the_worker_while_the_window_is_drawn(qtbot, context, ledger, photo, monkeypatch):
    monkeypatch.setattr(evidence_panel, "COPY_IN_BACKGROUND", 0)  # the photo counts as large
    record_id = _add(ledger)
    panel = EvidencePanel(context, record_id)
    qtbot.addWidget(panel)
    panel.ask_details = lambda paths, role: ("照片", "")
    with qtbot.waitSignal(context.changed, timeout=10_000):
        panel.add_files([photo])
        assert panel.list.count() == 0  # not yet: the copy runs on the worker
    qtbot.waitUntil(lambda: panel.list.count() == 1)
    with ledger.session() as session:
        [attached] = evidence.live_attachments(records.get_record(session, record_id))
        assert attached.original_name == "会场.jpg"


def test_a_removed_attachment_goes_after_confirmation(qtbot, context, ledger, photo):
    record_id = _add(ledger)
    panel = EvidencePanel(context, record_id)
    qtbot.addWidget(panel)
    panel.ask_details = lambda paths, role: (role, "")
    panel.add_files([photo])
    panel.list.setCurrentRow(0)
    panel.confirm_remove = lambda names: False
    _click(qtbot, panel.remove_button)
    assert panel.list.count() == 1

    panel.list.setCurrentRow(0)
    panel.confirm_remove = lambda names: "会场.jpg" in names
    _click(qtbot, panel.remove_button)
    assert panel.list.count() == 0
    with ledger.session() as session:
        assert evidence.live_attachments(records.get_record(session, record_id)) == []


def test_the_role_is_guessed_from_the_files(tmp_path):
    assert guess_role([tmp_path / "a.jpg", tmp_path / "b.png"]) == "照片"
    assert guess_role([tmp_path / "龙州县会议纪要.pdf"]) == "会议纪要"
    assert guess_role([tmp_path / "a.jpg", tmp_path / "x.pdf"]) == "其他"
