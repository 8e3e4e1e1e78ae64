"""Records found and changed: the scope and order lists and tables read them in, and the operations that change
them — add, update, delete to the recycle bin, restore, put from a package.

Every change to a record goes through here, so each one is validated against the kind's field
spec, stamped with its author and written to the audit log in the same transaction (the core write is
`ledger.record_writes`). Callers commit; a raised error leaves the session to be rolled back and the
ledger as it was.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import String, cast, func, or_, select, type_coerce
from sqlalchemy.engine import ScalarResult
from sqlalchemy.orm import Session

from ledger import persons
from ledger.audit_entries import audit, author_of, record_changes
from ledger.errors import InvalidInput, NotFound, RecordLocked
from ledger.fields import KindSpec, Problem
from ledger.kinds import KINDS, MODELS, kind_spec
from ledger.kinds.common import ARCHIVED
from ledger.models import Pairing, Plan, Record, RecordUnit, Unit, utc_now
from ledger.record_writes import insert_record, insert_records, revise_record, units_by_name
from ledger.validation import check_values, complete
from ledger.values import NAME_LENGTH, text_problem
from ledger.years import in_year

T = TypeVar("T")

_DASHES = re.compile(r"\s*(?:—+|－|–|-|~|～|至)\s*")


# Pairings and units ---------------------------------------------------------------------------


def pairing_name(east: str, west: str) -> str:
    return f"{east.strip()}—{west.strip()}"


def split_pairing(name: str) -> tuple[str, str] | None:
    parts = [part for part in _DASHES.split(name.strip()) if part]
    return (parts[0], parts[1]) if len(parts) == 2 else None


def find_pairing(session: Session, name: str) -> Pairing | None:
    """The pairing called `name`, whichever dash it was typed with (鹤山市-龙州县, 鹤山市——龙州县)."""
    parts = split_pairing(name)
    canonical = pairing_name(*parts) if parts else name.strip()
    return session.scalar(select(Pairing).where(Pairing.name == canonical))


def add_pairing(session: Session, east: str, west: str) -> Pairing:
    name = pairing_name(east, west)
    if not east.strip() or not west.strip():
        raise InvalidInput([Problem("pairing", "结对关系", name, "东部和西部地名都要填写")])
    problems = [
        Problem("pairing", f"结对关系的{side}地名", place, problem)
        for side, place in (("东部", east.strip()), ("西部", west.strip()))
        if (problem := text_problem(place, NAME_LENGTH, lines=False))
    ]
    if problems:
        raise InvalidInput(problems)
    existing = session.scalar(select(Pairing).where(Pairing.name == name))
    if existing is not None:
        return existing
    author = author_of(session)
    pairing = Pairing(name=name, east=east.strip(), west=west.strip(), created_by=author, updated_by=author)
    session.add(pairing)
    session.flush()
    audit(session, "insert", "pairing", pairing.id, None, {"name": name})
    return pairing


def pairing_counties(pairing: Pairing) -> list[str]:
    """The receiving counties (受援县) a pairing covers, where its west side is a prefecture of several; [] for
    a pairing of one county."""
    return json.loads(pairing.counties or "[]")


def set_pairing_counties(session: Session, pairing: Pairing, text: str) -> list[str]:
    """Sets the counties a pairing covers from a list typed with 、，, or spaces (都匀市、福泉市…); returns them.
    A county its records name cannot be taken off the list."""
    names = list(dict.fromkeys(name for name in re.split(r"[、，,；;\s]+", text.strip()) if name))
    problems = [
        Problem("counties", "受援县", name, problem)
        for name in names
        if (problem := text_problem(name, NAME_LENGTH, lines=False))
    ]
    used = session.scalars(
        select(Record.county)
        .where(Record.pairing_id == pairing.id, Record.county.is_not(None), Record.county.not_in(names))
        .distinct()
    ).all()
    problems += [Problem("counties", "受援县", name, "已有记录填写了这个县，不能从名单中去掉") for name in used]
    if problems:
        raise InvalidInput(problems)
    before = pairing_counties(pairing)
    if names != before:
        pairing.counties = json.dumps(names, ensure_ascii=False)
        pairing.updated_by = author_of(session)
        audit(session, "update", "pairing", pairing.id, None, {"counties": ["、".join(before), "、".join(names)]})
    return names


def pairing_names(session: Session) -> list[str]:
    return list(session.scalars(select(Pairing.name).order_by(Pairing.name)))


def years_in_use(session: Session) -> list[int]:
    """The years that live records count in or plans are of, newest first: those a year can be chosen from. A
    record that lasts counts in each of its years, one still running up to the present (`ledger.years`)."""
    spans = session.execute(select(Record.year, Record.last_year).where(Record.deleted_at.is_(None)).distinct())
    this_year = date.today().year
    found = {year for first, last in spans for year in range(first, max(last or this_year, first) + 1)}
    found.update(session.scalars(select(Plan.year).distinct()))
    return sorted({year for year in found if year}, reverse=True)


def latest_year(session: Session) -> int | None:
    """The newest year a live record began in or a plan is of: the year a ledger is opened on, rather than this
    year, which its standing ties and postings reach without anything new in it."""
    began = session.scalar(select(func.max(Record.year)).where(Record.deleted_at.is_(None)))
    planned = session.scalar(select(func.max(Plan.year)))
    return max((year for year in (began, planned) if year), default=None)


def unit_names(session: Session) -> list[str]:
    """Every unit named on a record so far: what a form offers to complete."""
    return list(session.scalars(select(Unit.name).order_by(Unit.name)))


# Reading --------------------------------------------------------------------------------------


def record_values(record: Record) -> dict[str, Any]:
    """Every field of the record's spec by name, as typed Python values."""
    values = {}
    for field in KINDS[record.kind].fields:
        if field.values.stored_in == "pairing":
            values[field.name] = record.pairing.name
        elif field.values.stored_in == "units":
            values[field.name] = record.responsible_units
        else:
            values[field.name] = getattr(record, field.name)
    return values


