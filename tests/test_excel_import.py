"""The Excel ledger back in: the exported workbook after edits, hand-made workbooks, and workbooks with mistakes."""

import json
import shutil
import subprocess
import uuid
from datetime import date, datetime

import openpyxl
import pytest
from excel_samples import PASSWORD_PROTECTED_XLS, columns_of, header, ledger_sheet, row, with_results, workbook
from samples import ID_NUMBER, VALID
from sqlalchemy import func, select

from ledger import audit_entries, records
from ledger.cli.main import main
from ledger.errors import LedgerError
from ledger.excel.export import export_workbook
from ledger.excel.importing import ImportFailed, import_workbook
from ledger.excel.sheets import ID_HEADER, SEQ_HEADER, SHEET_NAMES
from ledger.jobs import Job
from ledger.kinds import KINDS
from ledger.models import AuditEntry
from ledger.storage.folder import Ledger


@pytest.fixture(scope="module")
def demo_book(demo_build, tmp_path_factory):
    """The demo ledger exported once; tests edit copies."""
    book = tmp_path_factory.mktemp("export") / "台账.xlsx"
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        export_workbook(session, book)
    return book


@pytest.fixture
def demo(demo_build, demo_book, tmp_path):
    """A copy of the demo ledger and of its exported workbook."""
    path, book = tmp_path / "ledger", tmp_path / "台账.xlsx"
    shutil.copytree(demo_build[0], path)
    shutil.copy(demo_book, book)
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


def _row_of(sheet, record_id):
    column = columns_of(sheet)[ID_HEADER]
    return next(row for row in range(4, sheet.max_row + 1) if sheet.cell(row, column).value == record_id)


def _add(path, kind, **changes):
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session, session.begin():
        record = records.add_record(session, kind, {**VALID[kind], **changes})
        return record.id, records.record_values(record)


def _updates(path, record_id):
    with Ledger.open(path) as ledger, ledger.session() as session:
        return [json.loads(e.changes) for e in audit_entries.history(session, record_id) if e.action == "update"]


# The exported workbook, back ------------------------------------------------------------------


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
        old_amount = KINDS["disbursement"].field("amount").values.to_json(funds.amount)
    before, audit_before = _state(path)

    book_ = openpyxl.load_workbook(book)
    sheet = book_[SHEET_NAMES["meeting"]]
    sheet.cell(_row_of(sheet, meeting_id), columns_of(sheet)["地点"]).value = "龙州县政府第一会议室"
    sheet = book_[SHEET_NAMES["disbursement"]]
    sheet.cell(_row_of(sheet, funds_id), columns_of(sheet)["金额（元）"]).value = "1,234,567.89"
    sheet = book_[SHEET_NAMES["cadre"]]
    sheet.cell(_row_of(sheet, cadre_id), columns_of(sheet)["联系电话"]).value = "13907710001"
    sheet = book_[SHEET_NAMES["training"]]
    columns = columns_of(sheet)
    new_row = sheet.max_row + 1  # below the total row, as a clerk adds one
    for label, value in {
        "事项": "龙州县电商直播带货培训班",
        "培训类型": "劳动力技能培训",
        "举办地": "西部",
        "开班日期": "2020年11月2日",
        "结业日期": date(2020, 11, 4),
        "期数": 1,
        "培训人次": "60人次",
        "责任单位": "龙州县人社局、鹤山市人社局",
    }.items():
        sheet.cell(new_row, columns[label]).value = value
    book_.save(book)

    report = _import(path, book)
    assert _counts(report)["meeting"][:2] == (0, 1)
    assert _counts(report)["disbursement"][:2] == (0, 1)
    assert _counts(report)["cadre"][:2] == (0, 1)
    assert _counts(report)["training"][:2] == (1, 0)
    assert _counts(report)["dispatch"][:2] == (0, 0)

    after, audit_after = _state(path)
    # And the two units new to the directory, and the cadre's new phone in the directory of people.
    assert audit_after == audit_before + 4 + 2 + 1
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
    assert _updates(path, funds.id) == [{"amount": [old_amount, "1234567.89"]}]
    (added,) = [r for r in after["training"] if r["id"] not in {old["id"] for old in before["training"]}]
    assert (added["start_date"], added["end_date"], added["participants"]) == ("2020-11-02", "2020-11-04", 60)
    assert added["pairing"] == "鹤山市—龙州县" and added["year"] == 2020  # from hidden columns left empty
    assert added["responsible_units"] == ["龙州县人社局", "鹤山市人社局"]


# Hand-made workbooks -------------------------------------------------------------------------


