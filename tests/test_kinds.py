"""Each kind's field spec: what it accepts, what it refuses, and that it matches its table."""

from datetime import date
from decimal import Decimal

import pytest
from samples import ID_NUMBER, VALID

from ledger import records
from ledger.activities import Activity
from ledger.errors import InvalidInput
from ledger.field_types import FieldType
from ledger.kinds import KINDS, MODELS
from ledger.kinds.tables import own_fields
from ledger.models import Record


def _problems(session, kind, **changes):
    with pytest.raises(InvalidInput) as caught:
        records.add_record(session, kind, {**VALID[kind], **changes})
    return {problem.field: problem.message for problem in caught.value.problems}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_valid_record_of_each_kind_is_saved_and_read_back(session, kind):
    record = records.add_record(session, kind, VALID[kind])
    session.commit()
    values = records.record_values(records.get_record(session, record.id))
    for name, value in VALID[kind].items():
        assert values[name] == value, name
    assert values["record_status"] == "草稿"
    assert values["year"] == values[KINDS[kind].date_field].year


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_required_field_is_named_when_missing(session, kind):
    spec = KINDS[kind]
    blank = {name: None for name in VALID[kind]}
    problems = _problems(session, kind, **blank)
    # What must be typed: not the year (it follows the date, named instead), nor a composed title, nor a default.
    expected = {f.name for f in spec.editable_fields if spec.must_fill(f)}
    assert expected <= set(problems)
    assert all(message == "必须填写" for name, message in problems.items() if name in expected)


@pytest.mark.parametrize("kind", list(KINDS))
def test_choices_are_enforced(session, kind):
    choice = next(f for f in KINDS[kind].fields if f.type is FieldType.CHOICE and f.name != "record_status")
    problems = _problems(session, kind, **{choice.name: "随便写的"})
    assert problems[choice.name].startswith("只能是：")


@pytest.mark.parametrize("kind", ["cadre", "dispatch", "training"])
def test_a_period_cannot_end_before_it_starts(session, kind):
    problems = _problems(session, kind, start_date=date(2020, 6, 1), end_date=date(2020, 5, 31))
    assert "结束日期不能早于开始日期" in problems["end_date"]


def test_amounts_must_be_positive_and_exact(session):
    assert _problems(session, "disbursement", amount=Decimal("0"))["amount"] == "金额应大于0"
    assert _problems(session, "disbursement", amount=Decimal("-5"))["amount"] == "金额应大于0"
    assert "精确到分" in _problems(session, "disbursement", amount=Decimal("10.005"))["amount"]
    assert "应为金额" in _problems(session, "disbursement", amount=10.5)["amount"]


def test_money_is_stored_as_integer_fen(session):
    record = records.add_record(session, "disbursement", {**VALID["disbursement"], "amount": Decimal("0.07")})
    session.commit()
    stored = session.connection().exec_driver_sql("SELECT amount FROM disbursement").scalar_one()
    assert stored == 7 and isinstance(stored, int)
    assert record.amount == Decimal("0.07")