def record_json(record: Record) -> dict[str, Any]:
    spec = KINDS[record.kind]
    values = record_values(record)
    return {
        "id": str(record.id),
        "kind": record.kind,
        **{field.name: field.values.to_json(values[field.name]) for field in spec.fields},
    }


def get_record(session: Session, key: str | uuid.UUID) -> Record:
    """The record with this id, or the only one whose id starts with `key` (at least 6 characters)."""
    record = by_id(session, Record, key)
    if record is None:
        raise NotFound(f"没有编号为 {key} 的记录")
    return record


def by_id(session: Session, model: type[T], key: str | uuid.UUID) -> T | None:
    """The row of `model` with this id, also by a unique prefix of it as printed in lists."""
    if isinstance(key, uuid.UUID):
        return session.get(model, key)
    text = key.strip()
    try:
        return session.get(model, uuid.UUID(text))
    except ValueError:
        pass
    prefix = text.replace("-", "").lower()
    if len(prefix) < 6 or not re.fullmatch(r"[0-9a-f]+", prefix):
        return None
    hex_id = func.replace(cast(model.id, String), "-", "")
    matches = session.scalars(select(model).where(hex_id.like(f"{prefix}%")).limit(2)).all()
    if len(matches) > 1:
        raise NotFound(f"编号以 {text} 开头的不止一条，请多写几位")
    return matches[0] if matches else None


@dataclass(frozen=True)
class RecordScope:
    """Which records of a kind a list or table holds: of a year and a pairing (all when None), live or in the
    recycle bin, and after a change only the records `ids`."""

    kind: str
    year: int | None = None
    pairing: str | None = None
    deleted: bool = False
    ids: Collection[uuid.UUID] | None = None

    def narrow(self, session: Session, query):
        """`query` of the kind's model narrowed to this scope; None for an unknown pairing."""
        model = MODELS[self.kind]
        # The kind is implied by the join, but saying it lets SQLite use the (kind, year, date) index.
        query = query.where(model.kind == self.kind)
        query = query.where(model.deleted_at.is_not(None) if self.deleted else model.deleted_at.is_(None))
        if self.year is not None:
            query = query.where(in_year(model, self.year))
        if self.ids is not None:
            query = query.where(model.id.in_(self.ids))
        if self.pairing:
            found = find_pairing(session, self.pairing)
            if found is None:
                return None
            query = query.where(model.pairing_id == found.id)
        return query


def list_records(
    session: Session,
    kind: str,
    *,
    year: int | None = None,
    pairing: str | None = None,
    text: str | None = None,
    deleted: bool = False,
    limit: int | None = None,
) -> Sequence[Record]:
    """Records of one kind in date order; `deleted` lists the recycle bin instead."""
    spec, model = kind_spec(kind), MODELS[kind]
    query = RecordScope(kind, year, pairing, deleted).narrow(session, select(model))
    if query is None:
        return []
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # A tie's activities are JSON text holding their words as typed: matched as that text, they are found too.
        columns = [type_coerce(getattr(model, field.name), String) for field in spec.fields if field.values.searched]
        query = query.where(or_(*(column.like(pattern, escape="\\") for column in columns)))
    query = query.order_by(*date_order(spec, model))
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()


def year_of_records(
    session: Session, kind: str, pairing: Pairing, year: int, as_of: date | None = None
) -> ScalarResult[Record]:
    """A pairing's live records of one kind that count in a year, in date order: what the binder and the evidence
    gaps read."""
    model = MODELS[kind]
    query = select(model).where(
        model.kind == kind, model.pairing_id == pairing.id, in_year(model, year, as_of), model.deleted_at.is_(None)
    )
    return session.scalars(query.order_by(*date_order(kind_spec(kind), model)))


