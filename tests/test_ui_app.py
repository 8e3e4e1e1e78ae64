"""Starting the application: the first start (the clerk, the unit, demo or empty), which ledger a start opens,
and switching ledgers."""

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from ledger.models import AuditEntry, Pairing
from ledger.settings import read_settings
from ledger.storage.folder import is_ledger
from ui import app
from ui.context import LedgerContext
from ui.first_start import FirstStartDialog
from ui.main_window import MainWindow


def _first_start(monkeypatch, *, button: str, name="李娟", unit="龙州县协作办", east="", west=""):
    """Answers the first-start dialog as a clerk would: fills it and presses `button` (its text)."""
    seen = {}

    def answer(dialog):
        dialog.name.setText(name)
        dialog.unit.setText(unit)
        dialog.east.setText(east)
        dialog.west.setText(west)
        buttons = {b.text(): b for b in (dialog.demo_button, dialog.empty_button)}
        seen["enabled"] = {text: b.isEnabled() for text, b in buttons.items()}
        seen["hint"] = dialog.hint.text()
        if button in buttons and buttons[button].isEnabled():
            buttons[button].click()
            return 1
        return 0

    monkeypatch.setattr(FirstStartDialog, "exec", answer)
    return seen


def test_a_new_empty_ledger_keeps_the_clerk_the_unit_and_the_pairing(tmp_path, qtbot, monkeypatch):
    QSettings().clear()
    _first_start(monkeypatch, button="新建空台账", east="鹤山市", west="龙州县")
    ledger = app.open_ledger(tmp_path / "新台账")
    try:
        with ledger.session() as session:
            assert [p.name for p in session.scalars(select(Pairing))] == ["鹤山市—龙州县"]
            assert read_settings(session, ["author", "compiling_unit"]) == {
                "author": "李娟",
                "compiling_unit": "龙州县协作办",
            }
        with ledger.session() as session:  # the pairing was the clerk's first change
            assert list(session.scalars(select(AuditEntry.author).where(AuditEntry.target == "pairing"))) == ["李娟"]
    finally:
        ledger.close()
    # The next new ledger's dialog starts with what was typed this time.
    assert FirstStartDialog(tmp_path / "再一个").name.text() == "李娟"


def test_a_new_ledger_may_start_without_a_pairing_but_not_half_of_one(tmp_path, qtbot, monkeypatch):
    seen = _first_start(monkeypatch, button="新建空台账", east="鹤山市")
    assert app.open_ledger(tmp_path / "台账") is None
    assert seen["enabled"] == {"载入演示数据": True, "新建空台账": False}
    _first_start(monkeypatch, button="新建空台账")
    ledger = app.open_ledger(tmp_path / "台账")
    try:
        with ledger.session() as session:
            assert list(session.scalars(select(Pairing))) == []
    finally:
        ledger.close()


def test_the_first_start_needs_the_clerk_s_name(tmp_path, qtbot, monkeypatch):
    seen = _first_start(monkeypatch, button="载入演示数据", name="  ")
    assert app.open_ledger(tmp_path / "台账") is None
    assert seen["enabled"] == {"载入演示数据": False, "新建空台账": False}
    assert not is_ledger(tmp_path / "台账")


def test_a_name_the_ledger_would_refuse_is_told_before_anything_is_made(tmp_path, qtbot, monkeypatch):
    seen = _first_start(monkeypatch, button="新建空台账", name="李\x07娟")
    assert app.open_ledger(tmp_path / "台账") is None
    assert seen["enabled"] == {"载入演示数据": False, "新建空台账": False}
    assert seen["hint"] == "姓名含有控制字符 U+0007，请删去。"
    seen = _first_start(monkeypatch, button="新建空台账", unit="单" * 201)
    assert app.open_ledger(tmp_path / "台账") is None
    assert seen["hint"] == "编制单位过长（201字，最多200字）。"
    assert not is_ledger(tmp_path / "台账")


def test_declining_leaves_no_ledger(tmp_path, qtbot, monkeypatch):
    monkeypatch.setattr(FirstStartDialog, "exec", lambda dialog: 0)
    assert app.open_ledger(tmp_path / "台账") is None
    assert not is_ledger(tmp_path / "台账")


def test_a_plain_start_reopens_the_last_ledger(ledger_path, tmp_path, qtbot, monkeypatch):
    monkeypatch.delenv("XIEZUO_LEDGER", raising=False)
    QSettings().clear()
    app.remember(tmp_path / "不见了")
    assert app.starting_ledger(None) != tmp_path / "不见了"  # gone: the default ledger instead
    app.remember(ledger_path)
    assert app.starting_ledger(None) == ledger_path
    assert app.starting_ledger(str(tmp_path / "指定的")) == tmp_path / "指定的"
    monkeypatch.setenv("XIEZUO_LEDGER", str(tmp_path / "环境变量的"))
    assert app.starting_ledger(None) == tmp_path / "环境变量的"


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


def test_qt_s_own_buttons_speak_chinese(qapp, qtbot, tmp_path):
    translator = app.install_chinese(qapp)
    try:
        dialog = FirstStartDialog(tmp_path)
        qtbot.addWidget(dialog)
        cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
        assert translator is not None and cancel.text() == "取消"
    finally:
        qapp.removeTranslator(translator)


def test_enter_in_the_first_start_chooses_nothing(tmp_path, qtbot):
    dialog = FirstStartDialog(tmp_path / "台账")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("李娟")
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.answers() is None and dialog.isVisible()
