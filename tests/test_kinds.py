"""Each kind's field spec: what it accepts, what it refuses, and that it matches its table."""

from datetime import date
from decimal import Decimal

import pytest
from samples import ID_NUMBER, VALID
from sqlalchemy import Boolean, Date, Integer, String, Text

from ledger import records
from ledger.errors import InvalidInput
from ledger.fields import FieldType
from ledger.kinds import KINDS, MODELS
from ledger.models import Money, Record


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
    # Year and title are filled from the date and the person when they can be; here nothing is left.
    composed = {"title"} if spec.compose_title else set()
    expected = {f.name for f in spec.editable_fields if f.required and f.default is None} - composed
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


_SQL_TYPES = {
    FieldType.TEXT: (String, Text),
    FieldType.PERSON: (String,),
    FieldType.UNIT: (String,),
    FieldType.CHOICE: (String,),
    FieldType.ID_NUMBER: (String,),
    FieldType.PHONE: (String,),
    FieldType.DATE: (Date,),
    FieldType.INT: (Integer,),
    FieldType.BOOL: (Boolean,),
    FieldType.MONEY: (Money,),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_spec_and_table_agree(kind):
    """The spec is what users see; the table is where it is kept. Neither may have a field the other lacks."""
    model, spec = MODELS[kind], KINDS[kind]
    stored = {**Record.__table__.columns, **model.__table__.columns}
    for field in spec.fields:
        if field.type in (FieldType.PAIRING, FieldType.UNITS):
            continue
        column = stored[field.name]
        assert isinstance(column.type, _SQL_TYPES[field.type]), field.name
        if field.required and field.name not in ("title", "year"):
            assert column.nullable is False or field.name in ("date", "start_date", "end_date"), field.name
    own = set(model.__table__.columns.keys()) - {"id"}
    assert own <= set(spec.by_name), own - set(spec.by_name)
