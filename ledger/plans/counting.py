"""A measure's actual over the ledger, counted as the assessment counts: drafts apart, records that last in every
year they overlap (or only in the year they start, where the measure or its target says so), a stay by its days
inside the year, and people once where the measure counts 人.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ledger.kinds import MODELS
from ledger.kinds.common import DRAFT
from ledger.models import Pairing
from ledger.plans.measures import Measure
from ledger.records import pairing_counties
from ledger.years import days_within, in_year

#: Parameters that say which records count in the year rather than naming a field to filter on.
_HOW_COUNTED = ("min_days", "started", "per_county")


def actual(
    session: Session,
    measure: Measure,
    params: Mapping[str, Any],
    *,
    pairing_id: Any,
    year: int,
    as_of: date | None = None,
    record_ids: Collection[Any] | None = None,
    drafts: bool = False,
) -> Decimal:
    """The measure's value over the live, not draft, records of a pairing that count in `year` (or only the given
    records among them), as of a day (today unless given): an open posting runs to it. With `drafts`, drafts
    count too: what the value would be once they are checked."""
    model = MODELS[measure.kind]
    as_of = as_of or date.today()
    started = measure.by_start or params.get("started")
    conditions = [
        model.pairing_id == pairing_id,
        model.year == year if started else in_year(model, year, as_of),
        model.deleted_at.is_(None),
        *_conditions(measure, params),
    ]
    if not drafts:
        conditions.append(model.record_status != DRAFT)
    if record_ids is not None:
        conditions.append(model.id.in_(list(record_ids)))
    value = _value(session, measure, conditions, params, year, as_of)
    if params.get("per_county"):
        counties = len(pairing_counties(session.get(Pairing, pairing_id))) or 1
        value = (value / counties).quantize(Decimal("0.01"))
    return value


def _value(
    session: Session,
    measure: Measure,
    conditions: list[ColumnElement[bool]],
    params: Mapping[str, Any],
    year: int,
    as_of: date,
) -> Decimal:
    if measure.compute is not None:
        return measure.compute(session, conditions, params, year)
    if measure.total is None and (measure.people or "min_days" in params):
        return Decimal(_count_stays(session, measure, conditions, params.get("min_days"), year, as_of))
    if measure.total is None:
        value = session.scalar(select(func.count()).select_from(MODELS[measure.kind]).where(*conditions))
        return Decimal(value or 0)
    value = session.scalar(select(func.sum(getattr(MODELS[measure.kind], measure.total))).where(*conditions))
    return Decimal(value or 0) / measure.scale


def _conditions(measure: Measure, params: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    model = MODELS[measure.kind]
    conditions = [getattr(model, name).in_(values) for name, values in measure.fixed]
    for name, value in params.items():
        if name not in _HOW_COUNTED and not measure.param(name).on_activities:
            conditions.append(getattr(model, name) == value)
    return conditions


def _count_stays(
    session: Session,
    measure: Measure,
    conditions: list[ColumnElement[bool]],
    min_days: int | None,
    year: int,
    as_of: date,
) -> int:
    """The postings or stays selected, those of at least `min_days` inside the year, each person once where the
    measure counts people. Read in Python: a year's postings are hundreds, and days inside a year are then
    the same on every database."""
    model = MODELS[measure.kind]
    # A posting ends at its return, else its planned end; a stay at its end date.
    ends = [getattr(model, name) for name in ("returned_on", "end_date") if hasattr(model, name)]
    query = select(model.id, model.start_date, *ends, model.person_id).where(*conditions)
    counted: set[Any] = set()
    for record_id, start, *rest in session.execute(query):
        *end_dates, person_id = rest
        end = next((day for day in end_dates if day is not None), None)
        if min_days is not None and days_within(start, end, year, as_of) < min_days:
            continue
        # The person directory ties a person's records together (`ledger.persons`).
        counted.add(person_id if measure.people else record_id)
    return len(counted)