def test_personal_numbers_are_checked_and_normalised(session):
    problems = _problems(session, "cadre", id_number=ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"))
    assert "校验位" in problems["id_number"]
    assert "电话号码" in _problems(session, "cadre", phone="12345")["phone"]
    record = records.add_record(session, "cadre", {**VALID["cadre"], "phone": "+86 138 1234 5678"})
    assert record.phone == "13812345678"


def test_cadre_return_must_agree_with_status(session):
    assert "实际返回日期" in _problems(session, "cadre", posting_status="期满返回")["returned_on"]
    assert "在岗" in _problems(session, "cadre", returned_on=date(2021, 6, 30))["posting_status"]
    record = records.add_record(
        session, "cadre", {**VALID["cadre"], "posting_status": "提前返回", "returned_on": date(2020, 12, 1)}
    )
    assert record.returned_on == date(2020, 12, 1)


def test_training_counts_hold_together(session):
    problems = _problems(session, "training", participants=20, poor_participants=25, certificates=30)
    assert "不能多于培训人次" in problems["poor_participants"]
    assert "不能多于培训人次" in problems["certificates"]
    assert _problems(session, "training", participants=0)["participants"] == "培训人次应大于0"
    assert _problems(session, "training", participants=-3)["participants"] == "不能为负数"


def test_dispatch_days_are_derived_and_cannot_be_typed(session):
    record = records.add_record(session, "dispatch", VALID["dispatch"])
    assert record.days == 122  # 1 March to 30 June 2020, both days counted
    records.update_record(session, record, {"end_date": date(2020, 3, 30)})
    assert record.days == 30
    with pytest.raises(InvalidInput, match="自动计算"):
        records.update_record(session, record, {"days": 99})


def test_person_kinds_compose_their_title_and_follow_changes(session):
    dispatch = records.add_record(session, "dispatch", VALID["dispatch"])
    assert dispatch.title == "黄丽华赴龙州县高级中学支教"
    records.update_record(session, dispatch, {"field": "医疗卫生", "host_institution": "龙州县人民医院"})
    assert dispatch.title == "黄丽华赴龙州县人民医院支医"
    cadre = records.add_record(session, "cadre", {**VALID["cadre"], "title": "陈志强同志挂职"})
    records.update_record(session, cadre, {"host_post": "副县长"})
    assert cadre.title == "陈志强同志挂职"  # typed by hand, so kept


def test_unknown_fields_and_wrong_types_are_refused(session):
    with pytest.raises(InvalidInput, match="没有这个字段"):
        records.add_record(session, "meeting", {**VALID["meeting"], "colour": "红"})
    problems = _problems(session, "meeting", date="2020-04-20", main_leader_present="是")
    assert problems == {"date": "应为日期", "main_leader_present": "应填“是”或“否”"}


def test_text_limits(session):
    assert "过长" in _problems(session, "meeting", title="会" * 201)["title"]
    assert "控制字符" in _problems(session, "meeting", title="会议\x07")["title"]


def test_labour_counts_hold_together(session):
    assert "人数" in _problems(session, "labour", people=None)["people"]
    assert "不能多于人数 58" in _problems(session, "labour", poor_people=60)["poor_people"]
    fair = {"labour_type": "招聘会", "people": None, "to_east": False, "stalls": 40, "jobs": 1200}
    assert "转移就业" in _problems(session, "labour", **{**fair, "to_east": True})["to_east"]
    assert "招聘会" in _problems(session, "labour", disabled_only=True)["disabled_only"]
    record = records.add_record(session, "labour", {**VALID["labour"], **fair, "disabled_only": True})
    assert record.people is None and record.jobs == 1200
    assert _problems(session, "labour", labour_type="稳岗补贴", subsidy=Decimal(0))["subsidy"] == "金额应大于0"


def test_industry_investment_and_dates_hold_together(session):
    assert _problems(session, "industry", investment=Decimal("-1"))["investment"] == "金额应大于0"
    assert "不能多于吸纳就业人数 86" in _problems(session, "industry", poor_employed=87)["poor_employed"]
    problems = _problems(session, "industry", production_date=date(2020, 4, 1))
    assert "不能早于签约日期 2020-04-16" in problems["production_date"]
    assert "精确到分" in _problems(session, "consumption", amount=Decimal("0.001"))["amount"]


def test_a_tie_keeps_its_activities_in_date_order_with_exact_amounts(session):
    typed = "2020-09-08 送教下乡，开设公开课\n2020年5月12日 捐赠图书 200册 3.5万元\n2020-06-01 义诊 300人次"
    field = KINDS["tie"].field("activities")
    record = records.add_record(session, "tie", {**VALID["tie"], "activities": field.values.parse(typed)})
    session.commit()
    assert record.title == "鹤山市纪元中学与龙州县高级中学结对帮扶"  # composed, as for people
    kept = records.get_record(session, record.id).activities
    assert [(a.date, a.text, a.count, a.unit, a.amount) for a in kept] == [
        (date(2020, 5, 12), "捐赠图书", 200, "册", Decimal("35000.00")),
        (date(2020, 6, 1), "义诊", 300, "人次", None),
        (date(2020, 9, 8), "送教下乡，开设公开课", None, "", None),
    ]
    stored = session.connection().exec_driver_sql("SELECT activities FROM tie").scalar_one()
    assert '"amount": 3500000' in stored  # fen, exact in SQL as in Python
    lines = field.values.to_json(kept)
    assert lines == ["2020-05-12 捐赠图书 200册 3.5万元", "2020-06-01 义诊 300人次", "2020-09-08 送教下乡，开设公开课"]
    assert field.values.display(kept) == "\n".join(lines)
    assert field.values.from_json(lines) == kept == field.values.parse(field.values.display(kept))


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("捐赠图书 200册", "应以日期开头"),
        ("2020-02-30 义诊", "没有这一天"),
        ("2020-05-12", "日期后应写做了什么"),
        ("2020-05-12 捐款 0元", "金额应大于0"),
        ("2020-05-12 捐款 1.005元", "精确到分"),
        ("2020-05-12 义诊\n送教", "第2条“送教”应以日期开头"),
    ],
)
def test_activities_that_cannot_be_read_say_which_line_and_why(typed, reason):
    with pytest.raises(ValueError, match=reason):
        KINDS["tie"].field("activities").values.parse(typed)


def test_activities_typed_on_one_line_split_before_each_date():
    activities = KINDS["tie"].field("activities").values.parse("2020-05-12 捐赠图书；2020-06-01 义诊；分两批")
    assert [a.text for a in activities] == ["捐赠图书", "义诊；分两批"]
    # Amounts in 元 and counts with a unit are read from the end only when they stand apart.
    [gift] = KINDS["tie"].field("activities").values.parse("2020-05-12 慰问困难户捐款5万元")
    assert gift.text == "慰问困难户捐款5万元" and gift.amount is None


