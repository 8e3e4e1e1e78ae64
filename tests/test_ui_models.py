"""The window's models without a view (STYLE.md: "models have their own tests without a view"): the record table's
model on a small ledger made here — its rows and columns, what data() shows and what it sorts by, and None for
an index that is not one — and the rows a record's evidence panel lists, read without the panel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PIL import Image
from PySide6.QtCore import QModelIndex, Qt
from samples import VALID

from ledger import evidence, records
from ledger.field_types import FieldType
from ledger.kinds import KINDS
from ui.context import LedgerContext
from ui.evidence_files import shown_attachments
from ui.record_table_model import RecordTableModel

PAIRING = "鹤山市—龙州县"
GRANT = VALID["disbursement"]["title"]
MASKS = "鹤山市红十字会捐赠医用外科口罩48000只（折款）"
DISPLAY, SORT = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole
ROLES = (
    DISPLAY,
    SORT,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ForegroundRole,
)


@pytest.fixture
def context(ledger, qtbot):  # qtbot: the session's one QApplication
    with ledger.session() as session, session.begin():
        records.add_record(session, "disbursement", VALID["disbursement"])
        masks = {"title": MASKS, "fund_type": "捐物折款", "amount": Decimal("45600.00"), "date": date(2020, 3, 11)}
        records.add_record(session, "disbursement", {**VALID["disbursement"], **masks})
        gone = records.add_record(session, "disbursement", {**VALID["disbursement"], "title": "录错的一笔"})
        records.delete_record(session, gone)
    context = LedgerContext(ledger)
    context.set_scope(PAIRING, 2020)
    return context


def _model(context, *, deleted: bool = False) -> RecordTableModel:
    model = RecordTableModel(context, "disbursement", deleted=deleted)
    model.reload()
    return model


def _row(model: RecordTableModel, title: str) -> int:
    column = model.column_of("title")
    return next(row for row in range(model.rowCount()) if model.index(row, column).data() == title)


def test_the_record_model_has_a_row_per_live_record_and_a_column_per_field_then_the_evidence_count(context):
    model = _model(context)
    fields = KINDS["disbursement"].fields
    assert model.rowCount() == 2 and model.columnCount() == len(fields) + 1
    assert model.rowCount(model.index(0, 0)) == 0 and model.columnCount(model.index(0, 0)) == 0  # a flat table
    assert [model.headerData(column, Qt.Orientation.Horizontal) for column in range(len(fields))] == [
        field.label for field in fields
    ]
    assert model.headerData(model.column_of("evidence"), Qt.Orientation.Horizontal) == "佐证"
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert {model.index(row, model.column_of("title")).data() for row in range(2)} == {GRANT, MASKS}


def test_the_record_model_shows_text_and_sorts_by_native_values(context):
    model = _model(context)
    grant, masks = _row(model, GRANT), _row(model, MASKS)
    amount, day, count = (model.column_of(name) for name in ("amount", "date", "evidence"))
    assert model.index(grant, amount).data(DISPLAY) == "1,300,000.00"
    assert model.index(grant, amount).data(SORT) == 1_300_000.0
    assert model.index(masks, amount).data(SORT) < model.index(grant, amount).data(SORT)
    assert model.index(grant, amount).data(Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert model.index(grant, day).data(DISPLAY) == "2020-03-10"
    assert model.index(grant, day).data(SORT) == "2020-03-10"  # ISO text sorts as the dates do
    assert model.index(grant, count).data(DISPLAY) == "0" and model.index(grant, count).data(SORT) == 0.0
    assert model.index(grant, model.column_of("deep_poverty")).data(DISPLAY) == "是"
    # One type per column, so Qt compares the keys itself: numbers as floats, the rest as text.
    numbers = {model.column_of(f.name) for f in model.fields if f.type in (FieldType.MONEY, FieldType.INT)}
    assert {amount, model.column_of("year")} <= numbers
    for row in (grant, masks):
        for column in range(model.columnCount()):
            key = model.index(row, column).data(SORT)
            assert isinstance(key, float if column in numbers | {count} else str)


def test_the_recycle_bin_model_says_who_deleted_each_record_and_when(context):
    model = _model(context, deleted=True)
    assert model.rowCount() == 1 and model.columnCount() == len(KINDS["disbursement"].fields) + 3
    assert model.index(0, model.column_of("title")).data() == "录错的一笔"
    assert model.index(0, model.column_of("deleted_by")).data() == "测试员"
    when = model.index(0, model.column_of("deleted_at"))
    assert when.data(DISPLAY) and when.data(SORT) > when.data(DISPLAY)  # the sort key is the whole ISO time


def test_the_record_model_answers_none_for_an_index_that_is_not_one(context):
    model = _model(context)
    beyond = model.index(model.rowCount(), 0)
    assert not beyond.isValid()
    for index in (QModelIndex(), beyond, model.index(0, model.columnCount())):
        for role in ROLES:
            assert model.data(index, role) is None


def test_the_evidence_panel_rows_are_read_without_the_panel(ledger, context, tmp_path):
    photo = tmp_path / "会场.jpg"
    Image.new("RGB", (640, 480), (200, 120, 40)).save(photo, "JPEG")
    notes = tmp_path / "说明.txt"
    notes.write_text("拨付说明", encoding="utf-8")
    with ledger.session() as session, session.begin():
        record = records.get_record(session, _model(context).ids[0])
        evidence.attach(
            session, ledger.evidence_dir, record, [photo, notes], roles=["照片", "其他"], captions=["会场", None]
        )
    with ledger.session() as session:
        record = records.get_record(session, record.id)
        rows = shown_attachments(ledger, record)
    assert [(row.name, row.role, row.caption, row.is_image) for row in rows] == [
        ("会场.jpg", "照片", "会场", True),
        ("说明.txt", "其他", "", False),
    ]
    assert rows[0].facts.startswith("640×480 · ") and rows[0].facts.endswith(" KB")
    assert rows[1].facts == "1 KB"  # a file under a kilobyte is said as one
    assert all(row.path.is_file() for row in rows)
    model = _model(context)
    assert model.index(_row(model, record.title), model.column_of("evidence")).data() == "2"
