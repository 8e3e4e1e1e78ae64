"""The words around a number in a plan's target: which numbers are quantities, which places they name and
which side those places stand for. Shared by `ledger.plans.targets` and `ledger.plans.target_people`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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
_NUMBER = r"\d+(?:\.\d+)?|[一二两三四五六七八九十]+"
# "1-2期", "60～80名", "1至2次", "一到两期": a range, whose low end is what the plan commits to.
QUANTITY = re.compile(rf"(?:(?P<low>{_NUMBER})[-－~～—–至到])?(?P<number>{_NUMBER})(?P<unit>{'|'.join(UNITS)})")
# A quoted name ("五个一", “一户一薪”, 「两不愁三保障」) is a name: the numbers inside it count nothing; so is a
# project's phase ("产业园（二期）").
QUOTED = re.compile(
    r"“[^“”]{1,20}”|\"[^\"]{1,20}\"|「[^「」]{1,20}」|『[^『』]{1,20}』|‘[^‘’]{1,20}’|（[一二三四五六七八九十\d]+期）"
)
CLAUSE_MARKS = "，,；;。"
SENTENCE_MARKS = "；;。"

TRAINING_TYPES = (
    ("干部培训", "党政干部培训"),
    ("党政干部", "党政干部培训"),
    ("致富带头人", "致富带头人/乡村振兴人才培训"),
    ("乡村振兴人才", "致富带头人/乡村振兴人才培训"),
    ("技能培训", "劳动力技能培训"),
    ("技能提升", "劳动力技能培训"),
    ("劳动力", "劳动力技能培训"),
    ("专业技术人", "专业技术人才培训"),  # 专业技术人才, 专业技术人员
    ("技术骨干", "专业技术人才培训"),
    ("骨干教师", "专业技术人才培训"),
)

# A place as plans write it, with its suffix ("融水县", "江门市江海区"), or a bare short name in a list
# ("融安、融水、三江县").
_PLACE = r"[\u4e00-\u9fff]{1,6}?(?:自治县|自治州|县|市|区|州|旗|镇|乡)"
_LISTED = rf"(?:{_PLACE}|[\u4e00-\u9fff]{{2}})"
PLACE_LIST = re.compile(rf"{_LISTED}(?:[、和及与]{_LISTED})*[、和及与]{_PLACE}")
# 各 shares a number out ("各选派1名", "各1场", "各县1名"); 各级, 各类, 各界 … only mean "all".
EACH = re.compile("各(?!级|类|界|项|种|地区|方面|有关|部门|单位)")
# Words of going: the place right after one receives ("赴黔南州", "到湛江市", "派往东部").
GOING = ("赴", "到", "前往", "去", "来", "往", "向", "驻")
EAST_PROVINCES = ("北京", "天津", "辽宁", "上海", "江苏", "浙江", "福建", "山东", "广东")


@dataclass(frozen=True)
class ProposedTarget:
    measure: str
    params: dict[str, Any]
    threshold: Decimal
    unit: str
    source: str  # the words it was read from: "联席会议2次"
    #: Compared with the same figure of the year before ("上年": at least as much; "增长": more); "" if not.
    basis: str = ""


@dataclass(frozen=True)
class Context:
    """The words around one number, from the nearest to the widest, and the pairing's two places."""

    local: str  # its clause since the previous number, through the number: "龙州县每年不少于8人次"
    after: str  # the rest of its clause: "贫困人口转移就业" after "1180名以上"
    own: str  # its whole clause, between commas
    sentence: str
    wider: str  # the whole target text, then the task's item
    phrase: str  # what it is read from, for the user
    east: str
    west: str

    @property
    def clause(self) -> str:
        return self.local + self.after


def number_value(text: str) -> Decimal:
    if text[0].isdigit():
        return Decimal(text)
    if text == "十":
        return Decimal(10)
    if "十" in text:  # 十二, 二十, 二十五
        tens, _, ones = text.partition("十")
        return Decimal(CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(ones, 0))
    return Decimal(CHINESE_DIGITS[text]) if len(text) == 1 else Decimal(-1)


def quantity_value(quantity: re.Match[str]) -> Decimal:
    number = number_value(quantity["number"])
    return min(number_value(quantity["low"]), number) if quantity["low"] else number


