"""The record tables as a clerk uses them, like a sheet in Excel or WPS: grouped money, units said once, Ctrl+C with
a header row, the right-click menu, the sort remembered, the 佐证 count and the 缺佐证 filter; and the recycle bin:
which tab it opens on, who deleted what and when, and the question before a restore."""

import time
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QHeaderView

from ledger import records
from ledger.assessment import frameworks
from ledger.assessment.gaps import find_gaps
from ledger.evidence import live_attachments
from ui.record_table import RecordTable, tsv_cell

PAIRING = "鹤山市—龙州县"
FIRST_GRANT = "拨付2020年鹤山市本级财政帮扶资金（第一批）"
MASKS = "鹤山市红十字会捐赠医用外科口罩48000只（折款）"
#: The two demo disbursements `ledger gaps` lists: donations without a 捐赠协议.
LACKING = {"鹤山市青年商会捐赠台式电脑23台（折款）", "鹤山市工商联捐赠“万企帮万村”村级集体经济项目资金"}


@pytest.fixture
def opened(window, monkeypatch):
    """The forms the window would open, as (kind, what): a test cannot answer a modal form."""
    forms = []
    monkeypatch.setattr(window, "_open_form", lambda kind, **which: forms.append((kind, which)))
    return forms


def _row_of(table, title):
    column = table.model.column_of("title")
    for row in range(table.proxy.rowCount()):
        if table.proxy.index(row, column).data() == title:
            return row
    raise AssertionError(f"no row {title}")


def _select(table, *titles):
    """Selects the rows of these titles, the last one current, as a Ctrl+click would."""
    selection = table.table.selectionModel()
    flags = selection.SelectionFlag
    selection.clearSelection()
    for title in titles:
        selection.setCurrentIndex(table.proxy.index(_row_of(table, title), 0), flags.Select | flags.Rows)


def _cell(table, title, name):
    return table.proxy.index(_row_of(table, title), table.model.column_of(name)).data()


def _live(window, kind):
    with window.context.session() as session:
        return {record.id for record in records.list_records(session, kind)}


def _menu(table):
    menu = table.row_menu()
    return menu, {action.text(): action for action in menu.actions() if not action.isSeparator()}


# Looks ---------------------------------------------------------------------------------------------


def test_money_is_grouped_and_the_status_bar_says_the_unit_once(window):
    table = window.show_kind("disbursement")
    assert _cell(table, FIRST_GRANT, "amount") == "1,300,000.00"
    assert _cell(table, MASKS, "amount") == "45,600.00"
    assert table.proxy.index(0, table.model.column_of("amount")).data(Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight
    )
    assert window.statusBar().currentMessage() == "18 条　金额 492.55 万元"
    table.filter.setText("第一批")
    assert window.statusBar().currentMessage() == "1 条　金额 130.00 万元"
    table.filter.setText("1300000")  # an amount is found as it is typed, too
    assert table.proxy.rowCount() == 1 and _cell(table, FIRST_GRANT, "amount") == "1,300,000.00"


def test_the_title_takes_the_spare_width_and_the_others_stay_resizable(window, qtbot):
    table = window.show_kind("meeting")
    header = table.table.horizontalHeader()
    title = table.model.column_of("title")
    assert header.sectionResizeMode(title) == QHeaderView.ResizeMode.Stretch and not header.stretchLastSection()
    date = table.model.column_of("date")
    assert header.sectionResizeMode(date) == QHeaderView.ResizeMode.Interactive
    qtbot.waitUntil(lambda: header.length() == table.table.viewport().width())
    shown = [column for column in range(header.count()) if not header.isSectionHidden(column)]
    assert max(shown, key=header.sectionSize) == title
    before = header.sectionSize(title)
    header.resizeSection(date, header.sectionSize(date) + 40)
    assert header.sectionSize(title) == before - 40 and header.length() == table.table.viewport().width()


# Copying -------------------------------------------------------------------------------------------


