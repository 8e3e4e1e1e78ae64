"""总览 on a small ledger made here: each target coloured by itself, and the 完成 column as wide as its numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from samples import VALID

from ledger import records
from ledger.models import Plan, Task
from ledger.plans import store as plans
from ui.context import LedgerContext
from ui.overview import Overview

PAIRING = "鹤山市—龙州县"
RED, GREEN = "#c0392b", "#1e7b34"


@pytest.fixture
def overview(ledger, qtbot):
    with ledger.session() as session, session.begin():
        checked = {"record_status": "已核实"}  # a draft counts toward no target
        for day in (date(2020, 3, 2), date(2020, 9, 8)):
            records.add_record(session, "meeting", {**VALID["meeting"], "date": day, **checked})
        records.add_record(session, "meeting", {**VALID["meeting"], "date": date(2020, 5, 6)})  # a draft
        amount = Decimal("12345678.90")
        records.add_record(session, "disbursement", {**VALID["disbursement"], "amount": amount, **checked})
        plan = Plan(pairing=records.find_pairing(session, PAIRING), year=2020, title="2020年工作要点")
        late = Task(position=0, seq="1", item="召开党政联席会议", deadline=date(2020, 6, 30))
        funds = Task(position=1, seq="2", item="拨付财政援助资金", deadline=date(2020, 12, 31))
        plan.tasks.extend([late, funds])
        session.add(plan)
        session.flush()
        plans.set_target(session, late, "meetings", {"meeting_type": "党政联席会议"}, 2)  # reached: 2 of 2
        plans.set_target(session, late, "meetings", {}, 10)  # short: 2 of 10, and past its deadline
        plans.set_target(session, funds, "funds", {}, 2000)  # short, but the deadline is still to come
    context = LedgerContext(ledger)
    context.set_scope(PAIRING, 2020)
    view = Overview(context)
    qtbot.addWidget(view)
    view.resize(1366 - 200, 600)  # the window at 1366×768 less its sidebar
    view.show()
    view.as_of = date(2020, 12, 31)
    view.reload()
    return view


def _rows(view: Overview) -> list:
    plan = view.tasks.topLevelItem(0)
    return [plan.child(row) for row in range(plan.childCount())]


def _colour(item, column: int) -> str | None:
    brush = item.data(column, Qt.ItemDataRole.ForegroundRole)
    return None if brush is None else brush.color().name()


def test_a_reached_target_of_an_overdue_task_is_not_red(overview):
    met, short, funds = _rows(overview)
    assert [met.text(column) for column in (0, 3, 4, 6)] == ["1", "2次", "2次", "已逾期"]
    assert [short.text(column) for column in (0, 3, 4, 6)] == ["", "10次", "2次", ""]
    assert (_colour(met, 4), _colour(short, 4), _colour(met, 6)) == (GREEN, RED, RED)
    assert overview.tasks.itemWidget(met, 5).styleSheet() == ""  # its bar in the style's own colour
    assert RED in overview.tasks.itemWidget(short, 5).styleSheet()
    assert overview.tasks.itemWidget(short, 5).text() == "20%"
    # Short of its target before the deadline: neither red nor green.
    assert [funds.text(column) for column in (0, 3, 4, 6)] == ["2", "2,000万元", "1,234.57万元", "推进中"]
    assert (_colour(funds, 4), _colour(funds, 6)) == (None, None)
    assert overview.tasks.itemWidget(funds, 5).styleSheet() == ""


def test_the_done_column_fits_its_widest_number(overview):
    tree, header = overview.tasks, overview.tasks.header()
    widest = tree.fontMetrics().horizontalAdvance("1,234.57万元")
    assert header.sectionSize(4) >= tree.sizeHintForColumn(4) > widest
    assert header.sectionSize(3) >= tree.sizeHintForColumn(3) > tree.fontMetrics().horizontalAdvance("2000万元")
    assert header.sectionSize(6) >= tree.sizeHintForColumn(6)
    # What is left goes to 具体事项, still readable.
    assert header.sectionSize(1) > tree.fontMetrics().horizontalAdvance("拨付财政援助资金")


def test_what_the_drafts_would_add_is_said_beside_the_figure(overview):
    met, short, _ = _rows(overview)
    # The draft meeting counts toward neither target, and is said where the figure is.
    assert (met.toolTip(4), short.toolTip(4)) == ("另有草稿 1次，核实后计入", "另有草稿 1次，核实后计入")
    assert "按台账记录计算，草稿不计" in overview.heading.text()
