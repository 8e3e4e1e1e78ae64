"""The Excel ledger back in: the exported workbook after edits, hand-made workbooks, and workbooks with mistakes."""

import shutil
from datetime import date, datetime

import openpyxl
import pytest
from samples import ID_NUMBER
from sqlalchemy import func, select

from ledger import records
from ledger.cli import main
from ledger.excel_export import export_workbook
from ledger.excel_import import ImportFailed, import_workbook
from ledger.folder import Ledger
from ledger.kinds import KINDS
from ledger.models import AuditEntry
from ledger.sheets import ID_HEADER, SHEET_NAMES


@pytest.fixture
def demo(demo_build, tmp_path):
    """A copy of the demo ledger and its exported workbook."""
    path = tmp_path / "ledger"
    shutil.copytree(demo_build[0], path)
    book = tmp_path / "台账.xlsx"
    with Ledger.open(path) as ledger, ledger.session() as session:
        export_workbook(session, book)
    return path, book


def _state(path):
    """Every record of every kind, deleted ones too, and the length of the audit log."""
    with Ledger.open(path) as ledger, ledger.session() as session:
        rows = {
            kind: [records.record_json(r) for r in records.list_records(session, kind)]
            + [records.record_json(r) for r in records.list_records(session, kind, deleted=True)]
            for kind in KINDS
        }
        return rows, session.scalar(select(func.count()).select_from(AuditEntry))


def _import(path, book, **options):
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session:
        return import_workbook(session, book, **options)


def _counts(report):
    return {sheet.kind: (sheet.new, sheet.updated, sheet.unchanged) for sheet in report.sheets}


def _columns(sheet, header_row=3):
    return {cell.value: cell.column for cell in sheet[header_row] if cell.value}


def _row_of(sheet, record_id):
    column = _columns(sheet)[ID_HEADER]
    return next(row for row in range(4, sheet.max_row + 1) if sheet.cell(row, column).value == record_id)


def test_an_unchanged_export_comes_back_with_nothing_new_and_nothing_updated(demo):
    path, book = demo
    before = _state(path)
    report = _import(path, book)
    assert {kind: counts[:2] for kind, counts in _counts(report).items()} == {kind: (0, 0) for kind in KINDS}
    assert sum(counts[2] for counts in _counts(report).values()) == sum(len(rows) for rows in before[0].values())
    assert set(report.ignored_sheets) == {"指标完成情况", "佐证材料"}
    assert _state(path) == before  # not even an audit entry


