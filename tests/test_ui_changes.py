"""What a change touched, and the views reading again only that: `ui.changes.Changes` merged and asked; every
change through `LedgerContext`, and its undo, saying what it touched; the record model reading the changed rows
alone to what a whole reload reads; and the window on a small ledger: a meeting saved does not make the training
table or the plan view read again, its row shows the new value, an undo brings the old one back, and a record's
evidence panel reads again only for its own record."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from plan_samples import HESHAN_LONGZHOU_2020, write_xlsx
from PySide6.QtCore import QSettings
from samples import VALID

from ledger import records
from ledger.plans import store as plans
from ui.changes import EVERYTHING, Changes, PlanScope, Touched
from ui.context import LedgerContext
from ui.evidence_panel import EvidencePanel
from ui.main_window import MainWindow
from ui.record_table_model import RecordTableModel

PAIRING = "鹤山市—龙州县"


def _add(ledger, kind: str = "meeting", **changes) -> uuid.UUID:
    with ledger.session() as session, session.begin():
        return records.add_record(session, kind, {**VALID[kind], **changes}).id


def _counted(monkeypatch, owner, name: str) -> list:
    """Replaces `owner.name` with the same method counting its calls; returns the calls."""
    calls, original = [], getattr(owner, name)

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def _state(model: RecordTableModel) -> tuple[dict, dict]:
    """Each row by its record, in whatever order, and what each record lacks."""
    rows = {
        record_id: (model.rows[at], model.keys[at], model.lines[at], model.values[at], model.status[at])
        for at, record_id in enumerate(model.ids)
    }
    return rows, model.missing


# Changes -------------------------------------------------------------------------------------


def test_changes_merge_and_answer_for_a_kind_and_a_scope():
    meeting, training = uuid.uuid4(), uuid.uuid4()
    changes = Changes(records=frozenset({Touched("meeting", meeting, PAIRING, 2020, 2020)})) | Changes(
        evidence=frozenset({Touched("training", training, PAIRING, 2019, 2019)}),
        plans=frozenset({PlanScope(PAIRING, 2021)}),
    )
    assert changes.record_ids("meeting", PAIRING, 2020) == {meeting}
    assert changes.record_ids("meeting", PAIRING, 2019) == set() == changes.record_ids("meeting", "湛江市—柳州市", None)
    assert changes.record_ids("training", None, None) == {training}  # its files are counted in its row
    assert changes.records_in(PAIRING, 2020) and not changes.records_in(PAIRING, 2019)
    assert changes.evidence_in(None, 2019) and not changes.evidence_in(None, 2020)
    assert changes.plans_in(None, 2021) and not changes.plans_in(PAIRING, 2020)
    assert changes.touches_record(training) and not changes.touches_record(uuid.uuid4())
    assert changes | EVERYTHING == EVERYTHING == EVERYTHING | changes
    assert EVERYTHING.records_in("湛江市—柳州市", 1999) and EVERYTHING.touches_record(meeting)


# The context ---------------------------------------------------------------------------------


def test_every_change_through_the_context_and_its_undo_says_what_it_touched(ledger, qtbot, tmp_path):
    context = LedgerContext(ledger)
    said: list[Changes] = []
    context.changed.connect(said.append)

    meeting_id = context.save_record("meeting", VALID["meeting"])
    in_2020 = Touched("meeting", meeting_id, PAIRING, 2020, 2020)
    assert said[-1] == Changes(records=frozenset({in_2020}))
    context.save_record("meeting", {"date": date(2019, 11, 5)}, meeting_id)  # its year follows the date
    moved = Changes(records=frozenset({in_2020, in_2020._replace(year=2019, last_year=2019)}))
    assert said[-1] == moved
    context.undo_stack.undo()
    assert said[-1] == moved
    assert context.delete_records([meeting_id])
    assert said[-1] == Changes(records=frozenset({in_2020}))
    context.undo_stack.undo()
    assert said[-1] == Changes(records=frozenset({in_2020}))
    context.change_evidence(meeting_id, lambda session: None)
    assert said[-1] == Changes(evidence=frozenset({in_2020}))

    with context.session() as session:
        reading = plans.read_plan(
            session, write_xlsx(HESHAN_LONGZHOU_2020, tmp_path / "清单.xlsx"), pairing=PAIRING, year=2020
        )
    plan_id = context.import_plan(reading)
    the_plan = Changes(plans=frozenset({PlanScope(PAIRING, 2020)}))
    assert said[-1] == the_plan
    with context.session() as session:
        task_id = plans.get_plan(session, str(plan_id)).tasks[0].id
    context.link_records(task_id, [meeting_id], link=True)
    assert said[-1] == the_plan
    context.undo_stack.undo()
    assert said[-1] == the_plan

    context.renew()
    assert said[-1] == EVERYTHING


def test_an_undo_names_the_record_where_it_is_now_not_where_it_was_when_first_changed(ledger, qtbot):
    context = LedgerContext(ledger)
    said: list[Changes] = []
    context.changed.connect(said.append)
    meeting_id = context.save_record("meeting", VALID["meeting"])  # 2020
    with ledger.session() as session, session.begin():  # as an import does it, off the undo stack
        records.update_record(session, records.get_record(session, meeting_id), {"date": date(2021, 3, 1)})
    context.undo_stack.undo()  # the add undone: to the recycle bin, from 2021
    assert said[-1] == Changes(records=frozenset({Touched("meeting", meeting_id, PAIRING, 2021, 2021)}))
    context.undo_stack.redo()
    context.save_record("meeting", {"location": "龙州县会议室"}, meeting_id)
    with ledger.session() as session, session.begin():
        records.update_record(session, records.get_record(session, meeting_id), {"date": date(2019, 3, 1)})
    context.undo_stack.undo()  # the edit undone: where the record is now, 2019
    assert said[-1] == Changes(records=frozenset({Touched("meeting", meeting_id, PAIRING, 2019, 2019)}))


def test_an_evidence_panel_reads_again_only_for_its_own_record(ledger, qtbot, monkeypatch):
    context = LedgerContext(ledger)
    mine, other = _add(ledger), _add(ledger, title="另一次会议")
    panel = EvidencePanel(context, mine)
    qtbot.addWidget(panel)
    reloads = _counted(monkeypatch, panel, "reload")
    context.save_record("meeting", {"title": "另一次会议（改）"}, other)
    context.change_evidence(other, lambda session: None)
    assert reloads == []
    context.save_record("meeting", {"record_status": "已归档"}, mine)  # now locked: the panel says so
    assert len(reloads) == 1 and panel.read_only
    context.change_evidence(mine, lambda session: None)
    assert len(reloads) == 2


# The record model ----------------------------------------------------------------------------


@pytest.mark.parametrize("deleted", [False, True])
def test_reading_the_changed_rows_gives_what_a_whole_reload_gives(ledger, qtbot, deleted):
    kept, edited, gone, moved = (_add(ledger, title=f"会议{n}") for n in range(4))
    context = LedgerContext(ledger)
    context.set_scope(PAIRING, 2020)
    model = RecordTableModel(context, "meeting", deleted=deleted)
    model.reload()
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    added = _add(ledger, title="新加的会议")
    with ledger.session() as session, session.begin():
        records.update_record(
            session,
            records.get_record(session, edited),
            {"title": "改过的会议", "location": "龙州县", "responsible_units": ["龙州县扶贫办"]},
        )
        records.delete_record(session, records.get_record(session, gone))
        records.update_record(session, records.get_record(session, moved), {"date": date(2019, 12, 30)})
    model.refresh([kept, edited, gone, moved, added, uuid.uuid4()])  # and one that is nowhere

    fresh = RecordTableModel(context, "meeting", deleted=deleted)
    fresh.reload()
    assert _state(model) == _state(fresh) and resets == []
    assert set(model.ids) == ({gone} if deleted else {kept, edited, added})


# The window ----------------------------------------------------------------------------------


@pytest.fixture
def window(ledger, qtbot, tmp_path):
    QSettings().clear()
    for n in range(3):
        _add(ledger, title=f"会议{n}")
        _add(ledger, "training", title=f"培训班{n}")
    context = LedgerContext(ledger)
    with context.session() as session:
        reading = plans.read_plan(
            session, write_xlsx(HESHAN_LONGZHOU_2020, tmp_path / "清单.xlsx"), pairing=PAIRING, year=2020
        )
    context.import_plan(reading)
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    # Each view read once, as a clerk looking round would.
    main.sidebar.setCurrentRow(main.stack.indexOf(main.plans))
    main.show_kind("training")
    yield main
    main.close()


def _title(table, record_id) -> str:
    return table.model.rows[table.model.ids.index(record_id)][table.model.column_of("title")]


def test_a_meeting_saved_reads_its_row_alone_and_not_the_training_table_or_the_plan_view(window, monkeypatch):
    meetings = window.show_kind("meeting")
    chosen = meetings.model.ids[0]
    before = _title(meetings, chosen)
    training = window.tables["training"]
    whole = {
        "meetings": _counted(monkeypatch, meetings.model, "reload"),
        "training": _counted(monkeypatch, training.model, "reload"),
        "plans": _counted(monkeypatch, window.plans, "reload"),
    }
    rows = {"meetings": _counted(monkeypatch, meetings.model, "refresh")}
    rows["training"] = _counted(monkeypatch, training.model, "refresh")

    assert window.context.save_record("meeting", {"title": "改过的会议"}, chosen) == chosen
    assert _title(meetings, chosen) == "改过的会议" and meetings.count.text() == "共 3 条"
    window.show_kind("training")
    window.sidebar.setCurrentRow(window.stack.indexOf(window.plans))
    assert whole == {"meetings": [], "training": [], "plans": []}
    assert rows["meetings"] == [({chosen},)] and rows["training"] == []

    window.show_kind("meeting")
    window.context.undo_stack.undo()
    assert _title(meetings, chosen) == before and whole["meetings"] == []
    assert len(rows["meetings"]) == 2


def test_a_deleted_meeting_leaves_its_table_and_an_undo_brings_it_back_without_a_whole_reload(window, monkeypatch):
    meetings = window.show_kind("meeting")
    whole = _counted(monkeypatch, meetings.model, "reload")
    chosen = meetings.model.ids[1]
    meetings.table.selectRow(
        next(row for row in range(3) if meetings.record_at(meetings.proxy.index(row, 0)) == chosen)
    )
    window.delete_selected()
    assert chosen not in meetings.model.ids and meetings.count.text() == "共 2 条"
    window.context.undo_stack.undo()
    assert chosen in meetings.model.ids and meetings.proxy.rowCount() == 3 and whole == []
