"""会议与互访: joint meetings, standing-committee sessions, working meetings and visits."""

from __future__ import annotations

from ledger.field_types import FieldType
from ledger.fields import Field
from ledger.kinds.common import HELD_IN, declare_kind
from ledger.kinds.tables import kind_table

MEETING_TYPES = (
    "党政联席会议",
    "党委常委会会议",
    "政府常务会议",
    "领导小组会议",
    "工作推进会",
    "座谈会",
    "调研对接/互访",
    "其他",
)
LEVELS = ("省", "市", "县", "镇")


SPEC = declare_kind(
    "meeting",
    "会议与互访",
    "date",
    Field("date", "日期", FieldType.DATE, required=True),
    Field("meeting_type", "会议类型", FieldType.CHOICE, required=True, choices=MEETING_TYPES),
    Field("level", "层级", FieldType.CHOICE, choices=LEVELS),
    HELD_IN,
    Field("lead", "带队或主持领导", FieldType.PERSON),
    Field("lead_post", "领导职务"),
    Field("main_leader_present", "党政主要领导参加", FieldType.BOOL, default=False),
    Field("attendees", "参会人员", multiline=True, max_length=2000),
    Field("minutes_no", "纪要文号", help="例如 鹤府办纪〔2020〕12号"),
    Field("decisions", "议定事项", multiline=True, max_length=5000),
)

TABLE = kind_table(SPEC)
