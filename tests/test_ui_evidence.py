"""The 佐证材料 view: every file of the year at once, narrowed by the filter box, thumbnails drawn only for the rows
in sight."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication
from samples import VALID

from ledger import evidence, records
from ui.context import LedgerContext
from ui.evidence_view import EvidenceView


@pytest.fixture
def context(ledger):
    return LedgerContext(ledger)


def _photos(folder, count: int):
    folder.mkdir()
    paths = []
    for number in range(count):
        path = folder / f"现场{number:03d}.jpg"
        Image.new("RGB", (320, 240), (number * 3 % 256, 120, 200 - number)).save(path, "JPEG")
        paths.append(path)
    return paths


def _pdf(path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as stream:
        writer.write(stream)
    return path


@pytest.fixture
def filed(ledger, tmp_path):
    """A meeting with its minutes and a photo, and a training with its roster."""
    photo = _photos(tmp_path / "photos", 1)[0]
    with ledger.session() as session, session.begin():
        meeting = records.add_record(session, "meeting", VALID["meeting"])
        training = records.add_record(session, "training", {**VALID["training"], "title": "电商人才培训班"})
        evidence.attach(
            session,
            ledger.evidence_dir,
            meeting,
            [_pdf(tmp_path / "联席会议纪要.pdf"), photo],
            roles=["会议纪要", "照片"],
            captions=["", "会场全景"],
        )
        evidence.attach(session, ledger.evidence_dir, training, [_pdf(tmp_path / "学员花名册.pdf")], role="花名册")
    return ledger


def _view(qtbot, context, width=1000, height=420) -> EvidenceView:
    view = EvidenceView(context)
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    view.reload()
    return view


def _files(view: EvidenceView) -> list[str]:
    table = view.table
    return [table.item(row, 4).text() for row in range(table.rowCount()) if not table.isRowHidden(row)]


def test_the_filter_box_narrows_the_rows_by_name_type_caption_or_title(qtbot, context, filed):
    view = _view(qtbot, context)
    assert _files(view) == ["联席会议纪要.pdf", "现场000.jpg", "学员花名册.pdf"]
    assert view.note.text() == "共 3 个文件（双击打开文件，双击事项打开记录）"
    assert [view.table.item(0, column).text() for column in range(7)] == [
        "会议与互访",
        "鹤山—龙州扶贫协作党政联席会议",
        "会议纪要",
        "",
        "联席会议纪要.pdf",
        "1 KB",
        "1",
    ]

    cases = {
        "照片": ["现场000.jpg"],  # type
        "全景": ["现场000.jpg"],  # caption
        "电商": ["学员花名册.pdf"],  # record title
        "花名册.PDF": ["学员花名册.pdf"],  # file name, in any case
        "纪要  联席": ["联席会议纪要.pdf"],  # every word must be there
        "联席": ["联席会议纪要.pdf", "现场000.jpg"],  # the meeting's title names both of its files
        "培训 照片": [],
    }
    for words, expected in cases.items():
        view.filter.setText(words)
        assert _files(view) == expected, words
    assert view.note.text() == "显示 0 个，共 3 个文件（双击打开文件，双击事项打开记录）"

    view.filter.setText("照片")
    view.reload()  # after a change the filter still holds
    assert _files(view) == ["现场000.jpg"] and view.shown_rows() == 1
    view.table.sortByColumn(4, view.table.horizontalHeader().sortIndicatorOrder())
    assert _files(view) == ["现场000.jpg"]
    view.filter.clear()
    assert view.shown_rows() == 3


def test_the_view_opens_without_decoding_and_draws_only_the_rows_in_sight(qtbot, context, ledger, tmp_path):
    photos = _photos(tmp_path / "photos", 120)
    with ledger.session() as session, session.begin():
        record = records.add_record(session, "meeting", VALID["meeting"])
        evidence.attach(session, ledger.evidence_dir, record, photos, role="照片")

    view = _view(qtbot, context, height=420)
    assert view.table.rowCount() == 120
    assert view.decoded == 0  # the list is there before any photo is read
    qtbot.waitUntil(lambda: not view.table.item(0, 4).icon().isNull())
    QApplication.processEvents()
    in_sight = view.decoded
    assert 3 <= in_sight <= 10  # 420 pixels of window hold a handful of 46-pixel rows, not 120
    assert view.table.item(119, 4).icon().isNull()

    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: not view.table.item(119, 4).icon().isNull())
    QApplication.processEvents()
    assert view.decoded <= 2 * in_sight + 1
    assert view.table.item(60, 4).icon().isNull()  # passed over, never in sight

    view.filter.setText("现场060")  # a row out of sight comes into sight through the filter
    qtbot.waitUntil(lambda: not view.table.item(60, 4).icon().isNull())
    decoded = view.decoded
    view.filter.clear()
    view.reload()  # thumbnails drawn once are kept
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: not view.table.item(119, 4).icon().isNull())
    assert view.decoded == decoded
