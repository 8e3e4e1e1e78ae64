"""Hostile and broken files in the window: dropped on a record's evidence panel, checked in the Excel import
dialog, opened as a task list in 年度计划. Each is told in a message that names the file and its problem,
nothing is written, and the window carries on: pytest-qt fails a test on any exception raised in a Qt slot.
One of them (a sheet with two cells far apart) would abort the whole process inside python-calamine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hostile_samples import ATTACH, IMPORT, PLAN, SAMPLES, Sample, Sources, build, fingerprint, noise_photo
from job_dialogs import finish
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from samples import VALID

from ledger import records
from ledger.excel.export import export_workbook
from ledger.storage.folder import Ledger
from ui.context import LedgerContext
from ui.evidence_panel import EvidencePanel
from ui.excel_dialogs import ExcelImportDialog
from ui.jobs import JobState
from ui.plans.view import PlanView

AUTHOR = "测试员"


def _samples(command: str, *keys: str) -> list[Sample]:
    chosen = [sample for sample in SAMPLES if sample.command == command and sample.key in keys]
    assert len(chosen) == len(keys)
    return chosen


DROPPED = _samples(
    ATTACH,
    "jpeg-truncated",
    "png-bomb",
    "heic",
    "pdf-user-password-aes",
    "pdf-no-page-tree",
    "sparse-2gb-video",
    "empty-pdf",
    "control-characters",
)
CHECKED = _samples(
    IMPORT,
    "text",
    "zip-bomb",
    "far-cell",
    "wide",
    "million-numbered-rows",
    "sparse-2gb",
    "lying-sizes",
    "password",
)
SPOILT = _samples(IMPORT, "formulas", "error-cell", "wrong-meeting-date", "wrong-cadre-id_number")
OPENED = _samples(PLAN, "zip-bomb-docx", "far-cell", "table-rows", "formula", "text-docx", "sparse-2gb")


@pytest.fixture(scope="module")
def prepared(template_ledger, tmp_path_factory):
    """A ledger of one valid record of each kind, the meeting's id, and its export to spoil."""
    folder = tmp_path_factory.mktemp("hostile-ui")
    shutil.copytree(template_ledger, folder / "ledger")
    with Ledger.open(folder / "ledger", author=AUTHOR) as ledger, ledger.session() as session:
        with session.begin():
            meeting = records.add_record(session, "meeting", VALID["meeting"]).id
            for kind in ("cadre", "dispatch", "training", "disbursement"):
                records.add_record(session, kind, VALID[kind])
        export_workbook(session, folder / "台账.xlsx")
    return folder / "ledger", meeting, Sources(folder / "台账.xlsx")


@pytest.fixture
def context(prepared, tmp_path):
    path, meeting, _ = prepared
    shutil.copytree(path, tmp_path / "ledger")
    ledger = Ledger.open(tmp_path / "ledger", author=AUTHOR)
    yield LedgerContext(ledger)
    ledger.close()


@pytest.fixture
def messages(monkeypatch) -> list[str]:
    """Message boxes are recorded instead of shown, so no test waits on a modal dialog."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text) or 0)
    return shown


def _drop(widget, paths: list[Path]) -> bool:
    """Drops `paths` on `widget` as a file manager would; whether the widget took them."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, data, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(widget, QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, data, buttons, modifiers))
    return True


def _panel(context, prepared, qtbot) -> EvidencePanel:
    panel = EvidencePanel(context, prepared[1])
    qtbot.addWidget(panel)
    panel.ask_details = lambda paths, roles: [(role, "") for role in roles]
    return panel


@pytest.mark.parametrize("sample", DROPPED, ids=lambda sample: sample.key)
def test_a_bad_file_dropped_on_the_evidence_panel_is_told_naming_it(
    context, prepared, qtbot, messages, tmp_path, sample
):
    panel = _panel(context, prepared, qtbot)
    path = build(sample, tmp_path / "corpus", prepared[2])
    before = fingerprint(context.ledger.path)
    assert _drop(panel, [path])
    [message] = messages
    assert sample.named in message and all(words in message for words in sample.problem), message
    assert panel.list.count() == 0
    assert fingerprint(context.ledger.path) == before


def test_a_drop_of_sound_and_bad_files_adds_none_and_names_every_bad_one(context, prepared, qtbot, messages, tmp_path):
    panel = _panel(context, prepared, qtbot)
    sound = tmp_path / "完好照片.jpg"
    sound.write_bytes(noise_photo())
    bad = [build(sample, tmp_path / "corpus", prepared[2]) for sample in DROPPED[:4]]
    before = fingerprint(context.ledger.path)
    assert _drop(panel, [sound, *bad])
    [message] = messages
    assert "4 个文件不能作为佐证材料，本次未添加任何文件" in message
    assert all(sample.named in message for sample in DROPPED[:4]) and "完好照片.jpg" not in message
    assert panel.list.count() == 0
    assert fingerprint(context.ledger.path) == before


@pytest.mark.parametrize("key", ["folder", "pipe", "device", "dangling-link"])
def test_what_is_no_file_is_not_taken_by_a_drop(context, prepared, qtbot, messages, tmp_path, key):
    [sample] = _samples(ATTACH, key)
    path = build(sample, tmp_path / "corpus", prepared[2])
    assert not _drop(_panel(context, prepared, qtbot), [path])
    assert messages == []


def _check(qtbot, context, path: Path) -> ExcelImportDialog:
    dialog = ExcelImportDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_source(path)
    finish(qtbot, dialog, dialog.start_button.click)
    return dialog


@pytest.mark.parametrize("sample", CHECKED, ids=lambda sample: sample.key)
def test_a_bad_workbook_is_told_in_the_import_dialog_naming_it(context, prepared, qtbot, tmp_path, sample):
    path = build(sample, tmp_path / "corpus", prepared[2])
    before = fingerprint(context.ledger.path)
    dialog = _check(qtbot, context, path)
    assert dialog.state == JobState.FAILED
    text = dialog.status.text()
    assert sample.named in text and all(words in text for words in sample.problem), text
    assert not dialog.import_button.isEnabled()
    assert fingerprint(context.ledger.path) == before


@pytest.mark.parametrize("sample", SPOILT, ids=lambda sample: sample.key)
def test_a_workbook_with_wrong_cells_lists_them_in_the_import_dialog(context, prepared, qtbot, tmp_path, sample):
    path = build(sample, tmp_path / "corpus", prepared[2])
    before = fingerprint(context.ledger.path)
    dialog = _check(qtbot, context, path)
    assert dialog.state == JobState.FAILED and "处错误，未导入任何内容" in dialog.status.text()
    assert dialog.source.path() == path and dialog.mistakes_view.isVisible()
    model = dialog.mistakes
    rows = [
        " ".join(str(model.index(row, column).data()) for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]
    words = [words for words in sample.problem if words != "处错误"]
    assert any(all(word in row for word in words) for row in rows), rows
    assert not dialog.import_button.isEnabled()
    assert fingerprint(context.ledger.path) == before


@pytest.mark.parametrize("sample", OPENED, ids=lambda sample: sample.key)
def test_a_bad_task_list_is_told_in_the_plan_view_naming_it(context, prepared, qtbot, messages, tmp_path, sample):
    view = PlanView(context)
    qtbot.addWidget(view)
    view.show()
    path = build(sample, tmp_path / "corpus", prepared[2])
    before = fingerprint(context.ledger.path)
    assert view.import_file(path) is None
    [message] = messages
    assert sample.named in message and all(words in message for words in sample.problem), message
    assert fingerprint(context.ledger.path) == before
