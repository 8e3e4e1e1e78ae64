"""The main window on a copy of the demo ledger: views follow the scope, 总览 agrees with `ledger progress`,
records go to the recycle bin and come back, Ctrl+Z undoes, search finds across kinds."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ledger import records
from ledger.kinds import KINDS
from ledger.plans.progress import STATES, plan_progress
from ledger.plans.store import list_plans, number_text


def _live(window, kind):
    with window.context.session() as session:
        return {record.id for record in records.list_records(session, kind)}


def _row(table, wanted):
    """The table's first row whose record is `wanted`."""
    with table.context.session() as session:
        for row in range(table.proxy.rowCount()):
            if wanted(records.get_record(session, table.record_at(table.proxy.index(row, 0)))):
                return row
    raise AssertionError("no such row")


def test_the_window_opens_on_the_only_pairing_and_the_latest_year(window):
    assert window.windowTitle().startswith("协作台账")
    assert window.context.pairing == "鹤山市—龙州县" and window.context.year == 2020
    assert window.pairing_box.currentText() == "鹤山市—龙州县" and window.year_box.currentText() == "2020年"
    table = window.show_kind("meeting")
    assert table.model.rowCount() == len(_live(window, "meeting")) > 0


def test_every_kind_has_its_view_and_the_sidebar_shows_them_all_on_a_small_laptop(window, qtbot):
    labels = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert [spec.label for spec in KINDS.values()] == labels[2 : 2 + len(KINDS)]
    qtbot.waitUntil(lambda: window.sidebar.viewport().height() > 0)
    assert window.sidebar.verticalScrollBar().maximum() == 0  # nothing scrolled out of sight at 1366×768
    for kind in KINDS:
        assert window.show_kind(kind).model.rowCount() == len(_live(window, kind)) > 0
    table = window.show_kind("tie")
    column = [field.name for field in table.model.fields].index("activities")
    assert not table.table.isColumnHidden(column)  # what a tie did is what an inspector looks for
    shown = table.model.data(table.model.index(0, column))
    assert "\n" not in shown and "；" in shown
    assert table.model.data(table.model.index(0, column), Qt.ItemDataRole.ToolTipRole).count("\n") == shown.count("；")


def test_the_overview_adds_up_each_kinds_records_and_money(window):
    with window.context.session() as session:
        paid = records.list_records(session, "disbursement", year=2020)
        sold = records.list_records(session, "consumption", year=2020)
    text = window.overview.totals.text()
    # Every record is counted; the money, as the measures count it, leaves the drafts out.
    paid_sum = sum(d.amount for d in paid if d.record_status != "草稿") / 10000
    sold_sum = sum(s.amount for s in sold if s.record_status != "草稿") / 10000
    assert f"资金拨付 <b>{len(paid)}</b> 条，金额 <b>{paid_sum:,.2f}</b> 万元" in text
    assert f"消费协作 <b>{len(sold)}</b> 条，金额 <b>{sold_sum:,.2f}</b> 万元" in text
    assert text.endswith("（金额按开始年度计，不含草稿）")
    assert any(d.record_status == "草稿" for d in paid)  # the demo has drafts, so the rule is tested


def test_the_overview_shows_what_ledger_progress_computes(window):
    tree = window.overview.tasks
    shown = {}
    for top in range(tree.topLevelItemCount()):
        plan_item = tree.topLevelItem(top)
        seq = ""
        for row in range(plan_item.childCount()):
            item = plan_item.child(row)
            seq = item.text(0) or seq
            if item.text(6):
                shown[seq] = (item.text(6), item.text(4))
    with window.context.session() as session:
        (plan,) = list_plans(session, pairing="鹤山市—龙州县", year=2020)
        computed = plan_progress(session, plan, date.today())
    assert len(shown) == len(computed)
    for task in computed:
        state, actual = shown[task.task.seq]
        assert state == STATES[task.state]
        if task.targets:
            assert actual.startswith(number_text(task.targets[0].actual, grouped=True))


