"""The exported workbook, read back with openpyxl as Excel would show it, and printed by LibreOffice."""

import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from PIL import Image
from pypdf import PdfReader
from python_calamine import CalamineWorkbook
from samples import VALID

from ledger import evidence, records
from ledger.excel.export import export_workbook
from ledger.excel.importing import import_workbook
from ledger.excel.sheets import EVIDENCE_SHEET, ID_HEADER, PROGRESS_SHEET, SHEET_NAMES
from ledger.jobs import Job
from ledger.kinds import KINDS
from ledger.models import Attachment
from ledger.storage.folder import Ledger
from ledger.values import display_width


@pytest.fixture(scope="module")
def demo_workbook(demo_build, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "台账.xlsx"
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        # The year's workbook, as a clerk exports it: every record of the demo counts in 2020.
        export_workbook(session, path, year=2020)
        live = {kind: [records.record_json(r) for r in records.list_records(session, kind)] for kind in KINDS}
        attachments = session.query(Attachment).filter(Attachment.deleted_at.is_(None)).count()
    return path, live, attachments


@pytest.fixture(scope="module")
def book(demo_workbook):
    return openpyxl.load_workbook(demo_workbook[0])


def _header(sheet):
    return [cell.value for cell in sheet[3]]


def _hidden(sheet, label):
    return sheet.column_dimensions[get_column_letter(_header(sheet).index(label) + 1)].hidden


def _data_rows(sheet):
    """The rows under the header that hold a record (the total row has no id)."""
    id_column = _header(sheet).index(ID_HEADER)
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[id_column]]


def test_one_sheet_per_kind_between_progress_and_evidence(book):
    assert book.sheetnames == [PROGRESS_SHEET, *SHEET_NAMES.values(), EVIDENCE_SHEET]


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_sheet_holds_every_live_record_field_by_field(book, demo_workbook, kind):
    sheet = book[SHEET_NAMES[kind]]
    spec = KINDS[kind]
    assert sheet["A1"].value == f"2020年鹤山市—龙州县东西部协作 {SHEET_NAMES[kind]}"
    # 版本, hidden: the revision each record was exported at, for the import to find what changed since.
    assert _header(sheet) == ["序号", *(f.label for f in spec.fields), "版本", ID_HEADER]
    rows = _data_rows(sheet)
    live = demo_workbook[1][kind]
    assert [row[-1] for row in rows] == [record["id"] for record in live]
    assert [row[0] for row in rows] == list(range(1, len(live) + 1))
    for row, record in zip(rows, live, strict=True):
        assert isinstance(row[-2], int) and row[-2] >= 1
        for field, value in zip(spec.fields, row[1:-2], strict=True):
            expected = record[field.name]
            if field.type == "date" and expected:
                assert value == datetime.fromisoformat(expected)
            elif field.type == "money" and expected is not None:
                assert Decimal(str(value)).quantize(Decimal("0.01")) == Decimal(expected)
            elif field.type == "bool" and expected is not None:
                assert value == ("是" if expected else "否")
            elif field.type == "units":
                assert value == ("、".join(expected) or None)
            elif field.type == "entries":
                assert value == ("\n".join(expected) or None)
            else:
                assert value == expected, field.name


def test_cells_are_typed_and_formatted_as_a_clerk_would(book):
    cadres = book[SHEET_NAMES["cadre"]]
    header = _header(cadres)
    first = 4
    id_number = cadres.cell(first, header.index("身份证号") + 1)
    assert id_number.data_type == "s" and len(id_number.value) == 18 and id_number.number_format == "@"
    start = cadres.cell(first, header.index("挂职开始日期") + 1)
    assert start.is_date and start.number_format == "yyyy-mm-dd"

    funds = book[SHEET_NAMES["disbursement"]]
    header = _header(funds)
    amount_column = header.index("金额（元）") + 1
    amount = funds.cell(first, amount_column)
    assert isinstance(amount.value, int | float) and amount.number_format == "#,##0.00"
    rows = _data_rows(funds)
    total_row = first + len(rows)
    assert funds.cell(total_row, 1).value == "合计"
    total = sum(Decimal(str(row[amount_column - 1])) for row in rows)
    assert Decimal(str(funds.cell(total_row, amount_column).value)) == total
    assert funds.cell(total_row, header.index("事项") + 1).value == f"共 {len(rows)} 条"


