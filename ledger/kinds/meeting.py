"""会议与互访: joint meetings, standing-committee sessions, working meetings and visits."""

from __future__ import annotations

import uuid

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.field_types import FieldType
from ledger.fields import Field, KindSpec
from ledger.kinds.common import HEAD, HELD_IN, TAIL, record_key
from ledger.models import Record

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


class Meeting(Record):
    __tablename__ = "meeting"
    __mapper_args__ = {"polymorphic_identity": "meeting"}

    id: Mapped[uuid.UUID] = record_key()
    meeting_type: Mapped[str]
    level: Mapped[str | None]
    held_in: Mapped[str | None]
    lead: Mapped[str | None]
    lead_post: Mapped[str | None]
    main_leader_present: Mapped[bool] = mapped_column(default=False)
    attendees: Mapped[str | None] = mapped_column(Text)
    minutes_no: Mapped[str | None]
    decisions: Mapped[str | None] = mapped_column(Text)


SPEC = KindSpec(
    name="meeting",
    label="会议与互访",
    date_field="date",
    fields=(
        *HEAD,
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
        *TAIL,
    ),
)