def test_delete_goes_to_the_recycle_bin_restore_brings_it_back_and_ctrl_z_undoes(window, qtbot):
    table = window.show_kind("training")
    before = _live(window, "training")
    table.table.selectRow(_row(table, lambda record: record.record_status != "已归档"))
    chosen = table.selected_ids()
    window.delete_selected()
    assert _live(window, "training") == before - set(chosen)
    assert table.model.rowCount() == len(before) - 1
    window.sidebar.setCurrentRow(window.stack.indexOf(window.bin))
    bin_table = window.bin.tables["training"]
    assert bin_table.model.ids == chosen
    # Restore from the bin, then undo the restore and the delete in turn.
    window.bin.tabs.setCurrentWidget(bin_table)
    bin_table.table.selectRow(0)
    window.bin.restore_selected()
    assert _live(window, "training") == before and bin_table.model.rowCount() == 0
    window.context.undo_stack.undo()
    assert _live(window, "training") == before - set(chosen)
    window.context.undo_stack.undo()
    assert _live(window, "training") == before
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo the delete
    assert _live(window, "training") == before - set(chosen)


def test_an_archived_record_cannot_be_deleted_and_the_user_is_told(window, qtbot, monkeypatch):
    messages = []
    monkeypatch.setattr("ui.main_window.QMessageBox.warning", lambda parent, title, text: messages.append(text))
    table = window.show_kind("meeting")
    table.table.selectRow(_row(table, lambda record: record.record_status == "已归档"))
    before = _live(window, "meeting")
    window.delete_selected()
    assert _live(window, "meeting") == before
    assert messages and "已归档" in messages[0]


def test_the_filter_keeps_rows_holding_every_word_and_totals_follow(window):
    table = window.show_kind("disbursement")
    total = table.model.rowCount()
    table.filter.setText("鹤山市 " + table.model.rows[0][table.model.fields.index(table.model.spec.by_name["title"])])
    shown = table.proxy.rowCount()
    assert 0 < shown < total
    assert f"显示 {shown} / {total} 条" == table.count.text()
    assert table.totals_text().startswith(f"{shown} 条") and "万元" in table.totals_text()
    table.filter.setText("鹤山市 不会有这样的词")
    assert table.proxy.rowCount() == 0


def test_choosing_another_year_shows_what_counts_in_it(window):
    before = {kind: window.show_kind(kind).model.rowCount() for kind in window.tables}
    assert all(before.values())
    # 2019 holds what lasted into 2020 from it: the postings begun in July 2019 and the ties signed by then.
    window.context.set_scope("鹤山市—龙州县", 2019)
    shown = {kind for kind in window.tables if window.show_kind(kind).model.rowCount()}
    assert shown == {"cadre", "tie"}
    assert window.show_kind("cadre").model.rowCount() == 4
    window.context.set_scope("鹤山市—龙州县", 2017)
    assert all(window.show_kind(kind).model.rowCount() == 0 for kind in window.tables)


def test_search_finds_records_of_every_kind(window):
    window.search_box.setText("鹤山市")
    window.search()
    assert window.stack.currentWidget() is window.search_results
    kinds = {window.search_results.table.item(row, 0).text() for row in range(window.search_results.table.rowCount())}
    assert len(kinds) >= 3


def test_the_evidence_view_lists_every_file_of_the_year_with_thumbnails_in_sight(window, qtbot):
    from ledger.evidence import live_attachments

    window.sidebar.setCurrentRow(window.stack.indexOf(window.evidence))
    with window.context.session() as session:
        expected = sum(
            len(live_attachments(record)) for kind in window.tables for record in records.list_records(session, kind)
        )
    view = window.evidence
    assert view.table.rowCount() == expected > 0
    qtbot.waitUntil(lambda: not view.table.item(0, 4).icon().isNull())
    bottom = view.table.rowCount() - 1
    assert view.table.item(bottom, 4).icon().isNull()  # out of sight: not decoded yet
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: not view.table.item(bottom, 4).icon().isNull())


