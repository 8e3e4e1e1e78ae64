"""专业技术人才: teachers, doctors and other professionals sent to teach, treat or learn (支教/支医)."""

from __future__ import annotations

from sqlalchemy import Index

from ledger.field_types import FieldType
from ledger.fields import Field, Values
from ledger.kinds.common import declare_kind, period_in_order, person_fields
from ledger.kinds.tables import kind_table

FIELDS_OF_WORK = ("教育", "医疗卫生", "农业技术", "其他")
ROLES = ("教师", "校长", "园长", "医生", "护士", "医技人员", "农技人员", "管理人员", "其他")
DIRECTIONS = ("东部选派到西部", "西部到东部跟岗学习或进修")
EAST_TO_WEST = DIRECTIONS[0]


def _days(values: Values) -> dict[str, object]:
    start, end = values.get("start_date"), values.get("end_date")
    return {"days": (end - start).days + 1 if start and end and end >= start else None}


def _title(values: Values) -> str:
    name, host = values.get("person_name") or "", values.get("host_institution") or ""
    if values.get("direction") != EAST_TO_WEST:
        return f"{name}到{host}跟岗学习"
    verb = {"教育": "支教", "医疗卫生": "支医"}.get(values.get("field") or "", "开展技术帮扶")
    return f"{name}赴{host}{verb}"


SPEC = declare_kind(
    "dispatch",
    "专业技术人才",
    "start_date",
    *person_fields(),
    Field("field", "领域", FieldType.CHOICE, required=True, choices=FIELDS_OF_WORK),
    Field("role", "人员类别", FieldType.CHOICE, required=True, choices=ROLES),
    Field(
        "professional_title",
        "职称",
        suggestions=("高级教师", "一级教师", "主任医师", "副主任医师", "主治医师", "主管护师", "农艺师"),
    ),
    Field("direction", "选派方向", FieldType.CHOICE, required=True, choices=DIRECTIONS),
    Field("home_institution", "派出单位", FieldType.UNIT),
    Field("host_institution", "接收单位", FieldType.UNIT, required=True),
    Field("subject", "学科或科室"),
    Field("start_date", "开始日期", FieldType.DATE, required=True),
    Field("end_date", "结束日期", FieldType.DATE, required=True),
    Field("days", "在岗天数", FieldType.INT, derived=True, help="由开始和结束日期计算，含首尾两天"),
    checks=(period_in_order,),
    compose_title=_title,
    derive=_days,
    ends=("end_date",),
)

# Days on station, kept in the table so targets like "≥ 30 days" are plain SQL.
TABLE = kind_table(SPEC, Index("ix_dispatch_days", "days"))