def test_new_rows_of_every_kind_in_the_export_layout(ledger_path, tmp_path):
    book = workbook()
    book.create_sheet("说明").append(["填表说明：新增的行记录编号留空"])
    for kind in KINDS:
        ledger_sheet(book, kind, [row(kind, VALID[kind]), [], [2]])  # a row emptied but for its 序号
    days = header("dispatch").index("在岗天数")
    book[SHEET_NAMES["dispatch"]].cell(4, days + 1).value = 999  # derived: exported, never read back
    book.save(tmp_path / "new.xlsx")

    report = _import(ledger_path, tmp_path / "new.xlsx")
    assert _counts(report) == {kind: (1, 0, 0) for kind in KINDS}
    assert report.ignored_sheets == ["说明"] and report.ignored_columns == []
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        for kind, spec in KINDS.items():
            (record,) = [records.record_json(r) for r in records.list_records(session, kind)]
            assert {name: record[name] for name in VALID[kind]} == {
                name: spec.field(name).values.to_json(value) for name, value in VALID[kind].items()
            }
        (dispatch,) = records.list_records(session, "dispatch")
        assert dispatch.days == 122


def test_an_unchanged_row_is_left_alone_and_three_edited_cells_change_those_fields(ledger_path, tmp_path):
    kept, kept_values = _add(ledger_path, "meeting")
    edited, edited_values = _add(ledger_path, "meeting", title="第二次联席会议")
    book = workbook()
    edits = {"location": "龙州县政府第一会议室", "date": "2020年4月21日", "main_leader_present": False}
    changed = {**edited_values, **edits}
    ledger_sheet(book, "meeting", [row("meeting", kept_values, 1, kept), row("meeting", changed, 2, edited)])
    book.save(tmp_path / "edited.xlsx")
    _, audit_before = _state(ledger_path)

    report = _import(ledger_path, tmp_path / "edited.xlsx")
    assert _counts(report) == {"meeting": (0, 1, 1)}
    assert _state(ledger_path)[1] == audit_before + 1
    assert _updates(ledger_path, kept) == []
    assert _updates(ledger_path, edited) == [
        {
            "location": [None, "龙州县政府第一会议室"],
            "date": ["2020-04-20", "2020-04-21"],
            "main_leader_present": [True, False],
        }
    ]


LATER_KINDS = ("industry", "labour", "consumption", "tie", "publicity")


def test_the_kinds_added_later_come_back_from_their_export_and_take_edits(ledger_path, tmp_path):
    ids = {kind: _add(ledger_path, kind)[0] for kind in LATER_KINDS}
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        export_workbook(session, tmp_path / "台账.xlsx")
    assert {kind: counts[:2] for kind, counts in _counts(_import(ledger_path, tmp_path / "台账.xlsx")).items()} == {
        kind: (0, 0) for kind in KINDS
    }
    book = openpyxl.load_workbook(tmp_path / "台账.xlsx")
    ties = book[SHEET_NAMES["tie"]]
    cell = ties.cell(_row_of(ties, str(ids["tie"])), columns_of(ties)["帮扶活动"])
    assert cell.value == "2020-05-12 捐赠图书 200册 3.5万元\n2020-09-08 送教下乡，开设公开课"
    assert cell.alignment.wrap_text
    cell.value += "\n2020年10月9日 义诊 120人次 0.8万元"
    labour = book[SHEET_NAMES["labour"]]
    labour.cell(_row_of(labour, str(ids["labour"])), columns_of(labour)["人数"]).value = 60
    book.save(tmp_path / "edited.xlsx")

    report = _import(ledger_path, tmp_path / "edited.xlsx")
    assert {kind: counts for kind, counts in _counts(report).items() if counts[1]} == {
        "tie": (0, 1, 0),
        "labour": (0, 1, 0),
    }
    assert _updates(ledger_path, ids["labour"]) == [{"people": [58, 60]}]
    [(old, new)] = _updates(ledger_path, ids["tie"])[0].values()
    assert new == [*old, "2020-10-09 义诊 120人次 8000元"]


def test_an_activity_that_cannot_be_read_is_a_mistake_naming_its_line(ledger_path, tmp_path):
    book = workbook()
    typed = "2020-05-12 捐赠图书 200册\n九月 送教下乡"
    ledger_sheet(book, "tie", [row("tie", {**VALID["tie"], "activities": None})])
    sheet = book[SHEET_NAMES["tie"]]
    sheet.cell(4, columns_of(sheet)["帮扶活动"]).value = typed
    book.save(tmp_path / "ties.xlsx")
    with pytest.raises(ImportFailed) as failed:
        _import(ledger_path, tmp_path / "ties.xlsx")
    [mistake] = failed.value.mistakes
    assert "帮扶活动" in str(mistake) and "第2条“九月 送教下乡”应以日期开头" in str(mistake)


