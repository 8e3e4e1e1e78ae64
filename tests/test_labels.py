"""The archive-box paperwork (盒脊, 盒封面, 备考表) read back with pypdf: pages, fields, fonts, atomic writing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from ledger.errors import LedgerError
from ledger.pdf import labels
from ledger.pdf.fonts import find_fonts
from ledger.pdf.labels import Box, LabelOptions, build_labels

TITLE = "2020年鹤山市—龙州县东西部协作考核佐证材料"
BOXES = [
    Box(1, "一、组织领导", 1, 43, 43, 131),
    Box(2, "二、人才交流", 44, 55, 12, 38, notes="缺少佐证材料 2 件"),
    Box(3, "三、产业合作", 56, 62, 7, 23),
]


def _options(**changes) -> LabelOptions:
    values = dict(
        title=TITLE,
        year=2020,
        compiling_unit="鹤山市东西部协作工作组",
        compiled_by="张三",
        checked_by="李四",
        dated=date(2021, 1, 15),
    )
    return LabelOptions(**{**values, **changes})


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _texts(path) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("labels") / "档案盒.pdf"
    pages = build_labels(out, BOXES, _options(), find_fonts())
    return out, pages, _texts(out)


def test_one_spine_page_then_a_cover_and_a_notes_sheet_per_box(built):
    out, pages, texts = built
    assert pages == len(texts) == 1 + 2 * len(BOXES)  # four 40 mm spines fit on a page
    assert "盒脊" in texts[0]
    for n, box in enumerate(BOXES):
        assert box.heading in texts[1 + 2 * n] and "备考表" in texts[2 + 2 * n]


def test_each_spine_reads_its_fields_top_to_bottom(built):
    out, pages, texts = built
    for box in BOXES:
        # Vertical text is read a character at a time; the numbers stay whole.
        spine = f"全宗号年度2020保管期限30年起止件号{box.first_item}{box.last_item}盒号{box.number}"
        assert spine in texts[0], spine


def test_each_cover_names_its_box(built):
    out, pages, texts = built
    for n, box in enumerate(BOXES):
        cover = texts[1 + 2 * n]
        assert _flat(TITLE) in cover
        assert "全宗名称鹤山市东西部协作工作组年度2020保管期限30年" in cover
        assert f"起止件号{box.first_item}—{box.last_item}件数{box.items}页数{box.pages}盒号{box.number}" in cover


def test_each_notes_sheet_says_what_its_box_holds_and_who_arranged_it(built):
    out, pages, texts = built
    for n, box in enumerate(BOXES):
        notes = texts[2 + 2 * n]
        assert f"本盒共{box.items}件，{box.pages}页；起止件号{box.first_item}—{box.last_item}。" in notes
        assert "整理人：张三整理日期：2021年1月15日检查人：李四检查日期：2021年1月15日" in notes
    assert "缺少佐证材料2件。" in texts[4] and "缺少佐证材料" not in texts[2] + texts[6]


def test_the_date_defaults_to_today_and_an_unnamed_checker_dates_by_hand(tmp_path):
    out = tmp_path / "labels.pdf"
    build_labels(out, BOXES[:1], _options(dated=None, checked_by=""), find_fonts())
    today = date.today()
    assert f"整理日期：{today.year}年{today.month}月{today.day}日检查人：检查日期：年月日" in _texts(out)[2]


def test_thicker_spines_take_more_pages(tmp_path):
    boxes = [Box(n, f"第{n}部分", n, n, 1, 2) for n in range(1, 9)]
    spine_pages = {}
    for spine_mm in (20, 50):
        out = tmp_path / f"{spine_mm}.pdf"
        pages = build_labels(out, boxes, _options(spine_mm=spine_mm), find_fonts())
        texts = _texts(out)
        spine_pages[spine_mm] = pages - 2 * len(boxes)
        assert "盒脊" in texts[spine_pages[spine_mm] - 1] and "盒脊" not in texts[spine_pages[spine_mm]]
        assert sum(text.count("盒号") for text in texts[: spine_pages[spine_mm]]) == len(boxes)
    assert spine_pages == {20: 2, 50: 3}  # seven 20 mm spines on a page, three 50 mm ones


def test_a_failed_build_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "labels.pdf"
    out.write_bytes(b"the labels of last time")

    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(labels, "_notes_sheet", broken)  # fails while drawing
    with pytest.raises(RuntimeError):
        build_labels(out, BOXES, _options(), find_fonts())
    monkeypatch.undo()
    monkeypatch.setattr(os, "replace", broken)  # fails with the temporary file written
    with pytest.raises(RuntimeError):
        build_labels(out, BOXES, _options(), find_fonts())
    assert os.listdir(tmp_path) == ["labels.pdf"] and out.read_bytes() == b"the labels of last time"


def test_every_font_is_embedded(built):
    out, pages, texts = built
    if not find_fonts().main.embedded:
        pytest.skip("no TrueType Chinese font on this machine")
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils is not installed")
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    # Embedded TrueType only: no unembedded Helvetica from a canvas or table default either.
    assert rows and all("TrueType" in row and row.split()[-5] == "yes" for row in rows), listing


@pytest.mark.parametrize(("boxes", "spine_mm"), [([], 40), (BOXES, 35)])
def test_nothing_to_box_or_an_odd_spine_is_refused(tmp_path, boxes, spine_mm):
    with pytest.raises(LedgerError):
        build_labels(tmp_path / "labels.pdf", boxes, _options(spine_mm=spine_mm), find_fonts())
    assert not os.listdir(tmp_path)
