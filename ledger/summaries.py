"""How many records of each kind a scope holds and what their money adds up to, counted in SQL.

The window's 总览 shows these totals above the plans. A year of a large ledger is not loaded to add it up: the
counts and sums are one query per kind, kept here beside the records they read, so the window only words them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ledger import records
from ledger.fields import Field
from ledger.kinds import KINDS, MODELS
from ledger.kinds.common import DRAFT
from ledger.years import in_year


@dataclass(frozen=True)
class KindTotals:
    """One kind's live records in a scope: how many, and the sum of each of its money fields in yuan."""

    kind: str
    count: int
    sums: list[tuple[Field, Decimal | None]]  # None where no record of the scope has the amount


def kind_totals(session: Session, pairing: str | None, year: int | None) -> list[KindTotals]:
    """The totals of every kind, in the kinds' order, of the records of `pairing` and `year` (None: all): how many
    records count in the year, and their money as the measures count it, drafts apart and each sum in the year its
    record began (a park's investment is not added again in each year it runs)."""
    found = records.find_pairing(session, pairing) if pairing else None
    totals = []
    for kind, spec in KINDS.items():
        model = MODELS[kind]
        money = [field for field in spec.fields if field.values.money]
        counted = model.record_status != DRAFT
        if year is not None:
            counted = and_(counted, model.year == year)
        sums = (func.sum(getattr(model, field.name)).filter(counted) for field in money)
        query = select(func.count(), *sums).where(model.kind == kind, model.deleted_at.is_(None))
        if year is not None:
            query = query.where(in_year(model, year))
        if found is not None:
            query = query.where(model.pairing_id == found.id)
        count, *sums = session.execute(query).one()
        # The sum keeps the column's type, so it comes back as yuan, not as the fen stored.
        totals.append(KindTotals(kind, count, list(zip(money, sums, strict=True))))
    return totals
