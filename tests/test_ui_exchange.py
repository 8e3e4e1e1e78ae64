"""Packages, merging, backups and the audit log from the window, on copies of the demo ledger: the merge preview
lists the conflicts and writes nothing, the merge shows in every view, a tampered package changes nothing, a
restore brings back the earlier records in the same window, the audit log finds an edit, and the periodic backup
copies only a changed ledger."""

from __future__ import annotations

import errno
import shutil
import time
import zipfile

import pytest
from job_dialogs import WAIT, finish
from PySide6.QtWidgets import QMessageBox
from samples import VALID

from ledger import records
from ledger.exchange.pack import write_pack
from ledger.jobs import Job
from ledger.storage.backup import list_backups
from ledger.storage.folder import Ledger
from ui import audit_log, backup_dialogs, exchange_dialogs
from ui.record_dialog import RecordDialog
from ui.worker import JobState

AUTHOR = "测试员"


@pytest.fixture
def answer_yes(monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: asked.append(args[2]) or QMessageBox.StandardButton.Yes)
    return asked


def _editable_meeting(context):
    with context.session() as session:
        return next(r for r in records.list_records(session, "meeting", year=2020) if r.record_status != "已归档")


def _meetings(context) -> dict:
    with context.session() as session:
        return {record.id: (record.title, record.location) for record in records.list_records(session, "meeting")}


def _titles(table) -> set[str]:
    column = table.model.fields.index(table.model.spec.by_name["title"])
    return {row[column] for row in table.model.rows}


# Merging --------------------------------------------------------------------------------------------


@pytest.fixture
def package(demo_copy, tmp_path):
    """A package from a copy of the ledger where 乙 added a meeting and moved one to 乙地."""
    other = tmp_path / "乙"
    shutil.copytree(demo_copy, other)
    with Ledger.open(other, author="乙") as ledger:
        with ledger.session() as session, session.begin():
            records.add_record(session, "meeting", {**VALID["meeting"], "title": "乙新增的会议"})
            shared = next(r for r in records.list_records(session, "meeting", year=2020) if r.record_status != "已归档")
            records.update_record(session, shared, {"location": "乙地"})
        return write_pack(ledger, tmp_path / "乙的交换包.zip").path


def test_the_merge_preview_lists_the_conflict_writes_nothing_and_the_merge_shows_everywhere(window, package, qtbot):
    context = window.context
    shared = _editable_meeting(context)
    assert context.save_record("meeting", {"location": "甲地"}, shared.id) == shared.id  # the conflicting edit
    table = window.show_kind("meeting")
    shown_before, before = table.model.rowCount(), _meetings(context)

    dialog = window.open_job("MergeDialog")
    dialog.set_source(package)
    assert finish(qtbot, dialog, dialog.start_button.click) == JobState.DONE
    details = dialog.details.toPlainText()
    assert "将新增记录 1 条" in details and "冲突 1 条" in details and "乙新增的会议" in details
    assert dialog.conflicts.isVisible() and dialog.conflicts.topLevelItemCount() == 1
    conflict = dialog.conflicts.topLevelItem(0)
    assert shared.title in conflict.text(0) and conflict.text(0).startswith("会议与互访")
    assert conflict.text(1).startswith(AUTHOR) and conflict.text(2).startswith("乙")
    assert conflict.text(3) == "保留本机的"  # ours is the newer change
    fields = {conflict.child(n).text(0): (conflict.child(n).text(1), conflict.child(n).text(2))
              for n in range(conflict.childCount())}  # fmt: skip
    assert fields["地点"] == ("甲地", "乙地")
    assert _meetings(context) == before and table.model.rowCount() == shown_before
    assert dialog.merge_button.isEnabled()

    # Another rule previews again: the conflict is then left alone.
    with qtbot.waitSignal(dialog.job_ended, timeout=WAIT):
        dialog.rule.setCurrentIndex(dialog.rule.findData("leave"))
    assert dialog.conflicts.topLevelItem(0).text(3) == "留待人工处理"
    assert _meetings(context) == before

    assert finish(qtbot, dialog, dialog.merge_button.click) == JobState.DONE
    assert "已新增记录 1 条" in dialog.details.toPlainText() and "合并前的数据库已备份" in dialog.details.toPlainText()
    after = _meetings(context)
    assert len(after) == len(before) + 1 and after[shared.id] == (shared.title, "甲地")
    assert table.model.rowCount() == shown_before + 1 and "乙新增的会议" in _titles(table)
    assert context.undo_stack.count() == 0  # the merge changed what its commands were made on
    assert not dialog.merge_button.isEnabled()