def test_columns_left_out_of_the_file_leave_their_fields_as_they_are(ledger_path, tmp_path):
    record_id, values = _add(ledger_path, "meeting", location="龙州县政府", summary="研究帮扶项目")
    book = workbook()
    ledger_sheet(book, "meeting", [["第三次联席会议", "2020-04-20", str(record_id)]], ["事项", "日期", ID_HEADER])
    book.save(tmp_path / "narrow.xlsx")
    assert _counts(_import(ledger_path, tmp_path / "narrow.xlsx")) == {"meeting": (0, 1, 0)}
    assert _updates(ledger_path, record_id) == [{"title": [values["title"], "第三次联席会议"]}]


HAND_MADE_HEADER = ["备注", "金额", "事项", "资金类型", "资金层级", "拨付日期", "接收单位", "结对关系"]


@pytest.mark.parametrize(
    ("day", "amount", "expected_day", "expected_amount"),
    [
        (date(2020, 5, 12), 2600000, "2020-05-12", "2600000.00"),
        (datetime(2020, 5, 12), 1234.5, "2020-05-12", "1234.50"),
        (datetime(2020, 5, 12, 14, 30), 1234.56 * 3, "2020-05-12", "3703.68"),  # 3703.6800000000003
        (43963, "2,600,000.00", "2020-05-12", "2600000.00"),  # a date whose cell lost its date format
        ("2020-05-12", "2,600,000.00", "2020-05-12", "2600000.00"),
        ("2020/5/12", "260万元", "2020-05-12", "2600000.00"),
        ("2020.5.12", "260万", "2020-05-12", "2600000.00"),
        ("2020年5月12日", "¥3,000", "2020-05-12", "3000.00"),
        ("２０２０年５月１２日", "0.5万元", "2020-05-12", "5000.00"),
        (20200512, " 12.30 ", "2020-05-12", "12.30"),
    ],
)
def test_a_hand_made_sheet_with_its_own_columns_and_the_forms_clerks_type(
    ledger_path, tmp_path, day, amount, expected_day, expected_amount
):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "资金拨付"
    sheet.append(HAND_MADE_HEADER)  # no title rows, columns in another order, one extra, no optional ones
    sheet.append([])
    sheet.append(["第一批", amount, "拨付帮扶资金", "财政援助资金", "市", day, "龙州县财政局", "鹤山市-龙州县"])
    sheet.append([None] * 8)
    sheet.append(["只写了备注的一行"])
    sheet.append(HAND_MADE_HEADER)  # the header again, pasted with the rows below it
    sheet.append(["", 100, "村企结对捐款", "社会帮扶资金", "社会", "2020-6-1", "龙州县扶贫办", "鹤山市—龙州县"])
    sheet.append(["合 计", 2600100])
    book.save(tmp_path / "hand.xlsx")

    report = _import(ledger_path, tmp_path / "hand.xlsx")
    assert _counts(report) == {"disbursement": (2, 0, 0)}
    assert report.ignored_columns == [("资金拨付", "备注")]
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        added = [records.record_json(r) for r in records.list_records(session, "disbursement")]
    first = next(r for r in added if r["title"] == "拨付帮扶资金")
    assert (first["date"], first["amount"], first["year"]) == (expected_day, expected_amount, 2020)
    assert first["pairing"] == "鹤山市—龙州县"


