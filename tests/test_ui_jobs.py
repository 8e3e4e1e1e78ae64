"""The long jobs from the window, on copies of the demo ledger: the Excel export and import, the binder and its
box labels run on a worker, report progress, stop when cancelled leaving no file, and say how they ended."""

from __future__ import annotations

import shutil
import sys
import threading
import time

import openpyxl
import pytest
from job_dialogs import WAIT, finish
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from sqlalchemy import func, select

from ledger import records
from ledger.errors import LedgerError
from ledger.excel.export import export_workbook
from ledger.jobs import Job
from ledger.models import AuditEntry, Record
from ledger.pdf.binder import build_binder
from ledger.storage.folder import Ledger
from ui import binder_dialogs, excel_dialogs, jobs
from ui.binder_dialogs import BinderDialog, LabelsDialog
from ui.context import LedgerContext
from ui.excel_dialogs import ExcelExportDialog, ExcelImportDialog
from ui.jobs import JobRunner, JobState

AUTHOR = "测试员"
PAIRING = "鹤山市—龙州县"


@pytest.fixture
def context(demo_build, tmp_path):
    path = tmp_path / "ledger"
    shutil.copytree(demo_build[0], path)
    ledger = Ledger.open(path, author=AUTHOR)
    yield LedgerContext(ledger)
    ledger.close()


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _quick_binder(dialog):
    """A few seconds at most: one section, record sheets only."""
    dialog.layout_fields.sections.setText("一")
    dialog.layout_fields.evidence.setChecked(False)


def test_excel_export_started_with_enter_writes_a_workbook_that_opens(context, qtbot, out):
    dialog = _shown(qtbot, ExcelExportDialog(context))
    assert dialog.output.path().name == f"2020年{PAIRING}台账.xlsx"
    assert dialog.pairing.currentData() == PAIRING and dialog.year.currentData() == 2020
    dialog.set_output(out / "台账")  # the suffix is added
    assert finish(qtbot, dialog, lambda: qtbot.keyClick(dialog, Qt.Key.Key_Return)) == JobState.DONE
    book = openpyxl.load_workbook(out / "台账.xlsx", read_only=True)
    assert "会议与互访台账" in book.sheetnames
    book.close()
    assert "已导出" in dialog.status.text()
    assert dialog.open_file_button.isVisible() and dialog.open_folder_button.isVisible()
    assert "会议与互访台账：47 条" in dialog.details.toPlainText()


def test_only_the_chosen_kinds_are_exported(context, qtbot, out):
    dialog = _shown(qtbot, ExcelExportDialog(context))
    dialog.set_output(out / "会议.xlsx")
    for name, box in dialog.kinds.items():
        box.setChecked(name == "meeting")
    assert finish(qtbot, dialog, dialog.start_button.click) == JobState.DONE
    book = openpyxl.load_workbook(out / "会议.xlsx", read_only=True)
    assert "会议与互访台账" in book.sheetnames and "培训台账" not in book.sheetnames
    book.close()


def _failed_export(qtbot, context, monkeypatch, target, error):
    """The export dialog after its export to `target` raised `error(path)`: the job ended as failed."""

    def failing(session, path, **options):
        raise error(path)

    monkeypatch.setattr(excel_dialogs, "export_workbook", failing)
    dialog = _shown(qtbot, ExcelExportDialog(context))
    dialog.set_output(target)
    assert finish(qtbot, dialog, dialog.start) == JobState.FAILED
    return dialog


def test_a_failed_export_says_why_in_chinese(context, qtbot, out, monkeypatch):
    target = out / "台账.xlsx"

    def held_open_in_excel(path):
        # What Windows does to the final rename while Excel has the old file open.
        return PermissionError(13, "拒绝访问。", str(out / ".~tmp.xlsx"), None, str(path))

    dialog = _failed_export(qtbot, context, monkeypatch, target, held_open_in_excel)
    assert dialog.status.text() == (
        f"未能完成：没有权限读写“{target}”：它可能正被其他程序（如 Excel、WPS）打开，或所在文件夹不允许写入；"
        "请关闭该文件或换一个位置后重试。"
    )
    assert not dialog.open_file_button.isVisible()
    assert dialog.start_button.isEnabled() and dialog.form.isEnabled()


