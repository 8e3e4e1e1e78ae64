"""Targets set against last year: 「选派人次不低于上年」, 「落实财政帮扶资金年度增长要求」, 「两个不低于」.

They carry no number of their own: the threshold is the ledger's own figure of the same measure the year
before, at least as much (basis 上年) or more (basis 增长). A number the same sentence states beside them
("…年度增长要求，2020年安排…260万元") stays the threshold, and the comparison is added to it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from ledger.plans.measures import MEASURES
from ledger.plans.target_words import CLAUSE_MARKS, SENTENCE_MARKS, ProposedTarget, span

#: 不低于上年: at least last year's figure.
AT_LEAST = "上年"
#: 逐年增长: more than last year's figure.
GROWTH = "增长"
BASES = {"": "", AT_LEAST: "不低于上年", GROWTH: "高于上年"}

YEAR_ON_YEAR = re.compile(
    "不低于上年|不少于上年|不低于去年|高于上年|逐年增长|逐年增加|逐年提高|只增不减|两个不低于|年度增长|比上年增长"
)
_GROWING = re.compile("增长|增加|提高|只增不减|高于")
# What is compared with last year, by the words that name it; the first group found in the clause, else in the
# sentence, decides (干部培训 is training, not posting). People sent are posted cadres and professionals both
# where both are named.
_COMPARED = (
    (("培训",), ("trainees", {})),
    (("干部",), ("cadres", {})),
    (("专业技术人才", "专技人才", "教师", "医生", "医疗", "教育"), ("dispatches", {})),
    (("财政",), ("funds", {"fund_type": "财政援助资金"})),
    (("社会", "捐"), ("funds", {"fund_level": "社会"})),
    (("资金",), ("funds", {})),
    (("消费", "采购", "销售"), ("sales", {})),
    (("就业",), ("workers", {})),
)
# What an existing target of the same sentence may be compared as: amounts and people, not meetings.
_COMPARABLE = {"funds", "sales", "investment", "cadres", "dispatches", "trainees", "workers", "poor_workers"}


def year_on_year(source: str, targets: list[ProposedTarget]) -> tuple[list[ProposedTarget], list[str]]:
    """`targets` with the comparisons with last year that `source` states: set on the targets of their sentence,
    else proposed from their words with no threshold of their own; and the comparisons no measure takes."""
    targets, unread = list(targets), []
    for found in YEAR_ON_YEAR.finditer(source):
        basis = GROWTH if _GROWING.search(found.group()) else AT_LEAST
        sentence = span(source, found.start(), found.end(), SENTENCE_MARKS)
        clause = span(source, found.start(), found.end(), CLAUSE_MARKS)
        compared = _compared(clause)
        # The number it qualifies is in its clause; else in its sentence, of what the clause names if it names any.
        named = {measure for measure, _ in compared} or _COMPARABLE
        beside = [n for n, t in enumerate(targets) if t.measure in _COMPARABLE and t.source in clause]
        if not beside:
            beside = [n for n, t in enumerate(targets) if t.measure in named and t.source in sentence]
        if beside:
            for index in beside:
                targets[index] = replace(targets[index], basis=basis)
            continue
        compared = compared or _compared(sentence)
        if not compared:
            if clause not in unread:
                unread.append(clause)
            continue
        for measure, params in compared:
            targets.append(ProposedTarget(measure, params, Decimal(0), MEASURES[measure].unit, clause, basis))
    return targets, unread


def _compared(words: str) -> list[tuple[str, dict]]:
    found = []
    for names, (measure, params) in _COMPARED:
        if any(name in words for name in names) and measure not in (m for m, _ in found):
            found.append((measure, params))
            if measure not in ("cadres", "dispatches"):
                break  # one thing compared, but people sent may be of two kinds (干部 and 专业技术人才)
    return found
