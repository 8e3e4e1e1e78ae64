"""The pairing and year a task list's title names.

A task list's title says whose plan it is and for which year (「2020年湛江市—柳州市扶贫协作重点工作计划表」,
「粤桂扶贫协作（鹤山-龙州）2020年工作要点清单」, 「江海区对口大新县」, 「广州市…对口帮扶黔南州2018年度」):
`read_title_scope` reads both from the title, else from the document's opening lines, else from the file
name (the texts `ledger.plans.reading` gathers), and matches the pairing against the ledger's own where one is
named with both its places.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class TitleScope:
    """The pairing and year a task list's title names (or its document's opening lines, or its file name)."""

    pairing: str | None = None  # a known pairing's name when the title names one, else as written: "湛江市—柳州市"
    known: bool = False  # `pairing` is one of the known pairings `read_title_scope` was given
    year: int | None = None
    text: str = ""  # the words the pairing was read from (the year's when no pairing was read)

    @property
    def places(self) -> tuple[str, str] | None:
        """(east, west) of `pairing`, in the order the title writes them."""
        if not self.pairing:
            return None
        east, _, west = self.pairing.partition("—")
        return east, west

    @property
    def complete(self) -> bool:
        """Both places written in full (鹤山市, not 鹤山), as a pairing's name must be to be added."""
        places = self.places
        return places is not None and all(place.endswith(_PLACE_ENDINGS) for place in places)


_PLACE_ENDINGS = ("市", "县", "区", "州", "旗", "盟")
_PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新"
# What a title says besides its places. Cut out, it leaves the places as runs of their own: 「2020年湛江市—柳州市
# 扶贫协作重点工作计划表」 → 湛江市 — 柳州市. Separators are kept: the pairing is what stands around one.
_TITLE_WORDS = re.compile(
    r"[^\u4e00-\u9fff—·]+"
    rf"|[{_PROVINCES}]{{2}}(?=扶贫|协作|东西部)"
    r"|年度|年|关于|印发|通知|附件|东西部|扶贫|开发|协作|合作|携手奔小康|乡村振兴|领导小组|办公室|工作|计划|要点|方案"
    r"|清单|任务|分解|重点|项目|台账|的|表|文件"
)
# Between the east and the west: a dash (鹤山-龙州), a middle dot (广州·黔南), 与, or words of helping, across
# other words (广州市东西部扶贫协作对口帮扶黔南州).
_SEPARATOR = re.compile(r"—|·|与|对口帮扶|对口支援|对口协作|结对帮扶|对口|帮扶")
_ADJACENT = ("—", "·", "与")
_DASH_LIKE = re.compile(r"[-‐‑–―⸺~]+|—+")
_DOT_LIKE = re.compile(r"[・•‧]")
_YEAR = re.compile(r"((?:19|20)\d\d)年(?!\d{1,2}月)")
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_ETHNIC_AUTONOMY = re.compile(r"^(?P<stem>[\u4e00-\u9fff]{2,}?)(?:[\u4e00-\u9fff]{1,4}?族)+自治(?P<end>[州县旗])$")


def read_title_scope(texts: list[str], known: list[tuple[str, str, str]] | tuple = ()) -> TitleScope:
    """The pairing and year named in `texts` (the title first, then where else to look), each from the first
    text naming it. `known` are the ledger's pairings as (name, east, west): one whose east and west both
    appear is the pairing, the most fully named when several do; failing that, a pair of places the title
    writes as one (甲—乙, 甲与乙, 甲对口帮扶乙) is given as written; failing that, the one known pairing of which a
    place appears (珠海市斗门区2022年东西部协作工作计划 → 珠海市斗门区—遵义市湄潭县)."""
    normal = {text: _normal(text) for text in texts}
    year, year_text = next(((found, text) for text in texts if (found := _year(normal[text]))), (None, ""))
    for text in texts:
        name = _known_pairing(normal[text], known, both=True)
        if name:
            return TitleScope(name, True, year, text)
        places = _written_pairing(normal[text])
        if places:
            return TitleScope(f"{places[0]}—{places[1]}", False, year, text)
    for text in texts:
        name = _known_pairing(normal[text], known, both=False)
        if name:
            return TitleScope(name, True, year, text)
    return TitleScope(None, False, year, year_text)


def _normal(text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    text = _DOT_LIKE.sub("·", _DASH_LIKE.sub("—", text))
    return _CHINESE_YEAR.sub(lambda match: match[0].translate(_CHINESE_DIGITS), text)


def _year(text: str) -> int | None:
    for match in _YEAR.finditer(text):
        if re.search(r"[—~至到]$", text[: match.start()]):  # the end of a span: 2018-2020年
            continue
        return int(match[1])
    return None


def place_forms(place: str) -> list[str]:
    """The ways a title may write a place, longest first: 江门市江海区 → 江门市江海区, 江海区, 江海;
    黔南布依族苗族自治州 → …, 黔南州, 黔南. Never a one-character stem (泸县 is not 泸)."""
    place = re.sub(r"\s+", "", place)
    # The lowest level alone: 江海区 of 江门市江海区, 番禺区 of 广州市番禺区 (not 市番禺区: 州 ends no level there).
    tail = next((place[cut:] for cut in range(len(place) - 3, 0, -1) if place[cut - 1] in "省市州盟"), None)
    levels = [tail] if tail and tail.endswith(_PLACE_ENDINGS) else [place]
    forms = [place, *levels]
    for level in list(levels):
        autonomy = _ETHNIC_AUTONOMY.match(level)
        if autonomy:
            levels.append(autonomy["stem"] + autonomy["end"])
    for level in levels:
        forms.append(level)
        if "自治" not in level and level.endswith(_PLACE_ENDINGS) and len(level) >= 3:
            forms.append(level[:-1])
    return sorted(dict.fromkeys(forms), key=len, reverse=True)


def _known_pairing(text: str, known, *, both: bool) -> str | None:
    scored = []
    for name, east, west in known:
        found = [max((len(form) for form in place_forms(place) if form in text), default=0) for place in (east, west)]
        if all(found) if both else any(found):
            scored.append((sum(found), name))
    scored.sort(reverse=True)
    if not scored or (not both and len(scored) > 1) or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None  # a place shared by several pairings, or two pairings named as fully: the user chooses
    return scored[0][1]


def _written_pairing(text: str) -> tuple[str, str] | None:
    for separator in _SEPARATOR.finditer(text):
        adjacent = separator[0] in _ADJACENT
        before = _TITLE_WORDS.split(text[: separator.start()])
        after = _TITLE_WORDS.split(text[separator.end() :])
        east = before[-1] if adjacent else next((run for run in reversed(before) if run), "")
        west = after[0] if adjacent else next((run for run in after if run), "")
        # 柳州市扶贫开发… → 柳州市: the west ends where its places do.
        ending = max((west.rfind(end) for end in _PLACE_ENDINGS), default=-1)
        west = west[: ending + 1] if ending > 0 else west
        # Around words of helping, only places written in full: not 工作 in 东西部协作帮扶工作.
        named = adjacent or (east.endswith(_PLACE_ENDINGS) and west.endswith(_PLACE_ENDINGS))
        if named and 2 <= len(east) <= 12 and 2 <= len(west) <= 12 and east != west:
            return east, west
    return None