def test_a_tampered_package_shows_why_and_changes_nothing(window, package, qtbot, tmp_path):
    bad = tmp_path / "坏包.zip"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(bad, "w") as copy:
        for name in source.namelist():
            data = source.read(name)
            copy.writestr(name, data.replace("乙新增".encode(), "篡改".encode()) if name == "data.json" else data)
    before, changes = _meetings(window.context), []
    window.context.changed.connect(lambda: changes.append(True))
    dialog = window.open_job("MergeDialog")
    dialog.set_source(bad)
    assert finish(qtbot, dialog, dialog.start) == JobState.FAILED
    assert "坏包.zip" in dialog.status.text() and "校验值不符" in dialog.status.text()
    assert not dialog.merge_button.isEnabled() and not dialog.conflicts.isVisible()
    assert _meetings(window.context) == before and changes == []


def test_a_package_of_one_year_is_written_and_its_folder_offered(window, qtbot, tmp_path):
    dialog = window.open_job("PackDialog")
    dialog.year.setCurrentIndex(dialog.year.findData(2020))
    dialog.set_output(tmp_path / "包.zip")
    assert finish(qtbot, dialog, dialog.start) == JobState.DONE
    assert dialog.result.records > 0 and (tmp_path / "包.zip").is_file()
    assert "已打包" in dialog.status.text()
    assert dialog.open_folder_button.isVisible() and not dialog.open_file_button.isVisible()


def test_a_package_cancelled_midway_leaves_no_file(window, qtbot, tmp_path, monkeypatch):
    def held(ledger, target, *, job, **scope):
        def report(fraction, message):
            deadline = time.monotonic() + WAIT / 1000
            while time.monotonic() < deadline:  # until job.report() raises, once the dialog asks to stop
                job.report(fraction, message)
                time.sleep(0.01)

        return write_pack(ledger, target, job=Job(report), **scope)

    monkeypatch.setattr(exchange_dialogs, "write_pack", held)
    dialog = window.open_job("PackDialog")
    dialog.set_output(tmp_path / "out" / "包.zip")
    (tmp_path / "out").mkdir()
    with qtbot.waitSignal(dialog.job_ended, timeout=WAIT):
        with qtbot.waitSignal(dialog.runner.progressed, timeout=WAIT):
            dialog.start()
        dialog.cancel_button.click()
    assert dialog.state == JobState.CANCELLED and list((tmp_path / "out").iterdir()) == []


# Backups and restoring ------------------------------------------------------------------------------


def test_restoring_a_listed_backup_brings_back_the_earlier_records_in_the_same_window(window, qtbot, answer_yes):
    context = window.context
    earlier = window.context.ledger.backup("manual")
    gone = _editable_meeting(context)
    context.delete_records([gone.id])
    table = window.show_kind("meeting")
    assert gone.id not in table.model.ids
    opened = context.ledger

    dialog = window.open_job("RestoreDialog")
    listed = [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]
    assert dialog.table.rowCount() == len(list_backups(opened.backups_dir)) and "手动" in listed
    dialog.table.selectRow([backup.path for backup in dialog.backups].index(earlier))
    assert dialog.source == earlier
    assert finish(qtbot, dialog, dialog.start_button.click) == JobState.DONE
    assert answer_yes and "另存为一份备份" in answer_yes[0]

    assert context.ledger is not opened and gone.id in table.model.ids  # the table reloaded itself
    assert context.undo_stack.count() == 0
    kept = [backup for backup in list_backups(context.ledger.backups_dir) if backup.reason == "before-restore"]
    assert len(kept) == 1 and kept[0].path.name in dialog.status.text()
    assert "操作前：恢复" in [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]
    # The restored ledger takes changes like the one it replaced.
    assert context.delete_records([gone.id]) and gone.id not in table.model.ids


