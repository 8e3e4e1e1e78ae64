"""What one change to the ledger touched, so that each view reads again only that. As Anki's operations return
`OpChanges`, every change made through `LedgerContext` (a record saved, deleted or restored, evidence attached
or removed, a plan imported, its targets or links changed, the undo and redo of each, a merge, a restore, a
workbook imported) reports a `Changes` with the `changed` signal: the records it touched, each with the pairing
and year it was in, the records whose evidence changed, the pairing and year of each plan changed, whether a
pairing was added, or that everything may have changed. The window keeps what a hidden view has not seen yet,
merged with `|`, and hands it over when the view is shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import NamedTuple

from ledger.models import Plan, Record


class Touched(NamedTuple):
    """A record a change touched, in the pairing and years it was in (from `year` to `last_year`, None while it
    runs): an edit that moves it to other years touches it in both, so that the views of each see it come or go."""

    kind: str
    id: uuid.UUID
    pairing: str
    year: int
    last_year: int | None

    @classmethod
    def of(cls, record: Record) -> Touched:
        return cls(record.kind, record.id, record.pairing.name, record.year, record.last_year)

    def in_year(self, year: int) -> bool:
        return self.year <= year and (self.last_year is None or year <= self.last_year)


class PlanScope(NamedTuple):
    """The pairing and year of a plan a change touched."""

    pairing: str
    year: int

    @classmethod
    def of(cls, plan: Plan) -> PlanScope:
        return cls(plan.pairing.name, plan.year)


@dataclass(frozen=True)
class Changes:
    """What a change touched. The questions views ask take their pairing and year (None: all of them) and are
    all true after a change of everything."""

    #: Records whose fields or place (deleted, restored, another year or pairing) changed.
    records: frozenset[Touched] = frozenset()
    #: Records whose attachments changed (attached, retyped, captioned, removed).
    evidence: frozenset[Touched] = frozenset()
    #: The pairing and year of each plan whose tasks, targets or linked records changed, or that came or went.
    plans: frozenset[PlanScope] = frozenset()
    #: A pairing was added.
    pairings: bool = False
    #: The ledger may be another one (a restore, a merge, a workbook imported): every view reads it all again.
    everything: bool = False

    def __or__(self, other: Changes) -> Changes:
        if self.everything or other.everything:
            return EVERYTHING  # which names nothing: all is read again
        return Changes(
            self.records | other.records,
            self.evidence | other.evidence,
            self.plans | other.plans,
            self.pairings or other.pairings,
        )

    def record_ids(self, kind: str, pairing: str | None, year: int | None) -> set[uuid.UUID]:
        """The records of `kind` in the scope whose rows changed: their fields, their place or their evidence
        (a table counts the files). Not to be asked after a change of everything, which names no records."""
        touched = self.records | self.evidence
        return {record.id for record in touched if record.kind == kind and _within(record, pairing, year)}

    def records_in(self, pairing: str | None, year: int | None) -> bool:
        """Whether records of the scope changed (not only their evidence)."""
        return self.everything or any(_within(record, pairing, year) for record in self.records)

    def evidence_in(self, pairing: str | None, year: int | None) -> bool:
        """Whether the evidence of records of the scope changed."""
        return self.everything or any(_within(record, pairing, year) for record in self.evidence)

    def plans_in(self, pairing: str | None, year: int | None) -> bool:
        """Whether plans of the scope changed."""
        return self.everything or any(_within(plan, pairing, year) for plan in self.plans)

    def touches_record(self, record_id: uuid.UUID) -> bool:
        """Whether the record itself or its evidence changed."""
        return self.everything or any(record.id == record_id for record in self.records | self.evidence)


#: What a restore, a merge or a workbook imported reports, and what a view that has never been read waits for.
EVERYTHING = Changes(everything=True)


def _within(touched: Touched | PlanScope, pairing: str | None, year: int | None) -> bool:
    if pairing and pairing != touched.pairing:
        return False
    if year is None:
        return True
    return touched.in_year(year) if isinstance(touched, Touched) else year == touched.year
