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
from ledger.models import Pairing, RosterEntry
from ledger.plans.measures import Measure
from ledger.records import pairing_counties
from ledger.years import days_within, in_year

#: Parameters that say which records count in the year rather than naming a field to filter on.
_HOW_COUNTED = ("min_days", "min_months", "started", "per_county")
#: The head counts a labour record types by hand, and the households its roster's people must be of to count for
#: each: where it has a roster, its people are counted from that, each once across the year.
_ROSTER_TOTALS = {"people": (), "poor_people": ("脱贫户", "监测对象")}


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
    if measure.kind == "labour" and measure.total in _ROSTER_TOTALS:
        return Decimal(_workers(session, measure, conditions, params.get("min_months"), year, as_of))
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


def _workers(
    session: Session,
    measure: Measure,
    conditions: list[ColumnElement[bool]],
    min_months: int | None,
    year: int,
    as_of: date,
) -> int:
    """The workers of the labour records selected: the persons on their rosters on the job in the year (at least
    `min_months` of it, where asked), each once however many records name them; and for the records without a
    roster, the head count typed, which no months can be told of."""
    model = MODELS["labour"]
    selected = dict(session.execute(select(model.id, getattr(model, measure.total)).where(*conditions)).all())
    statuses = _ROSTER_TOTALS[measure.total]
    entries = select(RosterEntry.record_id, RosterEntry.person_id, RosterEntry.start_date, RosterEntry.end_date)
    entries = entries.where(RosterEntry.record_id.in_(list(selected)))
    if statuses:
        entries = entries.where(RosterEntry.poverty_status.in_(statuses))
    rostered = set(session.scalars(select(RosterEntry.record_id).where(RosterEntry.record_id.in_(list(selected)))))
    people = set()
    for _, person_id, start, end in session.execute(entries):
        # A row with no start is on the job from the year's start; with no end, up to the day asked about.
        days = days_within(start or date(year, 1, 1), end, year, as_of)
        if days > 0 and (min_months is None or days >= min_months * 30):
            people.add(person_id)
    typed = 0 if min_months else sum(count or 0 for record_id, count in selected.items() if record_id not in rostered)
    return len(people) + typed