def test_a_damaged_backup_leaves_the_ledger_open_as_it_was(window, qtbot, answer_yes, tmp_path):
    context = window.context
    context.save_record("meeting", {"location": "甲地"}, _editable_meeting(context).id)
    before, undo = _meetings(context), context.undo_stack.count()
    damaged = tmp_path / "坏的.sqlite"
    damaged.write_bytes(b"not a database" * 100)
    dialog = window.open_job("RestoreDialog")
    dialog.choose(damaged)
    assert dialog.table.selectionModel().selectedRows() == [] and "坏的.sqlite" in dialog.chosen.text()
    assert finish(qtbot, dialog, dialog.start) == JobState.FAILED
    assert "坏的.sqlite" in dialog.status.text() and "不是台账的数据库" in dialog.status.text()
    assert _meetings(context) == before and context.undo_stack.count() == undo
    assert not [backup for backup in list_backups(context.ledger.backups_dir) if backup.reason == "before-restore"]
    context.undo_stack.undo()  # the reopened ledger is used as before
    assert _meetings(context) != before


def test_a_full_backup_restores_through_another_file(window, qtbot, answer_yes, tmp_path):
    dialog = window.open_job("FullBackupDialog")
    dialog.set_output(tmp_path / "完整.zip")
    assert finish(qtbot, dialog, dialog.start) == JobState.DONE
    assert (tmp_path / "完整.zip").is_file() and "已完整备份" in dialog.status.text()
    before = _meetings(window.context)
    window.context.delete_records([_editable_meeting(window.context).id])
    restore = window.open_job("RestoreDialog")
    restore.choose(tmp_path / "完整.zip")
    assert finish(qtbot, restore, restore.start) == JobState.DONE
    assert _meetings(window.context) == before


def test_a_close_backup_that_fails_before_a_restore_is_said_and_the_restore_goes_on(
    window, qtbot, answer_yes, tmp_path, monkeypatch
):
    saved = window.context.ledger.full_backup(tmp_path / "完整.zip")
    before = _meetings(window.context)
    window.context.delete_records([_editable_meeting(window.context).id])
    told = []
    monkeypatch.setattr(backup_dialogs, "tell", lambda parent, title, text: told.append(text))

    def disk_full(self, reason):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Ledger, "backup_if_changed", disk_full)
    restore = window.open_job("RestoreDialog")
    restore.choose(saved)
    assert finish(qtbot, restore, restore.start) == JobState.DONE
    backups = window.context.ledger.backups_dir
    assert told == [
        f"关闭时备份失败：磁盘空间已满，无法写入“{backups}”：请删除不需要的文件腾出空间（或换一个有空间的磁盘），"
        "然后重试。\n恢复前的数据库仍会另存为备份。"
    ]
    assert _meetings(window.context) == before


def test_the_periodic_backup_copies_only_a_changed_ledger(window, qtbot):
    def backup_now():
        with qtbot.waitSignal(window.backup_runner.ended, timeout=WAIT) as ended:
            window.periodic_backup()
        return ended.args[0].result

    backups = window.context.ledger.backups_dir
    count = len(list_backups(backups))
    assert backup_now() is None and len(list_backups(backups)) == count
    window.context.save_record("meeting", {"location": "甲地"}, _editable_meeting(window.context).id)
    made = backup_now()
    assert made is not None and list_backups(backups)[0].path == made and list_backups(backups)[0].label == "定时"
    assert backup_now() is None