def test_columns_sort_by_their_values_not_their_text(window):
    table = window.show_kind("disbursement")
    column = next(n for n, field in enumerate(table.model.fields) if field.type.value == "money")
    table.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    shown = [table.model.values[table.proxy.mapToSource(table.proxy.index(row, 0)).row()][column]
             for row in range(table.proxy.rowCount())]  # fmt: skip
    assert shown == sorted(shown, key=lambda amount: amount or 0, reverse=True)
    assert len(set(shown)) > 2  # amounts of several widths: "90,000.00" sorts below "1,200,000.00"


def _a_tie(window, **values):
    with window.context.session() as session, session.begin():
        tie = records.list_records(session, "tie", year=2020)[0]
        if values:
            records.update_record(session, tie, values)
        return tie.id


def test_duplicating_an_ended_tie_offers_to_continue_it_into_the_years_after(window, monkeypatch):
    tie_id = _a_tie(window, end_date=date(2020, 12, 31))  # a tie kept until now as one record a year
    opened, asked = [], []
    monkeypatch.setattr(window, "_open_form", lambda kind, **which: opened.append((kind, which)))

    def choose(label):
        def clicked(box):
            asked.append(box.text())
            next(button for button in box.buttons() if button.text() == label).click()

        return clicked

    monkeypatch.setattr("ui.main_window.run_modal", choose("延续"))
    window.show_kind("tie")
    window._duplicate("tie", tie_id)
    assert asked[0].endswith("的协议截止于 2020-12-31。") and opened == []
    with window.context.session() as session:
        tie = records.get_record(session, tie_id)
        assert (tie.end_date, tie.last_year) == (None, None)  # counted in every year from now on
    assert "此后每个年度都计入" in window.statusBar().currentMessage()
    window.context.undo_stack.undo()
    with window.context.session() as session:
        assert records.get_record(session, tie_id).end_date == date(2020, 12, 31)

    monkeypatch.setattr("ui.main_window.run_modal", choose("复制为新记录"))
    window._duplicate("tie", tie_id)
    assert opened == [("tie", {"copy_of": tie_id})]


def test_duplicating_a_standing_tie_asks_first_and_other_kinds_copy_at_once(window, monkeypatch):
    tie_id = _a_tie(window)
    opened, questions = [], []
    monkeypatch.setattr(window, "_open_form", lambda kind, **which: opened.append((kind, which)))
    answer = QMessageBox.StandardButton.No
    monkeypatch.setattr(
        "ui.main_window.QMessageBox.question", lambda parent, title, text: questions.append(text) or answer
    )
    window._duplicate("tie", tie_id)
    assert "没有截止日期，已计入此后的每个年度" in questions[0] and opened == []
    answer = QMessageBox.StandardButton.Yes
    window._duplicate("tie", tie_id)
    assert opened == [("tie", {"copy_of": tie_id})]
    with window.context.session() as session:
        meeting_id = records.list_records(session, "meeting")[0].id
    window._duplicate("meeting", meeting_id)
    assert len(questions) == 2 and opened[-1] == ("meeting", {"copy_of": meeting_id})


def test_an_archived_tie_is_not_continued_and_the_user_is_told(window, monkeypatch):
    tie_id = _a_tie(window, end_date=date(2020, 12, 31), record_status="已归档")
    told = []
    monkeypatch.setattr("ui.main_window.QMessageBox.warning", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(
        "ui.main_window.run_modal",
        lambda box: next(button for button in box.buttons() if button.text() == "延续").click(),
    )
    window._duplicate("tie", tie_id)
    assert "已归档，不能修改" in told[0]
    with window.context.session() as session:
        assert records.get_record(session, tie_id).end_date == date(2020, 12, 31)
