"""What tests start from and spoil: one valid record of each kind as typed values, and zips rewritten."""

import hashlib
import json
import zipfile
from datetime import date
from decimal import Decimal

from ledger.activities import Activity
from ledger.identity import id_check_char

ID_NUMBER = "45142319850312001" + id_check_char("45142319850312001")

VALID = {
    "meeting": {
        "pairing": "鹤山市—龙州县",
        "title": "鹤山—龙州扶贫协作党政联席会议",
        "date": date(2020, 4, 20),
        "meeting_type": "党政联席会议",
        "held_in": "西部",
        "main_leader_present": True,
        "responsible_units": ["鹤山市扶贫办", "龙州县扶贫办"],
    },
    "cadre": {
        "pairing": "鹤山市—龙州县",
        "person_name": "陈志强",
        "gender": "男",
        "id_number": ID_NUMBER,
        "phone": "13812345678",
        "direction": "东部派往西部",
        "rank": "处级",
        "home_unit": "鹤山市科工商务局",
        "host_unit": "中共龙州县委",
        "host_post": "县委常委、副县长",
        "start_date": date(2019, 7, 1),
        "end_date": date(2021, 6, 30),
    },
    "dispatch": {
        "pairing": "鹤山市—龙州县",
        "person_name": "黄丽华",
        "gender": "女",
        "field": "教育",
        "role": "教师",
        "direction": "东部选派到西部",
        "home_institution": "鹤山市纪元中学",
        "host_institution": "龙州县高级中学",
        "subject": "数学",
        "start_date": date(2020, 3, 1),
        "end_date": date(2020, 6, 30),
    },
    "training": {
        "pairing": "鹤山市—龙州县",
        "title": "龙州县党政干部能力提升培训班",
        "training_type": "党政干部培训",
        "start_date": date(2020, 5, 10),
        "end_date": date(2020, 5, 14),
        "participants": 60,
        "poor_participants": 0,
    },
    "disbursement": {
        "pairing": "鹤山市—龙州县",
        "title": "拨付2020年鹤山市本级财政帮扶资金（第一批）",
        "fund_type": "财政援助资金",
        "fund_level": "县区",
        "amount": Decimal("1300000.00"),
        "date": date(2020, 3, 10),
        "voucher_no": "鹤财预〔2020〕12号",
        "deep_poverty": True,
    },
    "industry": {
        "pairing": "鹤山市—龙州县",
        "title": "广东雅图仕印刷有限公司在龙州县投资建设帮扶车间",
        "cooperation_type": "帮扶车间",
        "enterprise": "广东雅图仕印刷有限公司",
        "enterprise_home": "广东省鹤山市",
        "investment": Decimal("3200000.00"),
        "pledged_investment": Decimal("5000000.00"),
        "park": "龙州县粤桂扶贫协作产业园",
        "employed": 86,
        "poor_employed": 41,
        "date": date(2020, 4, 16),
        "production_date": date(2020, 7, 1),
    },
    "labour": {
        "pairing": "鹤山市—龙州县",
        "title": "龙州县贫困劳动力“点对点”输送到鹤山市务工（第一批）",
        "date": date(2020, 3, 5),
        "labour_type": "转移就业",
        "to_east": True,
        "people": 58,
        "poor_people": 37,
        "destination": "广东省鹤山市",
        "employer": "鹤山市雅图仕印刷有限公司",
    },
    "consumption": {
        "pairing": "鹤山市—龙州县",
        "title": "鹤山市机关饭堂采购龙州县农产品",
        "channel": "机关采购",
        "products": "龙州坚果、甘蔗牛肉、八角",
        "amount": Decimal("128000.00"),
        "buyer": "鹤山市机关事务管理局",
        "date": date(2020, 6, 30),
    },
    "tie": {
        "pairing": "鹤山市—龙州县",
        "level": "学校",
        "east_party": "鹤山市纪元中学",
        "west_party": "龙州县高级中学",
        "date": date(2020, 3, 20),
        "activities": [
            Activity(date(2020, 5, 12), "捐赠图书", Decimal(200), "册", Decimal("35000.00")),
            Activity(date(2020, 9, 8), "送教下乡，开设公开课"),
        ],
    },
    "publicity": {
        "pairing": "鹤山市—龙州县",
        "title": "鹤山龙州携手打好脱贫攻坚战",
        "date": date(2020, 8, 18),
        "outlet": "广西日报",
        "level": "省",
        "medium": "报刊",
        "side": "西部",
        "edition": "第5版",
    },
}


def rewrite_zip(source, target, change):
    """A copy of the zip `source` whose members pass through `change(name, data)`, which returns the
    (name, data) to write or None to leave the member out: for damaged backups and tampered packages."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for name in original.namelist():
            changed = change(name, original.read(name))
            if changed:
                copy.writestr(*changed)
    return target


def rehashed_zip(source, target, change, extra=None):
    """`rewrite_zip` with the members `extra` added and the manifest's checksums worked out again, as a careful
    forger would: a package or a full backup well packed and wrong within."""
    with zipfile.ZipFile(source) as original:
        members = dict(filter(None, (change(name, original.read(name)) for name in original.namelist())))
    members.update(extra or {})
    if "manifest.json" in members:
        manifest = json.loads(members["manifest.json"])
        manifest["files"] = {
            name: hashlib.sha256(data).hexdigest() for name, data in members.items() if name != "manifest.json"
        }
        members["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    with zipfile.ZipFile(target, "w") as copy:
        for name, data in members.items():
            copy.writestr(name, data)
    return target


def package_data(change):
    """A change for `rewrite_zip` that passes a package's data.json, parsed, through `change(data)`."""

    def changed(name, data):
        if name != "data.json":
            return name, data
        parsed = json.loads(data)
        change(parsed)
        return name, json.dumps(parsed, ensure_ascii=False).encode()

    return changed


#: A meeting as `ledger add meeting` takes it on the command line.
MEETING_ARGS = [
    "--set", "title=鹤山—龙州扶贫协作党政联席会议",
    "--set", "date=2020年4月20日",
    "--set", "meeting_type=党政联席会议",
    "--set", "main_leader_present=是",
    "--set", "responsible_units=鹤山市扶贫办、龙州县扶贫办",
]  # fmt: skip
