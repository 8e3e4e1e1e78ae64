"""消费协作: the west's farm products bought or sold in the east — by offices, unions, shops, fairs and online."""

from __future__ import annotations

from ledger.field_types import FieldType
from ledger.fields import Field
from ledger.kinds.common import amount_positive, declare_kind
from ledger.kinds.tables import kind_table

CHANNELS = ("机关采购", "工会", "电商", "展销会", "专柜", "直播", "其他")


SPEC = declare_kind(
    "consumption",
    "消费协作",
    "date",
    Field("channel", "渠道", FieldType.CHOICE, required=True, choices=CHANNELS),
    Field("products", "产品", required=True, max_length=1000, help="例如 龙州坚果、甘蔗牛肉"),
    Field("amount", "金额（元）", FieldType.MONEY, required=True, help="采购或销售金额；可写 128000 或 12.8万"),
    Field("buyer", "采购或销售单位"),
    Field("date", "日期", FieldType.DATE, required=True, help="成交或统计截止日期"),
    Field("poor_benefited", "带动建档立卡/脱贫人口", FieldType.INT),
    checks=(amount_positive,),
)

# 产品 is typed on one line, yet its table keeps it as TEXT.
TABLE = kind_table(SPEC, text=("products",))
