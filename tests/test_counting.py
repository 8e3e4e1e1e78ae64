"""Counting as the assessment counts: records that last belong to every year they overlap, drafts count for
nothing, people count once, a stay by its days inside the year, sums of what arrives once in the year it starts."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from alembic import command
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook
from samples import VALID, id_check_char

from ledger import records
from ledger.exchange.merge import merge_package
from ledger.exchange.pack import write_pack
from ledger.kinds import KINDS
from ledger.models import Plan, Task
from ledger.plans import store
from ledger.plans.counting import actual
from ledger.plans.measures import MEASURES, parse_params
from ledger.plans.plan_json import target_label
from ledger.plans.progress import task_progress
from ledger.storage import schema
from ledger.storage.folder import Ledger
from ledger.summaries import kind_totals
from ledger.years import days_within

PAIRING = "鹤山市—龙州县"
ACTIVITIES = KINDS["tie"].field("activities").values
CHECKED = {"record_status": "已核实"}


def _id(body: str) -> str:
    return body + id_check_char(body)


def _cadre(session, name="陈志强", id_number=None, start=date(2020, 9, 1), end=None, returned=None, **more):
    values = {**VALID["cadre"], **CHECKED, "person_name": name, "start_date": start, "end_date": end}
    values["id_number"] = id_number
    if returned:
        values |= {"returned_on": returned, "posting_status": "期满返回"}
    return records.add_record(session, "cadre", {**values, **more})


def _actual(session, measure, year, as_of=date(2030, 1, 1), **params):
    pairing = records.find_pairing(session, PAIRING)
    parsed = parse_params(MEASURES[measure], params)
    return actual(session, MEASURES[measure], parsed, pairing_id=pairing.id, year=year, as_of=as_of)


def _titles(session, kind, year):
    return [record.title for record in records.list_records(session, kind, year=year)]


def test_a_record_keeps_its_last_year_from_its_end_or_runs_open(session):
    across = _cadre(session, end=date(2021, 7, 31))
    assert (across.year, across.last_year) == (2020, 2021)
    # Returned early: the return ends it, whatever the plan said.
    early = _cadre(session, "李四", end=date(2022, 6, 30), returned=date(2020, 12, 20))
    assert early.last_year == 2020
    assert _cadre(session, "王五").last_year is None  # in post, no planned end: open
    training = records.add_record(session, "training", {**VALID["training"], "end_date": date(2021, 1, 8)})
    assert (training.year, training.last_year) == (2020, 2021)
    assert records.add_record(session, "meeting", VALID["meeting"]).last_year == 2020
    tie = {"pairing": PAIRING, "level": "学校", "east_party": "鹤山一中", "west_party": "龙州高中"}
    standing = records.add_record(session, "tie", {**tie, "date": date(2018, 6, 1)})
    assert (standing.year, standing.last_year) == (2018, None)
    ended = records.add_record(session, "tie", {**tie, "date": date(2018, 6, 1), "end_date": date(2021, 5, 31)})
    assert ended.last_year == 2021
    plant = {"pairing": PAIRING, "title": "某车间", "enterprise": "某公司", "date": date(2019, 3, 1)}
    workshop = records.add_record(session, "industry", {**plant, "cooperation_type": "帮扶车间"})
    invested = records.add_record(session, "industry", {**plant, "cooperation_type": "引进企业投资"})
    assert (workshop.last_year, invested.last_year) == (None, 2019)
    # An edit that ends it closes it.
    records.update_record(session, workshop, {"end_date": date(2020, 10, 31)})
    assert workshop.last_year == 2020


def test_an_end_before_the_start_is_refused_for_ties_and_industry(session):
    tie = {"pairing": PAIRING, "level": "学校", "east_party": "鹤山一中", "west_party": "龙州高中"}
    with pytest.raises(records.InvalidInput, match="结束日期不能早于开始日期 2018-06-01"):
        records.add_record(session, "tie", {**tie, "date": date(2018, 6, 1), "end_date": date(2017, 1, 1)})


def test_a_posting_across_years_is_listed_in_every_year_it_overlaps(session):
    _cadre(session, "跨年", end=date(2021, 7, 31))
    _cadre(session, "在岗", start=date(2019, 7, 1))  # no end: open
    session.flush()
    title = "跨年挂职中共龙州县委（县委常委、副县长）"
    open_title = "在岗挂职中共龙州县委（县委常委、副县长）"
    assert title in _titles(session, "cadre", 2020) and title in _titles(session, "cadre", 2021)
    assert title not in _titles(session, "cadre", 2019) and title not in _titles(session, "cadre", 2022)
    # An open posting counts from its first year up to the present, not in years to come.
    this_year = date.today().year
    assert open_title in _titles(session, "cadre", 2019) and open_title in _titles(session, "cadre", this_year)
    assert open_title not in _titles(session, "cadre", 2018) and open_title not in _titles(
        session, "cadre", this_year + 1
    )


def test_the_workbook_of_the_second_year_holds_a_posting_that_began_in_the_first(ledger_path, run, tmp_path):
    with Ledger.open(ledger_path, author="测试员") as ledger, ledger.session() as session, session.begin():
        _cadre(session, "跨年", end=date(2021, 7, 31))
    book = tmp_path / "2021.xlsx"
    status, _, err = run("export", str(book), "--year", "2021", "--as-of", "2021-12-31")
    assert status == 0, err
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("干部挂职台账").to_python()
    assert rows[0][0] == "2021年鹤山市—龙州县东西部协作 干部挂职台账"
    assert any("跨年" in row for row in rows)
    # It began in 2020, not the workbook's year: the 年度 column is printed, so the row reads back as it was.
    header = next(row for row in rows if "姓名" in row)
    named = next(row for row in rows if "跨年" in row)
    assert named[header.index("年度")] == 2020


def test_drafts_count_for_nothing(session):
    records.add_record(session, "training", {**VALID["training"], **CHECKED, "participants": 378})
    records.add_record(session, "training", {**VALID["training"], "participants": 1000})  # 草稿
    session.flush()
    assert _actual(session, "trainees", 2020) == 378
    assert _actual(session, "trainings", 2020) == 1


def test_one_person_posted_twice_in_a_year_is_one_cadre(session):
    same = _id("45142319850312001")
    _cadre(session, "陈志强", same, start=date(2020, 1, 6), returned=date(2020, 6, 30))
    _cadre(session, "陈志强", same, start=date(2020, 9, 1), end=date(2021, 8, 31))
    _cadre(session, "李明", _id("45142319800101002"), start=date(2020, 3, 1), end=date(2021, 2, 28))
    # Without an ID number, the same name from the same unit is the same person; from another unit, another.
    _cadre(session, "王芳", None, start=date(2020, 2, 1), end=date(2020, 4, 30))
    _cadre(session, "王芳", None, start=date(2020, 8, 1), end=date(2020, 10, 31))
    _cadre(session, "王芳", None, start=date(2020, 8, 1), end=date(2020, 10, 31), home_unit="鹤山市教育局")
    session.flush()
    assert _actual(session, "cadres", 2020) == 4
    assert _actual(session, "cadres", 2021) == 2  # 陈志强's second posting and 李明, into 2021


def test_a_stay_is_measured_by_its_days_inside_the_year(session):
    records.add_record(
        session,
        "dispatch",
        {**VALID["dispatch"], **CHECKED, "start_date": date(2020, 12, 1), "end_date": date(2021, 3, 31)},
    )
    session.flush()
    assert days_within(date(2020, 12, 1), date(2021, 3, 31), 2020, date(2030, 1, 1)) == 31
    assert days_within(date(2020, 12, 1), date(2021, 3, 31), 2021, date(2030, 1, 1)) == 90
    assert _actual(session, "dispatches", 2020, min_days=60) == 0
    assert _actual(session, "dispatches", 2021, min_days=60) == 1
    # Counted as a trip in each year it overlaps.
    assert (_actual(session, "dispatches", 2020), _actual(session, "dispatches", 2021)) == (1, 1)


def test_an_open_posting_runs_to_the_day_asked_about(session):
    _cadre(session, "在岗", start=date(2020, 11, 1))
    session.flush()
    assert _actual(session, "cadres", 2020, as_of=date(2020, 11, 20), min_days=30) == 0
    assert _actual(session, "cadres", 2020, as_of=date(2020, 12, 20), min_days=30) == 1


def test_only_those_that_started_in_the_year_when_a_target_says_so(session):
    _cadre(session, "续任", start=date(2019, 7, 1), end=date(2021, 6, 30))
    _cadre(session, "新任", start=date(2020, 7, 1), end=date(2022, 6, 30), id_number=_id("45142319800101002"))
    session.flush()
    assert _actual(session, "cadres", 2020) == 2
    assert _actual(session, "cadres", 2020, started="是") == 1
    assert MEASURES["cadres"].describe({"started": True}) == "挂职干部人数（本年度新开始的）"


def test_a_training_across_new_year_counts_once_in_the_year_it_began(session):
    training = {**VALID["training"], **CHECKED, "start_date": date(2020, 12, 28), "end_date": date(2021, 1, 5)}
    records.add_record(session, "training", training)
    session.flush()
    assert (_actual(session, "trainees", 2020), _actual(session, "trainees", 2021)) == (60, 0)
    # Yet it is listed in both years, as it ran in both.
    assert len(records.list_records(session, "training", year=2021)) == 1


def test_a_standing_tie_counts_each_year_and_its_activities_by_their_dates(session):
    records.add_record(
        session,
        "tie",
        {
            **CHECKED,
            "pairing": PAIRING,
            "level": "医院",
            "east_party": "鹤山市人民医院",
            "west_party": "龙州县人民医院",
            "date": date(2019, 3, 1),
            "activities": ACTIVITIES.parse("2019-05-12 义诊 1次\n2020-04-10 义诊 1次 2万元\n2020-10-10 捐赠设备 3万元"),
        },
    )
    session.flush()
    assert (_actual(session, "ties", 2019), _actual(session, "ties", 2020)) == (1, 1)
    assert _actual(session, "tie_activities", 2019) == 1
    assert _actual(session, "tie_activities", 2020) == 2
    assert _actual(session, "tie_activities", 2020, activity="义诊") == 1
    assert _actual(session, "tie_amounts", 2020) == Decimal(5)
    assert _actual(session, "ties", 2020, started="是") == 0


def test_the_upgrade_closes_each_per_year_copy_of_a_tie_in_its_year(tmp_path):
    tie = {"pairing": PAIRING, "level": "学校", "east_party": "鹤山一中", "west_party": "龙州高中"}
    with Ledger.create(tmp_path / "l", author="测试员") as ledger:
        with ledger.session() as session, session.begin():
            records.add_pairing(session, "鹤山市", "龙州县")
            copies = [
                records.add_record(session, "tie", {**tie, "date": date(2018, 6, 1), "year": year}).id
                for year in (2018, 2019, 2020)
            ]
            posting = _cadre(session, start=date(2019, 7, 1), end=date(2021, 6, 30)).id
            in_post = _cadre(session, "王五", start=date(2019, 7, 1)).id
            # As the previous version's demo filed it: a 2018–2020 posting kept as a 2020 record.
            filed_late = _cadre(session, "梁雪梅", start=date(2018, 7, 1), returned=date(2020, 6, 30), year=2020).id
        # The ledger as the previous version kept it: no last year, and a tie copied into each year unended.
        config = schema._config()
        with ledger.engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
            connection.commit()
    with Ledger.open(tmp_path / "l", author="测试员") as ledger, ledger.session() as session:
        ties = [records.get_record(session, str(record_id)) for record_id in copies]
        assert [(t.year, t.end_date, t.last_year) for t in ties] == [
            (2018, date(2018, 12, 31), 2018),
            (2019, date(2019, 12, 31), 2019),
            (2020, date(2020, 12, 31), 2020),
        ]
        assert records.get_record(session, str(posting)).last_year == 2021
        assert records.get_record(session, str(in_post)).last_year is None
        late = records.get_record(session, str(filed_late))
        assert (late.year, late.last_year) == (2018, 2020)  # filed under its first year, counted in each
        assert len(records.list_records(session, "tie", year=2019)) == 1


def _plan_task(session, year):
    """A plan of `year` with one task, to hang targets on."""
    plan = Plan(pairing=records.find_pairing(session, PAIRING), year=year, title=f"{year}年工作要点")
    task = Task(position=0, seq="1", item="培训干部人次不低于上年", deadline=date(year, 12, 31))
    plan.tasks.append(task)
    session.add(plan)
    session.flush()
    return task


def _trainees(session, year, participants):
    start = date(year, 5, 10)
    values = {**VALID["training"], **CHECKED, "start_date": start, "end_date": start, "participants": participants}
    records.add_record(session, "training", values)


@pytest.mark.parametrize(
    ("basis", "this_year", "reached", "label"),
    [
        ("上年", 80, False, "培训人次（不低于上年）"),
        ("上年", 100, True, "培训人次（不低于上年）"),
        ("增长", 100, False, "培训人次（高于上年）"),
        ("增长", 101, True, "培训人次（高于上年）"),
    ],
)
def test_a_target_set_against_last_year_is_held_to_last_years_figure(session, basis, this_year, reached, label):
    _trainees(session, 2020, 100)
    _trainees(session, 2021, this_year)
    task = _plan_task(session, 2021)
    target = store.set_target(session, task, "trainees", {}, 0, basis)
    (measured,) = task_progress(session, task, date(2021, 12, 31)).targets
    assert (measured.baseline, measured.required, measured.actual, measured.reached) == (100, 100, this_year, reached)
    assert target_label(target) == label
    # A number stated beside it stays: 不低于上年 and at least 150.
    store.set_target(session, task, "trainees", {}, 150, basis)
    (measured,) = task_progress(session, task, date(2021, 12, 31)).targets
    assert (measured.required, measured.reached) == (150, False)


def test_held_to_an_empty_last_year_a_target_needs_something_done(session):
    task = _plan_task(session, 2021)
    store.set_target(session, task, "trainees", {}, 0, "上年")
    (measured,) = task_progress(session, task, date(2021, 12, 31)).targets
    assert (measured.baseline, measured.actual, measured.reached, measured.ratio) == (0, 0, False, 0)
    _trainees(session, 2021, 5)
    (measured,) = task_progress(session, task, date(2021, 12, 31)).targets
    assert (measured.reached, measured.ratio) == (True, 1)


def test_as_much_as_last_year_where_more_is_asked_is_short_of_it(session):
    _trainees(session, 2020, 100)
    _trainees(session, 2021, 100)
    task = _plan_task(session, 2021)
    store.set_target(session, task, "trainees", {}, 0, "增长")
    (measured,) = task_progress(session, task, date(2021, 12, 31)).targets
    assert (measured.reached, measured.ratio) == (False, Decimal("0.99"))


def test_a_fixed_target_needs_a_number_and_a_basis_is_one_of_two(session):
    task = _plan_task(session, 2021)
    with pytest.raises(records.InvalidInput, match="必须是大于 0 的数"):
        store.set_target(session, task, "trainees", {}, 0)
    with pytest.raises(records.InvalidInput, match="只能是：上年、增长"):
        store.set_target(session, task, "trainees", {}, 0, "去年")


def test_county_average_divides_by_the_pairings_counties(session):
    pairing = records.find_pairing(session, PAIRING)
    assert records.set_pairing_counties(session, pairing, "龙州县、凭祥市，宁明县") == ["龙州县", "凭祥市", "宁明县"]
    for county, amount in (("龙州县", Decimal(3_000_000)), ("凭祥市", Decimal(1_500_000))):
        values = {**VALID["disbursement"], **CHECKED, "county": county, "amount": amount}
        records.add_record(session, "disbursement", values)
    session.flush()
    assert _actual(session, "funds", 2020) == 450
    assert _actual(session, "funds", 2020, per_county="是") == Decimal("150.00")
    assert MEASURES["funds"].describe({"per_county": True}) == "资金金额（县均）"


def test_a_county_outside_the_pairings_list_is_refused(session):
    pairing = records.find_pairing(session, PAIRING)
    values = {**VALID["meeting"], "county": "都匀市"}
    with pytest.raises(records.InvalidInput, match="该结对关系没有设置受援县：只有一个县的不填此项"):
        records.add_record(session, "meeting", values)
    records.set_pairing_counties(session, pairing, "龙州县、凭祥市")
    with pytest.raises(records.InvalidInput, match="不是鹤山市—龙州县的受援县，可选：龙州县、凭祥市"):
        records.add_record(session, "meeting", values)
    records.add_record(session, "meeting", {**values, "county": "凭祥市"})
    session.flush()
    # A county its records name stays on the list.
    with pytest.raises(records.InvalidInput, match="已有记录填写了这个县"):
        records.set_pairing_counties(session, pairing, "龙州县")


def test_the_command_line_lists_and_sets_a_pairings_counties(run):
    assert run("pairing", "counties", "鹤山市—龙州县", "龙州县、凭祥市")[1] == "鹤山市—龙州县的受援县：龙州县、凭祥市\n"
    assert run("pairing", "list")[1] == "鹤山市—龙州县（受援县：龙州县、凭祥市）\n"
    status, _, err = run("pairing", "counties", "没有这个")
    assert status == 1 and "没有结对关系“没有这个”" in err


def test_a_target_held_to_last_year_and_a_pairings_counties_travel_in_a_package(tmp_path):
    made = []
    for name in ("甲", "乙"):
        with Ledger.create(tmp_path / name, author="测试员") as ledger, ledger.session() as session, session.begin():
            records.add_pairing(session, "鹤山市", "龙州县")
        made.append(tmp_path / name)
    with Ledger.open(made[0], author="测试员") as ledger:
        with ledger.session() as session, session.begin():
            records.set_pairing_counties(session, records.find_pairing(session, PAIRING), "龙州县、凭祥市")
            records.add_record(session, "meeting", {**VALID["meeting"], "county": "凭祥市"})
            store.set_target(session, _plan_task(session, 2020), "trainees", {}, 0, "上年")
        package = write_pack(ledger, tmp_path / "甲.zip").path
    with Ledger.open(made[1], author="测试员") as ledger:
        merge_package(ledger, package)
        with ledger.session() as session:
            pairing = records.find_pairing(session, PAIRING)
            assert records.pairing_counties(pairing) == ["龙州县", "凭祥市"]
            assert [record.county for record in records.list_records(session, "meeting")] == ["凭祥市"]
            (plan,) = store.list_plans(session)
            assert [(t.measure, t.threshold, t.basis) for t in plan.tasks[0].targets] == [("trainees", 0, "上年")]


def test_the_years_offered_are_every_year_a_record_counts_in_and_the_ledger_opens_on_the_latest_begun(session):
    _cadre(session, "跨年", start=date(2019, 9, 1), end=date(2021, 7, 31))
    session.flush()
    assert records.years_in_use(session) == [2021, 2020, 2019]
    assert records.latest_year(session) == 2019
    _cadre(session, "在岗", start=date(2022, 3, 1))  # open: counts up to this year
    session.flush()
    this_year = date.today().year
    assert records.years_in_use(session) == list(range(this_year, 2018, -1))
    assert records.latest_year(session) == 2022


def test_the_overviews_sums_count_money_once_in_the_year_it_began_and_leave_drafts_out(session):
    plant = {**CHECKED, "pairing": PAIRING, "title": "某车间", "enterprise": "某公司", "cooperation_type": "帮扶车间"}
    records.add_record(session, "industry", {**plant, "date": date(2019, 3, 1), "investment": Decimal(2_000_000)})
    records.add_record(session, "industry", {**plant, "date": date(2020, 3, 1), "investment": Decimal(500_000)})
    draft = {**plant, "record_status": "草稿", "date": date(2020, 6, 1), "investment": Decimal(9_000_000)}
    records.add_record(session, "industry", draft)
    session.flush()
    (industry,) = [totals for totals in kind_totals(session, PAIRING, 2020) if totals.kind == "industry"]
    # All three run in 2020 and are listed; only the 2020 workshop's money is 2020's.
    assert industry.count == 3
    assert {field.name: total for field, total in industry.sums}["investment"] == Decimal("500000.00")


def test_the_workbook_prints_受援县_where_the_pairing_covers_several_counties(ledger_path, run, tmp_path):
    book = tmp_path / "台账.xlsx"
    with Ledger.open(ledger_path, author="测试员") as ledger, ledger.session() as session, session.begin():
        records.add_record(session, "meeting", VALID["meeting"])
    assert run("export", str(book), "--year", "2020")[0] == 0
    assert _county_column_hidden(book) is True  # one county: nothing to say
    assert run("pairing", "counties", PAIRING, "龙州县、凭祥市")[0] == 0
    assert run("export", str(book), "--year", "2020")[0] == 0
    assert _county_column_hidden(book) is False  # rows added in Excel can name theirs


def _county_column_hidden(book):
    sheet = openpyxl.load_workbook(book)["会议与互访台账"]
    header = [cell.value for cell in sheet[3]]
    return bool(sheet.column_dimensions[get_column_letter(header.index("受援县") + 1)].hidden)


def test_a_merge_from_an_earlier_version_keeps_the_fields_its_package_does_not_carry(session):
    tie = {**CHECKED, "pairing": PAIRING, "level": "学校", "east_party": "鹤山一中", "west_party": "龙州高中"}
    record = records.add_record(session, "tie", {**tie, "date": date(2018, 6, 1), "end_date": date(2020, 12, 31)})
    session.flush()
    # As a package of the earlier version has the tie: no 协议截止日期, no 受援县, its summary edited.
    new_fields = ("end_date", "county")
    earlier = {name: value for name, value in records.record_values(record).items() if name not in new_fields}
    records.put_record(session, "tie", record.id, {**earlier, "summary": "对方修改"}, {})
    assert (record.summary, record.end_date, record.last_year) == ("对方修改", date(2020, 12, 31), 2020)