def test_an_export_on_a_full_disk_names_the_workbook(context, qtbot, out, monkeypatch):
    target = out / "台账.xlsx"

    def disk_full(path):
        return OSError(28, "No space left on device")  # a write to an open file names no file

    dialog = _failed_export(qtbot, context, monkeypatch, target, disk_full)
    assert dialog.status.text() == (
        f"未能完成：磁盘空间已满，无法写入“{target}”：请删除不需要的文件腾出空间（或换一个有空间的磁盘），然后重试。"
    )


def test_a_job_on_a_full_disk_does_not_call_the_database_damaged(context, qtbot, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    def disk_full(session, path, **options):
        raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(excel_dialogs, "export_workbook", disk_full)
    dialog = _shown(qtbot, ExcelExportDialog(context))
    dialog.set_output(context.ledger.path.parent / "out.xlsx")
    assert finish(qtbot, dialog, dialog.start) == JobState.FAILED
    database = context.ledger.database
    assert dialog.status.text() == (
        f"未能完成：磁盘空间已满，无法写入“{database}”：请删除不需要的文件腾出空间（或换一个有空间的磁盘），然后重试。"
    )


def test_binder_runs_to_completion_and_offers_to_open_it(context, qtbot, out, monkeypatch):
    dialog = _shown(qtbot, BinderDialog(context))
    assert dialog.output.path().name == f"2020年{PAIRING}佐证材料.pdf"
    assert dialog.mask_personal.isChecked()
    _quick_binder(dialog)
    dialog.set_output(out / "佐证材料.pdf")
    assert finish(qtbot, dialog, dialog.start_button.click) == JobState.DONE
    pages = len(PdfReader(out / "佐证材料.pdf").pages)
    assert pages > 0 and pages == dialog.result.pages
    assert f"共 {pages} 页" in dialog.status.text()
    opened = []
    monkeypatch.setattr(jobs.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog.open_file_button.click()
    dialog.open_folder_button.click()
    assert opened == [str(out / "佐证材料.pdf"), str(out)]


def test_a_binder_of_a_section_the_framework_lacks_fails_with_the_ledgers_message(context, qtbot, out):
    dialog = _shown(qtbot, BinderDialog(context))
    dialog.layout_fields.sections.setText("九十九")
    dialog.set_output(out / "佐证材料.pdf")
    assert finish(qtbot, dialog, dialog.start) == JobState.FAILED
    assert "九十九" in dialog.status.text()
    assert list(out.iterdir()) == []


@pytest.fixture
def held_binder(monkeypatch):
    """The binder, held at its first progress report until the dialog asks it to stop, so that a cancel
    always arrives midway; the real binder then notices it and stops."""

    def held(ledger, session, path, options, *, job):
        def report(fraction, message):
            job.report(fraction, message)
            deadline = time.monotonic() + WAIT / 1000
            while not job.cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)

        return build_binder(ledger, session, path, options, job=Job(report, job.cancelled))

    monkeypatch.setattr(binder_dialogs, "build_binder", held)


@pytest.mark.parametrize("how", ["button", "escape"])
def test_a_binder_cancelled_midway_leaves_no_file(context, qtbot, out, held_binder, how):
    dialog = _shown(qtbot, BinderDialog(context))
    _quick_binder(dialog)
    dialog.set_output(out / "佐证材料.pdf")
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.progress_bar.value() > 0, timeout=WAIT)
    assert dialog.state == JobState.RUNNING and not dialog.form.isEnabled()
    with qtbot.waitSignal(dialog.job_ended, timeout=WAIT):
        if how == "button":
            dialog.cancel_button.click()
        else:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.state == JobState.CANCELLED
    assert list(out.iterdir()) == []  # neither the binder nor its temporary file
    assert "已取消" in dialog.status.text()
    assert dialog.isVisible()  # Esc stopped the job; the next one closes the dialog
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_box_labels_through_their_dialog(context, qtbot, out):
    dialog = _shown(qtbot, LabelsDialog(context))
    assert dialog.compiled_by.text() == AUTHOR and dialog.spine.currentData() == 40
    _quick_binder(dialog)
    dialog.retention.setCurrentText("永久")
    dialog.set_output(out / "档案盒标签.pdf")
    assert finish(qtbot, dialog, dialog.start) == JobState.DONE
    boxes, pages = dialog.result
    assert len(boxes) == 1 and pages == len(PdfReader(out / "档案盒标签.pdf").pages)
    assert "1 盒" in dialog.status.text()


