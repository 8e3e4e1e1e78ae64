"""The directory of people (人员名录): each person that cadre and dispatch records name, once.

A record of a kind with person fields names its person (`Record.person_id`), resolved by the write path whenever
the record is added, bulk-added, edited or put by a merge: by 身份证号 where the record gives one; else by name and
派出单位 (the person known without one, or the only one known with one: the number left out this time); else a new
person. A record bringing the ID number of a person so far known without one, by name and unit, gives it to them.
The directory keeps the latest name, gender, phone and unit given for each person, and every change to it is
audited like a unit's. Counting people (人) counts persons, the form completes a known person, and `ledger gaps`
lists those still without an ID number as 身份未核.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.audit_entries import audit, author_of
from ledger.kinds.common import person_fields
from ledger.models import Person, Record, RosterEntry, utc_now

#: The kinds whose records name a person, and the field of each that holds the unit that sent them (派出单位).
UNIT_FIELDS = {"cadre": "home_unit", "dispatch": "home_institution"}
#: What a person may be marked as by the labour rosters: neither, 脱贫户, or 监测对象.
POVERTY_STATUSES = ("", "脱贫户", "监测对象")
#: The fields of a record that say who its person is.
_PERSON_FIELDS = frozenset(field.name for field in person_fields())
_NUMBERS = {field.name: field.values for field in person_fields()}
#: Keys looked up in one query: well below any database's limit of bound parameters.
_BATCH = 500


def unit_field(kind: str) -> str | None:
    """The field of `kind` naming the unit that sent its person; None for a kind that names no person."""
    return UNIT_FIELDS.get(kind)


@dataclass(frozen=True)
class _Named:
    """Who a record's values say its person is."""

    name: str
    gender: str
    id_number: str | None
    phone: str
    unit: str

    @classmethod
    def of(cls, kind: str, values: Mapping[str, Any]) -> _Named:
        return cls(
            name=values.get("person_name") or "",
            gender=values.get("gender") or "",
            id_number=values.get("id_number") or None,
            phone=values.get("phone") or "",
            unit=values.get(UNIT_FIELDS[kind]) or "",
        )


class _Directory:
    """The persons a batch of records may name, read in a few queries, and those the batch adds to them."""

    def __init__(self, session: Session, named: Sequence[_Named]):
        self.session = session
        ids = sorted({person.id_number for person in named if person.id_number})
        names = sorted({person.name for person in named})
        self.by_id: dict[str, Person] = {}
        self.by_name: dict[tuple[str, str], Person] = {}  # (name, unit) of those without an ID number
        # (name, unit) of those with one: a record that gives no ID number is theirs where only one has that pair.
        self.identified: dict[tuple[str, str], list[Person]] = {}
        for batch in _batches(ids):
            for person in session.scalars(select(Person).where(Person.id_number.in_(batch))):
                self.by_id[person.id_number] = person
        for batch in _batches(names):
            for person in session.scalars(select(Person).where(Person.name.in_(batch))):
                if person.id_number is None:
                    self.by_name[(person.name, person.unit)] = person
                else:
                    self.identified.setdefault((person.name, person.unit), []).append(person)

    def resolve(self, named: _Named, own: Person | None = None) -> Person:
        """The person `named` is, told the latest of them. `own`: a person no other record names, the one the
        record named until now, corrected rather than left behind when no other person is found."""
        key = (named.name, named.unit)
        person = self.by_id.get(named.id_number) if named.id_number else self.by_name.get(key)
        if person is None and named.id_number:
            person = self.by_name.pop(key, None)  # known so far without an ID number: it is theirs
        if person is None and own is not None:
            person = own
            if own.id_number is not None:
                self.by_id.pop(own.id_number, None)
            else:
                self.by_name.pop((own.name, own.unit), None)
        if person is None and not named.id_number and len(self.identified.get(key, ())) == 1:
            # The same name from the same unit, the number left out this time: the person known with it.
            (person,) = self.identified[key]
            self._tell(person, replace(named, id_number=person.id_number))
            return person
        if person is None:
            return self._add(named)
        self._tell(person, named)
        return person

    def _add(self, named: _Named) -> Person:
        author = author_of(self.session)
        values = {"name": named.name, "gender": named.gender, "id_number": named.id_number}
        values |= {"phone": named.phone, "unit": named.unit, "poverty_status": ""}
        person = Person(id=uuid.uuid4(), **values, created_by=author, updated_by=author)
        self.session.add(person)
        self._file(person)
        audit(self.session, "insert", "person", person.id, None, {k: v for k, v in values.items() if v})
        return person

    def _tell(self, person: Person, named: _Named) -> None:
        """Brings `person` up to what `named` says: an ID number given, the latest name, gender, phone and unit
        given. One without an ID number is known by name and unit, which then follow the record as they are."""
        wanted = {"name": named.name, "gender": named.gender or person.gender, "phone": named.phone or person.phone}
        wanted["id_number"] = named.id_number
        wanted["unit"] = named.unit
        if named.id_number and not named.unit:
            wanted["unit"] = person.unit
        changes = {name: [old, value] for name, value in wanted.items() if (old := getattr(person, name)) != value}
        if not changes:
            return
        for name, (_, value) in changes.items():
            setattr(person, name, value)
        person.updated_at, person.updated_by = utc_now(), author_of(self.session)
        self._file(person)
        audit(self.session, "update", "person", person.id, None, changes)

    def _file(self, person: Person) -> None:
        if person.id_number:
            self.by_id[person.id_number] = person
            known = self.identified.setdefault((person.name, person.unit), [])
            if person not in known:
                known.append(person)
        else:
            self.by_name[(person.name, person.unit)] = person


