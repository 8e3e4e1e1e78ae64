"""The years a record counts in: every year from its first (`year`) to its last (`last_year`), as the assessment
counts a posting, a school year of 支教 or a standing tie — by overlap, not by the year it started.

A record with no end yet (a posting not returned, a tie with no end date) is open: it counts in its first year
and in every year after, up to the year of the day asked about (`as_of`, today unless given).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from ledger.fields import KindSpec, Values


def in_year(model, year: int, as_of: date | None = None) -> ColumnElement[bool]:
    """The records of `model` (`Record` or a kind's model) whose years overlap `year`."""
    still_open = model.last_year.is_(None)
    if year > (as_of or date.today()).year:
        # A year to come holds only the open records that start in it, not all those running today.
        still_open = and_(still_open, model.year == year)
    return and_(model.year <= year, or_(model.last_year >= year, still_open))


def days_within(start: date | None, end: date | None, year: int, as_of: date) -> int:
    """The days of the period `start`–`end` (both counted) that fall in `year`; 0 when none do or the start is
    unknown. A period with no end yet runs to `as_of`."""
    if start is None:
        return 0
    first, last = max(start, date(year, 1, 1)), min(end or as_of, date(year, 12, 31))
    return max((last - first).days + 1, 0)


def continuation(spec: KindSpec, values: Values) -> dict[str, Any] | None:
    """What carries a standing record (a tie kept up from year to year) on past its end, in place of a copy for
    the next year: its end cleared, so that it counts in every year after. None where the kind keeps no standing
    records or the record has no end, and so runs already."""
    if not spec.standing or not any(values.get(name) for name in spec.ends):
        return None
    return {name: None for name in spec.ends}
