"""产业合作: enterprises brought to invest in the west, industrial parks, 帮扶车间 and the poor people they employ."""

from __future__ import annotations

from ledger.field_types import FieldType
from ledger.fields import Field, Values
from ledger.kinds.common import declare_kind, period_in_order
from ledger.kinds.tables import kind_table

COOPERATION_TYPES = ("引进企业投资", "产业园区", "帮扶车间", "特色产业项目", "文化旅游合作")
ENTERPRISE, WORKSHOP = COOPERATION_TYPES[0], COOPERATION_TYPES[2]
#: What runs from year to year until it stops (a park, a workshop), where an investment is made once.
LASTING = COOPERATION_TYPES[1:3]


def _consistent(values: Values) -> list[tuple[str, str]]:
    problems = []
    for name in ("investment", "pledged_investment"):
        if values.get(name) is not None and values[name] <= 0:
            problems.append((name, "金额应大于0"))
    employed, poor = values.get("employed"), values.get("poor_employed")
    if employed is not None and poor is not None and poor > employed:
        problems.append(("poor_employed", f"不能多于吸纳就业人数 {employed}"))
    signed, producing = values.get("date"), values.get("production_date")
    if signed and producing and producing < signed:
        problems.append(("production_date", f"投产日期不能早于签约日期 {signed.isoformat()}"))
    return problems


SPEC = declare_kind(
    "industry",
    "产业合作",
    "date",
    Field("cooperation_type", "合作类型", FieldType.CHOICE, required=True, choices=COOPERATION_TYPES),
    Field("enterprise", "企业名称", required=True, max_length=100),
    Field("enterprise_home", "企业所在地", suggestions=("广东省鹤山市", "广东省江门市", "广东省广州市")),
    Field("investment", "实际到位投资（元）", FieldType.MONEY, help="可写 5000000 或 500万"),
    Field("pledged_investment", "协议投资额（元）", FieldType.MONEY),
    Field("park", "落户园区或帮扶车间"),
    Field("employed", "吸纳就业人数", FieldType.INT),
    Field("poor_employed", "其中建档立卡/脱贫人口", FieldType.INT),
    Field("date", "签约日期", FieldType.DATE, required=True),
    Field("production_date", "投产日期", FieldType.DATE),
    Field("end_date", "终止日期", FieldType.DATE, help="停止运行时填写；不填即仍在运行"),
    checks=(_consistent, period_in_order),
    ends=("end_date",),
    open_ended=lambda values: values.get("cooperation_type") in LASTING,
)

TABLE = kind_table(SPEC)
