"""资金拨付: fiscal aid, social donations and donated goods paid to the western side."""

from __future__ import annotations

from ledger.field_types import FieldType
from ledger.fields import Field
from ledger.kinds.common import amount_positive, declare_kind
from ledger.kinds.tables import kind_table

FUND_TYPES = ("财政援助资金", "社会帮扶资金", "捐物折款")
FUND_LEVELS = ("省", "市", "县区", "镇", "社会")
USES = ("产业", "就业", "教育", "医疗", "住房", "饮水", "基础设施", "其他")


SPEC = declare_kind(
    "disbursement",
    "资金拨付",
    "date",
    Field("fund_type", "资金类型", FieldType.CHOICE, required=True, choices=FUND_TYPES),
    Field("fund_level", "资金层级", FieldType.CHOICE, required=True, choices=FUND_LEVELS),
    Field("amount", "金额（元）", FieldType.MONEY, required=True, help="可写 2600000 或 260万"),
    Field("date", "拨付日期", FieldType.DATE, required=True),
    Field("payer", "拨付单位", FieldType.UNIT),
    Field("payee", "接收单位", FieldType.UNIT),
    Field("voucher_no", "拨付文号或凭证号"),
    Field("project", "项目名称"),
    Field("use", "资金用途", FieldType.CHOICE, choices=USES),
    Field("deep_poverty", "投向深度贫困地区", FieldType.BOOL, default=False),
    checks=(amount_positive,),
)

TABLE = kind_table(SPEC)
