"""劳务协作: workers placed in jobs (in the east or near home), job fairs, labour stations and job subsidies."""

from __future__ import annotations

from ledger.field_types import FieldType
from ledger.fields import Field, Values
from ledger.kinds.common import declare_kind
from ledger.kinds.tables import kind_table

LABOUR_TYPES = ("转移就业", "就近就地就业", "招聘会", "劳务协作站", "稳岗补贴")
TRANSFER, JOB_FAIR = LABOUR_TYPES[0], LABOUR_TYPES[2]
#: The types whose people are workers who found a job, which the plans count.
EMPLOYMENT = LABOUR_TYPES[:2]


def _counts_consistent(values: Values) -> list[tuple[str, str]]:
    people, problems = values.get("people"), []
    if values.get("labour_type") in EMPLOYMENT and not people:
        problems.append(("people", "转移或就业的记录应填写大于0的人数"))
    poor = values.get("poor_people")
    if poor is not None and people is not None and poor > people:
        problems.append(("poor_people", f"不能多于人数 {people}"))
    if values.get("to_east") and values.get("labour_type") != TRANSFER:
        problems.append(("to_east", "只有转移就业的记录才分到东部与否"))
    if values.get("disabled_only") and values.get("labour_type") != JOB_FAIR:
        problems.append(("disabled_only", "残疾人专场只用于招聘会"))
    subsidy = values.get("subsidy")
    if subsidy is not None and subsidy <= 0:
        problems.append(("subsidy", "金额应大于0"))
    return problems


SPEC = declare_kind(
    "labour",
    "劳务协作",
    "date",
    Field("date", "日期", FieldType.DATE, required=True, help="转移就业填上岗或输送日期，招聘会填举办日期"),
    Field("labour_type", "类型", FieldType.CHOICE, required=True, choices=LABOUR_TYPES),
    Field("to_east", "转移到东部", FieldType.BOOL, default=False, help="转移就业到东部协作地区的填“是”"),
    Field("people", "人数", FieldType.INT, help="就业人数；招聘会填达成就业意向人数"),
    Field("poor_people", "其中建档立卡/脱贫人口", FieldType.INT),
    Field("destination", "就业地（省、市）", suggestions=("广东省江门市", "广东省鹤山市", "广东省广州市", "县内")),
    Field("employer", "用工单位"),
    Field("stalls", "招聘会展位数", FieldType.INT),
    Field("jobs", "提供岗位数", FieldType.INT),
    Field("disabled_only", "残疾人专场", FieldType.BOOL, default=False),
    Field("subsidy", "补贴金额（元）", FieldType.MONEY, help="稳岗、交通等补贴；可写 50000 或 5万"),
    checks=(_counts_consistent,),
)

TABLE = kind_table(SPEC)