def test_counts_yes_no_choices_units_and_numbers_as_clerks_and_excel_write_them(ledger_path, tmp_path):
    book = workbook()
    units = "龙州县扶贫办，鹤山市扶贫办\n龙州县教育局、龙州县人社局"
    meetings = [
        ["对接会", "2020-05-12", "调研对接／互访", " 县 ", True, units, 2020.0],  # a full-width slash
        ["座谈会", "2020-05-13", "座谈会 ", "市", "是", "龙州县扶贫办;鹤山市扶贫办", None],
    ]
    ledger_sheet(
        book, "meeting", meetings, ["事项", "日期", "会议类型", "层级", "党政主要领导参加", "责任单位", "年度"]
    )
    course = ["电商培训", "劳动力技能培训", "2020-06-01", 2.0, "250人次", "１２０人", "西部 "]
    columns = ["事项", "培训类型", "开班日期", "期数", "培训人次", "建档立卡/脱贫人口人次", "举办地"]
    ledger_sheet(book, "training", [course], columns)
    cadre = ["陈志强", ID_NUMBER, 13907710001, "东部派往西部", "处级", "中共龙州县委", "副县长", "2019-07-01"]
    columns = ["姓名", "身份证号", "phone", "挂职方向", "职级", "挂职单位", "挂任职务", "挂职开始日期"]
    ledger_sheet(book, "cadre", [cadre], columns)  # a field's name heads a column as well as its label
    book.save(tmp_path / "forms.xlsx")

    report = _import(ledger_path, tmp_path / "forms.xlsx")
    assert _counts(report) == {"meeting": (2, 0, 0), "training": (1, 0, 0), "cadre": (1, 0, 0)}
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        first, second = (records.record_json(r) for r in records.list_records(session, "meeting"))
        (course,) = (records.record_json(r) for r in records.list_records(session, "training"))
        (cadre,) = (records.record_json(r) for r in records.list_records(session, "cadre"))
    assert [first[name] for name in ("meeting_type", "level", "main_leader_present", "year")] == [
        "调研对接/互访",
        "县",
        True,
        2020,
    ]
    assert first["responsible_units"] == ["龙州县扶贫办", "鹤山市扶贫办", "龙州县教育局", "龙州县人社局"]
    assert (second["meeting_type"], second["main_leader_present"]) == ("座谈会", True)
    assert second["responsible_units"] == ["龙州县扶贫办", "鹤山市扶贫办"]
    counts = [course[name] for name in ("sessions", "participants", "poor_participants", "held_in")]
    assert counts == [2, 250, 120, "西部"]
    assert (cadre["phone"], cadre["id_number"]) == ("13907710001", ID_NUMBER)


def test_money_beyond_the_fen_and_unknown_pairings_are_mistakes(ledger_path, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET_NAMES["disbursement"]
    sheet.append(["事项", "资金类型", "资金层级", "金额（元）", "拨付日期", "接收单位", "结对关系"])
    sheet.append(["一", "财政援助资金", "市", 10.005, date(2020, 5, 1), "龙州县财政局", "鹤山市—龙州县"])
    sheet.append(["二", "财政援助资金", "市", "十万", date(2020, 5, 1), "龙州县财政局", "江海区—大新县"])
    book.save(tmp_path / "bad.xlsx")
    before = _state(ledger_path)
    with pytest.raises(ImportFailed) as failed:
        _import(ledger_path, tmp_path / "bad.xlsx")
    assert {(m.row, m.column, m.value) for m in failed.value.mistakes} == {
        (2, "金额（元）", "10.005"),
        (3, "金额（元）", "十万"),
        (3, "结对关系", "江海区—大新县"),
    }
    assert "精确到分" in failed.value.mistakes[0].reason
    assert _state(ledger_path) == before


def test_id_numbers_are_checked_and_one_excel_made_a_number_is_refused(ledger_path, tmp_path):
    book = workbook()
    columns = ["姓名", "身份证号", "挂职方向", "职级", "挂职单位", "挂任职务", "挂职开始日期", "计划结束日期"]
    wrong = ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] == "0" else "0")
    rows = [
        ["黄丽华", number, "东部派往西部", "科级", "龙州县扶贫办", "副主任", "2020-03-01", "2021-02-28"]
        for number in (ID_NUMBER, wrong, int(ID_NUMBER[:-1] + "1"), 4514231985)
    ]
    ledger_sheet(book, "cadre", rows, columns)
    book.save(tmp_path / "cadres.xlsx")
    with pytest.raises(ImportFailed) as failed:
        _import(ledger_path, tmp_path / "cadres.xlsx")
    assert [(m.row, m.column) for m in failed.value.mistakes] == [(5, "身份证号"), (6, "身份证号"), (7, "身份证号")]
    checksum, number, short = failed.value.mistakes
    assert checksum.value == wrong and "校验位" in checksum.reason
    assert "存成了数字" in number.reason and "文本" in number.reason
    assert short.value == "4514231985" and "18位" in short.reason


