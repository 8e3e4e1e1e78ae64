"""The window stays up: record forms with evidence, every dialog and the search opened and closed many times in
one process, and no window left behind.

A closed dialog that is never deleted stays a child of the main window; a few of them crashed the process
(a segmentation fault while the next form filled in). Each cycle here closes the way a clerk does (Esc, 关闭),
and the live top-level widgets are counted after each round.
"""

from __future__ import annotations

import pytest
from plan_samples import HESHAN_LONGZHOU_2020, write_docx
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from ledger.exchange.pack import write_pack
from ui.transient import delete_closed

pytestmark = pytest.mark.slow

JOBS = (
    "ExcelExportDialog",
    "ExcelImportDialog",
    "BinderDialog",
    "LabelsDialog",
    "PackDialog",
    "MergeDialog",
    "FullBackupDialog",
    "RestoreDialog",
)


def _live_windows() -> int:
    delete_closed()
    return len(QApplication.topLevelWidgets())


def _press_escape_in_the_next_modal() -> None:
    def escape() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None, "no dialog opened"
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, escape)


def _records_with_evidence(window) -> list:
    table = window.show_kind("meeting")
    with window.context.session() as session:
        from ledger.evidence import live_attachments
        from ledger.records import get_record

        return [record_id for record_id in table.model.ids if live_attachments(get_record(session, record_id))]


def test_fifty_record_forms_with_evidence_open_and_close_without_a_window_left(window, qtbot):
    chosen = _records_with_evidence(window)
    assert len(chosen) >= 5
    baseline = None
    for cycle in range(50):
        _press_escape_in_the_next_modal()
        window.edit_record("meeting", chosen[cycle % len(chosen)])
        count = _live_windows()
        baseline = baseline if baseline is not None else count
        assert count == baseline, f"cycle {cycle}: {count} top-level widgets, {baseline} after the first"
    assert QApplication.activeModalWidget() is None


def test_every_dialog_five_times_and_twenty_searches_leave_no_window(window, qtbot, tmp_path):
    package = write_pack(window.context.ledger, tmp_path / "交换包.zip").path
    task_list = write_docx(HESHAN_LONGZHOU_2020, tmp_path / "工作要点.docx")
    baseline = _live_windows()
    for round_ in range(5):
        for name in JOBS:
            dialog = window.open_job(name)
            if name == "MergeDialog":  # the preview too: a dry run on a package, its conflicts listed
                dialog.set_source(package)
                with qtbot.waitSignal(dialog.job_ended, timeout=60_000):
                    dialog.start_button.click()
            dialog.close_button.click()
        _press_escape_in_the_next_modal()
        assert window.plans.import_file(task_list) is None  # the preview, closed with Esc: nothing imported
        assert _live_windows() == baseline, f"round {round_}"
    for search in range(20):
        QTest.keySequence(window, "Ctrl+F")
        window.search_box.setText(["会议", "龙州", "培训", "资金"][search % 4])
        QTest.keyClick(window.search_box, Qt.Key.Key_Return)
        assert window.search_results.table.rowCount() > 0
    assert _live_windows() == baseline
    assert not any(isinstance(widget, QDialog) and widget.isVisible() for widget in QApplication.topLevelWidgets())
