"""干部挂职: cadres posted from the east to the west and from the west to the east."""

from __future__ import annotations

from ledger.field_types import FieldType
from ledger.fields import Field, Values
from ledger.kinds.common import always, declare_kind, period_in_order, person_fields
from ledger.kinds.tables import kind_table

DIRECTIONS = ("东部派往西部", "西部派往东部")
RANKS = ("厅级", "处级", "科级", "其他")
POSTING_STATUSES = ("在岗", "期满返回", "提前返回")


def _posting_consistent(values: Values) -> list[tuple[str, str]]:
    status, returned, start = values.get("posting_status"), values.get("returned_on"), values.get("start_date")
    problems = []
    if status in ("期满返回", "提前返回") and not returned:
        problems.append(("returned_on", f"状态为“{status}”时须填写实际返回日期"))
    if status == "在岗" and returned:
        problems.append(("posting_status", "已填写实际返回日期，状态不能是“在岗”"))
    if returned and start and returned < start:
        problems.append(("returned_on", f"实际返回日期不能早于挂职开始日期 {start.isoformat()}"))
    return problems


def _title(values: Values) -> str:
    return f"{values.get('person_name') or ''}挂职{values.get('host_unit') or ''}（{values.get('host_post') or ''}）"


SPEC = declare_kind(
    "cadre",
    "干部挂职",
    "start_date",
    *person_fields(),
    Field("direction", "挂职方向", FieldType.CHOICE, required=True, choices=DIRECTIONS),
    Field("rank", "职级", FieldType.CHOICE, required=True, choices=RANKS),
    Field("home_unit", "派出单位", FieldType.UNIT),
    Field("home_post", "原任职务"),
    Field("host_unit", "挂职单位", FieldType.UNIT, required=True),
    Field("host_post", "挂任职务", required=True),
    Field("start_date", "挂职开始日期", FieldType.DATE, required=True),
    Field("end_date", "计划结束日期", FieldType.DATE),
    Field("returned_on", "实际返回日期", FieldType.DATE),
    Field("posting_status", "在岗状态", FieldType.CHOICE, required=True, choices=POSTING_STATUSES, default="在岗"),
    Field("appointment_doc_no", "任职文件号"),
    checks=(period_in_order, _posting_consistent),
    compose_title=_title,
    ends=("returned_on", "end_date"),
    open_ended=always,
)

TABLE = kind_table(SPEC)
