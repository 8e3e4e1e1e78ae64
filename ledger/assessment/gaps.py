"""Evidence gaps: records that lack evidence the assessment framework expects of them (缺项), and the people of
the year's records still known without an ID number (身份未核).

The framework's `evidence` rules say what each kind (and type) of record needs — a meeting its minutes,
sign-in sheet and photos, a posting its appointment document. Listed before the binder is printed, so that
nothing is found missing at the inspection. A person without 身份证号 is told apart from another only by name and
unit (`ledger.persons`), so the clerk is asked to complete it too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.assessment import frameworks
from ledger.assessment.frameworks import Framework, evidence_rule
from ledger.errors import LedgerError, NotFound
from ledger.evidence import live_attachments
from ledger.kinds import KINDS
from ledger.models import Pairing, Person, Record
from ledger.persons import UNIT_FIELDS
from ledger.records import find_pairing, record_values, year_of_records


@dataclass(frozen=True)
class Gap:
    record: Record
    missing: list[str]  # roles, "收据或拨付凭证" where any one will do

    def json(self) -> dict[str, Any]:
        spec = KINDS[self.record.kind]
        when = getattr(self.record, spec.date_field)
        return {
            "id": str(self.record.id),
            "kind": self.record.kind,
            "title": self.record.title,
            "date": when.isoformat() if when else None,
            "missing": self.missing,
        }


def find_gaps(session: Session, framework: Framework, pairing: Pairing, year: int) -> list[Gap]:
    """Live records of the pairing and year missing some expected evidence, kind by kind in date order."""
    gaps = []
    for kind in KINDS:
        for record in year_of_records(session, kind, pairing, year):
            rule = evidence_rule(framework, kind, record_values(record))
            if rule is None:
                continue
            missing = rule.missing({attachment.role for attachment in live_attachments(record)})
            if missing:
                gaps.append(Gap(record, missing))
    return gaps


@dataclass(frozen=True)
class UnverifiedPerson:
    """A person named by records of the year who has no ID number yet (身份未核), with those records."""

    person: Person
    records: list[Record]

    def json(self) -> dict[str, Any]:
        return {
            "id": str(self.person.id),
            "kind": "person",
            "title": self.person.name,
            "unit": self.person.unit,
            "missing": ["身份证号"],
            "records": [{"id": str(record.id), "kind": record.kind, "title": record.title} for record in self.records],
        }


def unverified_persons(session: Session, pairing: Pairing, year: int) -> list[UnverifiedPerson]:
    """The persons without an ID number named by live records of the pairing and year, by name then unit, each
    with those records in the order `find_gaps` lists them."""
    named: dict[Any, list[Record]] = {}
    for kind in UNIT_FIELDS:
        for record in year_of_records(session, kind, pairing, year):
            named.setdefault(record.person_id, []).append(record)
    query = select(Person).where(Person.id.in_(named), Person.id_number.is_(None))
    return [
        UnverifiedPerson(person, named[person.id])
        for person in session.scalars(query.order_by(Person.name, Person.unit))
    ]


def missing_evidence(
    kind: str,
    rows: Iterable[tuple[uuid.UUID, Mapping[str, Any]]],
    roles: Mapping[uuid.UUID, Mapping[str, int]],
    framework_for: Callable[[int], Framework] = frameworks.for_year,
) -> dict[uuid.UUID, list[str]]:
    """What each of `rows` lacks, by record id, for the records among them that `find_gaps` lists.

    `rows` are live records of `kind` as `record_rows.value_rows` gives them, of any pairings and years; `roles` the
    roles of their live attachments as `record_rows.evidence_roles` gives them. Each record is held to the framework
    of its own year (`framework_for`, as `ledger gaps` chooses it), so a table of every pairing and year gets what
    `find_gaps` lists for each pairing and year in it; a year no framework covers expects nothing."""
    chosen: dict[int, Framework | None] = {}
    missing: dict[uuid.UUID, list[str]] = {}
    for record_id, values in rows:
        year = values.get("year")
        if year not in chosen:
            try:
                chosen[year] = framework_for(year) if year is not None else None
            except NotFound:
                chosen[year] = None
        framework = chosen[year]
        rule = evidence_rule(framework, kind, values) if framework is not None else None
        if rule is None:
            continue
        lacking = rule.missing(set(roles.get(record_id, {})))
        if lacking:
            missing[record_id] = lacking
    return missing


def scope(session: Session, pairing: str | None, year: int | None) -> tuple[Pairing, int]:
    """The pairing named (or the ledger's only one) and the year given (or the latest with records)."""
    if pairing:
        found = find_pairing(session, pairing)
        if found is None:
            raise NotFound(f"台账里没有结对关系“{pairing}”")
    else:
        pairings = session.scalars(select(Pairing).limit(2)).all()
        if len(pairings) != 1:
            several = "台账里有多个结对关系，请指定其中一个（命令行用 --pairing）"
            raise LedgerError(several if pairings else "台账里还没有结对关系")
        found = pairings[0]
    if year is None:
        year = session.scalar(
            select(Record.year)
            .where(Record.pairing_id == found.id, Record.deleted_at.is_(None))
            .order_by(Record.year.desc())
            .limit(1)
        )
        if year is None:
            raise LedgerError(f"{found.name}还没有任何记录，请指定年度（命令行用 --year）")
    return found, year
