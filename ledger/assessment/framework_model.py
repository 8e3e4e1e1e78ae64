"""What a framework is once read: sections that select records and show measures, and the evidence each record
needs; where a record is filed, and the framework told back as its file or as an outline.

A record belongs to exactly one section: the first leaf, in document order, whose selector matches it, so a
template lists narrow selectors before broad ones. `ledger.assessment.framework_load` reads templates into these.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ledger.errors import LedgerError, NotFound
from ledger.fields import Field
from ledger.kinds import KINDS
from ledger.plans.measures import MEASURES


class FrameworkError(LedgerError):
    """A template that cannot be used; the message names the file and every faulty section."""


@dataclass(frozen=True)
class Selector:
    """Records of one kind whose fields each hold one of the accepted values (None: left empty)."""

    kind: str
    where: tuple[tuple[str, tuple[Any, ...]], ...] = ()  # no conditions: every record of the kind

    def matches(self, kind: str, values: Mapping[str, Any]) -> bool:
        spec = KINDS[self.kind]
        return kind == self.kind and all(
            spec.field(name).values.selected(values.get(name)) in accepted for name, accepted in self.where
        )

    def describe(self, *, after_others: bool = False) -> str:
        """会议与互访（会议类型：党政联席会议）; a selector without conditions takes what earlier ones left."""
        spec = KINDS[self.kind]
        parts = [_condition_text(spec.field(name), accepted) for name, accepted in self.where]
        if parts:
            return f"{spec.label}（{'；'.join(parts)}）"
        return f"{spec.label}（前面各节未收录的全部记录）" if after_others else f"{spec.label}（全部）"

    def to_json(self) -> dict[str, Any]:
        spec = KINDS[self.kind]
        where = {name: spec.field(name).values.accepted_json(accepted) for name, accepted in self.where}
        return {"kind": self.kind, "where": where} if where else {"kind": self.kind}


@dataclass(frozen=True)
class MeasureRef:
    """A measure with its parameters in stored form, as a plan's target would name it."""

    measure: str
    params: tuple[tuple[str, Any], ...] = ()

    def describe(self, year: int | None = None) -> str:
        """As a target of `year` would be labelled: each era has its own words (`Measure.describe`)."""
        return MEASURES[self.measure].describe(dict(self.params), year=year)

    def to_json(self) -> dict[str, Any]:
        return {"measure": self.measure, "params": dict(self.params)} if self.params else {"measure": self.measure}


@dataclass(frozen=True)
class EvidenceRule:
    """The evidence a record needs to count at an inspection: each entry a role, or roles any one of which will do."""

    selector: Selector
    roles: tuple[tuple[str, ...], ...]

    def missing(self, present: set[str]) -> list[str]:
        return ["或".join(alternatives) for alternatives in self.roles if not present.intersection(alternatives)]

    def to_json(self) -> dict[str, Any]:
        roles = [alternatives[0] if len(alternatives) == 1 else list(alternatives) for alternatives in self.roles]
        return {**self.selector.to_json(), "roles": roles}


@dataclass(frozen=True)
class Section:
    number: str  # 一, 1.1: unique within the framework
    title: str
    help: str = ""  # what evidence belongs here, for the user and the binder
    records: tuple[Selector, ...] = ()  # only on leaves
    measures: tuple[MeasureRef, ...] = ()
    sections: tuple[Section, ...] = ()

    @property
    def heading(self) -> str:
        return heading(self.number, self.title)

    @property
    def is_leaf(self) -> bool:
        return not self.sections

    def walk(self) -> Iterator[Section]:
        """This section and all below it, in document order."""
        yield self
        for child in self.sections:
            yield from child.walk()


