"""The demo year's draw: its people, dates and document numbers, and the records and documents it makes.

Shared by the generators of each part of the demo (`ledger.demo.meetings`, `people`, `training`, `funds`,
`cooperation`), so that one random stream, and so one seed, makes the whole ledger.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledger.demo.files import demo_pdf
from ledger.identity import id_check_char
from ledger.kinds.common import ARCHIVED
from ledger.resources import resource_path

Values = dict[str, Any]
ORDINALS = "一二三四五六七八九十"
# Administrative division codes (GB/T 2260) that begin the ID numbers of each side's people.
REGION_CODES = {"east": "440784", "west": "451423"}


@dataclass(frozen=True)
class Document:
    """A PDF to generate: kept apart from its bytes so that one notice can serve a whole batch."""

    title: str
    doc_no: str
    paragraphs: tuple[str, ...]
    signed_by: str
    dated: date

    def render(self) -> bytes:
        return demo_pdf(self.title, self.doc_no, list(self.paragraphs), signed_by=self.signed_by, dated=self.dated)


@dataclass
class Entry:
    """One record to add, with what its evidence needs beyond the record's own fields."""

    kind: str
    values: Values
    documents: list[tuple[str, str, Document]] = field(default_factory=list)  # file name, role, document
    photos: list[tuple[str, str]] = field(default_factory=list)  # file name, caption
    roll: str = ""  # "签到表" or "花名册" made at build time from names drawn then


class Year:
    """Draws the people, dates and document numbers of the demo year from one random stream."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.data = json.loads(resource_path("demo", "heshan-longzhou-2020.json").read_text(encoding="utf-8"))
        self.year: int = self.data["year"]
        # Leaders and named cadres are real people of the ledger: nobody else may share their names.
        self.used_names = {leader["name"] for side in self.data["leaders"].values() for leader in side.values()}
        self.used_names |= {cadre["person"] for cadre in self.data["cadres"] if "person" in cadre}
        self.rare_names = list(self.data["rare_names"])
        self.issued: dict[tuple[str, int], set[int]] = {}
        self.holidays: set[date] = set()
        for first, last in self.data["holidays"]:
            day = date.fromisoformat(first)
            while day <= date.fromisoformat(last):
                self.holidays.add(day)
                day += timedelta(days=1)

    def on(self, month: int, day: int) -> date:
        return date(self.year, month, day)

    def day(self, first: date, last: date) -> date:
        """A working day between `first` and `last`: no meeting or posting starts on a weekend or holiday."""
        while True:
            chosen = first + timedelta(days=self.rng.randrange((last - first).days + 1))
            if chosen.weekday() < 5 and chosen not in self.holidays:
                return chosen

    def person(self, gender: str | None = None, *, rare: bool = False) -> tuple[str, str]:
        """A new name and its gender; `rare` takes the next name written with a rare character."""
        if rare and self.rare_names:
            entry = self.rare_names.pop(0)
            return entry["name"], entry["gender"]
        gender = gender or self.rng.choice(("男", "女"))
        while True:
            name = self.rng.choice(self.data["surnames"]) + self.rng.choice(self.data["given_names"][gender])
            if name not in self.used_names:
                self.used_names.add(name)
                return name, gender

    def crowd(self, count: int) -> list[str]:
        """Names for a sign-in sheet: strangers to the ledger, so repeats are fine."""
        given = self.data["given_names"]
        return [
            self.rng.choice(self.data["surnames"]) + self.rng.choice(given[self.rng.choice(("男", "女"))])
            for _ in range(count)
        ]

    def id_number(self, side: str, gender: str, born: tuple[int, int] = (1968, 1995)) -> str:
        first, last = date(born[0], 1, 1), date(born[1], 12, 31)
        birth = first + timedelta(days=self.rng.randrange((last - first).days))
        # The 17th digit is odd for men and even for women.
        serial = self.rng.randrange(100) * 10 + self.rng.choice((1, 3, 5, 7, 9) if gender == "男" else (0, 2, 4, 6, 8))
        first17 = f"{REGION_CODES[side]}{birth:%Y%m%d}{serial:03d}"
        return first17 + id_check_char(first17)

    def phone(self) -> str:
        prefix = self.rng.choice(("138", "139", "135", "137", "150", "159", "180", "186", "177"))
        return f"{prefix}{self.rng.randrange(10**8):08d}"

    def doc_no(self, prefix: str, when: date, per_year: int = 60) -> str:
        """A document number like 鹤财预〔2020〕16号 that grows through the issuer's year."""
        taken = self.issued.setdefault((prefix, when.year), set())
        number = 1 + (when.timetuple().tm_yday - 1) * per_year // 366 + self.rng.randrange(3)
        while number in taken:
            number += 1
        taken.add(number)
        return f"{prefix}〔{when.year}〕{number}号"

    def status(self, when: date) -> str:
        """Early records are verified and some archived; the last months' are often still drafts."""
        draw = self.rng.random()
        if when < self.on(7, 1) and draw < 0.25:
            return ARCHIVED
        if (when >= self.on(10, 1) and draw < 0.4) or draw > 0.95:
            return "草稿"
        return "已核实"

    def leader(self, side: str, role: str) -> dict[str, str]:
        return self.data["leaders"][side][role]

    def place(self, side: str) -> str:
        return self.data["pairing"][side]


def other(side: str) -> str:
    return "west" if side == "east" else "east"


def held_in(side: str) -> str:
    return "东部" if side == "east" else "西部"


def spoken(when: date) -> str:
    return f"{when.year}年{when.month}月{when.day}日"


def wan(amount: Decimal) -> str:
    """An amount in 万元 as written in documents: 130, 32.5."""
    return f"{(amount / 10000).normalize():f}"