def test_excel_error_cells_are_mistakes_in_the_columns_read(ledger_path, tmp_path):
    book = workbook()
    sheet = book.create_sheet(SHEET_NAMES["training"])
    columns = ["事项", "培训类型", "开班日期", "培训人次", "地点", "备注", ID_HEADER]
    for number, cells in enumerate(
        [
            columns,
            ["甲", "其他", "2020-05-01", 30, "#REF!", "#VALUE!"],  # an optional field: calamine would read it empty
            ["乙", "其他", "2020-05-01", "#DIV/0!", "龙州县"],
            [None, None, None, None, None, "#N/A"],  # only a note's formula failed: a blank row
            [None, None, None, None, None, None, "#N/A"],  # nothing read but a failed id: still a mistake
        ],
        start=2,
    ):
        for column, value in enumerate(cells, start=3):  # from column C, below an empty row
            sheet.cell(number, column).value = value
    book.save(tmp_path / "errors.xlsx")
    with pytest.raises(ImportFailed) as failed:
        _import(ledger_path, tmp_path / "errors.xlsx")
    assert [(m.row, m.column, m.value) for m in failed.value.mistakes] == [
        (3, "地点", "#REF!"),
        (4, "培训人次", "#DIV/0!"),
        (6, ID_HEADER, "#N/A"),
    ]
    assert all("公式出错" in m.reason for m in failed.value.mistakes)


def test_a_text_cell_holding_a_formula_is_a_mistake_and_its_result_is_not_taken(ledger_path, tmp_path):
    book = workbook()
    columns = [SEQ_HEADER, "事项", "日期", "会议类型", "主要内容", "地点", "年度", ID_HEADER]
    link = '=HYPERLINK("http://x","点我")'
    meetings = [
        ["=ROW()-3", "对接会", "2020-05-12", "座谈会", link, "龙州县", "=2019+1"],  # 序号 and 年度 may be worked out
        ["=ROW()-3", '=B4&"（续）"', "2020-05-13", "座谈会", "直接填写的内容", "龙州县"],
        ["=ROW()-3", "推进会", "2020-05-14", "座谈会", "直接填写的内容", "龙州县", "=2019+1"],
        [None, None, None, None, None, '=IF(B4="","",B4)'],  # a blank row: its formula shows nothing
        ["=ROW()-3", "座谈会", "2020-05-15", "座谈会", None, "=B4", None, '="12345678-0000-0000-0000-000000000000"'],
    ]
    ledger_sheet(book, "meeting", meetings, columns)
    book.save(tmp_path / "formulas.xlsx")
    # As Excel or WPS save them, but =B4 in row 8, left without its result.
    with_results(
        tmp_path / "formulas.xlsx",
        {
            "=ROW()-3": 1,
            "=2019+1": 2020,
            link: "点我",
            '=B4&"（续）"': "对接会（续）",
            '=IF(B4="","",B4)': "",
            '="12345678-0000-0000-0000-000000000000"': "12345678-0000-0000-0000-000000000000",
        },
    )
    before = _state(ledger_path)
    with pytest.raises(ImportFailed) as failed:
        _import(ledger_path, tmp_path / "formulas.xlsx")
    assert [str(mistake) for mistake in failed.value.mistakes] == [
        '会议与互访台账 第4行 主要内容“=HYPERLINK("http://x","点我")”：这一格是公式，不是文字：'
        "表中显示的“点我”是公式算出的，不会导入。请直接填写文字（以 = 开头的文字，先输入英文单引号 '）",
        '会议与互访台账 第5行 事项“=B4&"（续）"”：这一格是公式，不是文字：'
        "表中显示的“对接会（续）”是公式算出的，不会导入。请直接填写文字（以 = 开头的文字，先输入英文单引号 '）",
        "会议与互访台账 第8行 地点“=B4”：这一格是公式，不是文字。请直接填写文字（以 = 开头的文字，先输入英文单引号 '）",
        '会议与互访台账 第8行 记录编号“="12345678-0000-0000-0000-000000000000"”：这一格是公式，不是文字：'
        "表中显示的“12345678-0000-0000-0000-000000000000”是公式算出的，不会导入。"
        "请直接填写文字（以 = 开头的文字，先输入英文单引号 '）",
    ]
    assert _state(ledger_path) == before


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_formula_libreoffice_worked_out_in_a_text_field_is_a_mistake(ledger_path, tmp_path):
    """A workbook exported before text was written as text: LibreOffice saved the formula's result "点我"."""
    book = workbook()
    values = {**VALID["meeting"], "summary": '=HYPERLINK("http://x","点我")'}
    ledger_sheet(book, "meeting", [row("meeting", values)])  # openpyxl writes the text as a formula
    book.save(tmp_path / "old.xlsx")
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xlsx",
         "--outdir", str(tmp_path / "saved"), str(tmp_path / "old.xlsx")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    before = _state(ledger_path)
    with pytest.raises(ImportFailed) as failed:
        _import(ledger_path, tmp_path / "saved" / "old.xlsx")
    [mistake] = failed.value.mistakes
    assert (mistake.sheet, mistake.row, mistake.column, mistake.value) == (
        "会议与互访台账",
        4,
        "主要内容",
        '=HYPERLINK("http://x","点我")',
    )
    assert mistake.reason.startswith("这一格是公式，不是文字：表中显示的“点我”是公式算出的，不会导入。")
    assert _state(ledger_path) == before