def _ledger_state(context):
    with context.session() as session:
        return (
            session.scalar(select(func.count()).select_from(AuditEntry)),
            session.scalar(select(func.max(Record.updated_at))),
        )


@pytest.fixture
def workbook(context, tmp_path):
    path = tmp_path / "台账.xlsx"
    with context.session() as session:
        export_workbook(session, path)
    return path


def test_import_lists_every_mistake_and_writes_nothing_then_imports_a_clean_file(context, qtbot, workbook, tmp_path):
    bad = tmp_path / "有错.xlsx"
    book = openpyxl.load_workbook(workbook)
    sheet = book["会议与互访台账"]
    date_column = [cell.value for cell in sheet[3]].index("日期") + 1
    sheet.cell(4, date_column).value = "不是日期"
    book.save(bad)
    before = _ledger_state(context)
    changes = []
    context.changed.connect(lambda: changes.append(True))

    dialog = _shown(qtbot, ExcelImportDialog(context))
    dialog.set_source(bad)
    assert finish(qtbot, dialog, dialog.start_button.click) == JobState.FAILED
    model = dialog.mistakes
    assert model.rowCount() == 1 and dialog.mistakes_view.isVisible()
    row = [model.index(0, column).data() for column in range(model.columnCount())]
    assert row[:4] == ["会议与互访台账", "4", "日期", "不是日期"] and "日期" in row[4]
    assert "1 处错误" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    assert _ledger_state(context) == before and changes == []

    dialog.set_source(workbook)
    assert finish(qtbot, dialog, dialog.start) == JobState.DONE
    assert not dialog.mistakes_view.isVisible() and dialog.import_button.isEnabled()
    assert "试导入" in dialog.details.toPlainText()
    assert _ledger_state(context) == before and changes == []

    assert finish(qtbot, dialog, dialog.import_button.click) == JobState.DONE
    report = dialog.result
    assert not report.dry_run and report.sheets
    assert sum(sheet.new for sheet in report.sheets) == 0 and sum(sheet.updated for sheet in report.sheets) == 0
    assert "新增 0 条，修改 0 条" in dialog.details.toPlainText()
    assert changes == [True] and not dialog.import_button.isEnabled()


def test_choosing_another_file_withdraws_the_import(context, qtbot, workbook, tmp_path):
    dialog = _shown(qtbot, ExcelImportDialog(context))
    dialog.set_source(workbook)
    assert finish(qtbot, dialog, dialog.start) == JobState.DONE
    assert dialog.import_button.isEnabled()
    dialog.set_source(tmp_path / "别的.xlsx")
    assert not dialog.import_button.isEnabled()


def test_the_event_loop_runs_while_a_job_runs(context, qtbot):
    """The job waits for a timer of the window's event loop: it can only end if that timer fires meanwhile."""
    runner = JobRunner(context.ledger)
    released = threading.Event()
    reports = []
    runner.progressed.connect(lambda fraction, message: reports.append((fraction, message)))

    def work(job, session):
        job.report(0.5, "等候计时器")
        if not released.wait(WAIT / 1000):
            raise LedgerError("计时器没有在任务运行时触发")
        return session.scalar(select(func.count()).select_from(Record))

    QTimer.singleShot(50, released.set)
    with qtbot.waitSignal(runner.ended, timeout=WAIT) as ended:
        runner.start(work)
        assert runner.running()
    outcome = ended.args[0]
    assert outcome.state == JobState.DONE and outcome.result > 0
    assert reports == [(0.5, "等候计时器")] and not runner.running()


def test_thousands_of_progress_reports_leave_true_alone(context, qtbot):
    """PySide6 6.12.0's emit() takes a reference to True, fatal on Python 3.11 after a few thousand (a binder
    reporting on thousands of photos): pyproject keeps PySide6 below 6.12, and this says whether it still must."""
    runner = JobRunner(context.ledger)
    reports = []
    runner.progressed.connect(lambda fraction, message: reports.append(fraction))

    def work(job, session):
        for step in range(5000):
            job.report(step / 5000, "照片")

    before = sys.getrefcount(True)
    with qtbot.waitSignal(runner.ended, timeout=WAIT):
        runner.start(work)
    assert len(reports) == 5000
    assert sys.getrefcount(True) > before - 100