@pytest.mark.parametrize("name", [PROGRESS_SHEET, *SHEET_NAMES.values(), EVIDENCE_SHEET])
def test_every_sheet_is_set_up_to_print_on_a4_landscape_one_page_wide(book, name):
    sheet = book[name]
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert sheet.freeze_panes == "A4"
    assert "A1:" in str(sheet.merged_cells)
    header = _header(sheet)
    # The record id comes back on import but is not printed.
    last_printed = get_column_letter(header.index(ID_HEADER))
    assert sheet.print_area.split("!")[-1].startswith(f"$A$1:${last_printed}$")
    if name != PROGRESS_SHEET:
        assert sheet.auto_filter.ref.startswith("A3:")


def test_columns_fit_their_chinese_text(book):
    sheet = book[SHEET_NAMES["meeting"]]
    header = _header(sheet)
    width = {label: sheet.column_dimensions[get_column_letter(i + 1)].width for i, label in enumerate(header)}
    assert width["日期"] >= len("2020-12-31")
    assert width["会议类型"] >= display_width("调研对接/互访")
    assert width["事项"] > width["层级"]
    # One pairing's one year: said in the title, so those columns are kept for import but not printed; nor is
    # 受援县, which no record names (a pairing of one county).
    assert [_hidden(sheet, label) for label in ("结对关系", "受援县", "年度", "事项")] == [True, True, True, False]
    # Postings begun in 2018 and 2019 are in 2020's workbook too: their sheet prints its 年度.
    cadres = book[SHEET_NAMES["cadre"]]
    assert [_hidden(cadres, label) for label in ("结对关系", "受援县", "年度")] == [True, True, False]
    printed = [w for label, w in width.items() if label not in ("结对关系", "受援县", "年度", ID_HEADER)]
    # Fitted to a landscape A4 page (about 140 units at full size), text prints at 60% or more.
    assert max(printed) <= 40 and sum(printed) <= 240


def test_progress_and_evidence_sheets(book, demo_workbook):
    progress = book[PROGRESS_SHEET]
    rows = list(progress.iter_rows(min_row=5, values_only=True))
    joint = next(row for row in rows if row[0] == "1.2")
    assert joint[4] == "会议与互访次数（党政联席会议）" and (joint[5], joint[6], joint[7]) == (2, 2, "次")
    assert joint[9] == "已完成"
    assert sum(1 for row in rows if row[0]) == 37  # every task of the demo's plan
    evidence = book[EVIDENCE_SHEET]
    assert len(_data_rows(evidence)) == demo_workbook[2]


def test_filters_limit_sheets_and_rows_and_deleted_records_stay_out(demo_build, tmp_path):
    path = tmp_path / "ledger"
    shutil.copytree(demo_build[0], path)
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session:
        with session.begin():
            gone = next(r for r in records.list_records(session, "disbursement") if r.record_status != "已归档")
            records.delete_record(session, gone)
        export_workbook(session, tmp_path / "funds.xlsx", kinds=["disbursement"], year=2020)
        export_workbook(session, tmp_path / "none.xlsx", kinds=["disbursement"], year=2019)
        live = len(records.list_records(session, "disbursement"))
    book = openpyxl.load_workbook(tmp_path / "funds.xlsx")
    assert book.sheetnames == [PROGRESS_SHEET, SHEET_NAMES["disbursement"], EVIDENCE_SHEET]
    ids = [row[-1] for row in _data_rows(book[SHEET_NAMES["disbursement"]])]
    assert len(ids) == live and str(gone.id) not in ids
    empty = openpyxl.load_workbook(tmp_path / "none.xlsx")[SHEET_NAMES["disbursement"]]
    assert _data_rows(empty) == [] and "2019年" in empty["A1"].value


def test_an_interrupted_export_leaves_no_file_and_keeps_the_old_one(demo_build, tmp_path):
    target = tmp_path / "台账.xlsx"
    target.write_bytes(b"the old workbook")

    def cancel(fraction, message):
        if fraction > 0.3:
            raise KeyboardInterrupt

    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session, pytest.raises(KeyboardInterrupt):
        export_workbook(session, target, job=Job(cancel))
    assert target.read_bytes() == b"the old workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["台账.xlsx"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_prints_every_sheet_landscape_one_page_wide_with_headers_repeated(demo_workbook, tmp_path):
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(demo_workbook[0])],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pages = PdfReader(tmp_path / "台账.pdf").pages
    assert len(pages) > 7
    for page in pages:
        assert page.mediabox.width > page.mediabox.height  # landscape
        text = page.extract_text()
        # Each page carries the whole header, first column to last: one page wide, header repeated.
        assert "序号" in text and ("状态" in text or "拍摄时间" in text), text[:200]
        assert "第" in text and "页" in text


