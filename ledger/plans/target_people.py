"""Targets that count people: cadres posted, teachers and doctors sent, people trained, workers placed.

Who is counted is said by the words right after the number ("118名贫困人口转移就业"), unless the verb before
it already says: 培训 makes trainees of whoever follows ("培训70名各级党政干部" trains cadres, it posts none),
and 选派, 挂职 or 互派 make a posting, whatever training the clause also speaks of. A posting's direction is
the side that sends (`ledger.plans.target_words.sender`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ledger.kinds.cadre import DIRECTIONS as CADRE_DIRECTIONS
from ledger.kinds.dispatch import DIRECTIONS as DISPATCH_DIRECTIONS
from ledger.plans.target_words import (
    EAST_PROVINCES,
    GOING,
    TRAINING_TYPES,
    Context,
    ProposedTarget,
    named_once,
    sender,
    short_place,
)

# What people are counted for, the first group found deciding: workers placed in jobs must not be taken for
# cadres just because the item also speaks of 干部.
PEOPLE_WORDS = (
    (("培训",), "trainees"),
    (("转移就业", "就业", "务工", "劳务"), "workers"),
    (("教师", "支教", "老师", "校长", "教育"), "education"),
    (("医护", "支医", "医生", "护士", "医疗", "医务", "卫生"), "medicine"),
    (("干部",), "cadres"),
)
TRAINING_VERB = "培训"
POSTING_VERBS = ("选派", "挂职", "互派", "派送", "派遣", "派出")
# Poor people counted, not places: the trainees of "贫困村创业致富带头人培训" are not counted as poor.
POOR = re.compile("贫困(农村)?(人口|劳动力|户|群众)|建档立卡|脱贫人口")
# Westerners come east to learn: "接受…教师赴江海区跟岗学习".
LEARNING_EAST = ("跟岗", "进修")
LOCAL_WORK = ("就近", "就地", "本地")
EAST_WORDS = ("东部", *EAST_PROVINCES)


def _verb(words: str) -> str | None:
    """The last of 培训 and the verbs of posting in `words`."""
    found = [(words.rfind(verb), verb) for verb in (TRAINING_VERB, *POSTING_VERBS) if verb in words]
    return max(found)[1] if found else None


def _who(words: str, groups: tuple[tuple[tuple[str, ...], str], ...]) -> str | None:
    """Who the words say is counted: the first group named decides, but teachers and doctors named together
    are professionals of no one field ("教师、医生、农技专家等各类专业技术人才")."""
    found = [who for group, who in groups if any(word in words for word in group)]
    if set(found[:2]) == {"education", "medicine"}:
        return "professionals"
    return found[0] if found else None


def _counted(at: Context) -> str | None:
    """Who the number counts: trainees, workers, education, medicine, professionals or cadres."""
    verb = _verb(at.local)
    if verb == TRAINING_VERB:
        return "trainees"
    # A posting's people are not trainees though they go to give training ("选派3名…医疗专家…驻点培训").
    groups = PEOPLE_WORDS[1:] if verb else PEOPLE_WORDS
    near = _who(at.after, groups) or _who(at.local, groups)
    if near:
        return near
    if "挂职" in at.own:
        # 挂职 says a posting, not who goes ("骨干教师5-8名到…挂职" are teachers); with no one named beside the
        # number, those posted are cadres, whatever else the task speaks of.
        return "cadres"
    return _who(at.sentence, groups) or _who(at.wider, groups)


def persons(number: Decimal, at: Context) -> list[ProposedTarget] | None:
    what = _counted(at)
    if what is None:
        return None
    if what == "workers":
        return _workers(number, at)
    if what == "trainees":
        measure = "poor_trainees" if POOR.search(at.clause) else "trainees"
        training_type = named_once((at.after, at.local, at.sentence), TRAINING_TYPES)[1]
        params = {"training_type": training_type} if training_type else {}
        return [ProposedTarget(measure, params, number, "人次", at.phrase)]
    side = _sending_side(at)
    if what == "cadres":
        params = {"direction": CADRE_DIRECTIONS[0 if side == "east" else 1]} if side else {}
        return [ProposedTarget("cadres", params, number, "人", at.phrase)]
    params = {"field": "教育" if what == "education" else "医疗卫生"} if what != "professionals" else {}
    if side:
        params["direction"] = DISPATCH_DIRECTIONS[0 if side == "east" else 1]
    return [ProposedTarget("dispatches", params, number, "人次", at.phrase)]


def _sending_side(at: Context) -> str | None:
    """The side that sends, from the number's own clause, else its sentence; 互派 sends both ways."""
    if "互派" in at.own:
        return None
    for words in (at.own, at.sentence):
        side = sender(words, at.east, at.west)
        if side:
            return side
    # 跟岗 and 进修 are westerners learning in the east.
    return "west" if any(word in at.own for word in LEARNING_EAST) else None


def _workers(number: Decimal, at: Context) -> list[ProposedTarget]:
    """ "1180名以上贫困人口转移就业", "新增转移到东部地区就业贫困人口不低于155人", "转移本地就业1080人"."""
    clause = at.clause
    measure = "poor_workers" if POOR.search(clause) else "workers"
    params: dict[str, Any] = {}
    if any(word in clause for word in LOCAL_WORK):
        params["labour_type"] = "就近就地就业"
    elif "转移" in clause or "转移" in at.wider:
        params["labour_type"] = "转移就业"
        # "转移到东部地区", "转移广东就业": the east is gone to.
        east = (*EAST_WORDS, at.east, short_place(at.east)) if at.east else EAST_WORDS
        if any(f"{going}{place}" in clause for going in ("转移", *GOING) for place in east):
            params["to_east"] = True
    return [ProposedTarget(measure, params, number, "人", at.phrase)]