def quantities(source: str) -> list[re.Match[str]]:
    """The numbers with units in `source`, outside quoted names; positions are those of `source`."""
    masked = QUOTED.sub(lambda quoted: quoted[0][0] + "□" * (len(quoted[0]) - 2) + quoted[0][-1], source)
    # "一批" is "some", not one batch: "定期选派一批优秀教师".
    return [found for found in QUANTITY.finditer(masked) if found[0] != "一批"]


def clean(text: str) -> str:
    # PDF and Word tables break lines and put spaces inside "2 次"; full-width digits are common too.
    text = text.translate(str.maketrans("０１２３４５６７８９％．", "0123456789%."))
    return re.sub(r"\s+", "", text)


def span(source: str, start: int, end: int, marks: str) -> str:
    """The stretch of `source` around start…end, bounded by the nearest of `marks` on each side."""
    begin = max(source.rfind(mark, 0, start) for mark in marks) + 1
    ends = [at for at in (source.find(mark, end) for mark in marks) if at >= 0]
    return source[begin : min(ends, default=len(source))]


def listed_places(before: str) -> int:
    """How many places share the number when 各 follows a list of them: "融水县、三江县、融安县各选派1名" is 3,
    "在三江县、融水县、融安县举办…招聘会各1场" too; 1 when no list of places comes before 各."""
    each = list(EACH.finditer(before))
    lists = list(PLACE_LIST.finditer(before[: each[-1].start()])) if each else []
    if not lists:
        return 1
    return len(re.findall(rf"(?:^|[、和及与]){_LISTED}", lists[-1][0]))


def short_place(name: str) -> str:
    """鹤山市 → 鹤山, 江门市江海区 → 江海, 黔南布依族苗族自治州 → 黔南: how plans name the two sides."""
    last = re.sub(r"[市县区州旗]$", "", name).split("市")[-1] or name
    return re.sub(r"(布依族|苗族|壮族|瑶族|侗族|土家族|彝族|自治)+$", "", last)[:4] or name


def _mentions(words: str, east: str, west: str) -> tuple[set[str], set[str]]:
    """The sides `words` name plainly (sending or going) and those named after a word of going (receiving)."""
    named = {
        "east": (east, short_place(east) if east else "", "东部"),
        "west": (west, short_place(west) if west else "", "西部"),
    }
    plain: set[str] = set()
    receiving: set[str] = set()
    for side, names in named.items():
        for name in filter(None, names):
            for mention in re.finditer(re.escape(name), words):
                if name == "西部" and words[mention.start() - 1 : mention.start()] == "东":
                    continue  # 东西部 names neither side
                (receiving if words[: mention.start()].endswith(GOING) else plain).add(side)
    return plain, receiving


def destination(words: str, east: str, west: str) -> str | None:
    """The side `words` go to: "赴黔南州" is the west; None when they go to both or neither."""
    _, receiving = _mentions(words, east, west)
    return receiving.pop() if len(receiving) == 1 else None


def sender(words: str, east: str, west: str) -> str | None:
    """The side that sends, by the places `words` name: the one gone to receives ("选派15名教育工作者赴黔南州",
    "黔南州选派到广州市"), else the one side named sends ("鹤山市不少于3人", "东部选派医生"). None when both
    are named without a word of going ("广州市、黔南州挂职干部"), or neither."""
    plain, receiving = _mentions(words, east, west)
    if receiving:
        return ({"east", "west"} - receiving).pop() if len(receiving) == 1 else None
    return plain.pop() if len(plain) == 1 else None


def first(words: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The value of the word of `table` that comes first in `words`."""
    found = [(words.find(word), value) for word, value in table if word in words]
    return min(found)[1] if found else None


def named(words: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The value of the first word of `table` that `words` hold, in the table's order."""
    return next((value for word, value in table if word in words), None)


def all_named(words: str, table: tuple[tuple[str, str], ...]) -> list[str]:
    """The values of the words of `table` in `words`, in the order the words come, each once."""
    values = []
    for _, value in sorted((words.find(word), value) for word, value in table if word in words):
        if value not in values:
            values.append(value)
    return values


def named_once(texts: tuple[str, ...], table: tuple[tuple[str, str], ...]) -> tuple[bool, str | None]:
    """Whether any of `texts` names a word of `table`, and the one value the nearest that does names; None
    where it names several ("基层干部、专业技术人员、致富带头人…培训班" is of no one type)."""
    for words in texts:
        values = all_named(words, table)
        if values:
            return True, values[0] if len(values) == 1 else None
    return False, None