@dataclass(frozen=True)
class Framework:
    name: str  # the shipped file's name without .json; a stored one's own
    title: str
    years: tuple[int, int | None]  # first and last year assessed by it; None: still in force
    description: str
    sections: tuple[Section, ...]
    evidence: tuple[EvidenceRule, ...] = ()  # the first rule that selects a record says what it needs
    #: The framework an overlay was laid on; None for a whole framework.
    base: str | None = None
    #: Kept in the ledger (`ledger framework import`, a merged package) rather than shipped with the program.
    stored: bool = field(default=False, compare=False)
    #: The template as written (an overlay as its changes): what is stored, exported and packed.
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def years_text(self) -> str:
        first, last = self.years
        return f"{first}年起" if last is None else f"{first}—{last}年"

    def covers(self, year: int) -> bool:
        first, last = self.years
        return first <= year and (last is None or year <= last)

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def leaves(self) -> Iterator[Section]:
        return (section for section in self.walk() if section.is_leaf)

    def section(self, number: str) -> Section:
        for section in self.walk():
            if section.number == number:
                return section
        raise NotFound(f"考核指标体系“{self.title}”没有编号为 {number} 的小节")


def section_of(framework: Framework, kind: str, values: Mapping[str, Any]) -> Section | None:
    """The leaf section a record is filed under: the first in document order that selects it, if any."""
    for section in framework.leaves():
        if any(selector.matches(kind, values) for selector in section.records):
            return section
    return None


def evidence_rule(framework: Framework, kind: str, values: Mapping[str, Any]) -> EvidenceRule | None:
    """What evidence a record needs under this framework: the first rule that selects it, if any."""
    return next((rule for rule in framework.evidence if rule.selector.matches(kind, values)), None)


def framework_json(framework: Framework) -> dict[str, Any]:
    """The framework whole in a template's format (an overlay with its base's sections laid in), so a printed
    one can be saved as a new template."""
    return {
        "name": framework.name,
        "title": framework.title,
        "years": list(framework.years),
        "description": framework.description,
        "sections": [section_json(section) for section in framework.sections],
        "evidence": [rule.to_json() for rule in framework.evidence],
    }


def framework_lines(framework: Framework) -> list[str]:
    """An indented outline: headings, then what each section holds and shows, in Chinese, measures in the words
    of the framework's era."""
    lines = [framework.title, f"名称：{framework.name}；适用年度：{framework.years_text}"]
    if framework.base:
        lines[-1] += f"；在 {framework.base} 的基础上增改"
    if framework.description:
        lines.append(framework.description)
    lines.append("")
    selected: set[str] = set()
    for section in framework.sections:
        _section_lines(section, 0, selected, framework.years[0], lines)
    if framework.evidence:
        lines += ["", "应有的佐证材料（按顺序取第一条相符的规则）："]
        covered: set[str] = set()
        for rule in framework.evidence:
            roles = "、".join("或".join(alternatives) for alternatives in rule.roles)
            lines.append(f"  {rule.selector.describe(after_others=rule.selector.kind in covered)}：{roles}")
            covered.add(rule.selector.kind)
    return lines


def _section_lines(section: Section, depth: int, selected: set[str], year: int, lines: list[str]) -> None:
    indent = "  " * depth
    lines.append(f"{indent}{section.heading}")
    detail = indent + "    "
    if section.help:
        lines.append(f"{detail}说明：{section.help}")
    for selector in section.records:
        lines.append(f"{detail}收录：{selector.describe(after_others=selector.kind in selected)}")
        selected.add(selector.kind)
    if section.is_leaf and not section.records:
        lines.append(f"{detail}收录：暂无对应的台账记录，按说明整理佐证材料")
    for ref in section.measures:
        lines.append(f"{detail}指标：{ref.describe(year)}，单位：{MEASURES[ref.measure].unit}")
    for child in section.sections:
        _section_lines(child, depth + 1, selected, year, lines)


def section_json(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"number": section.number, "title": section.title}
    if section.help:
        data["help"] = section.help
    if section.records:
        data["records"] = [selector.to_json() for selector in section.records]
    if section.measures:
        data["measures"] = [ref.to_json() for ref in section.measures]
    if section.sections:
        data["sections"] = [section_json(child) for child in section.sections]
    return data


def heading(number: str, title: str) -> str:
    """一、组织领导 or 1.1 党政联席会议, as an assessment writes them."""
    return f"{number}{' ' if number.isascii() else '、'}{title}"


def _condition_text(condition: Field, accepted: tuple[Any, ...]) -> str:
    return f"{condition.label}：{condition.values.accepted_text(accepted)}"