def test_a_folder_that_cannot_be_made_leaves_no_temporary_sheets_behind(session, tmp_path):
    import tempfile

    def leftovers():
        return {path.name for path in Path(tempfile.gettempdir()).glob("openpyxl.*")}

    before = leftovers()
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("")
    with pytest.raises(OSError):
        export_workbook(session, blocker / "台账.xlsx")
    assert leftovers() <= before


# Text a spreadsheet would take for a formula -------------------------------------------------------

#: Typed into a record: each would be a formula, or an error value, had it been typed into Excel.
FORMULA_LIKE = {
    "summary": '=HYPERLINK("http://x","点我")',
    "lead_post": "+挂职副县长",
    "minutes_no": "-2020-12",
    "attendees": "@全体成员",
    "location": "#N/A",
}
FORMULA_LIKE_CELLS = {
    "主要内容": '=HYPERLINK("http://x","点我")',
    "领导职务": "+挂职副县长",
    "纪要文号": "-2020-12",
    "参会人员": "@全体成员",
    "地点": "#N/A",
}


@pytest.fixture
def formula_like_book(ledger, session, tmp_path):
    """A record whose texts a spreadsheet would take for formulas, with a photo named =1+1.jpg, exported."""
    record = records.add_record(session, "meeting", {**VALID["meeting"], **FORMULA_LIKE})
    photo = tmp_path / "=1+1.jpg"
    Image.new("RGB", (64, 48), "green").save(photo, "JPEG")
    evidence.attach(session, ledger.evidence_dir, record, [photo], role="照片", caption="=SUM(1,2)")
    session.commit()
    path = tmp_path / "台账.xlsx"
    export_workbook(session, path)
    return path, str(record.id)


def _sheet_parts(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/sheet")}


def _formula_like_cells(path):
    """The formula-like cells of the record's row and of its photo's row, as openpyxl reads them."""
    book = openpyxl.load_workbook(path)
    meetings, files = book[SHEET_NAMES["meeting"]], book[EVIDENCE_SHEET]
    meeting_header, file_header = _header(meetings), _header(files)
    cells = {label: meetings.cell(4, meeting_header.index(label) + 1) for label in FORMULA_LIKE_CELLS}
    cells |= {label: files.cell(4, file_header.index(label) + 1) for label in ("原文件名", "说明")}
    return cells


def _check_formula_like_text(path, record_id, session):
    for name, xml in _sheet_parts(path).items():
        assert re.search(rb"<(\w+:)?f[\s>/]", xml) is None, name  # no formula anywhere
        assert b't="e"' not in xml, name  # and no error value
    cells = _formula_like_cells(path)
    assert {label: cell.value for label, cell in cells.items()} == {
        "主要内容": '=HYPERLINK("http://x","点我")',
        "领导职务": "+挂职副县长",
        "纪要文号": "-2020-12",
        "参会人员": "@全体成员",
        "地点": "#N/A",
        "原文件名": "=1+1.jpg",
        "说明": "=SUM(1,2)",
    }
    assert {label: cell.data_type for label, cell in cells.items()} == dict.fromkeys(cells, "s")
    # The import's reader sees the same text.
    rows = CalamineWorkbook.from_path(path).get_sheet_by_name(SHEET_NAMES["meeting"]).to_python()
    assert '=HYPERLINK("http://x","点我")' in rows[3] and record_id in rows[3]
    # And the workbook comes back as it went out.
    session.rollback()  # the export's read
    report = import_workbook(session, path)
    counts = {sheet.kind: (sheet.new, sheet.updated, sheet.unchanged) for sheet in report.sheets}
    assert counts["meeting"] == (0, 0, 1)
    record = records.get_record(session, record_id)
    assert (record.summary, record.location, record.attendees) == ('=HYPERLINK("http://x","点我")', "#N/A", "@全体成员")


def test_text_a_spreadsheet_would_take_for_a_formula_is_written_as_text_and_comes_back(formula_like_book, session):
    path, record_id = formula_like_book
    _check_formula_like_text(path, record_id, session)
    # Typed over in Excel, text starting = + - @ stays text: the cell carries the mark Excel gives text typed
    # after an apostrophe ('=1+1).
    cells = _formula_like_cells(path)
    assert {label: cell.quotePrefix for label, cell in cells.items()} == {
        "主要内容": True,
        "领导职务": True,
        "纪要文号": True,
        "参会人员": True,
        "地点": False,
        "原文件名": True,
        "说明": True,
    }


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_text_like_a_formula_stays_text_after_libreoffice_saves_the_workbook(formula_like_book, session, tmp_path):
    path, record_id = formula_like_book
    saved = tmp_path / "saved"
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xlsx",
         "--outdir", str(saved), str(path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    _check_formula_like_text(saved / "台账.xlsx", record_id, session)
