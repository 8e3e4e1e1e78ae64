"""Fields and rules the record kinds share; `declare_kind` places those every kind has around each kind's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.field_types import FieldType
from ledger.fields import CrossCheck, Field, KindSpec, Values

RECORD_STATUSES = ("草稿", "已核实", "已归档")
#: Not yet checked: kept and listed, but counted toward no target.
DRAFT = RECORD_STATUSES[0]
ARCHIVED = "已归档"
GENDERS = ("男", "女")
SIDES = ("东部", "西部")

_HEAD = (
    Field("pairing", "结对关系", FieldType.PAIRING, required=True, help="例如 鹤山市—龙州县"),
    Field(
        "county",
        "受援县",
        max_length=50,
        help="覆盖多个县时填写，如 都匀市",
    ),
    # Every record has a year, but no one need type it: left empty, it is the year of the kind's date.
    Field("year", "年度", FieldType.INT, required=True, follows_date=True, help="不填时取日期所在年份"),
    Field("title", "事项", required=True, max_length=200),
)
_TAIL = (
    Field("location", "地点"),
    Field("responsible_units", "责任单位", FieldType.UNITS, help="可填多个，用顿号或逗号分隔"),
    Field("summary", "主要内容", multiline=True, max_length=5000),
    Field(
        "record_status",
        "状态",
        FieldType.CHOICE,
        required=True,
        choices=RECORD_STATUSES,
        default="草稿",
        help="已归档的记录不能再修改",
    ),
)


def declare_kind(
    name: str,
    label: str,
    date_field: str,
    *fields: Field,
    checks: tuple[CrossCheck, ...] = (),
    compose_title: Callable[[Values], str] | None = None,
    derive: Callable[[Values], dict[str, Any]] | None = None,
    ends: tuple[str, ...] = (),
    open_ended: Callable[[Values], bool] | None = None,
    standing: bool = False,
) -> KindSpec:
    """The spec of a kind whose own `fields` stand, in their order, between those every kind has."""
    return KindSpec(
        name=name,
        label=label,
        date_field=date_field,
        fields=(*_HEAD, *fields, *_TAIL),
        checks=checks,
        compose_title=compose_title,
        derive=derive,
        ends=ends,
        open_ended=open_ended,
        standing=standing,
    )


def always(values: Values) -> bool:
    """`open_ended` of a kind whose every record runs until its end is known."""
    return True


#: Where a meeting or a training was held, east or west.
HELD_IN = Field("held_in", "举办地", FieldType.CHOICE, choices=SIDES)


def amount_positive(values: Values) -> list[tuple[str, str]]:
    amount = values.get("amount")
    return [("amount", "金额应大于0")] if amount is not None and amount <= 0 else []


def period_in_order(values: Values) -> list[tuple[str, str]]:
    # A kind that lasts from its one date (a tie's agreement, an industry's signing) ends no earlier either.
    start, end = values.get("start_date") or values.get("date"), values.get("end_date")
    if start and end and end < start:
        return [("end_date", f"结束日期不能早于开始日期 {start.isoformat()}")]
    return []


def person_fields(*, id_required: bool = False) -> tuple[Field, ...]:
    return (
        Field("person_name", "姓名", FieldType.PERSON, required=True, max_length=50),
        Field("gender", "性别", FieldType.CHOICE, choices=GENDERS),
        Field("id_number", "身份证号", FieldType.ID_NUMBER, required=id_required),
        Field("phone", "联系电话", FieldType.PHONE),
    )
