"""培训: cadre, professional, rural-talent and labour-skills training sessions, counted in 人次."""

from __future__ import annotations

from ledger.field_types import FieldType
from ledger.fields import Field, Values
from ledger.kinds.common import HELD_IN, declare_kind, period_in_order
from ledger.kinds.tables import kind_table

TRAINING_TYPES = ("党政干部培训", "专业技术人才培训", "致富带头人/乡村振兴人才培训", "劳动力技能培训", "其他")
PROGRAMMES = ("粤菜师傅", "南粤家政", "广东技工", "乡村工匠", "电商", "农业技术", "旅游服务")


def _counts_consistent(values: Values) -> list[tuple[str, str]]:
    participants = values.get("participants")
    problems = []
    if participants is not None and participants <= 0:
        problems.append(("participants", "培训人次应大于0"))
    if values.get("sessions") is not None and values["sessions"] <= 0:
        problems.append(("sessions", "期数应大于0"))
    for name, label in (("poor_participants", "脱贫人口人次"), ("certificates", "取得证书人数")):
        value = values.get(name)
        if value is not None and participants is not None and value > participants:
            problems.append((name, f"{label}不能多于培训人次 {participants}"))
    return problems


SPEC = declare_kind(
    "training",
    "培训",
    "start_date",
    Field("training_type", "培训类型", FieldType.CHOICE, required=True, choices=TRAINING_TYPES),
    Field("programme", "培训项目", suggestions=PROGRAMMES),
    Field("organiser", "主办单位", FieldType.UNIT),
    HELD_IN,
    Field("start_date", "开班日期", FieldType.DATE, required=True),
    Field("end_date", "结业日期", FieldType.DATE),
    Field("sessions", "期数", FieldType.INT, required=True, default=1),
    Field("participants", "培训人次", FieldType.INT, required=True),
    Field("poor_participants", "建档立卡/脱贫人口人次", FieldType.INT),
    Field("certificates", "取得证书人数", FieldType.INT),
    checks=(period_in_order, _counts_consistent),
    ends=("end_date",),
)

TABLE = kind_table(SPEC)
