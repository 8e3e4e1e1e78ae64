"""What goes in the binder, and in which volume: the framework's sections (parts) holding the year's records.

The sections chosen, each with its records in date order and item numbers (件号) running through the whole
binder; what a section fills once laid out (`SectionPages`); and the cut into volumes (分册) at sections, made
from the page counts of a first, sizing layout. Kept apart from the layout so that what is printed, and in what
order, is decided in one place with no reportlab in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ledger.assessment import frameworks
from ledger.assessment.frameworks import Framework, Section
from ledger.evidence import live_attachments
from ledger.kinds import KINDS
from ledger.models import Attachment, Pairing, Record
from ledger.records import record_values, year_of_records

if TYPE_CHECKING:
    from ledger.pdf.body import Body


@dataclass
class Item:
    """A record in the binder, with its item number (件号) in binder order."""

    number: int
    record: Record
    values: dict[str, Any]
    attachments: list[Attachment]

    @property
    def when(self) -> str:
        spec = KINDS[self.record.kind]
        start = self.values.get(spec.date_field)
        end = self.values.get("end_date") if spec.date_field == "start_date" else None
        if start and end and end != start:
            return f"{start:%Y.%m.%d}—{end:%Y.%m.%d}"
        return f"{start:%Y.%m.%d}" if start else ""


@dataclass
class Part:
    """A section of the framework as the binder holds it."""

    section: Section
    level: int
    items: list[Item] = field(default_factory=list)
    continued: bool = False  # a heading repeated at the start of a volume, its records in the one before

    @property
    def key(self) -> tuple[str, str]:
        return ("section", self.section.number)

    @property
    def heading(self) -> str:
        return f"{self.section.heading}（续）" if self.continued else self.section.heading


def select_parts(
    session: Session, framework: Framework, pairing: Pairing, year: int, wanted: Sequence[str]
) -> list[Part]:
    """The framework's sections with the records each holds, in document order, items numbered throughout."""
    chosen = _chosen_sections(framework, wanted)
    parts: list[Part] = []
    by_section: dict[str, Part] = {}

    def add(section: Section, level: int) -> None:
        if section.number in chosen:
            part = Part(section, level)
            parts.append(part)
            by_section[section.number] = part
        for child in section.sections:
            add(child, level + 1)

    for section in framework.sections:
        add(section, 0)
    others = Part(Section(number="附", title="其他记录", help="未归入以上各节的记录"), 0)
    for kind in KINDS:
        for record in year_of_records(session, kind, pairing, year):
            values = record_values(record)
            section = frameworks.section_of(framework, kind, values)
            part = by_section.get(section.number) if section else (others if not wanted else None)
            if part is not None:
                part.items.append(Item(0, record, values, live_attachments(record)))
    if others.items:
        parts.append(others)
    for part in parts:
        part.items.sort(key=lambda item: item.values.get(KINDS[item.record.kind].date_field) or date.min)
    number = 0
    for part in parts:
        for item in part.items:
            number += 1
            item.number = number
    # Headings above chosen leaves stay, so the contents keep their shape; empty branches go.
    return [part for part in parts if _holds_items(part, parts)]


def _chosen_sections(framework: Framework, wanted: Sequence[str]) -> set[str]:
    if not wanted:
        return {section.number for section in framework.walk()}
    chosen: set[str] = set()
    for number in wanted:
        top = framework.section(number)
        chosen.update(section.number for section in top.walk())
    # The headings above a chosen section, for the contents' nesting.
    for section in framework.walk():
        if any(descendant.number in chosen for descendant in section.walk()):
            chosen.add(section.number)
    return chosen


def _holds_items(part: Part, parts: list[Part]) -> bool:
    below = {section.number for section in part.section.walk()}
    return any(other.items for other in parts if other.section.number in below)


# Volumes ---------------------------------------------------------------------------------------


@dataclass
class SectionPages:
    """A section as printed: its records' item numbers and the pages it fills (its own, not its subsections')."""

    number: str
    heading: str
    level: int
    volume: int  # from 1
    items: list[int]
    pages: int


def section_pages(parts: list[Part], body: Body, volume: int) -> list[SectionPages]:
    begins = [body.starts[part.key] for part in parts]
    ends = [*begins[1:], body.pages + 1]
    return [
        SectionPages(
            part.section.number, part.section.heading, part.level, volume, [i.number for i in part.items], end - begin
        )
        for part, begin, end in zip(parts, begins, ends, strict=True)
    ]


def cut_volumes(parts: list[Part], body: Body, limit: int) -> list[list[Part]]:
    """The parts cut into volumes of at most `limit` body pages where sections allow: a top-level section
    stays whole unless it alone is longer, when it is cut between its subsections; a section is never cut.
    A volume that begins inside a top-level section repeats its headings, marked （续）."""
    begins = [body.starts[part.key] for part in parts]
    sizes = [section.pages for section in section_pages(parts, body, 1)]
    groups: list[list[int]] = []
    for index, part in enumerate(parts):
        if part.level == 0 or not groups:
            groups.append([index])
        else:
            groups[-1].append(index)
    units = []
    for group in groups:
        whole = sum(sizes[index] for index in group) <= limit
        units += [group] if whole else [[index] for index in group]
    volumes: list[list[int]] = []
    used = begins[0] - 1  # the opening lists, in the first volume
    for unit in units:
        pages = sum(sizes[index] for index in unit)
        if volumes and volumes[-1] and used + pages > limit:
            volumes.append([])
            used = 0
        if not volumes:
            volumes.append([])
        volumes[-1] += unit
        used += pages
    return [_with_headings(parts, volume) for volume in volumes]


def _with_headings(parts: list[Part], indices: list[int]) -> list[Part]:
    """The parts at `indices`, preceded by the headings above the first when it is a subsection."""
    first = indices[0]
    above: list[Part] = []
    level = parts[first].level
    for part in reversed(parts[:first]):
        if part.level < level:
            above.insert(0, Part(part.section, part.level, continued=True))
            level = part.level
    return above + [parts[index] for index in indices]
