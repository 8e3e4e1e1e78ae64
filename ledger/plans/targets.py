"""Reading targets out of a task's words: "两地联合召开联席会议2次" → meetings of type 党政联席会议 ≥ 2.

Plans state their targets in prose, so this is a reading, not a parse: each number with a unit is matched to
a measure by the words around it — first the words since the previous number, then the whole target text,
then the task's item — and what cannot be matched is returned as text for the user to see. A proposal is
only a proposal: `ledger plan set-target` corrects it, and the words it came from are kept beside it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ledger.kinds.cadre import DIRECTIONS as CADRE_DIRECTIONS
from ledger.kinds.dispatch import DIRECTIONS as DISPATCH_DIRECTIONS

CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
UNITS = (
    "人次",
    "场次",
    "万元",
    "亿元",
    "个月",
    "名",
    "人",
    "元",
    "次",
    "场",
    "期",
    "个",
    "家",
    "所",
    "批",
    "篇",
    "天",
    "%",
)
_NUMBER = r"(?P<number>\d+(?:\.\d+)?|[一二两三四五六七八九十]+)"
QUANTITY = re.compile(_NUMBER + r"(?P<unit>" + "|".join(UNITS) + ")")

MEETING_WORDS = (
    ("联席会议", "党政联席会议"),
    ("推进会", "工作推进会"),
    ("常委会", "党委常委会会议"),
    ("常务会", "政府常务会议"),
    ("领导小组", "领导小组会议"),
    ("座谈", "座谈会"),
    ("调研", "调研对接/互访"),
    ("对接", "调研对接/互访"),
    ("互访", "调研对接/互访"),
    ("考察", "调研对接/互访"),
)
TRAINING_TYPES = (
    ("干部培训", "党政干部培训"),
    ("党政干部", "党政干部培训"),
    ("致富带头人", "致富带头人/乡村振兴人才培训"),
    ("乡村振兴人才", "致富带头人/乡村振兴人才培训"),
    ("技能培训", "劳动力技能培训"),
    ("技能提升", "劳动力技能培训"),
    ("劳动力", "劳动力技能培训"),
    ("专业技术人才培训", "专业技术人才培训"),
)
PROGRAMME_WORDS = (("粤菜", "粤菜师傅"), ("南粤家政", "南粤家政"), ("广东技工", "广东技工"), ("乡村工匠", "乡村工匠"))
# What people are counted for, the first group found deciding: workers placed in jobs must not be taken for
# cadres just because the item also speaks of 干部.
PEOPLE_WORDS = (
    (("培训",), "trainees"),
    (("转移就业", "就业", "务工", "劳务"), "workers"),
    (("教师", "支教", "老师", "校长", "教育"), "education"),
    (("医护", "支医", "医生", "护士", "医疗", "医务", "卫生"), "medicine"),
    (("挂职", "干部"), "cadres"),
)
MONEY_WORDS = ("资金", "财政", "捐赠", "捐款", "捐物", "拨付", "援助")
SALES_WORDS = ("销售", "采购", "消费", "以购代捐")
NOT_AID = ("产值", "营业额")
PER_PLACE = re.compile("每个?(乡镇|镇|村|屯|户)")
# Poor people counted, not places: the trainees of "贫困村创业致富带头人培训" are not counted as poor.
POOR_WORDS = ("贫困人口", "建档立卡", "贫困劳动力", "贫困户", "贫困群众", "脱贫人口")
REPORT_WORDS = ("宣传", "报道", "媒体")
# Words of what a pairing tie does together, and of which kind of tie it is (the first of these named decides:
# "10家企业与10个村结对" is a village–enterprise tie, not a village one).
ACTIVITY_WORDS = ("义诊", "送教", "公开课", "课堂教学", "结对")
TIE_LEVELS = (
    ("企业", "村企"),
    ("商会", "村企"),
    ("学校", "学校"),
    ("课堂", "学校"),
    ("医院", "医院"),
    ("义诊", "医院"),
    ("社会组织", "社会组织"),
    ("乡镇", "乡镇"),
    ("镇", "乡镇"),
    ("村", "村"),
)


@dataclass(frozen=True)
class ProposedTarget:
    measure: str
    params: dict[str, Any]
    threshold: Decimal
    unit: str
    source: str  # the words it was read from: "联席会议2次"


@dataclass
class Reading:
    targets: list[ProposedTarget] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # numbers with units that no measure took


def _number(text: str) -> Decimal:
    if text[0].isdigit():
        return Decimal(text)
    if text == "十":
        return Decimal(10)
    if "十" in text:  # 十二, 二十, 二十五
        tens, _, ones = text.partition("十")
        return Decimal(CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(ones, 0))
    return Decimal(CHINESE_DIGITS[text]) if len(text) == 1 else Decimal(-1)


def _clean(text: str) -> str:
    # PDF and Word tables break lines and put spaces inside "2 次"; full-width digits are common too.
    text = text.translate(str.maketrans("０１２３４５６７８９％．", "0123456789%."))
    return re.sub(r"\s+", "", text)


def short_place(name: str) -> str:
    """鹤山市 → 鹤山, 江门市江海区 → 江海, 黔南布依族苗族自治州 → 黔南: how plans name the two sides."""
    last = re.sub(r"[市县区州旗]$", "", name).split("市")[-1] or name
    return re.sub(r"(布依族|苗族|壮族|瑶族|侗族|土家族|彝族|自治)+$", "", last)[:4] or name


def _side(words: str, east: str, west: str) -> str | None:
    east_at = [words.find(name) for name in (east, short_place(east)) if name and name in words]
    west_at = [words.find(name) for name in (west, short_place(west)) if name and name in words]
    if east_at and not west_at:
        return "east"
    if west_at and not east_at:
        return "west"
    if east_at and west_at:
        # "广州市向黔南州派送18名": the side named first sends, when a verb of going stands between the two.
        first, second = sorted((min(east_at), min(west_at)))
        if re.search("向|到|赴|派|往", words[first:second]):
            return "east" if first == min(east_at) else "west"
    return None


def _first(words: str, table: tuple[tuple[str, str], ...]) -> str | None:
    found = [(words.find(word), value) for word, value in table if word in words]
    return min(found)[1] if found else None


def _named(words: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The value of the first word of `table` that `words` hold, in the table's order."""
    return next((value for word, value in table if word in words), None)


