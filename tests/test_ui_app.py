"""Starting the application: a new ledger with its pairing or with the demo, and switching ledgers."""

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from ledger.folder import is_ledger
from ledger.models import Pairing
from ui import app
from ui.context import LedgerContext
from ui.main_window import MainWindow


def test_a_new_empty_ledger_asks_for_its_pairing(tmp_path, qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.No)

    def fill(dialog):
        dialog.east.setText("鹤山市")
        dialog.west.setText("龙州县")
        assert dialog.ok.isEnabled()
        return 1

    monkeypatch.setattr(app.PairingDialog, "exec", fill)
    ledger = app.open_ledger(tmp_path / "新台账")
    try:
        with ledger.session() as session:
            assert [p.name for p in session.scalars(select(Pairing))] == ["鹤山市—龙州县"]
    finally:
        ledger.close()


def test_declining_leaves_no_ledger(tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Cancel)
    assert app.open_ledger(tmp_path / "台账") is None
    assert not is_ledger(tmp_path / "台账")


def test_switching_names_the_next_ledger_and_recent_ones_are_remembered(ledger, ledger_path, tmp_path, qtbot):
    QSettings().clear()
    window = MainWindow(LedgerContext(ledger))
    qtbot.addWidget(window)
    window.show()
    window.switch_to(tmp_path / "另一个")
    assert window.next_ledger == tmp_path / "另一个" and not window.isVisible()
    app.remember(ledger_path)
    app.remember(tmp_path / "另一个")
    app.remember(ledger_path)
    assert QSettings().value("recent", [], list) == [str(ledger_path), str(tmp_path / "另一个")]


def test_qt_s_own_buttons_speak_chinese(qapp, qtbot):
    translator = app.install_chinese(qapp)
    try:
        dialog = app.PairingDialog()
        qtbot.addWidget(dialog)
        assert translator is not None and dialog.ok.text() == "确定"
    finally:
        qapp.removeTranslator(translator)
