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
from ledger.settings import COMPILING_UNIT, read_setting
from ledger.years import in_year


class Scope:
    """Which records the workbook holds, and the words its titles use for that."""

    def __init__(self, session: Session, pairing: str | None, pairing_id, year: int | None, as_of: date):
        self.session, self.pairing, self.pairing_id, self.year, self.as_of = session, pairing, pairing_id, year, as_of
        self.compiling_unit = read_setting(session, COMPILING_UNIT)
        # A workbook of one pairing's one year says so in its titles, and need not print those columns.
        live = select(Record.pairing_id, Record.year).where(Record.deleted_at.is_(None))
        if pairing_id is not None:
            live = live.where(Record.pairing_id == pairing_id)
        if year is not None:
            live = live.where(in_year(Record, year, as_of))
        found = session.execute(live.distinct().limit(2)).all()
        self.shown_pairing, self.shown_year = pairing, year
        if len(found) == 1:
            self.shown_pairing = session.get(Pairing, found[0].pairing_id).name
            # A year asked for is the title's, though its records began earlier (a posting from the year before).
            self.shown_year = year or found[0].year
        one = len(found) == 1 and found[0].year == self.shown_year
        self.implied_fields = {"pairing", "year"} if one else set()

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