def test_activities_given_as_something_else_are_refused(session):
    assert "活动" in _problems(session, "tie", activities="2020-05-12 义诊")["activities"]
    wrong = [Activity(date(1900, 1, 1), "义诊")]
    assert "1990" in _problems(session, "tie", activities=wrong)["activities"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_table_holds_its_fields_as_declared(kind):
    """The table is made from the spec: a column for each field kept in it, empty only where the field may be."""
    model, spec = MODELS[kind], KINDS[kind]
    assert (model.__tablename__, model.__mapper__.polymorphic_identity) == (kind, kind)
    own = model.__table__.columns
    assert set(own.keys()) - {"id"} == {field.name for field in own_fields(spec)}
    for field in spec.fields:
        if field.values.stored_in != "column":
            continue
        column = own[field.name] if field.name in own else Record.__table__.columns[field.name]
        if field.name in own:
            filled = field.required or field.default is not None or field.values.listed
            assert column.nullable is not filled, field.name
            assert field.default is None or column.default.arg == field.default, field.name
        elif field.required and field.type is not FieldType.DATE:
            # Shared with every kind, so a date one kind requires is empty in another's records.
            assert column.nullable is False, field.name


# Every mistake at once, and what must be typed ---------------------------------------------------


def _typed(kind: str, **texts: str) -> dict[str, str]:
    """A form as typed: every editable field, empty but for `texts`."""
    return {**{field.name: "" for field in KINDS[kind].editable_fields}, **texts}


def test_a_whole_record_read_at_once_names_empty_required_fields_with_unreadable_ones():
    from ledger.validation import read_record

    texts = _typed(
        "disbursement", pairing="鹤山市—龙州县", fund_type="财政援助资金", fund_level="县区",
        date="2020-02-30", amount="两百万", record_status="草稿", deep_poverty="否",
    )  # fmt: skip
    values, problems = read_record(KINDS["disbursement"], texts)
    assert [str(problem) for problem in problems] == [
        "事项（title）（空）：必须填写",
        "金额（元）（amount）“两百万”：无法识别的金额：两百万（应写作 2600000.00 或 260万元）",
        "拨付日期（date）“2020-02-30”：没有这一天：2020-02-30",
    ]
    assert "date" not in values and "amount" not in values and values["year"] is None  # as read, not completed


def test_reading_a_whole_record_also_names_what_the_rules_across_fields_refuse():
    from ledger.validation import read_record

    texts = _typed(
        "training", pairing="鹤山市—龙州县", title="致富带头人培训", training_type="其他", held_in="东部",
        start_date="2020-06-10", end_date="2020-06-01", participants="很多", record_status="草稿",
    )  # fmt: skip
    _, problems = read_record(KINDS["training"], texts)
    assert [(problem.field, problem.message) for problem in problems] == [
        ("end_date", "结束日期不能早于开始日期 2020-06-10"),
        ("participants", "应为整数：很多"),
    ]


def test_a_clean_record_read_at_once_has_no_problems():
    from ledger.validation import read_record

    texts = _typed(
        "meeting", pairing="鹤山市—龙州县", title="党政联席会议", date="2020年4月20日",
        meeting_type="党政联席会议", main_leader_present="是", record_status="草稿",
    )  # fmt: skip
    values, problems = read_record(KINDS["meeting"], texts)
    assert problems == []
    assert (values["date"], values["year"]) == (date(2020, 4, 20), None)  # the ledger fills the year on saving


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_year_follows_the_date_so_no_one_is_asked_for_it(kind):
    spec = KINDS[kind]
    year = spec.field("year")
    # Every saved record has a year, and every kind requires the date it follows, so no one must type it.
    assert (year.required, year.follows_date, spec.must_fill(year)) == (True, True, False)
    assert spec.field(spec.date_field).required and spec.must_fill(spec.field(spec.date_field))
    assert spec.must_fill(spec.field("title")) is (spec.compose_title is None)
    assert spec.must_fill(spec.field("pairing")) and not spec.must_fill(spec.field("record_status"))


def test_a_kind_whose_year_could_follow_a_missing_date_is_refused():
    from ledger.fields import Field, KindSpec

    year = Field("year", "年度", FieldType.INT, required=True, follows_date=True)
    fields = (year, Field("date", "日期", FieldType.DATE))
    with pytest.raises(ValueError, match="follows date, which is not required"):
        KindSpec(name="note", label="笔记", fields=fields, date_field="date")


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_missing_date_is_one_mistake_not_a_second_one_at_the_year(session, kind):
    date_field = KINDS[kind].date_field
    problems = _problems(session, kind, **{date_field: None})
    assert problems[date_field] == "必须填写"
    assert "year" not in problems
