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

from ledger import audit_entries, evidence, records
from ledger.models import Record
from ui import evidence_panel
from ui.context import LedgerContext
from ui.evidence_details import DetailsDialog
from ui.evidence_panel import EvidencePanel
from ui.record_dialog import RecordDialog


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


def _type(form, **texts: str) -> None:
    """Types each text into its field's line, by field name."""
    for name, text in texts.items():
        form.editors[name].line.setText(text)


def _mistakes_on_save(qtbot, dialog: RecordDialog) -> dict[str, str]:
    """Clicks 保存; the messages then shown under the fields, by field name."""
    _click(qtbot, dialog.save_button)
    return {name: label.text() for name, label in dialog.form.messages.items() if label.isVisibleTo(dialog)}


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
    _type(form, title="鹤山—龙州扶贫协作党政联席会议", date="2020-02-30")
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


def test_one_click_on_save_shows_every_mistake_under_its_field(qtbot, context, ledger):
    dialog = _shown(qtbot, RecordDialog(context, "disbursement"))
    form = dialog.form
    form.editors["fund_type"].combo.setCurrentText("财政援助资金")
    form.editors["fund_level"].combo.setCurrentText("县区")
    _type(form, date="2020-02-30", amount="两百万")  # 事项 is left empty.

    shown = _mistakes_on_save(qtbot, dialog)
    assert shown == {
        "title": "必须填写",
        "amount": "无法识别的金额：两百万（应写作 2600000.00 或 260万元）",
        "date": "没有这一天：2020-02-30",
    }
    assert all("c0392b" in form.messages[name].styleSheet() for name in shown)  # red, as errors
    assert dialog.problems.text() == "有 3 处需要修改，见各项下方的红字。"
    assert dialog.isVisible() and dialog.saved_id is None and _live_count(ledger) == 0
    assert dialog.focusWidget() is form.editors["title"].widget  # the first field to mend, in the form's order

    _type(form, title="拨付财政帮扶资金", date="2020-06-01", amount="260万")
    _click(qtbot, dialog.save_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    values = _values(ledger, dialog.saved_id)
    assert (values["amount"], values["date"], values["year"]) == (Decimal("2600000.00"), date(2020, 6, 1), 2020)


def test_an_edit_shows_every_mistake_at_once_too(qtbot, context, ledger):
    record_id = _add(ledger)
    dialog = _shown(qtbot, RecordDialog(context, "meeting", record_id))
    _type(dialog.form, title="", date="去年")
    assert _mistakes_on_save(qtbot, dialog) == {
        "title": "必须填写",
        "date": "无法识别的日期：去年（应写作 2020-05-12 或 2020年5月12日）",
    }
    assert _values(ledger, record_id)["title"] == VALID["meeting"]["title"]


def _label_texts(form) -> dict[str, str]:
    """Each field's label as drawn, by field name."""
    from PySide6.QtWidgets import QLabel

    editors = {editor.widget: name for name, editor in form.editors.items()}
    return {editors[label.buddy()]: label.text() for label in form.findChildren(QLabel) if label.buddy() in editors}


def test_only_what_must_be_typed_is_starred(qtbot, context):
    star = '<span style="color:#c0392b">*</span>'
    meeting = _shown(qtbot, RecordDialog(context, "meeting"))
    labels = _label_texts(meeting.form)
    assert labels["year"] == "年度"  # filled from the date, as its hint says
    assert labels["record_status"] == "状态"  # 草稿 unless changed
    assert labels["title"] == f"{star}事项" and labels["date"] == f"{star}日期"
    assert labels["meeting_type"] == f"{star}会议类型"
    assert labels["location"] == "地点"
    cadre = _shown(qtbot, RecordDialog(context, "cadre"))
    labels = _label_texts(cadre.form)
    assert (labels["title"], labels["year"], labels["person_name"]) == ("事项", "年度", f"{star}姓名")  # composed


def test_money_is_checked_while_typing_and_saved_exact(qtbot, context, ledger):
    dialog = _shown(qtbot, RecordDialog(context, "disbursement"))
    amount = dialog.form.editors["amount"].line
    message = dialog.form.messages["amount"]
    amount.setText("两百万")
    qtbot.waitUntil(lambda: "无法识别的金额" in message.text(), timeout=2000)
    amount.setText("260万")
    qtbot.waitUntil(lambda: "2,600,000.00" in message.text(), timeout=2000)

    form = dialog.form
    form.editors["fund_type"].combo.setCurrentText("财政援助资金")
    form.editors["fund_level"].combo.setCurrentText("县区")
    _type(form, title="拨付财政帮扶资金", date="2020-06-01")
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
    _type(form, east_party="鹤山市纪元中学", west_party="龙州县高级中学", date="2020-03-20")
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
    _type(dialog.form, title="党政联席会议（第一次）", location="龙州县人民政府")
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
    _type(dialog.form, title="工作推进会", date="2020-05-06")
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


def _panel(qtbot, context, record_id) -> EvidencePanel:
    panel = EvidencePanel(context, record_id)
    qtbot.addWidget(panel)
    return panel


def _as_guessed(paths, roles) -> list[tuple[str, str]]:
    return [(role, "") for role in roles]


def test_dropped_files_are_attached_each_with_the_role_asked_for_it(qtbot, context, ledger, photo, scan):
    record_id = _add(ledger)
    panel = _panel(qtbot, context, record_id)
    asked = []

    def answer(paths, roles):
        asked.append((list(paths), list(roles)))
        return [("照片", "会场"), ("签到表", "")]

    panel.ask_details = answer
    _drop(panel, [photo, scan])

    assert asked == [([photo, scan], ["照片", "会议纪要"])]  # a guess for each file, from its name
    with ledger.session() as session:
        attached = evidence.live_attachments(records.get_record(session, record_id))
        assert [(a.original_name, a.role, a.caption) for a in attached] == [
            ("会场.jpg", "照片", "会场"),
            ("会议纪要.pdf", "签到表", None),
        ]
        assert attached[1].file.page_count == 2
    assert panel.list.count() == 2
    texts = [panel.list.item(row).text() for row in range(2)]
    assert texts[0].splitlines()[:2] == ["会场.jpg", "照片 · 会场"]
    assert texts[1].splitlines()[:2] == ["会议纪要.pdf", "签到表"] and "2 页" in texts[1]
    assert not panel.list.item(0).icon().isNull()


def test_the_details_dialog_shows_each_files_guess_and_takes_changes_row_by_row(qtbot, tmp_path):
    paths = [tmp_path / "联席会议纪要.pdf", tmp_path / "IMG_0001.JPG", tmp_path / "参会人员签到.pdf"]
    dialog = DetailsDialog(paths, ["会议纪要", "照片", "签到表"])
    qtbot.addWidget(dialog)
    assert [dialog.table.item(row, 0).text() for row in range(3)] == [path.name for path in paths]
    assert [combo.currentText() for combo in dialog.roles] == ["会议纪要", "照片", "签到表"]

    dialog.roles[2].setCurrentText("花名册")
    dialog.captions[1].setText("  会议现场 ")
    dialog.common.setText("第一次联席会议")
    assert dialog.details() == [
        ("会议纪要", "第一次联席会议"),  # an empty caption takes the one for all files
        ("照片", "会议现场"),
        ("花名册", "第一次联席会议"),
    ]


def test_the_file_dialog_offers_only_the_types_evidence_can_be(qtbot, context, ledger, photo, monkeypatch):
    panel = _panel(qtbot, context, _add(ledger))
    panel.ask_details = _as_guessed
    offered = []

    def pick(parent, title, folder, filters):
        offered.append(filters)
        return [str(photo)], filters.split(";;")[0]

    monkeypatch.setattr(evidence_panel.QFileDialog, "getOpenFileNames", pick)
    _click(qtbot, panel.add_button)
    assert offered == [
        "佐证材料 (*.jpg *.jpeg *.png *.gif *.bmp *.tif *.tiff *.webp *.jfif *.pdf *.doc *.docx *.wps *.odt *.rtf "
        "*.txt *.xls *.xlsx *.et *.ods *.csv *.ppt *.pptx *.dps *.ofd *.zip *.rar *.7z *.mp4 *.mov *.mp3 "
        "*.JPG *.JPEG *.PNG *.PDF);;"
        "照片 (*.jpg *.jpeg *.png *.gif *.bmp *.tif *.tiff *.webp *.jfif *.JPG *.JPEG *.PNG);;"
        "PDF (*.pdf *.PDF);;"
        "文档、表格、压缩包和音视频 (*.doc *.docx *.wps *.odt *.rtf *.txt *.xls *.xlsx *.et *.ods *.csv *.ppt *.pptx "
        "*.dps *.ofd *.zip *.rar *.7z *.mp4 *.mov *.mp3)"
    ]
    assert "heic" not in offered[0].lower() and "(*)" not in offered[0]
    assert panel.list.count() == 1 and panel.list.item(0).text().splitlines()[1] == "照片"


def _menu_action(menu, *path: str):
    for text in path[:-1]:
        menu = next(action.menu() for action in menu.actions() if action.text() == text)
    return next(action for action in menu.actions() if action.text() == path[-1])


def test_the_context_menu_changes_type_and_caption_of_the_selected_files(qtbot, context, ledger, photo, scan):
    record_id = _add(ledger)
    panel = _panel(qtbot, context, record_id)
    panel.ask_details = _as_guessed
    panel.add_files([photo, scan])
    panel.list.setCurrentRow(1)
    menu = panel.context_menu()
    assert [action.text() for action in menu.actions()] == ["打开", "修改类型", "修改说明…", "", "移除"]
    roles = _menu_action(menu, "修改类型").menu()
    assert [action.text() for action in roles.actions() if action.isChecked()] == ["会议纪要"]

    _menu_action(menu, "修改类型", "签到表").trigger()
    menu.deleteLater()
    assert panel.list.item(1).text().splitlines()[1] == "签到表"
    assert panel.list.currentRow() == 1 and panel.list.item(1).isSelected()  # the same file stays selected

    asked = []
    panel.ask_caption = lambda names, current: asked.append((names, current)) or "  参会人员签到 "
    _menu_action(panel.context_menu(), "修改说明…").trigger()
    assert asked == [("会议纪要.pdf", "")]
    assert panel.list.item(1).text().splitlines()[1] == "签到表 · 参会人员签到"
    with ledger.session() as session:
        attached = evidence.live_attachments(records.get_record(session, record_id))
        assert [(a.original_name, a.role, a.caption) for a in attached] == [
            ("会场.jpg", "照片", None),
            ("会议纪要.pdf", "签到表", "参会人员签到"),
        ]
        assert [entry.action for entry in audit_entries.history(session, record_id)][:2] == ["update", "update"]

    panel.ask_caption = lambda names, current: asked.append((names, current)) and None  # cancelled
    _menu_action(panel.context_menu(), "修改说明…").trigger()
    assert asked[-1] == ("会议纪要.pdf", "参会人员签到")
    assert panel.list.item(1).text().splitlines()[1] == "签到表 · 参会人员签到"


def test_the_context_menu_changes_every_selected_file_at_once(qtbot, context, ledger, photo, scan):
    record_id = _add(ledger)
    panel = _panel(qtbot, context, record_id)
    panel.ask_details = _as_guessed
    panel.add_files([photo, scan])
    panel.list.selectAll()
    roles = _menu_action(panel.context_menu(), "修改类型").menu()
    assert [action.text() for action in roles.actions() if action.isChecked()] == []  # two types: none ticked
    _menu_action(roles, "其他").trigger()
    assert [panel.list.item(row).text().splitlines()[1] for row in range(2)] == ["其他", "其他"]


def test_an_archived_records_menu_only_opens(qtbot, context, ledger, photo):
    record_id = _add(ledger)
    panel = _panel(qtbot, context, record_id)
    panel.ask_details = _as_guessed
    panel.add_files([photo])
    with ledger.session() as session, session.begin():
        records.update_record(session, records.get_record(session, record_id), {"record_status": "已归档"})
    panel.reload()
    panel.list.setCurrentRow(0)
    menu = panel.context_menu()
    enabled = {action.text(): action.isEnabled() for action in menu.actions() if action.text()}
    assert enabled == {"打开": True, "修改类型": False, "修改说明…": False, "移除": False}


def test_large_files_are_attached_on_the_worker_while_the_window_is_drawn(qtbot, context, ledger, photo, monkeypatch):
    monkeypatch.setattr(evidence_panel, "COPY_IN_BACKGROUND", 0)  # the photo counts as large
    record_id = _add(ledger)
    panel = EvidencePanel(context, record_id)
    qtbot.addWidget(panel)
    panel.ask_details = lambda paths, roles: [("照片", "")]
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
    panel.ask_details = _as_guessed
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