def _all(words: str, table: tuple[tuple[str, str], ...]) -> list[str]:
    values = []
    for _, value in sorted((words.find(word), value) for word, value in table if word in words):
        if value not in values:
            values.append(value)
    return values


def _people(words: str) -> tuple[bool, str | None]:
    """Whether the words say who is counted, and which measure counts them (None: no measure does)."""
    for group, measure in PEOPLE_WORDS:
        if any(word in words for word in group):
            return True, measure
    return False, None


def read_targets(target_text: str, item: str = "", *, east: str = "", west: str = "") -> Reading:
    """The targets a task's words state; `east` and `west` are the pairing's places, which tell directions."""
    text, item = _clean(target_text or ""), _clean(item or "")
    source = text or item  # with no 任务指标 column the item itself carries the numbers
    reading = Reading()
    quantities = list(QUANTITY.finditer(source))
    stay = next(
        (
            int(_number(q["number"]) * (30 if q["unit"] == "个月" else 1))
            for q in quantities
            if q["unit"] in ("个月", "天") and _number(q["number"]) > 0
        ),
        None,
    )
    people_targets: list[int] = []
    previous_end = 0
    for quantity in quantities:
        number, unit = _number(quantity["number"]), quantity["unit"]
        sentence_start = max(source.rfind(mark, 0, quantity.start()) for mark in "。；;") + 1
        before = source[max(previous_end, sentence_start) : quantity.start()]
        local = before + quantity.group()
        phrase = (local + source[quantity.end() : _phrase_end(source, quantity.end())]).lstrip("，,、")
        # The clause goes on past the number: "118名贫困人口转移就业", "2个以上…的企业落户".
        clause = local + re.split("[，,。；;]", source[quantity.end() :], maxsplit=1)[0]
        previous_end = quantity.end()
        if unit in ("个月", "天") or number <= 0:
            continue
        wider = f"{source}。{item}"
        made = _propose(number, unit, local, clause, wider, phrase, east, west, each=before.endswith("各"))
        if made is None:
            reading.unmatched.append(phrase)
            continue
        for target in made:
            if target.measure in ("dispatches", "cadres"):
                people_targets.append(len(reading.targets))
            reading.targets.append(target)
    if stay:
        # "选派老师跟岗学习交流时间不少于1个月" qualifies every person-count of the task.
        for index in people_targets:
            target = reading.targets[index]
            reading.targets[index] = ProposedTarget(
                target.measure, {**target.params, "min_days": stay}, target.threshold, target.unit, target.source
            )
    # An item often restates its target ("…调研1次…至少赴…1次"): one target, not two.
    seen: set[tuple] = set()
    unique = []
    for target in reading.targets:
        key = (target.measure, json.dumps(target.params, sort_keys=True), target.threshold)
        if key not in seen:
            seen.add(key)
            unique.append(target)
    reading.targets = unique
    return reading