def _batches(keys: Sequence[str]) -> Iterable[Sequence[str]]:
    return (keys[start : start + _BATCH] for start in range(0, len(keys), _BATCH))


def person_ids(session: Session, kind: str, rows: Sequence[Mapping[str, Any]]) -> list[uuid.UUID | None]:
    """The person each of `rows` (new records' checked values, in the order they are written) names, the
    directory told of them and flushed; None for each row of a kind that names no person."""
    if kind not in UNIT_FIELDS:
        return [None] * len(rows)
    named = [_Named.of(kind, values) for values in rows]
    directory = _Directory(session, named)
    ids = [directory.resolve(person).id for person in named]
    session.flush()
    return ids


def resolve_people(session: Session, people: Sequence[tuple[str, str | None, str, str]]) -> list[uuid.UUID]:
    """The person each of `people` (name, ID number or None, gender, unit) is, by the rules records follow, the
    directory told of them and flushed: how a labour roster names its workers, their employer as their unit."""
    named = [_Named(name, gender, id_number or None, "", unit) for name, id_number, gender, unit in people]
    directory = _Directory(session, named)
    ids = [directory.resolve(person).id for person in named]
    session.flush()
    return ids


def follow(session: Session, record: Record, values: Mapping[str, Any], changed: Collection[str]) -> None:
    """Points a record that exists at the person its `values` now name, when they changed who it is (`changed`
    names the fields changed). A person named by this record alone is corrected in place (a name mistyped, a unit
    filled in later), unless the values name another person the directory knows."""
    unit = UNIT_FIELDS.get(record.kind)
    if unit is None or (record.person_id is not None and not set(changed) & (_PERSON_FIELDS | {unit})):
        return
    named = _Named.of(record.kind, values)
    own = None
    if record.person_id is not None:
        others = select(func.count()).where(Record.person_id == record.person_id, Record.id != record.id)
        rostered = select(func.count()).where(RosterEntry.person_id == record.person_id)  # a roster names them too
        alone = session.scalar(others) == 0 and session.scalar(rostered) == 0
        own = session.get(Person, record.person_id) if alone else None
    person = _Directory(session, [named]).resolve(named, own)
    session.flush()  # the person is written before the record that names it
    record.person_id = person.id


# Reading ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownPerson:
    """A person as the form completes them: a record's person fields and its 派出单位."""

    name: str
    gender: str
    id_number: str
    phone: str
    unit: str


def known_persons(session: Session, kind: str) -> list[KnownPerson]:
    """What the form of a record of `kind` offers to complete its person from: every person named by a live
    record, by name then unit; none for a kind that names no person."""
    if kind not in UNIT_FIELDS:
        return []
    named = select(Record.person_id).where(Record.deleted_at.is_(None))
    found = session.scalars(select(Person).where(Person.id.in_(named)).order_by(Person.name, Person.unit))
    return [KnownPerson(p.name, p.gender, p.id_number or "", p.phone, p.unit) for p in found]


@dataclass(frozen=True)
class DirectoryEntry:
    """A person of the directory with the live records naming them and the years those records count in."""

    person: Person
    records: int
    years: list[int]

    def json(self, *, mask: bool) -> dict[str, Any]:
        person = self.person
        return {
            "id": str(person.id),
            "name": person.name,
            "gender": person.gender,
            "id_number": self.shown("id_number", mask=mask) or None,
            "phone": self.shown("phone", mask=mask),
            "unit": person.unit,
            "poverty_status": person.poverty_status,
            "records": self.records,
            "years": self.years,
        }

    def shown(self, name: str, *, mask: bool) -> str:
        """The person's ID number or phone (`name`), masked as printed binders mask them when `mask`."""
        text = getattr(self.person, name) or ""
        return _NUMBERS[name].masked(text) if text and mask else text


def directory(session: Session, as_of: date | None = None) -> list[DirectoryEntry]:
    """Every person of the directory by name then unit, with their live records and the years those count in
    (a record with no end runs to the year of `as_of`, today unless given)."""
    this_year = (as_of or date.today()).year
    counts: dict[uuid.UUID, int] = {}
    years: dict[uuid.UUID, set[int]] = {}
    spans = select(Record.person_id, Record.year, Record.last_year).where(
        Record.person_id.is_not(None), Record.deleted_at.is_(None)
    )
    for person_id, first, last in session.execute(spans):
        counts[person_id] = counts.get(person_id, 0) + 1
        years.setdefault(person_id, set()).update(range(first, (last or max(first, this_year)) + 1))
    people = session.scalars(select(Person).order_by(Person.name, Person.unit, Person.id))
    return [DirectoryEntry(person, counts.get(person.id, 0), sorted(years.get(person.id, ()))) for person in people]


def years_text(years: Sequence[int]) -> str:
    """Years as runs: 2018、2020—2021."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return "、".join(str(first) if first == last else f"{first}—{last}" for first, last in runs)