def date_order(spec: KindSpec, model) -> tuple:
    """The order a kind's records are listed in: by date, then as they were added."""
    return getattr(model, spec.date_field), model.created_at, model.id


# Writing --------------------------------------------------------------------------------------
#
# Every write takes the same steps, one record or many: its values are read against the kind's spec (`_prepare`),
# completed and checked with the ledger's pairings (`_checked`), then written by `ledger.record_writes`: a new
# record in bulk, an existing one through its row (`_apply`), its revision bumped and its changes logged.


def _prepare(spec: KindSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = [name for name in values if name not in spec.by_name]
    if unknown:
        raise InvalidInput([Problem(name, name, "", f"{spec.label}没有这个字段") for name in unknown])
    derived = [name for name in values if spec.by_name[name].derived]
    if derived:
        raise InvalidInput(
            [Problem(name, spec.by_name[name].label, "", "由其他字段自动计算，不能直接填写") for name in derived]
        )
    return {name: spec.by_name[name].values.normalize(value) for name, value in values.items()}


def _checked(
    session: Session,
    spec: KindSpec,
    values: dict[str, Any],
    input_problems: Sequence[Problem] = (),
    pairings: dict[str, Pairing | None] | None = None,
) -> tuple[dict[str, Any], Pairing | None, list[Problem]]:
    """`values` completed (defaults, the year, a composed title, derived fields), their pairing, and every problem:
    `input_problems` (values that could not even be read), those of the values, a pairing the ledger lacks. Many
    rows look their pairings up once, in `pairings`. With no problem, the pairing is named as the ledger names it."""
    values = complete(spec, values)
    unread = {problem.field for problem in input_problems}
    problems = list(input_problems) + check_values(spec, values, unread=unread)
    pairing, name = None, values.get("pairing")
    if name:
        pairings = {} if pairings is None else pairings
        if name not in pairings:
            pairings[name] = find_pairing(session, name)
        pairing = pairings[name]
        if pairing is None and "pairing" not in unread:
            known = "、".join(session.scalars(select(Pairing.name).order_by(Pairing.name))) or "（还没有）"
            problems.append(
                Problem(
                    "pairing",
                    "结对关系",
                    name,
                    f"台账里没有这个结对关系；已有：{known}。可在“设置”里添加（命令：ledger pairing add 东部 西部）",
                ),
            )
    county = values.get("county")
    if county and pairing is not None and county not in (counties := pairing_counties(pairing)):
        known = f"可选：{'、'.join(counties)}" if counties else "该结对关系没有设置受援县：只有一个县的不填此项"
        problems.append(Problem("county", "受援县", county, f"不是{pairing.name}的受援县，{known}"))
    if not problems:
        values["pairing"] = pairing.name
    return values, pairing, problems


def _validated(
    session: Session, spec: KindSpec, values: dict[str, Any], input_problems: Sequence[Problem]
) -> tuple[dict[str, Any], Pairing]:
    """`_checked` for one record: raises InvalidInput naming every problem."""
    values, pairing, problems = _checked(session, spec, values, input_problems)
    if problems:
        raise InvalidInput(problems)
    return values, pairing


def _apply(
    session: Session,
    record: Record,
    spec: KindSpec,
    values: Mapping[str, Any],
    pairing: Pairing,
    changes: Mapping[str, Any],
) -> None:
    for field in spec.fields:
        if field.values.stored_in == "pairing":
            record.pairing = pairing
        elif field.values.stored_in == "units":
            names = values.get(field.name) or []
            if names != record.responsible_units:
                _link_units(session, record, names)
        else:
            setattr(record, field.name, values.get(field.name))
    record.last_year = spec.last_year(values)
    persons.follow(session, record, values, changes)


def _link_units(session: Session, record: Record, names: list[str]) -> None:
    # Links already present are kept and reordered: dropping and re-adding the same key in one
    # flush would collide.
    directory = units_by_name(session, names)
    kept = {link.unit.name: link for link in record.unit_links if link.unit.name in directory}
    links = []
    for position, name in enumerate(names):
        link = kept.get(name) or RecordUnit(unit_id=directory[name].id, unit=directory[name])
        link.position = position
        links.append(link)
    record.unit_links = links


def add_record(
    session: Session, kind: str, values: Mapping[str, Any], *, input_problems: Sequence[Problem] = ()
) -> Record:
    """A new record of `kind` from typed field values; raises InvalidInput naming every problem,
    together with `input_problems`: what the caller could not parse, for fields left out of `values`."""
    spec = kind_spec(kind)
    checked, pairing = _validated(session, spec, _prepare(spec, values), input_problems)
    return insert_record(session, spec, checked, pairing, {})


def add_many(session: Session, kind: str, rows: Sequence[Mapping[str, Any]]) -> list[uuid.UUID]:
    """Adds many records at once (imports, generators): all are checked first, then written in bulk."""
    spec = kind_spec(kind)
    checked, problems = [], []
    pairings: dict[str, Pairing | None] = {}
    for number, row in enumerate(rows, start=1):
        try:
            prepared = _prepare(spec, row)
        except InvalidInput as error:
            problems.extend(_numbered(number, error.problems))
            continue
        values, pairing, found = _checked(session, spec, prepared, pairings=pairings)
        problems.extend(_numbered(number, found))
        checked.append((values, pairing, {}))
    if problems:
        raise InvalidInput(problems)
    return insert_records(session, spec, checked)


def update_record(
    session: Session, record: Record, values: Mapping[str, Any], *, input_problems: Sequence[Problem] = ()
) -> dict[str, list[Any]]:
    """Changes the given fields; returns the changes as {field: [old, new]} (empty when nothing changed)."""
    spec = KINDS[record.kind]
    given = _prepare(spec, values)
    before = record_values(record)
    changes_only_status = set(given) <= {"record_status"}
    if record.record_status == ARCHIVED and not changes_only_status:
        raise RecordLocked(f"记录“{record.title}”已归档，不能修改。如确需修改，请先把状态改回“已核实”。")
    if record.deleted:
        raise RecordLocked(f"记录“{record.title}”在回收站里，请先恢复再修改。")
    merged = {**before, **given}
    _follow_derivations(spec, before, merged, given)
    merged, pairing = _validated(session, spec, merged, input_problems)
    changes = record_changes(spec, before, merged)
    if changes:
        _apply(session, record, spec, merged, pairing, changes)
        revise_record(session, record, {"updated_at": utc_now(), "updated_by": author_of(session)}, changes)
    return changes


def _follow_derivations(spec: KindSpec, before: dict, merged: dict, given: dict) -> None:
    """Year and composed title keep following the fields they were made from, unless typed in."""
    old_date = before.get(spec.date_field)
    if "year" not in given and old_date is not None and before.get("year") == old_date.year:
        merged["year"] = None
    if "title" not in given and spec.compose_title is not None and before["title"] == spec.compose_title(before):
        merged["title"] = None


def delete_record(session: Session, record: Record) -> None:
    """Moves the record to the recycle bin; it keeps its evidence and can be restored."""
    if record.deleted:
        return
    if record.record_status == ARCHIVED:
        raise RecordLocked(f"记录“{record.title}”已归档，不能删除。")
    revise_record(session, record, {"deleted_at": utc_now(), "deleted_by": author_of(session)}, {})


def restore_record(session: Session, record: Record) -> None:
    if not record.deleted:
        return
    stamps = {"deleted_at": None, "deleted_by": None, "updated_at": utc_now(), "updated_by": author_of(session)}
    revise_record(session, record, stamps, {})


def put_record(
    session: Session, kind: str, record_id: uuid.UUID, values: Mapping[str, Any], stamps: Mapping[str, Any]
) -> tuple[Record, dict[str, list[Any]]]:
    """Puts a record as another ledger has it (a merge): added under its own id, or overwritten whatever
    its state, archived too, since the other side's change came after ours. Its stamps travel with it
    (created_at/by, updated_at/by, deleted_at/by). Returns the record and its changes as {field: [old, new]}.
    A field the package does not carry at all (one made by an earlier version, before the field was added) keeps
    the value it has here."""
    spec = kind_spec(kind)
    given = {name: value for name, value in values.items() if name in spec.by_name and not spec.by_name[name].derived}
    record = session.get(Record, record_id)
    if record is not None and record.kind == kind:
        kept = record_values(record)
        given = {**{name: kept[name] for name in spec.by_name if name not in values and name in kept}, **given}
        given = {name: value for name, value in given.items() if not spec.by_name[name].derived}
    merged, pairing = _validated(session, spec, _prepare(spec, given), ())
    if record is None:
        record = insert_record(session, spec, merged, pairing, {**stamps, "id": record_id})
        return record, record_changes(spec, {}, merged)
    if record.kind != kind:
        raise InvalidInput(
            [Problem("kind", "记录种类", kind, f"编号 {record_id} 在本台账是{KINDS[record.kind].label}")]
        )
    changes = record_changes(spec, record_values(record), merged)
    _apply(session, record, spec, merged, pairing, changes)
    revise_record(session, record, stamps, changes)
    return record, changes


def _numbered(number: int, problems: Iterable[Problem]) -> list[Problem]:
    return [Problem(p.field, f"第{number}条 {p.label}", p.value, p.message) for p in problems]
