"""Reading targets out of a task's words: "两地联合召开联席会议2次" → meetings of type 党政联席会议 ≥ 2.

Plans state their targets in prose, so this is a reading, not a parse: each number with a unit is matched to
a measure by the words around it — first the words of its own clause, then the whole target text, then the
task's item — and what cannot be matched is returned as text for the user to see. A proposal is only a
proposal: `ledger plan set-target` corrects it, and the words it came from are kept beside it.

How a number is taken: a range's low end is the commitment ("1-2期" is ≥1); numbers inside a quoted name
("五个一") are no quantities; 各 after a list of places counts once per place ("融水县、三江县、融安县各选派
1名" is 3), after a list of meeting types once per type; people listed one after another for the same target
add up ("上半年选派3名老师、下半年…选派1名教师" is 4). People are read in `ledger.plans.target_people`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ledger.plans.target_people import persons
from ledger.plans.target_words import (
    CLAUSE_MARKS,
    SENTENCE_MARKS,
    TRAINING_TYPES,
    Context,
    ProposedTarget,
    all_named,
    clean,
    destination,
    first,
    listed_places,
    named,
    named_once,
    quantities,
    quantity_value,
    span,
)
from ledger.plans.target_years import year_on_year

__all__ = ["ProposedTarget", "Reading", "read_targets"]

MEETING_WORDS = (
    ("联席会", "党政联席会议"),
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
PROGRAMME_WORDS = (("粤菜", "粤菜师傅"), ("南粤家政", "南粤家政"), ("广东技工", "广东技工"), ("乡村工匠", "乡村工匠"))
MONEY_WORDS = ("资金", "财政", "捐赠", "捐款", "捐物", "拨付", "援助")
SALES_WORDS = ("销售", "采购", "消费", "以购代捐")
NOT_AID = ("产值", "营业额")
# A number for each of an unknown many: "每个乡镇都有1个扶贫车间", "每批选派3名", "每次…150人以上".
PER_EACH = re.compile("每个?(乡镇|镇|村|屯|户)|每[批期次]")
# "两地分别召开…4次" asks it of each side, not of both together.
EACH_SIDE = re.compile("两[地市县区].*分别|分别.*两[地市县区]")
REPORT_WORDS = ("宣传", "报道", "媒体")
# Words of what a pairing tie does together; the first two name the activity a target may ask for.
ACTIVITY_WORDS = ("义诊", "送教", "公开课", "课堂教学")
NAMED_ACTIVITIES = ACTIVITY_WORDS[:2]
# Pairing up, not the paired county named ("结对县", "结对帮扶县", "结对的镇").
TYING = re.compile("结对(?!(帮扶)?(区县|县|的))")
# Which kind of tie it is, the first of these named deciding: "10家企业与10个村结对" is a village–enterprise
# tie, not a village one.
TIE_LEVELS = (
    ("企业", "村企"),
    ("商会", "村企"),
    ("学校", "学校"),
    ("中学", "学校"),
    ("高中", "学校"),
    ("小学", "学校"),
    ("课堂", "学校"),
    ("医院", "医院"),
    ("义诊", "医院"),
    ("社会组织", "社会组织"),
    ("乡镇", "乡镇"),
    ("镇", "乡镇"),
    ("村", "村"),
)
PEOPLE_UNITS = ("人次", "名", "人")
STAY_UNITS = ("个月", "天")  # how long, not how many: "挂职时长为3个月"


@dataclass
class Reading:
    targets: list[ProposedTarget] = field(default_factory=list)
    # Numbers with units that no measure took, and targets set against last year.
    unmatched: list[str] = field(default_factory=list)


def read_targets(target_text: str, item: str = "", *, east: str = "", west: str = "") -> Reading:
    """The targets a task's words state; `east` and `west` are the pairing's places, which tell directions."""
    text, item = clean(target_text or ""), clean(item or "")
    source = text or item  # with no 任务指标 column the item itself carries the numbers
    wider = f"{source}。{item}"
    reading = Reading()
    found = quantities(source)
    people_targets: list[int] = []
    previous_end = 0
    # The last person target read: its index, where its words start and where its number ends.
    listed: tuple[int, int, int] | None = None
    for quantity in found:
        at, words_start = _around(source, quantity, previous_end, wider, east, west)
        before = at.local[: -len(quantity[0])]
        joined, listed, previous_end = listed, None, quantity.end()
        number, unit = quantity_value(quantity), quantity["unit"]
        if unit in STAY_UNITS or number <= 0:
            continue
        times = listed_places(before)
        made = _propose(number * times, unit, at, each=times == 1 and before.endswith("各"))
        if made is None:
            reading.unmatched.append(at.phrase)
            continue
        if unit in PEOPLE_UNITS and len(made) == 1:
            earlier = reading.targets[joined[0]] if joined else None
            if earlier and _same(earlier, made[0]) and _enumerated(source[joined[2] : quantity.start()]):
                # "上半年选派3名老师、下半年…选派1名教师": one target of both, read from both.
                reading.targets[joined[0]] = replace(
                    earlier,
                    threshold=earlier.threshold + made[0].threshold,
                    source=source[joined[1] : _phrase_end(source, quantity.end())].lstrip("、"),
                )
                listed = joined[0], joined[1], quantity.end()
                continue
            listed = len(reading.targets), words_start, quantity.end()
        for target in made:
            if target.measure in ("dispatches", "cadres"):
                people_targets.append(len(reading.targets))
            reading.targets.append(target)
    reading.targets, unread = year_on_year(source, reading.targets)
    reading.unmatched.extend(words for words in unread if words not in reading.unmatched)
    stay = next((_days(q) for q in found if q["unit"] in STAY_UNITS and _days(q) > 0), None)
    if stay:
        # "选派老师跟岗学习交流时间不少于1个月" qualifies every person-count of the task.
        for index in people_targets:
            target = reading.targets[index]
            reading.targets[index] = replace(target, params={**target.params, "min_days": stay})
    reading.targets = _unique(reading.targets)
    return reading


def _around(
    source: str, quantity: re.Match[str], previous_end: int, wider: str, east: str, west: str
) -> tuple[Context, int]:
    """The words around a number, and where its own words (since the previous number in its clause) start."""
    start, end = quantity.span()
    clause_start = max(source.rfind(mark, 0, start) for mark in CLAUSE_MARKS) + 1
    words_start = max(previous_end, clause_start)
    own = span(source, start, end, CLAUSE_MARKS)
    context = Context(
        local=source[words_start:end],
        after=own[end - clause_start :],
        own=own,
        sentence=span(source, start, end, SENTENCE_MARKS),
        wider=wider,
        phrase=source[words_start : _phrase_end(source, end)].lstrip("、"),
        east=east,
        west=west,
    )
    return context, words_start


def _days(quantity: re.Match[str]) -> int:
    return int(quantity_value(quantity) * (30 if quantity["unit"] == "个月" else 1))


def _unique(targets: list[ProposedTarget]) -> list[ProposedTarget]:
    """An item often restates its target ("…调研1次…至少赴…1次"): one target, not two."""
    seen: set[tuple] = set()
    unique = []
    for target in targets:
        key = (target.measure, json.dumps(target.params, sort_keys=True), target.threshold)
        if key not in seen:
            seen.add(key)
            unique.append(target)
    return unique


def _enumerated(between: str) -> bool:
    """Whether two numbers are listed in one breath ("3名老师、下半年…1名", "1名处级干部和不少于2名"), not
    the second breaking the first down ("3名干部（…各县1名…）")."""
    if any(mark in between for mark in (*CLAUSE_MARKS, "（", "(", "其中")):
        return False
    return re.search("[、和及]", between) is not None


def _same(one: ProposedTarget, other: ProposedTarget) -> bool:
    return (one.measure, one.params) == (other.measure, other.params)


def _phrase_end(source: str, end: int) -> int:
    """Through 以上 / 以内 and the like that follow a number, for a readable source."""
    match = re.match(r"(以上|及以上|左右|以内)?", source[end:])
    return end + (match.end() if match else 0)


def _propose(number: Decimal, unit: str, at: Context, *, each: bool) -> list[ProposedTarget] | None:
    if unit in ("万元", "亿元", "元"):
        return _money(number, unit, at)
    if unit == "%":
        if "深度贫困" in at.local or "深度贫困" in at.wider:
            return [ProposedTarget("deep_poverty_share", {}, number, "%", at.phrase)]
        return None
    if PER_EACH.search(at.local):
        return None  # "每个乡镇都有1个扶贫车间" asks for one in each of them: no total the ledger can count
    if unit in ("篇", "个", "次") and any(word in at.clause for word in REPORT_WORDS):
        return _reports(number, at)
    if unit in ("期", "次", "场次", "场") and "招聘" in at.clause:
        return _job_fairs(number, at)
    if unit == "期" or (unit in ("次", "场次", "场") and "培训" in at.clause):
        return _trainings(number, at) if "培训" in at.wider else None
    if unit in ("次", "场次", "场"):
        # A meeting named beside the number decides before the words of a tie ("结对两地…互访共4次").
        tie_words = TYING.search(at.clause) or any(word in at.clause for word in ACTIVITY_WORDS)
        if tie_words and not all_named(at.clause, MEETING_WORDS):
            return _tie_activities(number, at)
        meetings = _meetings(number, at, each=each)
        if meetings is None and any(word in at.wider for word in ACTIVITY_WORDS):
            return _tie_activities(number, at)
        return meetings
    if unit in PEOPLE_UNITS:
        return persons(number, at)
    if unit in ("个", "家", "所"):
        return _units(number, at)
    return None


def _units(number: Decimal, at: Context) -> list[ProposedTarget] | None:
    """Jobs offered, ties made and enterprises brought in, each known by the words of its own clause."""
    clause = at.clause
    if "岗位" in clause:
        return [ProposedTarget("jobs_offered", {}, number, "个", at.phrase)]
    if TYING.search(at.after):
        level = named(clause, TIE_LEVELS) or named(at.wider, TIE_LEVELS)
        return [ProposedTarget("ties", {"level": level} if level else {}, number, "对", at.phrase)]
    if "企业" in clause and any(word in clause for word in ("引导", "引进", "落户", "入驻", "投资")):
        workshop = "车间" in clause
        params = {"cooperation_type": "帮扶车间" if workshop else "引进企业投资"}
        return [ProposedTarget("enterprises", params, number, "家", at.phrase)]
    return None


def _job_fairs(number: Decimal, at: Context) -> list[ProposedTarget]:
    # "招聘会6场次（其中残疾人招聘专场不少于1场次，现场或网络招聘会5场次）": the total counts every fair, the
    # special ones are those for the disabled, and the others are those that are no special one.
    if "残疾人" in at.local:
        params = {"disabled_only": True}
    elif "残疾人" in at.wider and not re.match(r"[（(]?其中", at.after):
        params = {"disabled_only": False}
    else:
        params = {}
    return [ProposedTarget("job_fairs", params, number, "场", at.phrase)]


def _reports(number: Decimal, at: Context) -> list[ProposedTarget]:
    measure, params = "reports", {}
    if "省级以上" in at.wider or "省级及以上" in at.wider:
        measure = "provincial_reports"
    elif "中央" in at.local:
        params["level"] = "中央"
    sides = ("东部", "西部") if _each_side(at) else (None,)
    return [
        ProposedTarget(measure, {**params, **({"side": side} if side else {})}, number, "篇", at.phrase)
        for side in sides
    ]


def _each_side(at: Context) -> bool:
    """Whether the number's sentence asks it of each side; a sentence that names no sides leaves it to the
    rest of the task ("调研对接2次以上" under "两地…分别到结对县…调研对接")."""
    if re.search("两[地市县区]|分别", at.sentence):
        return EACH_SIDE.search(at.sentence) is not None
    return any(EACH_SIDE.search(sentence) for sentence in re.split(f"[{SENTENCE_MARKS}]", at.wider))


def _tie_activities(number: Decimal, at: Context) -> list[ProposedTarget]:
    params = {}
    level = named(at.local, TIE_LEVELS) or named(at.wider, TIE_LEVELS)
    if level:
        params["level"] = level
    activity = next((word for word in NAMED_ACTIVITIES if word in at.clause), None)
    if activity:
        params["activity"] = activity
    return [ProposedTarget("tie_activities", params, number, "次", at.phrase)]


def _money(number: Decimal, unit: str, at: Context) -> list[ProposedTarget] | None:
    amount = number * 10000 if unit == "亿元" else number / 10000 if unit == "元" else number
    if any(word in at.local for word in SALES_WORDS):
        return [ProposedTarget("sales", {}, amount, "万元", at.phrase)]
    if "投资" in at.local:
        return [ProposedTarget("investment", {}, amount, "万元", at.phrase)]
    if any(word in at.local for word in NOT_AID) or not any(word in at.wider for word in MONEY_WORDS):
        return None
    for words in (at.local, at.wider):
        if "含捐物" in words:
            return [ProposedTarget("funds", {"fund_level": "社会"}, amount, "万元", at.phrase)]  # money and goods alike
        if "捐物" in words:
            fund_type = "捐物折款"
        elif "捐赠" in words or "捐款" in words or "社会" in words:
            fund_type = "社会帮扶资金"
        elif "财政" in words or "援助资金" in words or "帮扶资金" in words:
            fund_type = "财政援助资金"
        else:
            continue
        return [ProposedTarget("funds", {"fund_type": fund_type}, amount, "万元", at.phrase)]
    return [ProposedTarget("funds", {}, amount, "万元", at.phrase)]


def _trainings(number: Decimal, at: Context) -> list[ProposedTarget]:
    params = {}
    # Several kinds of trainee named in its sentence make a training of no one type.
    said, training_type = named_once((at.clause, at.sentence), TRAINING_TYPES)
    if not said:
        training_type = first(at.wider, TRAINING_TYPES)
    if training_type:
        params["training_type"] = training_type
    programme = first(at.wider, PROGRAMME_WORDS)
    if programme:
        params["programme"] = programme
    return [ProposedTarget("trainings", params, number, "期", at.phrase)]


def _meetings(number: Decimal, at: Context, *, each: bool) -> list[ProposedTarget] | None:
    types = all_named(at.local, MEETING_WORDS)
    if types:
        # "党委常委会议、政府常务会议各4次" counts for both; otherwise the last one named
        types = types if each else types[-1:]
    else:
        # Named after the number: "分别召开4次党委常委会、政府常务会" is 4 of each, else the first named.
        types = all_named(at.after, MEETING_WORDS)
        types = types if "分别" in at.local or each else types[:1]
    if not types:
        found = first(at.wider, MEETING_WORDS)
        types = [found] if found else []
    if not types:
        return None
    if _each_side(at) and "联合" not in at.local:
        sides: tuple[str | None, ...] = ("东部", "西部")
    else:
        # "赴黔南州调研对接1次" is held on the side gone to.
        held_in = destination(at.own, at.east, at.west)
        sides = ({"east": "东部", "west": "西部"}[held_in] if held_in else None,)
    targets = []
    for meeting_type in types:
        params: dict[str, Any] = {"meeting_type": meeting_type}
        if meeting_type == "调研对接/互访" and _main_leader(at):
            params["main_leader_present"] = True
        for side in sides:
            where = {"held_in": side} if side else {}
            targets.append(ProposedTarget("meetings", {**params, **where}, number, "次", at.phrase))
    return targets


def _main_leader(at: Context) -> bool:
    """Whether the main leaders go: said in the number's clause, or by the task unless its clause names others."""
    words = ("主要领导", "主要负责")
    if any(word in at.own for word in words):
        return True
    return "分管领导" not in at.own and any(word in at.wider for word in words)
