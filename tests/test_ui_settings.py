"""设置 in the window: a pairing added without the command line, the 修改人 written on the next change."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from samples import VALID
from sqlalchemy import select

from ledger.models import AuditEntry, Setting
from ledger.storage.folder import Ledger
from ui.context import LedgerContext
from ui.main_window import MainWindow


@pytest.fixture
def window(ledger_path, qtbot):
    QSettings().clear()
    main = MainWindow(LedgerContext(Ledger.open(ledger_path)))
    qtbot.addWidget(main)
    main.show()
    main.sidebar.setCurrentRow(main.stack.indexOf(main.settings))
    yield main
    main.close()
    main.context.ledger.close()


def test_a_pairing_is_added_in_the_settings_and_offered_everywhere_at_once(window):
    view = window.settings
    assert view.pairing_list.text() == "已有：鹤山市—龙州县"
    view.east.setText("江门市")
    assert not view.add_pairing_button.isEnabled()  # both places are needed
    view.west.setText(" 大新县 ")
    view.add_pairing_button.click()
    assert view.pairing_note.text() == "已添加结对关系“江门市—大新县”。"
    assert view.east.text() == view.west.text() == ""
    assert view.pairing_list.text() == "已有：江门市—大新县、鹤山市—龙州县"
    assert [window.pairing_box.itemText(i) for i in range(window.pairing_box.count())] == [
        "全部",
        "江门市—大新县",
        "鹤山市—龙州县",
    ]
    view.east.setText("江门市")
    view.west.setText("大新县")
    view.add_pairing_button.click()
    assert view.pairing_note.text() == "已有结对关系“江门市—大新县”。"
    assert window.context.pairings() == ["江门市—大新县", "鹤山市—龙州县"]


def test_the_author_set_in_the_settings_signs_the_next_change(window):
    window.settings.author.setText("王海")
    window.settings.save()
    record_id = window.context.save_record("meeting", VALID["meeting"])
    with window.context.session() as session:
        author = session.scalar(select(AuditEntry.author).where(AuditEntry.target_id == record_id))
    assert author == "王海"


def test_saving_writes_only_the_settings_changed_and_keeps_one_it_could_not_show(window):
    with window.context.session() as session, session.begin():  # as an older version let it be written
        session.add(Setting(key="compiling_unit", value="鹤山市\n扶贫办"))
    window.settings.reload()
    assert window.settings.compiling_unit.text() == ""  # refused as it is: shown as the default
    window.settings.author.setText("王海")
    window.settings.save()
    with window.context.session() as session:
        logged = session.scalars(select(AuditEntry.changes).where(AuditEntry.target == "setting")).all()
        assert session.get(Setting, "compiling_unit").value == "鹤山市\n扶贫办"
    assert logged == ['{"author": [null, "王海"]}']
    window.settings.save()  # nothing changed since
    with window.context.session() as session:
        assert session.scalars(select(AuditEntry.changes).where(AuditEntry.target == "setting")).all() == logged


def test_a_new_record_in_a_ledger_without_a_pairing_leads_to_the_settings(tmp_path, qtbot, monkeypatch):
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    main = MainWindow(LedgerContext(Ledger.create(tmp_path / "空台账")))
    qtbot.addWidget(main)
    main.show()
    main.show_kind("meeting")
    main.new_record()
    assert told == ["台账里还没有结对关系。请先在“设置”里填写东部和西部的市县并添加。"]
    assert main.stack.currentWidget() is main.settings
    assert main.settings.pairing_list.text() == "还没有结对关系：请在下面添加，才能登记记录。"
    main.close()
    main.context.ledger.close()


def test_a_pairings_receiving_counties_are_set_in_the_settings(window):
    view = window.settings
    assert view.counties_pairing.currentText() == "鹤山市—龙州县" and view.counties.text() == ""
    view.counties.setText("龙州县，凭祥市 宁明县")
    view.save_counties_button.click()
    assert view.pairing_note.text() == "已保存鹤山市—龙州县的受援县：龙州县、凭祥市、宁明县"
    assert view.counties.text() == "龙州县、凭祥市、宁明县"
    with window.context.session() as session:
        changed = select(AuditEntry).where(AuditEntry.target == "pairing", AuditEntry.action == "update")
        (entry,) = session.scalars(changed)
        assert json.loads(entry.changes) == {"counties": ["", "龙州县、凭祥市、宁明县"]}
    # A county a record names cannot be dropped: refused, the list kept.
    assert window.context.save_record("meeting", {**VALID["meeting"], "county": "凭祥市"}) is not None
    view.counties.setText("龙州县")
    view.save_counties_button.click()
    assert "已有记录填写了这个县，不能从名单中去掉" in view.pairing_note.text()
    view.reload()
    assert view.counties.text() == "龙州县、凭祥市、宁明县"


def test_the_form_offers_the_counties_of_the_pairing_chosen(qtbot):
    from ledger.kinds import KINDS
    from ui.record_form import RecordForm

    pairings = ["广州市—黔南布依族苗族自治州", "鹤山市—龙州县"]
    form = RecordForm(KINDS["meeting"], pairings, [], counties={pairings[0]: ["都匀市", "福泉市"], pairings[1]: []})
    qtbot.addWidget(form)
    line = form.editors["county"].line
    form.editors["pairing"].set_text(pairings[0])
    assert line.placeholderText() == "都匀市、福泉市"
    assert line.completer().model().stringList() == ["都匀市", "福泉市"]
    form.editors["pairing"].set_text(pairings[1])
    assert line.placeholderText() == "只有一个县，不填" and line.completer().model().stringList() == []