def test_a_workbook_with_mistakes_lists_every_one_and_writes_nothing(demo):
    path, book = demo
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session:
        meetings = [r for r in records.list_records(session, "meeting") if r.record_status != "已归档"]
        archived = next(r for r in records.list_records(session, "meeting") if r.record_status == "已归档")
        cadre = records.list_records(session, "cadre")[0]
        ids = [str(m.id) for m in meetings[:4]] + [str(archived.id), str(cadre.id)]
        records.delete_record(session, meetings[2])
        session.commit()
    before = _state(path)

    book_ = openpyxl.load_workbook(book)
    sheet = book_[SHEET_NAMES["meeting"]]
    columns = columns_of(sheet)
    first, second, deleted, broken, locked = (_row_of(sheet, record_id) for record_id in ids[:5])
    sheet.cell(first, columns["日期"]).value = "2020年13月5日"
    sheet.cell(first, columns["会议类型"]).value = "茶话会"
    sheet.cell(second, columns[ID_HEADER]).value = ids[5]  # a cadre's id on the meeting sheet
    sheet.cell(deleted, columns["地点"]).value = "改了也不行"
    sheet.cell(broken, columns["地点"]).value = "#REF!"
    sheet.cell(locked, columns["地点"]).value = "已归档的不能改"
    extra = sheet.max_row + 1
    sheet.cell(extra, columns[ID_HEADER]).value = ids[0]  # the same record twice
    sheet.cell(extra + 1, columns[ID_HEADER]).value = "12345678-0000-0000-0000-000000000000"
    sheet.cell(extra + 1, columns["事项"]).value = "编号不存在"
    sheet.cell(extra + 2, columns["事项"]).value = "缺日期的新会议"
    sheet.cell(extra + 2, columns["会议类型"]).value = "座谈会"
    cadres = book_[SHEET_NAMES["cadre"]]
    cadre_columns = columns_of(cadres)
    cadre_row = _row_of(cadres, ids[5])
    cadres.cell(cadre_row, cadre_columns["身份证号"]).value = 440784199206164288  # typed without the text format
    cadres.cell(cadre_row, cadre_columns["挂职开始日期"]).value = "下个月"
    book_.save(book)

    with pytest.raises(ImportFailed) as failed:
        _import(path, book)
    meeting_sheet, cadre_sheet = SHEET_NAMES["meeting"], SHEET_NAMES["cadre"]
    expected = [
        (meeting_sheet, first, "日期", "2020年13月5日", "没有这一天"),
        (meeting_sheet, first, "会议类型", "茶话会", "只能是"),
        (meeting_sheet, second, ID_HEADER, ids[5], "这是干部挂职台账里的记录"),
        (meeting_sheet, deleted, ID_HEADER, ids[2], "在回收站里，请先恢复"),
        (meeting_sheet, broken, "地点", "#REF!", "公式出错"),
        (meeting_sheet, locked, "", "", "已归档，不能修改"),
        (meeting_sheet, extra, ID_HEADER, ids[0], f"与第{first}行是同一条记录"),
        (meeting_sheet, extra + 1, ID_HEADER, "12345678-0000-0000-0000-000000000000", "没有这个记录编号"),
        (meeting_sheet, extra + 2, "日期", "", "必须填写"),
        (cadre_sheet, cadre_row, "身份证号", "440784199206164000", "存成了数字"),
        (cadre_sheet, cadre_row, "挂职开始日期", "下个月", "无法识别的日期"),
    ]
    expected.sort(key=lambda mistake: (mistake[0] == cadre_sheet, mistake[1]))  # in the workbook's order
    assert [(m.sheet, m.row, m.column, m.value) for m in failed.value.mistakes] == [e[:4] for e in expected]
    for mistake, words in zip(failed.value.mistakes, [e[4] for e in expected], strict=True):
        assert words in mistake.reason
    message = str(failed.value)
    assert message.startswith("工作簿 台账.xlsx 有 11 处错误，未导入任何内容：\n")
    assert f"{cadre_sheet} 第{cadre_row}行 身份证号“440784199206164000”：Excel 把身份证号存成了数字" in message
    assert _state(path) == before


