"""宣传: reports of the cooperation in central, provincial, city and county media; 事项 holds the headline."""

from __future__ import annotations

from ledger.field_types import FieldType
from ledger.fields import Field
from ledger.kinds.common import SIDES, declare_kind
from ledger.kinds.tables import kind_table

LEVELS = ("中央", "省", "市", "县")
#: 省级以上 in the plans' words.
PROVINCIAL_OR_ABOVE = LEVELS[:2]
MEDIA = ("报刊", "广播电视", "网站", "新媒体")


SPEC = declare_kind(
    "publicity",
    "宣传",
    "date",
    Field("date", "刊发日期", FieldType.DATE, required=True),
    Field(
        "outlet",
        "媒体名称",
        required=True,
        max_length=100,
        suggestions=("人民日报", "新华社", "南方日报", "广西日报", "学习强国", "江门日报", "左江日报"),
    ),
    Field("level", "媒体级别", FieldType.CHOICE, required=True, choices=LEVELS),
    Field("medium", "媒体形式", FieldType.CHOICE, choices=MEDIA),
    Field("side", "供稿方", FieldType.CHOICE, choices=SIDES, help="哪一地组织推送或供稿"),
    Field("edition", "版面或栏目", help="例如 第3版、要闻"),
    Field("link", "链接", max_length=1000, help="网上报道的地址；报纸版面作为佐证材料附上"),
)

TABLE = kind_table(SPEC)