def test_the_dialogs_fit_a_1366_by_768_screen(context, qtbot):
    for dialog_class in (ExcelExportDialog, ExcelImportDialog, BinderDialog, LabelsDialog):
        dialog = _shown(qtbot, dialog_class(context))
        dialog.details.setPlainText("\n".join(["一行"] * 100))
        dialog.details.show()
        hint = dialog.sizeHint()
        assert hint.width() <= 1366 and hint.height() <= 700, dialog_class.__name__


def test_the_binder_dialogs_buttons_stay_put_when_its_progress_bar_appears(context, qtbot, out, held_binder):
    dialog = _shown(qtbot, BinderDialog(context))
    _quick_binder(dialog)
    dialog.set_output(out / "佐证材料.pdf")
    buttons = (dialog.start_button, dialog.cancel_button, dialog.close_button)
    qtbot.wait(50)
    before = [button.geometry() for button in buttons] + [dialog.geometry().size()]
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.progress_bar.value() > 0, timeout=WAIT)
    qtbot.wait(50)
    assert dialog.progress_bar.isVisible() and dialog.status.text()
    assert [button.geometry() for button in buttons] + [dialog.geometry().size()] == before
    with qtbot.waitSignal(dialog.job_ended, timeout=WAIT):
        dialog.cancel_button.click()
    assert not dialog.progress_bar.isVisible() and "已取消" in dialog.status.text()
    assert [button.geometry() for button in buttons] + [dialog.geometry().size()] == before


def test_each_conflict_of_a_stale_workbook_is_settled_on_its_own_row(context, qtbot, workbook):
    """Two meetings changed in the ledger after the export: one taken from the workbook, the other kept."""
    with context.session() as session, session.begin():
        meetings = [r for r in records.list_records(session, "meeting") if r.record_status != "已归档"][:2]
        exported = {meeting.id: meeting.location for meeting in meetings}
        for meeting in meetings:
            records.update_record(session, meeting, {"location": "台账里改的会议室"})
    first, second = exported
    before = _ledger_state(context)

    dialog = _shown(qtbot, ExcelImportDialog(context))
    dialog.set_source(workbook)
    assert finish(qtbot, dialog, dialog.start_button.click) == JobState.FAILED
    model, view = dialog.mistakes, dialog.mistakes_view
    rows = dict(zip(model.choices(), model.conflict_rows(), strict=True))
    assert set(rows) == {first, second} and model.rowCount() == 2 and view.isVisible()
    combos = {record_id: view.indexWidget(model.index(row, model.CHOICE)) for record_id, row in rows.items()}
    assert all(combo.isVisible() and combo.currentIndex() == -1 for combo in combos.values())  # 请选择
    assert "2 行" in dialog.status.text() and not dialog.import_button.isEnabled()

    # The overall rule is every row's first choice.
    dialog.conflict_rule.setCurrentIndex(dialog.conflict_rule.findData("ledger"))
    assert [combo.currentText() for combo in combos.values()] == ["保留台账", "保留台账"]
    assert dialog.import_button.isEnabled()
    dialog.conflict_rule.setCurrentIndex(dialog.conflict_rule.findData("stop"))
    assert not dialog.import_button.isEnabled()

    combos[first].setCurrentIndex(combos[first].findData("workbook"))
    assert combos[first].currentText() == "以工作簿为准" and not dialog.import_button.isEnabled()
    combos[second].setCurrentIndex(combos[second].findData("ledger"))
    assert model.choices() == {first: "workbook", second: "ledger"} and dialog.import_button.isEnabled()
    assert _ledger_state(context) == before

    assert finish(qtbot, dialog, dialog.import_button.click) == JobState.DONE
    assert "以工作簿为准 1 条" in dialog.details.toPlainText() and "保留台账 1 条" in dialog.details.toPlainText()
    with context.session() as session:
        assert records.get_record(session, first).location == exported[first] != "台账里改的会议室"
        assert records.get_record(session, second).location == "台账里改的会议室"