def test_ctrl_c_copies_the_selected_rows_with_a_header_row_as_excel_pastes_them(window, qtbot):
    table = window.show_kind("disbursement")
    _select(table, FIRST_GRANT, MASKS)
    table.table.setFocus()
    qtbot.waitUntil(table.table.hasFocus)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(table.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyRelease(table.table, Qt.Key.Key_Control)  # or Ctrl stays held for the tests after this one
    assert QGuiApplication.clipboard().text() == (
        "事项\t资金类型\t资金层级\t金额（元）\t拨付日期\t责任单位\t状态\t佐证\n"
        "拨付2020年鹤山市本级财政帮扶资金（第一批）\t财政援助资金\t县区\t1300000.00\t2020-02-25\t"
        "鹤山市财政局、龙州县财政局\t已归档\t1\n"
        "鹤山市红十字会捐赠医用外科口罩48000只（折款）\t捐物折款\t社会\t45600.00\t2020-03-11\t"
        "鹤山市扶贫办、龙州县扶贫办\t已核实\t3\n"
    )


def test_the_copy_follows_the_columns_as_shown_moved_and_hidden(window):
    table = window.show_kind("disbursement")
    header = table.table.horizontalHeader()
    header.moveSection(header.visualIndex(table.model.column_of("date")), 0)  # 拨付日期 first
    for name in ("fund_type", "fund_level", "responsible_units", "record_status"):
        header.setSectionHidden(table.model.column_of(name), True)
    _select(table, FIRST_GRANT)
    table.copy_selection()
    assert QGuiApplication.clipboard().text() == (
        "拨付日期\t事项\t金额（元）\t佐证\n2020-02-25\t拨付2020年鹤山市本级财政帮扶资金（第一批）\t1300000.00\t1\n"
    )


def test_cells_with_tabs_line_breaks_or_quotes_are_quoted_as_excel_does():
    assert tsv_cell("鹤山市扶贫办") == "鹤山市扶贫办"
    assert tsv_cell('他说"好"\n第二行') == '"他说""好""\n第二行"'
    assert tsv_cell("甲\t乙") == '"甲\t乙"'


def test_a_tie_s_activities_are_copied_on_one_line(window):
    table = window.show_kind("tie")
    table.table.selectRow(0)
    lines = table.selection_text().split("\n")
    assert len(lines) == 3 and lines[2] == ""  # header, one row, the closing line break
    assert "活动" in lines[0] and "；" in lines[1]


# The right-click menu ------------------------------------------------------------------------------


def test_the_menu_offers_what_can_be_done_with_the_shortcuts_shown(window):
    table = window.show_kind("meeting")
    table.table.selectRow(0)
    menu, actions = _menu(table)
    shown = [(action.text(), action.shortcut().toString()) for action in menu.actions() if not action.isSeparator()]
    assert shown == [
        ("新增", "Ctrl+N"),
        ("编辑", "Enter"),
        ("复制为新记录", "Ctrl+D"),
        ("删除", "Del"),
        ("打开佐证材料", ""),
        ("复制", "Ctrl+C"),
    ]
    table.table.clearSelection()
    table.table.setCurrentIndex(table.proxy.index(-1, -1))
    menu, actions = _menu(table)
    assert [text for text, action in actions.items() if action.isEnabled()] == ["新增"]


def test_each_menu_action_does_what_it_says(window, opened):
    table = window.show_kind("disbursement")
    _select(table, MASKS)
    masks = table.current_id()
    _, actions = _menu(table)
    actions["新增"].trigger()
    actions["编辑"].trigger()
    actions["复制为新记录"].trigger()
    actions["打开佐证材料"].trigger()
    assert opened == [
        ("disbursement", {}),
        ("disbursement", {"record_id": masks}),
        ("disbursement", {"copy_of": masks}),
        ("disbursement", {"record_id": masks, "focus_evidence": True}),  # the form, its file list in focus
    ]
    actions["复制"].trigger()
    assert QGuiApplication.clipboard().text().splitlines()[1].startswith(MASKS + "\t捐物折款\t社会\t45600.00\t")
    before = _live(window, "disbursement")
    actions["删除"].trigger()
    assert _live(window, "disbursement") == before - {masks}
    assert MASKS not in {table.proxy.index(row, 0).data() for row in range(table.proxy.rowCount())}


def test_a_right_click_selects_the_row_under_it_and_keeps_a_selection_it_falls_in(window, monkeypatch):
    shown = []
    monkeypatch.setattr("ui.record_table.popup", lambda menu, at: shown.append([a.text() for a in menu.actions()]))
    table = window.show_kind("meeting")
    title = table.model.column_of("title")
    _select(table, *(table.proxy.index(row, title).data() for row in (0, 1)))

    def right_click(row):
        table.table.customContextMenuRequested.emit(table.table.visualRect(table.proxy.index(row, title)).center())
        return sorted(index.row() for index in table.table.selectionModel().selectedRows())

    assert right_click(1) == [0, 1] and table.table.currentIndex().row() == 1
    assert right_click(3) == [3] and table.table.currentIndex().row() == 3
    assert len(shown) == 2 and shown[0][0] == "新增"


# Sorting -------------------------------------------------------------------------------------------


def test_the_sort_is_remembered_for_each_view(window):
    context = window.context
    first = RecordTable(context, "disbursement")
    amount = first.model.column_of("amount")
    date = first.model.column_of("date")
    assert first.table.horizontalHeader().sortIndicatorSection() == date  # by date until the user chooses
    first.table.sortByColumn(amount, Qt.SortOrder.DescendingOrder)
    first.deleteLater()

    again = RecordTable(context, "disbursement")
    again.reload()
    header = again.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (amount, Qt.SortOrder.DescendingOrder)
    amounts = [again.proxy.index(row, amount).data() for row in range(3)]
    assert amounts == ["1,300,000.00", "800,000.00", "500,000.00"]
    assert header.sectionResizeMode(again.model.column_of("title")) == QHeaderView.ResizeMode.Stretch
    assert not header.stretchLastSection()  # the saved state did not bring the last column's stretch back
    other = RecordTable(context, "meeting")
    assert other.table.horizontalHeader().sortIndicatorSection() == other.model.column_of("date")


# Evidence ------------------------------------------------------------------------------------------


def test_the_evidence_column_counts_each_records_live_files(window):
    for kind in ("meeting", "disbursement", "cadre"):
        table = window.show_kind(kind)
        column = table.model.column_of("evidence")
        assert table.model.headerData(column, Qt.Orientation.Horizontal) == "佐证"
        with window.context.session() as session:
            expected = {record.id: str(len(live_attachments(record))) for record in records.list_records(session, kind)}
        shown = {table.record_at(table.proxy.index(row, 0)): table.proxy.index(row, column).data()
                 for row in range(table.proxy.rowCount())}  # fmt: skip
        assert shown == expected
    table = window.show_kind("disbursement")
    assert _cell(table, FIRST_GRANT, "evidence") == "1" and _cell(table, MASKS, "evidence") == "3"


def test_the_gaps_filter_shows_what_ledger_gaps_lists(window):
    table = window.show_kind("disbursement")
    with window.context.session() as session:
        pairing = records.find_pairing(session, PAIRING)
        gaps = find_gaps(session, frameworks.for_year(2020), pairing, 2020)
        listed = {gap.record.title for gap in gaps if gap.record.kind == "disbursement"}
    assert listed == LACKING
    assert table.gaps_button.text() == "缺佐证 2"
    table.gaps_button.setChecked(True)
    shown = {_cell(table, title, "title") for title in LACKING}
    assert table.proxy.rowCount() == 2 and shown == LACKING
    assert table.count.text() == "显示 2 / 18 条"
    lacking = table.proxy.index(0, table.model.column_of("evidence"))
    assert lacking.data(Qt.ItemDataRole.ToolTipRole) == "缺少：捐赠协议"
    assert lacking.data(Qt.ItemDataRole.ForegroundRole) == QColor("red")
    window.context.set_scope(None, None)  # 全部 pairings and years: the same two
    table = window.show_kind("disbursement")
    assert table.proxy.rowCount() == 2 and table.gaps_button.isChecked()
    table.gaps_button.setChecked(False)
    assert table.proxy.rowCount() == 18

    meetings = window.show_kind("meeting")
    assert meetings.gaps_button.text() == "缺佐证"
    meetings.gaps_button.setChecked(True)
    assert meetings.proxy.rowCount() == 0


# The recycle bin -----------------------------------------------------------------------------------


def _deletable(window, kind, count):
    with window.context.session() as session:
        found = [record for record in records.list_records(session, kind) if record.record_status != "已归档"]
        return [(record.id, record.title) for record in found[:count]]


@pytest.fixture
def in_beijing(monkeypatch):
    """The machine's clock set to China's time (UTC+8), as the users' laptops are."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_bin_opens_on_a_tab_with_records_and_says_who_deleted_them_and_when(window, in_beijing):
    chosen = _deletable(window, "training", 2)
    window.context.delete_records([record_id for record_id, _ in chosen])
    with window.context.session() as session, session.begin():  # deleted on New Year's Eve, 16:00 UTC
        records.get_record(session, chosen[0][0]).deleted_at = datetime(2020, 12, 31, 16, 0, tzinfo=UTC)
    window.sidebar.setCurrentRow(window.stack.indexOf(window.bin))
    table = window.bin.current_table()
    assert table is window.bin.tables["training"]
    assert window.bin.tabs.tabText(window.bin.tabs.currentIndex()) == "培训（2）"
    assert window.bin.tabs.tabText(0) == "会议与互访"
    labels = [table.model.headerData(column, Qt.Orientation.Horizontal) for column in range(table.model.columnCount())]
    assert labels[-3:] == ["佐证", "删除时间", "删除人"]
    for _, title in chosen:
        assert _cell(table, title, "deleted_by") == "测试员"
    assert _cell(table, chosen[0][1], "deleted_at") == "2021-01-01 00:00"  # in the clerk's own time
    assert not table.gaps_button.isVisible()


def test_a_restore_is_asked_first_naming_how_many(window):
    chosen = _deletable(window, "meeting", 2)
    window.context.delete_records([record_id for record_id, _ in chosen])
    window.sidebar.setCurrentRow(window.stack.indexOf(window.bin))
    table = window.bin.current_table()
    _select(table, *(title for _, title in chosen))
    asked = []
    window.bin.confirm_restore = lambda count: asked.append(count) or False
    window.bin.restore_button.click()
    assert asked == [2] and table.model.rowCount() == 2
    window.bin.confirm_restore = lambda count: asked.append(count) or True
    _, actions = _menu(table)
    assert list(actions) == ["恢复", "复制"]
    actions["恢复"].trigger()
    assert asked == [2, 2] and table.model.rowCount() == 0
    assert {record_id for record_id, _ in chosen} <= _live(window, "meeting")


def test_the_evidence_opens_with_the_record_s_files_in_focus(window):
    from ui.record_dialog import RecordDialog

    table = window.show_kind("meeting")
    dialog = RecordDialog(window.context, "meeting", table.model.ids[0], focus_evidence=True, parent=window)
    try:
        assert dialog.focusWidget() is dialog.evidence.list
        assert dialog.evidence.list.currentRow() == 0
    finally:
        dialog.deleteLater()