def test_three_edited_cells_and_one_new_row_land_exactly(demo):
    path, book = demo
    with Ledger.open(path) as ledger, ledger.session() as session:
        meeting = next(r for r in records.list_records(session, "meeting") if r.record_status != "已归档")
        funds = next(r for r in records.list_records(session, "disbursement") if r.record_status != "已归档")
        cadre = next(r for r in records.list_records(session, "cadre") if r.record_status != "已归档")
        meeting_id, funds_id, cadre_id = str(meeting.id), str(funds.id), str(cadre.id)
    before, audit_before = _state(path)

    workbook = openpyxl.load_workbook(book)
    sheet = workbook[SHEET_NAMES["meeting"]]
    sheet.cell(_row_of(sheet, meeting_id), _columns(sheet)["地点"]).value = "龙州县政府第一会议室"
    sheet = workbook[SHEET_NAMES["disbursement"]]
    sheet.cell(_row_of(sheet, funds_id), _columns(sheet)["金额（元）"]).value = "1,234,567.89"
    sheet = workbook[SHEET_NAMES["cadre"]]
    sheet.cell(_row_of(sheet, cadre_id), _columns(sheet)["联系电话"]).value = "13907710001"
    sheet = workbook[SHEET_NAMES["training"]]
    columns = _columns(sheet)
    new_row = sheet.max_row + 1  # below the total row, as a clerk adds one
    for header, value in {
        "事项": "龙州县电商直播带货培训班",
        "培训类型": "劳动力技能培训",
        "举办地": "西部",
        "开班日期": "2020年11月2日",
        "结业日期": date(2020, 11, 4),
        "期数": 1,
        "培训人次": "60人次",
        "责任单位": "龙州县人社局、鹤山市人社局",
    }.items():
        sheet.cell(new_row, columns[header]).value = value
    workbook.save(book)

    report = _import(path, book)
    assert _counts(report)["meeting"][:2] == (0, 1)
    assert _counts(report)["disbursement"][:2] == (0, 1)
    assert _counts(report)["cadre"][:2] == (0, 1)
    assert _counts(report)["training"][:2] == (1, 0)
    assert _counts(report)["dispatch"][:2] == (0, 0)

    after, audit_after = _state(path)
    assert audit_after == audit_before + 4 + 2  # and the two units new to the directory
    changed = {
        (kind, record["id"], name)
        for kind in KINDS
        for record, old in zip(after[kind], before[kind], strict=False)
        for name in record
        if record["id"] == old["id"] and record[name] != old[name]
    }
    assert changed == {
        ("meeting", meeting_id, "location"),
        ("disbursement", funds_id, "amount"),
        ("cadre", cadre_id, "phone"),
    }
    funds_now = next(r for r in after["disbursement"] if r["id"] == funds_id)
    assert funds_now["amount"] == "1234567.89"
    (added,) = [r for r in after["training"] if r["id"] not in {old["id"] for old in before["training"]}]
    assert (added["start_date"], added["end_date"], added["participants"]) == ("2020-11-02", "2020-11-04", 60)
    assert added["pairing"] == "鹤山市—龙州县" and added["year"] == 2020  # from hidden columns left empty
    assert added["responsible_units"] == ["龙州县人社局", "鹤山市人社局"]
    with Ledger.open(path) as ledger, ledger.session() as session:
        (entry,) = [e for e in records.history(session, funds.id) if e.action == "update"]
        assert entry.author == "测试员" and "amount" in entry.changes


def test_a_workbook_with_mistakes_lists_every_one_and_writes_nothing(demo):
    path, book = demo
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session:
        meetings = [r for r in records.list_records(session, "meeting") if r.record_status != "已归档"]
        archived = next(r for r in records.list_records(session, "meeting") if r.record_status == "已归档")
        cadre = records.list_records(session, "cadre")[0]
        ids = [str(m.id) for m in meetings[:3]] + [str(archived.id), str(cadre.id)]
        records.delete_record(session, meetings[2])
        session.commit()
    before = _state(path)

    workbook = openpyxl.load_workbook(book)
    sheet = workbook[SHEET_NAMES["meeting"]]
    columns = _columns(sheet)
    first, second, deleted, locked = (_row_of(sheet, record_id) for record_id in ids[:4])
    sheet.cell(first, columns["日期"]).value = "2020年13月5日"
    sheet.cell(first, columns["会议类型"]).value = "茶话会"
    sheet.cell(second, columns[ID_HEADER]).value = ids[4]  # a cadre's id on the meeting sheet
    sheet.cell(deleted, columns["地点"]).value = "改了也不行"
    sheet.cell(locked, columns["地点"]).value = "已归档的不能改"
    extra = sheet.max_row + 1
    sheet.cell(extra, columns[ID_HEADER]).value = ids[0]  # the same record twice
    sheet.cell(extra + 1, columns[ID_HEADER]).value = "12345678-0000-0000-0000-000000000000"
    sheet.cell(extra + 1, columns["事项"]).value = "编号不存在"
    sheet.cell(extra + 2, columns["事项"]).value = "缺日期的新会议"
    sheet.cell(extra + 2, columns["会议类型"]).value = "座谈会"
    cadres = workbook[SHEET_NAMES["cadre"]]
    cadre_columns = _columns(cadres)
    cadre_row = _row_of(cadres, ids[4])
    cadres.cell(cadre_row, cadre_columns["身份证号"]).value = 440784199206164288  # typed without the text format
    cadres.cell(cadre_row, cadre_columns["挂职开始日期"]).value = "下个月"
    workbook.save(book)

    with pytest.raises(ImportFailed) as failed:
        _import(path, book)
    found = {(m.sheet, m.row, m.column) for m in failed.value.mistakes}
    meeting_sheet, cadre_sheet = SHEET_NAMES["meeting"], SHEET_NAMES["cadre"]
    assert found == {
        (meeting_sheet, first, "日期"),
        (meeting_sheet, first, "会议类型"),
        (meeting_sheet, second, ID_HEADER),
        (meeting_sheet, deleted, ID_HEADER),
        (meeting_sheet, locked, ""),
        (meeting_sheet, extra, ID_HEADER),
        (meeting_sheet, extra + 1, ID_HEADER),
        (meeting_sheet, extra + 2, "日期"),
        (cadre_sheet, cadre_row, "身份证号"),
        (cadre_sheet, cadre_row, "挂职开始日期"),
    }
    reasons = {(m.row, m.column): m.reason for m in failed.value.mistakes if m.sheet == meeting_sheet}
    assert "没有这一天" in reasons[first, "日期"]
    assert "只能是" in reasons[first, "会议类型"]
    assert "干部挂职台账" in reasons[second, ID_HEADER]
    assert "回收站" in reasons[deleted, ID_HEADER]
    assert "已归档" in reasons[locked, ""]
    assert f"第{first}行" in reasons[extra, ID_HEADER]
    assert "必须填写" in reasons[extra + 2, "日期"]
    message = str(failed.value)
    assert "存成了数字" in message and f"{cadre_sheet} 第{cadre_row}行 身份证号" in message
    assert _state(path) == before