def test_the_settings_list_the_newest_backups_and_open_the_restore_dialog(window, qtbot):
    window.context.ledger.backup("manual")
    window.sidebar.setCurrentRow(window.stack.indexOf(window.settings))
    assert "手动" in window.settings.newest.text().splitlines()[0]
    window.settings.restore_requested.emit()
    from ui.backup_dialogs import RestoreDialog

    (dialog,) = [child for child in window.findChildren(RestoreDialog) if child.isVisible()]
    assert dialog.table.rowCount() == len(list_backups(window.context.ledger.backups_dir))
    dialog.close()


# The audit log and the recycle bin ------------------------------------------------------------------


def test_the_audit_log_lists_an_edit_made_in_the_form_and_its_filter_finds_it(window, qtbot, monkeypatch):
    shared = _editable_meeting(window.context)
    form = RecordDialog(window.context, "meeting", shared.id, parent=window)
    qtbot.addWidget(form)
    form.show()
    form.form.editors["location"].line.setText("南宁市青秀区")
    form.save_button.click()
    assert form.saved_id == shared.id

    window.sidebar.setCurrentRow(window.stack.indexOf(window.audit))
    view = window.audit
    when, author, action, what, content = view.model.rows[0]
    assert (author, action) == (AUTHOR, "修改") and what == f"会议与互访“{shared.title}”"
    assert content.startswith("地点：") and content.endswith("→ 南宁市青秀区")
    assert "最近" in view.count.text()

    for words in (AUTHOR, "南宁", "青秀 地点"):
        view.filter.setText(words)
        view.apply_filter()
        assert view.model.rows and view.model.rows[0] == (when, author, action, what, content), words
        assert "找到" in view.count.text()
    assert all(row[1] == AUTHOR for row in view.model.rows)
    view.filter.setText("没有这样的修改")
    view.apply_filter()
    assert view.model.rowCount() == 0

    opened = []
    monkeypatch.setattr(RecordDialog, "exec", lambda dialog: opened.append(dialog.record_id) or 0)
    view.filter.setText("南宁")
    view.apply_filter()
    view.table.doubleClicked.emit(view.model.index(0, 3))
    assert opened == [shared.id]


def test_the_audit_log_reads_a_page_at_a_time(window, monkeypatch):
    monkeypatch.setattr(audit_log, "PAGE", 50)
    window.sidebar.setCurrentRow(window.stack.indexOf(window.audit))
    model = window.audit.model
    model.reload()
    assert model.rowCount() == 50 and model.canFetchMore()
    first = list(model.rows)
    model.fetchMore()
    assert model.rowCount() == 100 and model.rows[:50] == first and model.rows[50] != first[-1]
    times = [row[0] for row in model.rows]
    assert times == sorted(times, reverse=True)


def test_the_recycle_bin_filter_finds_deleted_records(window):
    gone = _editable_meeting(window.context)
    window.context.delete_records([gone.id])
    window.sidebar.setCurrentRow(window.stack.indexOf(window.bin))
    table = window.bin.tables["meeting"]
    table.filter.setText(gone.title[:4])
    assert table.proxy.rowCount() == 1
    table.filter.setText("没有这样的记录")
    assert table.proxy.rowCount() == 0


def test_the_dialogs_fit_a_1366_by_768_screen(window, package):
    for name in ("PackDialog", "MergeDialog", "FullBackupDialog", "RestoreDialog"):
        dialog = window.open_job(name)
        dialog.details.setPlainText("\n".join(["一行"] * 100))
        dialog.details.show()
        if name == "MergeDialog":
            dialog.conflicts.show()
        hint = dialog.sizeHint()
        assert hint.width() <= 1366 and hint.height() <= 700, name
        dialog.close()
