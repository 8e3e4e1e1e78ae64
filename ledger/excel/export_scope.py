"""Which records an export holds (a pairing, a year, the kinds asked for; never deleted ones), and the words
the titles and date lines of its sheets use for that: a workbook of one pairing's one year says so once in
its titles rather than printing it in a column on every row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.kinds import KINDS, MODELS
from ledger.models import Pairing, Record
from ledger.records import pairing_counties
from ledger.settings import COMPILING_UNIT, read_setting
from ledger.years import in_year


class Scope:
    """Which records the workbook holds, and the words its titles use for that."""

    def __init__(self, session: Session, pairing: str | None, pairing_id, year: int | None, as_of: date):
        self.session, self.pairing, self.pairing_id, self.year, self.as_of = session, pairing, pairing_id, year, as_of
        self.compiling_unit = read_setting(session, COMPILING_UNIT)
        # A workbook of one pairing, or of one year, says so in its titles, and need not print that column.
        live = select(Record.kind, Record.pairing_id, Record.year, Record.county.is_not(None).label("in_county"))
        live = live.where(Record.deleted_at.is_(None))
        if pairing_id is not None:
            live = live.where(Record.pairing_id == pairing_id)
        if year is not None:
            live = live.where(in_year(Record, year, as_of))
        found = session.execute(live.distinct()).all()
        pairings, years = {row.pairing_id for row in found}, {row.year for row in found}
        self.shown_pairing, self.shown_year = pairing, year
        if len(pairings) == 1:
            self.shown_pairing = session.get(Pairing, next(iter(pairings))).name
        if year is None and len(years) == 1:
            self.shown_year = years.pop()
        # A year asked for is the titles', though some records began earlier (a posting from the year before):
        # a sheet holding those prints its 年度 column, so that each row reads back as it is.
        self._years_of = {}
        for row in found:
            self._years_of.setdefault(row.kind, set()).add(row.year)
        # 受援县 is printed where a pairing of the workbook covers several counties, so that rows added in Excel can
        # name theirs, or a record names one; most pairings are of one county.
        several = any(pairing_counties(session.get(Pairing, pairing_id)) for pairing_id in pairings)
        self._with_county = set(KINDS) if several else {row.kind for row in found if row.in_county}

    def implied_fields(self, kind: str) -> set[str]:
        """The fields a kind's sheet need not print, its title saying them: the pairing, and the year where every
        record of the sheet is of the year its title names; and 受援县 where no record names one."""
        implied = {"pairing"} if self.shown_pairing else set()
        if kind not in self._with_county:
            implied.add("county")
        if self.shown_year is not None and self._years_of.get(kind, {self.shown_year}) == {self.shown_year}:
            implied.add("year")
        return implied

    def query(self, kind: str):
        model = MODELS[kind]
        query = select(model).where(model.kind == kind, model.deleted_at.is_(None))
        if self.year is not None:
            query = query.where(in_year(model, self.year, self.as_of))
        if self.pairing_id is not None:
            query = query.where(model.pairing_id == self.pairing_id)
        return query

    def count(self, kind: str) -> int:
        return self.session.scalar(select(func.count()).select_from(self.query(kind).subquery()))

    def records(self, kind: str) -> Iterator[Record]:
        spec, model = KINDS[kind], MODELS[kind]
        query = self.query(kind).order_by(getattr(model, spec.date_field), model.created_at, model.id)
        # Batches keep memory flat; the units of each batch come in one extra query (selectin).
        yield from self.session.scalars(query.execution_options(yield_per=1000))

    def title(self, what: str) -> str:
        year = f"{self.shown_year}年" if self.shown_year else ""
        return f"{year}{self.shown_pairing or ''}东西部协作 {what}"

    def note(self, count_text: str) -> str:
        parts = [f"编制单位：{self.compiling_unit}"] if self.compiling_unit else []
        parts += [f"导出日期：{chinese_date(date.today())}", count_text]
        return "　　".join(parts)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
