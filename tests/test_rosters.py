"""Real-name rosters of labour records: read from the workbooks offices keep (merged titles, header variants, several
sheets), every bad row listed before anything is written, re-imported as the file now says, each worker a person of
the directory, shown masked unless asked."""

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from alembic import command
from samples import VALID
from sqlalchemy import func, select

from ledger import records
from ledger.jobs import Cancelled, Job
from ledger.models import AuditEntry, Person, RosterEntry
from ledger.plans.counting import actual
from ledger.plans.measures import MEASURES, parse_params
from ledger.rosters.checking import RosterProblems
from ledger.rosters.store import import_roster
from ledger.storage import schema
from ledger.storage.folder import Ledger

HUANG = "451423199001010019"
LI = "451423199202020029"
CHEN = "451423198503030031"
ZHAO = "451423198804040049"
WU = "451423199505050057"

FIRST_HEADER = ["序号", "姓名", "身份证号码", "性别", "县（市、区）", "乡镇", "村", "人员类别", "就业地省", "务工地市"]
FIRST_HEADER += ["用工单位", "工种", "就业时间", "终止日期", "月工资（元）", "输出方式"]
SECOND_HEADER = ["姓名", "公民身份号码", "是否脱贫户", "监测对象", "就业省份", "就业城市", "单位名称", "岗位"]
SECOND_HEADER += ["起始日期", "月收入", "就业方式"]
YATU = "鹤山市雅图仕印刷有限公司"


def _huang(**changes):
    row = [1, "黄明", HUANG, "男", "龙州县", "水口镇", "板池村", "脱贫户", "广东省", "江门市", YATU, "普工"]
    row += [date(2024, 3, 1), None, 4500, "有组织"]
    for index, value in changes.items():
        row[int(index[1:])] = value
    return row


def _li():
    row = [2, "李红", LI, None, "龙州县", "下冻镇", "布局村", "监测户", "广东省", "江门市", YATU, "质检"]
    return row + ["2024/3/1", "2024年12月31日", "5200元", "自主"]


def _chen():
    row = ["陈刚", CHEN, "是", "否", "广东省", "佛山市", "佛山市顺德区美的集团", "装配工"]
    return row + ["2024.3", 4800.5, "有组织输出"]


def _zhao():
    row = ["赵丽", ZHAO, "否", "是", "广西壮族自治区", "南宁市", "南宁市顺丰物流", "分拣员"]
    return row + ["2024年3月1日", None, "自主就业"]


