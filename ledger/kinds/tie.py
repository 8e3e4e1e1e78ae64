"""结对帮扶 (携手奔小康): towns, villages, enterprises, schools, hospitals and organisations paired east with
west, and what each pair did in the year, as dated entries of one field (ledger.activities)."""

from __future__ import annotations

from ledger.activities import EXAMPLE
from ledger.field_types import FieldType
from ledger.fields import Field, Values
from ledger.kinds.common import always, declare_kind, period_in_order
from ledger.kinds.tables import kind_table

LEVELS = ("乡镇", "村", "村企", "学校", "医院", "社会组织")


def _title(values: Values) -> str:
    return f"{values.get('east_party') or ''}与{values.get('west_party') or ''}结对帮扶"


SPEC = declare_kind(
    "tie",
    "结对帮扶",
    "date",
    Field("level", "结对类型", FieldType.CHOICE, required=True, choices=LEVELS),
    Field("east_party", "东部结对方", required=True, max_length=100),
    Field("west_party", "西部结对方", required=True, max_length=100),
    Field("date", "签订协议日期", FieldType.DATE, required=True, help="多年的结对只需一条记录，不必每年复制"),
    Field("end_date", "协议截止日期", FieldType.DATE, help="不填即长期结对，每年都计入"),
    Field(
        "activities",
        "帮扶活动",
        FieldType.ENTRIES,
        multiline=True,
        help=f"每行一项：日期 做了什么 数量 金额，如 {EXAMPLE}",
    ),
    checks=(period_in_order,),
    compose_title=_title,
    ends=("end_date",),
    open_ended=always,
    standing=True,
)

TABLE = kind_table(SPEC)