def _phrase_end(source: str, end: int) -> int:
    """Through 以上 / 以内 and the like that follow a number, for a readable source."""
    match = re.match(r"(以上|及以上|左右|以内)?", source[end:])
    return end + (match.end() if match else 0)


def _propose(
    number: Decimal, unit: str, local: str, clause: str, wider: str, phrase: str, east: str, west: str, *, each: bool
) -> list[ProposedTarget] | None:
    if unit in ("万元", "亿元", "元"):
        return _money(number, unit, local, wider, phrase)
    if unit == "%":
        if "深度贫困" in local or "深度贫困" in wider:
            return [ProposedTarget("deep_poverty_share", {}, number, "%", phrase)]
        return None
    if PER_PLACE.search(local):
        return None  # "每个乡镇都有1个扶贫车间" asks for one in each of them: no total the ledger can count
    if unit in ("篇", "个", "次") and any(word in clause for word in REPORT_WORDS):
        return _reports(number, local, wider, phrase)
    if unit in ("期", "次", "场次", "场") and "招聘" in clause:
        return _job_fairs(number, local, wider, phrase)
    if unit == "期" or (unit in ("次", "场次", "场") and "培训" in local):
        return _trainings(number, local, wider, phrase) if "培训" in wider else None
    if unit in ("次", "场次", "场"):
        if any(word in local for word in ACTIVITY_WORDS):
            return _tie_activities(number, local, wider, phrase)
        meetings = _meetings(number, local, wider, phrase, each=each)
        if meetings is None and any(word in wider for word in ACTIVITY_WORDS[:4]):
            return _tie_activities(number, local, wider, phrase)
        return meetings
    if unit in ("人次", "名", "人"):
        return _persons(number, local, clause, wider, phrase, east, west)
    if unit in ("个", "家", "所"):
        return _units(number, unit, local, clause, wider, phrase)
    return None


def _units(number: Decimal, unit: str, local: str, clause: str, wider: str, phrase: str) -> list[ProposedTarget] | None:
    """Jobs offered, ties made and enterprises brought in, each known by the words of its own clause."""
    if "岗位" in clause:
        return [ProposedTarget("jobs_offered", {}, number, "个", phrase)]
    if "结对" in clause[len(local) :]:
        level = _named(clause, TIE_LEVELS) or _named(wider, TIE_LEVELS)
        return [ProposedTarget("ties", {"level": level} if level else {}, number, "对", phrase)]
    if "企业" in clause and any(word in clause for word in ("引导", "引进", "落户", "入驻", "投资")):
        workshop = "车间" in clause
        params = {"cooperation_type": "帮扶车间" if workshop else "引进企业投资"}
        return [ProposedTarget("enterprises", params, number, "家", phrase)]
    return None


def _job_fairs(number: Decimal, local: str, wider: str, phrase: str) -> list[ProposedTarget]:
    # "残疾人招聘专场1场次，现场或网络招聘会5场次": the other fairs are those that are no special one.
    if "残疾人" in local:
        params = {"disabled_only": True}
    elif "残疾人" in wider:
        params = {"disabled_only": False}
    else:
        params = {}
    return [ProposedTarget("job_fairs", params, number, "场", phrase)]


def _reports(number: Decimal, local: str, wider: str, phrase: str) -> list[ProposedTarget]:
    measure, params = "reports", {}
    if "省级以上" in wider or "省级及以上" in wider:
        measure = "provincial_reports"
    elif "中央" in local:
        params["level"] = "中央"
    sides = ("东部", "西部") if "分别" in wider and "两地" in wider else (None,)
    return [
        ProposedTarget(measure, {**params, **({"side": side} if side else {})}, number, "篇", phrase) for side in sides
    ]


def _tie_activities(number: Decimal, local: str, wider: str, phrase: str) -> list[ProposedTarget]:
    params = {}
    level = _named(local, TIE_LEVELS) or _named(wider, TIE_LEVELS)
    if level:
        params["level"] = level
    if "义诊" in local:
        params["activity"] = "义诊"
    return [ProposedTarget("tie_activities", params, number, "次", phrase)]