def test_a_sheet_without_a_header_is_a_mistake_and_a_workbook_without_ledger_sheets_an_error(ledger_path, tmp_path):
    book = workbook()
    book.create_sheet("培训").append(["这张表没有表头"])
    book.save(tmp_path / "no-header.xlsx")
    with pytest.raises(ImportFailed) as failed:
        _import(ledger_path, tmp_path / "no-header.xlsx")
    (mistake,) = failed.value.mistakes
    assert (mistake.sheet, mistake.row) == ("培训", 0) and "找不到表头" in str(mistake)

    book = workbook()
    book.create_sheet("任务清单").append(["序号", "重点工作"])
    book.save(tmp_path / "tasks.xlsx")
    with pytest.raises(LedgerError, match="tasks.xlsx 里没有台账工作表"):
        _import(ledger_path, tmp_path / "tasks.xlsx")


def test_a_dry_run_counts_and_writes_nothing(demo):
    path, book = demo
    book_ = openpyxl.load_workbook(book)
    sheet = book_[SHEET_NAMES["meeting"]]
    columns = columns_of(sheet)
    new_row = sheet.max_row + 1
    for label, value in {"事项": "试导入的会议", "日期": "2020-12-01", "会议类型": "座谈会"}.items():
        sheet.cell(new_row, columns[label]).value = value
    sheet.cell(4, columns["地点"]).value = "试导入改的地点"
    book_.save(book)
    before = _state(path)
    report = _import(path, book, dry_run=True)
    assert _counts(report)["meeting"][:2] == (1, 1)
    assert report.lines()[0].startswith("试导入：新增 1 条，修改 1 条")
    assert report.lines()[-1] == "（试导入，未写入台账）"
    assert _state(path) == before


def test_progress_is_reported_and_raising_from_it_cancels_the_import(ledger_path, tmp_path):
    book = workbook()
    rows = [[f"第{n}次会议", "2020-05-12", "座谈会"] for n in range(2500)]
    ledger_sheet(book, "meeting", rows, ["事项", "日期", "会议类型"])
    book.save(tmp_path / "many.xlsx")
    before = _state(ledger_path)

    def cancel(fraction, message):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _import(ledger_path, tmp_path / "many.xlsx", job=Job(cancel))
    assert _state(ledger_path) == before
    reports = []
    _import(ledger_path, tmp_path / "many.xlsx", job=Job(lambda fraction, message: reports.append(fraction)))
    assert len(reports) == 2 and reports == sorted(reports) and 0 < reports[0] < 1
    assert _state(ledger_path)[1] == before[1] + 2500