HAND_MADE_HEADER = ["备注", "金额", "事项", "资金类型", "资金层级", "拨付日期", "接收单位", "结对关系"]


@pytest.mark.parametrize(
    ("day", "amount", "expected_day", "expected_amount"),
    [
        (date(2020, 5, 12), 2600000, "2020-05-12", "2600000.00"),
        (datetime(2020, 5, 12), 1234.5, "2020-05-12", "1234.50"),
        ("2020-05-12", "2,600,000.00", "2020-05-12", "2600000.00"),
        ("2020/5/12", "260万元", "2020-05-12", "2600000.00"),
        ("2020.5.12", "260万", "2020-05-12", "2600000.00"),
        ("2020年5月12日", "¥3,000", "2020-05-12", "3000.00"),
        (20200512, "0.5万元", "2020-05-12", "5000.00"),
    ],
)
def test_a_hand_made_sheet_with_its_own_columns_and_the_forms_clerks_type(
    ledger_path, tmp_path, day, amount, expected_day, expected_amount
):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "资金拨付"
    sheet.append(HAND_MADE_HEADER)  # no title rows, columns in another order, one extra, no optional ones
    sheet.append([])
    sheet.append(["第一批", amount, "拨付帮扶资金", "财政援助资金", "市", day, "龙州县财政局", "鹤山市-龙州县"])
    sheet.append([None] * 8)
    sheet.append(["", 100, "村企结对捐款", "社会帮扶资金", "社会", "2020-6-1", "龙州县扶贫办", "鹤山市—龙州县"])
    workbook.save(tmp_path / "hand.xlsx")

    report = _import(ledger_path, tmp_path / "hand.xlsx")
    assert _counts(report) == {"disbursement": (2, 0, 0)}
    assert report.ignored_columns == [("资金拨付", "备注")]
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        added = [records.record_json(r) for r in records.list_records(session, "disbursement")]
    first = next(r for r in added if r["title"] == "拨付帮扶资金")
    assert (first["date"], first["amount"], first["year"]) == (expected_day, expected_amount, 2020)
    assert first["pairing"] == "鹤山市—龙州县"