def _roster(path: Path, first: list[list], second: list[list] | None = None) -> Path:
    """A roster as an office keeps it: a merged title and the unit above the header, a second batch on a sheet of its
    own with its header on top and another wording of the columns."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "第一批"
    sheet.append(["2024年龙州县转移就业人员实名花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FIRST_HEADER))
    sheet.append(["填报单位：龙州县人社局"])
    sheet.append(FIRST_HEADER)
    for row in first:
        sheet.append(row)
    sheet.append(["合计", None, None, None, None, None, None, None, None, None, None, None, None, None, 9700])
    if second is not None:
        other = book.create_sheet("第二批")
        other.append(SECOND_HEADER)
        for row in second:
            other.append(row)
    book.create_sheet("填表说明").append(["身份证号请设为文本格式"])
    book.save(path)
    return path


@pytest.fixture
def labour(ledger_path) -> str:
    with Ledger.open(ledger_path, author="测试员") as ledger, ledger.session() as session, session.begin():
        return str(records.add_record(session, "labour", VALID["labour"]).id)


def _count(ledger_path, model) -> int:
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _roster_audits(ledger_path) -> list[dict]:
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "roster").order_by(AuditEntry.at))
        return [json.loads(entry.changes) for entry in entries]


def test_a_roster_of_two_sheets_imports_and_shows_masked_unless_asked(run, labour, tmp_path):
    path = _roster(tmp_path / "花名册.xlsx", [_huang(), _li()], [_chen(), _zhao()])
    status, out, err = run("roster", "import", labour[:8], path)
    assert status == 0, err
    assert out.splitlines() == [
        "已导入花名册：龙州县贫困劳动力“点对点”输送到鹤山市务工（第一批）",
        "  新增 4 人：黄明、李红、陈刚、赵丽",
        "花名册共 4 人（未变 0 人）",
    ]
    status, out, err = run("roster", "show", labour)
    assert status == 0, err
    assert out.splitlines() == [
        "序号  姓名  性别  身份证号            户籍                类别      就业地                单位"
        "                      岗位    起始日期    终止日期    月收入   输出方式",
        "1     黄明  男    4514**********0019  龙州县水口镇板池村  脱贫户    广东省江门市          "
        "鹤山市雅图仕印刷有限公司  普工    2024-03-01              4500.00  有组织",
        "2     李红  女    4514**********0029  龙州县下冻镇布局村  监测对象  广东省江门市          "
        "鹤山市雅图仕印刷有限公司  质检    2024-03-01  2024-12-31  5200.00  自主",
        "3     陈刚  男    4514**********0031                      脱贫户    广东省佛山市          佛山市顺德区美的集团"
        "      装配工  2024-03-01              4800.50  有组织",
        "4     赵丽  女    4514**********0049                      监测对象  广西壮族自治区南宁市  南宁市顺丰物流"
        "            分拣员  2024-03-01                       自主",
        "共 4 人，其中脱贫户 2 人、监测对象 2 人",
    ]
    status, out, err = run("roster", "show", labour, "--json", "--no-mask-personal")
    assert status == 0, err
    shown = json.loads(out)
    assert shown["totals"] == {"people": 4, "poor": 2, "monitored": 2}
    assert [entry["id_number"] for entry in shown["entries"]] == [HUANG, LI, CHEN, ZHAO]
    assert shown["entries"][1] | {"person": ""} == {
        "position": 2,
        "person": "",
        "name": "李红",
        "id_number": LI,
        "gender": "女",
        "hukou_county": "龙州县",
        "hukou_town": "下冻镇",
        "hukou_village": "布局村",
        "poverty_status": "监测对象",
        "work_province": "广东省",
        "work_city": "江门市",
        "employer": YATU,
        "post": "质检",
        "start_date": "2024-03-01",
        "end_date": "2024-12-31",
        "monthly_income": "5200.00",
        "placement": "自主",
    }
    status, out, err = run("roster", "show", labour, "--json")
    assert [entry["id_number"] for entry in json.loads(out)["entries"]][:1] == ["4514**********0019"]
    assert _roster_audits(tmp_path / "ledger") == [
        {"added": 4, "file": "花名册.xlsx", "people": 4, "removed": 0, "updated": 0}
    ]


def test_a_roster_with_bad_rows_is_refused_with_every_problem_listed_and_nothing_written(run, labour, tmp_path):
    bad = [
        _huang(),
        _huang(c1="黄明明", c12="三月份"),  # the same ID number again, and no date: both said at once
        _huang(c1="韦芳", c2="451423199001010018", c12="2024年13月"),  # a slip in the check digit, no such month
        _huang(c1="蒙强", c2=WU, c12="去年春天", c15="包吃住"),
        _huang(c1=None, c2=LI),
    ]
    path = _roster(tmp_path / "花名册.xlsx", bad, [[*_chen()[:8], "2024-02-30", "四千", "自主"]])
    persons = _count(tmp_path / "ledger", Person)
    status, out, err = run("roster", "import", labour, path)
    assert status == 1 and out == ""
    assert err.splitlines() == [
        "错误：花名册有 5 行共 9 处问题，未作任何修改：",
        "  第一批 第5行 就业时间 “三月份”：不是日期：应写作 2024-03-01、2024年3月1日 或 2024.3",
        "  第一批 第5行 身份证号码 “451423199001010019”：身份证号与第一批 第4行重复：同一人只能列一次",
        "  第一批 第6行 身份证号码 “451423199001010018”：身份证号校验位不对，请逐位核对",
        "  第一批 第6行 就业时间 “2024年13月”：没有 13 月",
        "  第一批 第7行 就业时间 “去年春天”：不是日期：应写作 2024-03-01、2024年3月1日 或 2024.3",
        "  第一批 第7行 输出方式 “包吃住”：输出方式应填“有组织”或“自主”",
        "  第一批 第8行 姓名 （空）：缺少姓名",
        "  第二批 第2行 起始日期 “2024-02-30”：没有这一天：2024-02-30",
        "  第二批 第2行 月收入 “四千”：无法识别的金额：四千（应写作 2600000.00 或 260万元）",
    ]
    assert _count(tmp_path / "ledger", RosterEntry) == 0
    assert _count(tmp_path / "ledger", Person) == persons
    assert _roster_audits(tmp_path / "ledger") == []


def test_reimporting_an_updated_roster_adds_updates_and_removes(run, labour, tmp_path):
    run("roster", "import", labour, _roster(tmp_path / "一.xlsx", [_huang(), _li()], [_chen()]))
    # 黄明 got a raise, 李红 left, 赵丽 joined, 陈刚 unchanged.
    updated = _roster(tmp_path / "二.xlsx", [_huang(c14=5000)], [_chen(), _zhao()])
    status, out, err = run("roster", "import", labour, updated, "--dry-run")
    assert status == 0, err
    assert out.splitlines() == [
        "试导入（未写入）花名册：龙州县贫困劳动力“点对点”输送到鹤山市务工（第一批）",
        "  新增 1 人：赵丽",
        "  更新 1 人：黄明",
        "  移除 1 人：李红",
        "花名册共 3 人（未变 1 人）",
    ]
    status, out, err = run("roster", "show", labour, "--json")
    # The dry run wrote nothing.
    assert [entry["name"] for entry in json.loads(out)["entries"]] == ["黄明", "李红", "陈刚"]
    persons = _count(tmp_path / "ledger", Person)

    status, out, err = run("roster", "import", labour, updated)
    assert status == 0, err
    assert out.splitlines()[0] == "已导入花名册：龙州县贫困劳动力“点对点”输送到鹤山市务工（第一批）"
    status, out, err = run("roster", "show", labour, "--json")
    entries = json.loads(out)["entries"]
    assert [(entry["name"], entry["monthly_income"]) for entry in entries] == [
        ("黄明", "5000.00"),
        ("陈刚", "4800.50"),
        ("赵丽", None),
    ]
    assert _count(tmp_path / "ledger", Person) == persons + 1  # 赵丽; 李红 stays in the directory
    assert _roster_audits(tmp_path / "ledger")[1] == {
        "added": 1,
        "file": "二.xlsx",
        "people": 3,
        "removed": 1,
        "updated": 1,
    }
    status, out, err = run("roster", "import", labour, updated)
    assert out.splitlines()[-1] == "没有变化，花名册共 3 人"
    assert len(_roster_audits(tmp_path / "ledger")) == 2


def test_the_same_worker_on_two_records_rosters_is_one_person(ledger, tmp_path):
    with ledger.session() as session, session.begin():
        first = records.add_record(session, "labour", VALID["labour"]).id
        second = records.add_record(session, "labour", {**VALID["labour"], "title": "第二批"}).id
    with ledger.session() as session:
        import_roster(session, first, _roster(tmp_path / "一.xlsx", [_huang(), _li()]))
        import_roster(session, second, _roster(tmp_path / "二.xlsx", [_huang(c3=None, c10="鹤山市某电子厂")]))
    with ledger.session() as session:
        people = session.execute(select(RosterEntry.record_id, RosterEntry.person_id)).all()
        assert len(people) == 3 and len({person_id for _, person_id in people}) == 2
        huang = session.scalars(select(Person).where(Person.id_number == HUANG)).one()
        # The latest employer is the person's unit; the gender given once is kept.
        assert (huang.name, huang.gender, huang.unit) == ("黄明", "男", "鹤山市某电子厂")


def test_only_a_labour_record_has_a_roster(run, ledger_path, tmp_path):
    with Ledger.open(ledger_path, author="测试员") as ledger, ledger.session() as session, session.begin():
        meeting = str(records.add_record(session, "meeting", VALID["meeting"]).id)
    status, out, err = run("roster", "import", meeting, _roster(tmp_path / "花名册.xlsx", [_huang()]))
    assert status == 1
    assert err == "错误：只有劳务协作记录才有花名册；“鹤山—龙州扶贫协作党政联席会议”是会议与互访记录。\n"
    status, out, err = run("roster", "show", meeting)
    assert status == 1 and "只有劳务协作记录才有花名册" in err


def test_a_workbook_that_is_no_roster_is_refused(run, labour, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["项目名称", "金额"])
    book.save(tmp_path / "资金表.xlsx")
    status, out, err = run("roster", "import", labour, tmp_path / "资金表.xlsx")
    assert status == 1
    assert err == (
        "错误：“资金表.xlsx”不是花名册：没有哪个工作表的前 20 行里有含“姓名、身份证号”两列的表头。"
        "请确认表头写有这两列。\n"
    )


def _labour(ledger) -> str:
    with ledger.session() as session, session.begin():
        return str(records.add_record(session, "labour", VALID["labour"]).id)


def test_a_cancelled_import_writes_nothing(ledger, tmp_path):
    labour = _labour(ledger)
    reports: list[str] = []
    job = Job(lambda fraction, message: reports.append(message), lambda: any("写入" in m for m in reports))
    with ledger.session() as session, pytest.raises(Cancelled):
        import_roster(session, labour, _roster(tmp_path / "花名册.xlsx", [_huang()]), job=job)
    with ledger.session() as session:
        assert session.scalar(select(func.count()).select_from(RosterEntry)) == 0
        assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_problems_are_raised_before_writing(ledger, tmp_path):
    labour = _labour(ledger)
    with ledger.session() as session, pytest.raises(RosterProblems) as raised:
        import_roster(session, labour, _roster(tmp_path / "花名册.xlsx", [_huang(), _huang()]))
    assert [(p.sheet, p.row, p.column) for p in raised.value.problems] == [("第一批", 5, "身份证号码")]


def test_the_rosters_migration_goes_down_to_0008_and_up_again(ledger_path, labour, tmp_path, run):
    run("roster", "import", labour, _roster(tmp_path / "花名册.xlsx", [_huang()]))
    with Ledger.open(ledger_path) as ledger:
        config = schema._config()
        with ledger.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")
            connection.commit()
            tables = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'").scalars().all()
            assert "roster_entry" not in tables
    with Ledger.open(ledger_path) as ledger:
        assert schema.current_revision(ledger.engine) == schema.head_revision() == "0009"
    status, out, err = run("roster", "import", labour, tmp_path / "花名册.xlsx")
    assert status == 0 and "新增 1 人：黄明" in out


def test_a_person_on_a_roster_is_not_corrected_in_place_by_an_edit_to_their_only_record(ledger, tmp_path):
    labour = _labour(ledger)
    with ledger.session() as session, session.begin():
        posting = records.add_record(session, "cadre", {**VALID["cadre"], "person_name": "黄明", "id_number": HUANG})
    with ledger.session() as session:
        import_roster(session, labour, _roster(tmp_path / "花名册.xlsx", [_huang()]))
    with ledger.session() as session, session.begin():
        posting = records.get_record(session, posting.id)
        records.update_record(session, posting, {"person_name": "黄敏", "id_number": WU})
    with ledger.session() as session:
        rostered = session.scalars(select(RosterEntry.person_id)).one()
        assert session.get(Person, rostered).id_number == HUANG  # still the worker the roster names
        assert session.scalars(select(Person.name).order_by(Person.name)).all() == ["黄敏", "黄明"]


def test_workers_are_counted_from_rosters_each_person_once_and_typed_head_counts_only_without_one(
    ledger_path, run, tmp_path
):
    with Ledger.open(ledger_path, author="测试员") as ledger, ledger.session() as session, session.begin():
        spring, autumn, typed = (
            records.add_record(session, "labour", {**VALID["labour"], **values}).id
            for values in (
                {"title": "春季", "date": date(2024, 3, 5), "record_status": "已核实"},
                {"title": "秋季", "date": date(2024, 9, 5), "record_status": "已核实"},
                {
                    "title": "无名册",
                    "date": date(2024, 5, 5),
                    "record_status": "已核实",
                    "people": 10,
                    "poor_people": 4,
                },
            )
        )
    li = _li()
    li[13] = "2024-06-30"  # 李红 left after four months
    assert run("roster", "import", str(spring), _roster(tmp_path / "春.xlsx", [_huang(), li]))[0] == 0
    # 黄明 again in the autumn: the same person, counted once.
    assert run("roster", "import", str(autumn), _roster(tmp_path / "秋.xlsx", [_huang()], [_chen()]))[0] == 0

    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        pairing = records.find_pairing(session, "鹤山市—龙州县")

        def counted(name, **params):
            measure = MEASURES[name]
            parsed = parse_params(measure, params)
            return actual(session, measure, parsed, pairing_id=pairing.id, year=2024, as_of=date(2024, 12, 31))

        # 黄明, 李红 and 陈刚 on rosters, and the 10 typed on the record without one.
        assert counted("workers") == 13
        # 黄明 (脱贫户), 李红 (监测户) and 陈刚 (是否脱贫户：是), and the 4 typed.
        assert counted("poor_workers") == 7
        # On the job ten months or more: 黄明 and 陈刚 (from March); 李红 four months; no months of the typed ten.
        assert counted("workers", min_months=10) == 2
        assert MEASURES["workers"].describe({"min_months": 10}) == "就业人数（在岗10个月以上）"