def _money(number: Decimal, unit: str, local: str, wider: str, phrase: str) -> list[ProposedTarget] | None:
    amount = number * 10000 if unit == "亿元" else number / 10000 if unit == "元" else number
    if any(word in local for word in SALES_WORDS):
        return [ProposedTarget("sales", {}, amount, "万元", phrase)]
    if "投资" in local:
        return [ProposedTarget("investment", {}, amount, "万元", phrase)]
    if any(word in local for word in NOT_AID) or not any(word in wider for word in MONEY_WORDS):
        return None
    for words in (local, wider):
        if "含捐物" in words:
            return [ProposedTarget("funds", {"fund_level": "社会"}, amount, "万元", phrase)]  # money and goods alike
        if "捐物" in words:
            fund_type = "捐物折款"
        elif "捐赠" in words or "捐款" in words or "社会" in words:
            fund_type = "社会帮扶资金"
        elif "财政" in words or "援助资金" in words or "帮扶资金" in words:
            fund_type = "财政援助资金"
        else:
            continue
        return [ProposedTarget("funds", {"fund_type": fund_type}, amount, "万元", phrase)]
    return [ProposedTarget("funds", {}, amount, "万元", phrase)]


def _trainings(number: Decimal, local: str, wider: str, phrase: str) -> list[ProposedTarget]:
    params = {}
    training_type = _first(local, TRAINING_TYPES) or _first(wider, TRAINING_TYPES)
    if training_type:
        params["training_type"] = training_type
    programme = _first(wider, PROGRAMME_WORDS)
    if programme:
        params["programme"] = programme
    return [ProposedTarget("trainings", params, number, "期", phrase)]


def _meetings(number: Decimal, local: str, wider: str, phrase: str, *, each: bool) -> list[ProposedTarget] | None:
    types = _all(local, MEETING_WORDS)
    if not types:
        first = _first(wider, MEETING_WORDS)
        types = [first] if first else []
    if not types:
        return None
    if not each:
        types = types[-1:]  # "党委常委会议、政府常务会议各4次" counts for both; otherwise the last one named
    # "两地分别召开…4次" asks it of each side, not of both together.
    sides = ("东部", "西部") if "分别" in wider and "两地" in wider and "联合" not in local else (None,)
    targets = []
    for meeting_type in types:
        params: dict[str, Any] = {"meeting_type": meeting_type}
        if meeting_type == "调研对接/互访" and "主要领导" in wider:
            params["main_leader_present"] = True
        for side in sides:
            where = {"held_in": side} if side else {}
            targets.append(ProposedTarget("meetings", {**params, **where}, number, "次", phrase))
    return targets


def _persons(
    number: Decimal, local: str, clause: str, wider: str, phrase: str, east: str, west: str
) -> list[ProposedTarget] | None:
    # The words right after the number say first: "118名贫困人口转移就业" though the sentence spoke of 培训.
    for words in (clause[len(local) :], local, wider):
        said, what = _people(words)
        if said:
            break
    if what is None:
        return None
    if what == "workers":
        return _workers(number, clause, wider, phrase)
    side = _side(local, east, west)
    if what == "trainees":
        measure = "poor_trainees" if any(word in clause for word in POOR_WORDS) else "trainees"
        training_type = _first(local, TRAINING_TYPES)
        params = {"training_type": training_type} if training_type else {}
        return [ProposedTarget(measure, params, number, "人次", phrase)]
    if what == "cadres":
        params = {"direction": CADRE_DIRECTIONS[0 if side == "east" else 1]} if side else {}
        return [ProposedTarget("cadres", params, number, "人", phrase)]
    params = {"field": "教育" if what == "education" else "医疗卫生"}
    if side:
        params["direction"] = DISPATCH_DIRECTIONS[0 if side == "east" else 1]
    return [ProposedTarget("dispatches", params, number, "人次", phrase)]


def _workers(number: Decimal, clause: str, wider: str, phrase: str) -> list[ProposedTarget]:
    """ "1180名以上贫困人口转移就业", "新增转移到东部地区就业贫困人口不低于155人"."""
    measure = "poor_workers" if any(word in clause for word in POOR_WORDS) else "workers"
    params: dict[str, Any] = {}
    if "转移" in clause or ("转移" in wider and "就近" not in clause):
        params["labour_type"] = "转移就业"
        if "东部" in clause:
            params["to_east"] = True
    elif "就近" in clause or "就地" in clause:
        params["labour_type"] = "就近就地就业"
    return [ProposedTarget(measure, params, number, "人", phrase)]