# Files that are not workbooks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("not-a-workbook.xlsx", b"just some text, not a zip", "不是 Excel 或 WPS 表格文件"),
        ("empty.xlsx", b"", "文件是空的（0 字节）"),
        ("truncated.xlsx", b"PK\x03\x04", "不是 Excel 或 WPS 表格文件"),
        ("locked.xls", PASSWORD_PROTECTED_XLS, "它设有打开密码"),
        ("locked.xlsx", PASSWORD_PROTECTED_XLS, "它可能设有打开密码"),
    ],
)
def test_files_that_are_no_workbook_are_refused_in_chinese(ledger_path, tmp_path, capsys, name, content, words):
    (tmp_path / name).write_bytes(content)
    status = main(["--ledger", str(ledger_path), "import", str(tmp_path / name)])
    err = capsys.readouterr().err
    assert status == 1 and f"无法读取工作簿 {name}：" in err and words in err and "Traceback" not in err
    assert main(["--ledger", str(ledger_path), "import", str(tmp_path / "missing.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err


def test_a_workbook_saved_under_another_extension_is_read_by_its_content(ledger_path, tmp_path):
    book = workbook()
    ledger_sheet(book, "meeting", [row("meeting", VALID["meeting"])])
    book.save(tmp_path / "台账.xls")  # an .xlsx inside
    assert _counts(_import(ledger_path, tmp_path / "台账.xls")) == {"meeting": (1, 0, 0)}


def test_the_cli_round_trip_and_its_mistakes(demo, capsys):
    path, book = demo
    assert main(["--ledger", str(path), "import", str(book)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("已导入：新增 0 条，修改 0 条，未变 ")
    assert f"{SHEET_NAMES['meeting']}：新增 0 条，修改 0 条，未变" in out
    book_ = openpyxl.load_workbook(book)
    sheet = book_[SHEET_NAMES["training"]]
    sheet.cell(4, columns_of(sheet)["培训人次"]).value = "很多"
    book_.save(book)
    assert main(["--ledger", str(path), "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert "工作簿 台账.xlsx 有 1 处错误，未导入任何内容" in err
    assert f"{SHEET_NAMES['training']} 第4行 培训人次“很多”：应为整数" in err


# A workbook older than the ledger ----------------------------------------------------------------


def _stale_book(demo, *, drop_revision_column=False):
    """The demo workbook with one meeting's 地点 edited in it, after 李四 changed that meeting's 地点 and
    主要内容 in the ledger: (ledger path, book, record id, the row, the ledger's values after 李四's edit)."""
    path, book = demo
    with Ledger.open(path) as ledger, ledger.session() as session:
        meeting = next(r for r in records.list_records(session, "meeting") if r.record_status != "已归档")
        record_id = str(meeting.id)
    book_ = openpyxl.load_workbook(book)
    sheet = book_[SHEET_NAMES["meeting"]]
    number = _row_of(sheet, record_id)
    sheet.cell(number, columns_of(sheet)["地点"]).value = "工作簿里改的会议室"
    if drop_revision_column:
        sheet.delete_cols(columns_of(sheet)["版本"])
    book_.save(book)
    with Ledger.open(path, author="李四") as ledger, ledger.session() as session, session.begin():
        meeting = records.get_record(session, record_id)
        records.update_record(session, meeting, {"location": "台账里改的会议室", "summary": "导出以后补写的内容"})
        now = records.record_json(meeting)
    return path, book, record_id, number, now


def test_the_export_writes_each_records_revision_in_a_hidden_column(demo):
    path, book = demo
    sheet = openpyxl.load_workbook(book)[SHEET_NAMES["meeting"]]
    column = columns_of(sheet)["版本"]
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].hidden
    ids = columns_of(sheet)[ID_HEADER]
    written = {sheet.cell(n, ids).value: sheet.cell(n, column).value for n in range(4, sheet.max_row + 1)}
    written.pop(None, None)  # the total row
    with Ledger.open(path) as ledger, ledger.session() as session:
        stored = {str(r.id): r.revision for r in records.list_records(session, "meeting")}
    assert written == stored and set(stored.values()) >= {1, 2}  # made, and made then changed


def test_a_stale_workbook_is_stopped_by_default_naming_sheet_row_field_and_author(demo, capsys):
    path, book, record_id, number, now = _stale_book(demo)
    before = _state(path)
    with pytest.raises(ImportFailed) as failed:
        _import(path, book)
    (conflict,) = failed.value.conflicts
    assert (conflict.sheet, conflict.row, conflict.record_id) == (SHEET_NAMES["meeting"], number, uuid.UUID(record_id))
    assert [label for label, _, _ in conflict.fields] == ["地点", "主要内容"]
    assert conflict.authors == ("李四",)
    text = str(failed.value)
    assert f"{SHEET_NAMES['meeting']} 第{number}行" in text and "地点" in text and "李四" in text
    assert "--conflicts" in text
    assert _state(path) == before

    assert main(["--ledger", str(path), "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert f"{SHEET_NAMES['meeting']} 第{number}行" in err and "李四" in err and "Traceback" not in err
    assert _state(path) == before


def test_a_stale_workbook_with_conflicts_workbook_takes_the_workbooks_values(demo, capsys):
    path, book, record_id, _, now = _stale_book(demo)
    assert main(["--ledger", str(path), "import", str(book), "--conflicts", "workbook"]) == 0
    assert "以工作簿为准 1 条" in capsys.readouterr().out
    with Ledger.open(path) as ledger, ledger.session() as session:
        meeting = records.get_record(session, record_id)
        assert meeting.location == "工作簿里改的会议室"
        assert meeting.summary != now["summary"]  # the whole row, as the workbook has it


def test_a_stale_workbook_with_conflicts_ledger_keeps_the_ledgers_values(demo):
    path, book, record_id, _, now = _stale_book(demo)
    report = _import(path, book, conflicts="ledger")
    assert "保留台账 1 条" in "\n".join(report.lines())
    with Ledger.open(path) as ledger, ledger.session() as session:
        assert records.record_json(records.get_record(session, record_id)) == now


def test_a_workbook_without_the_revision_column_is_checked_by_its_export_time(demo):
    path, book, record_id, number, _ = _stale_book(demo, drop_revision_column=True)
    before = _state(path)
    with pytest.raises(ImportFailed) as failed:
        _import(path, book)
    (conflict,) = failed.value.conflicts
    assert conflict.row == number and conflict.authors == ("李四",)
    assert {"地点", "主要内容"} <= {label for label, _, _ in conflict.fields}
    assert _state(path) == before
    # Rows of records not changed since the export are no conflict.
    _import(path, book, conflicts="ledger")