def test_money_beyond_the_fen_and_unknown_pairings_are_mistakes(ledger_path, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAMES["disbursement"]
    sheet.append(["事项", "资金类型", "资金层级", "金额（元）", "拨付日期", "接收单位", "结对关系"])
    sheet.append(["一", "财政援助资金", "市", 10.005, date(2020, 5, 1), "龙州县财政局", "鹤山市—龙州县"])
    sheet.append(["二", "财政援助资金", "市", "十万", date(2020, 5, 1), "龙州县财政局", "江海区—大新县"])
    workbook.save(tmp_path / "bad.xlsx")
    before = _state(ledger_path)
    with pytest.raises(ImportFailed) as failed:
        _import(ledger_path, tmp_path / "bad.xlsx")
    assert {(m.row, m.column) for m in failed.value.mistakes} == {(2, "金额（元）"), (3, "金额（元）"), (3, "结对关系")}
    assert _state(ledger_path) == before


def test_a_person_s_id_number_is_checked(ledger_path, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAMES["cadre"]
    header = ["姓名", "身份证号", "挂职方向", "职级", "挂职单位", "挂任职务", "挂职开始日期", "计划结束日期"]
    sheet.append(header)
    wrong = ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] == "0" else "0")
    for number in (ID_NUMBER, wrong):
        sheet.append(["黄丽华", number, "东部派往西部", "科级", "龙州县扶贫办", "副主任", "2020-03-01", "2021-02-28"])
    workbook.save(tmp_path / "cadres.xlsx")
    with pytest.raises(ImportFailed) as failed:
        _import(ledger_path, tmp_path / "cadres.xlsx")
    (mistake,) = failed.value.mistakes
    assert (mistake.row, mistake.column, mistake.value) == (3, "身份证号", wrong)


def test_a_dry_run_counts_and_writes_nothing(demo):
    path, book = demo
    workbook = openpyxl.load_workbook(book)
    sheet = workbook[SHEET_NAMES["meeting"]]
    columns = _columns(sheet)
    row = sheet.max_row + 1
    for header, value in {"事项": "试导入的会议", "日期": "2020-12-01", "会议类型": "座谈会"}.items():
        sheet.cell(row, columns[header]).value = value
    workbook.save(book)
    before = _state(path)
    report = _import(path, book, dry_run=True)
    assert _counts(report)["meeting"][0] == 1
    assert report.lines()[-1] == "（试导入，未写入台账）"
    assert _state(path) == before


@pytest.mark.parametrize(
    ("name", "content"),
    [("not-a-workbook.xlsx", b"just some text, not a zip"), ("empty.xlsx", b""), ("truncated.xlsx", b"PK\x03\x04")],
)
def test_files_that_are_no_workbook_are_refused_in_chinese(ledger_path, tmp_path, capsys, name, content):
    (tmp_path / name).write_bytes(content)
    status = main(["--ledger", str(ledger_path), "import", str(tmp_path / name)])
    err = capsys.readouterr().err
    assert status == 1 and f"无法读取工作簿 {name}" in err and "Traceback" not in err
    assert main(["--ledger", str(ledger_path), "import", str(tmp_path / "missing.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err


def test_the_cli_round_trip_and_its_mistakes(demo, capsys):
    path, book = demo
    assert main(["--ledger", str(path), "import", str(book)]) == 0
    out = capsys.readouterr().out
    assert f"{SHEET_NAMES['meeting']}：新增 0 条，修改 0 条，未变" in out
    workbook = openpyxl.load_workbook(book)
    sheet = workbook[SHEET_NAMES["training"]]
    sheet.cell(4, _columns(sheet)["培训人次"]).value = "很多"
    workbook.save(book)
    assert main(["--ledger", str(path), "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert "工作簿有 1 处错误，未导入任何内容" in err
    assert f"{SHEET_NAMES['training']} 第4行 培训人次“很多”：应为整数" in err
