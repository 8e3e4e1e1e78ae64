"""考核指标体系: the assessment frameworks whose sections the evidence binder and the Excel summary follow.

A framework is data, a JSON template in resources/frameworks/, so that a new assessment is a new file rather
than new code. Each section says which records it holds (selectors over a kind's choice and yes/no fields) and
which measures it shows. A record belongs to exactly one section: the first leaf, in document order, whose
selector matches it, so a template lists narrow selectors before broad ones. Loading is strict and reports
every problem at once, naming the file and the section: a misspelt field would otherwise quietly empty a
binder section the week before an inspection.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ledger.errors import InvalidInput, LedgerError, NotFound
from ledger.fields import Field, KindSpec
from ledger.kinds import KINDS
from ledger.models import EVIDENCE_ROLES
from ledger.plans.measures import MEASURES, parse_params
from ledger.resources import resource_path

FRAMEWORK_KEYS = ("name", "title", "years", "description", "sections", "evidence")
SECTION_KEYS = ("number", "title", "help", "records", "measures", "sections")


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

    def describe(self) -> str:
        return MEASURES[self.measure].describe(dict(self.params))

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
        return _heading(self.number, self.title)

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
    name: str  # the file's name without .json
    title: str
    years: tuple[int, int | None]  # first and last year assessed by it; None: still in force
    description: str
    sections: tuple[Section, ...]
    evidence: tuple[EvidenceRule, ...] = ()  # the first rule that selects a record says what it needs

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


def _files() -> list[Path]:
    return sorted(resource_path("frameworks").glob("*.json"))


def load(name: str) -> Framework:
    """A framework shipped in resources/frameworks/, by its name (the file name without .json)."""
    files = {path.stem: path for path in _files()}
    if name not in files:
        raise NotFound(f"没有名为 {name} 的考核指标体系，可选：{'、'.join(files)}")
    return load_file(files[name])


def available() -> list[Framework]:
    """Every shipped framework, oldest first."""
    return sorted((load_file(path) for path in _files()), key=lambda framework: framework.years[0])


def for_year(year: int) -> Framework:
    """The framework a year is assessed by; where two cover it, the newer one, so an added template takes over."""
    covering = [framework for framework in available() if framework.covers(year)]
    if not covering:
        known = "、".join(f"{framework.title}（{framework.years_text}）" for framework in available())
        raise NotFound(f"没有适用于 {year} 年的考核指标体系，现有：{known}")
    return covering[-1]


def load_file(path: Path) -> Framework:
    """A framework from any template file (an edited copy, a test's); raises FrameworkError naming every problem."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FrameworkError(f"无法读取考核指标体系文件 {path}：{error.strerror or error}") from None
    except UnicodeDecodeError:
        raise FrameworkError(f"考核指标体系文件 {path} 不是 UTF-8 编码的文本") from None
    except json.JSONDecodeError as error:
        raise FrameworkError(
            f"考核指标体系文件 {path} 不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列）：{error.msg}"
        ) from None
    problems: list[str] = []
    framework = _framework(data, path.stem, problems)
    if problems:
        raise FrameworkError("\n".join([f"考核指标体系文件 {path} 有误：", *(f"  {problem}" for problem in problems)]))
    return framework


def framework_json(framework: Framework) -> dict[str, Any]:
    """The framework in its file's own format, so a printed one can be saved as a new template."""
    return {
        "name": framework.name,
        "title": framework.title,
        "years": list(framework.years),
        "description": framework.description,
        "sections": [_section_json(section) for section in framework.sections],
        "evidence": [rule.to_json() for rule in framework.evidence],
    }


def framework_lines(framework: Framework) -> list[str]:
    """An indented outline: headings, then what each section holds and shows, in Chinese."""
    lines = [framework.title, f"名称：{framework.name}；适用年度：{framework.years_text}"]
    if framework.description:
        lines.append(framework.description)
    lines.append("")
    selected: set[str] = set()
    for section in framework.sections:
        _section_lines(section, 0, selected, lines)
    if framework.evidence:
        lines += ["", "应有的佐证材料（按顺序取第一条相符的规则）："]
        covered: set[str] = set()
        for rule in framework.evidence:
            roles = "、".join("或".join(alternatives) for alternatives in rule.roles)
            lines.append(f"  {rule.selector.describe(after_others=rule.selector.kind in covered)}：{roles}")
            covered.add(rule.selector.kind)
    return lines


def _section_lines(section: Section, depth: int, selected: set[str], lines: list[str]) -> None:
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
        lines.append(f"{detail}指标：{ref.describe()}，单位：{MEASURES[ref.measure].unit}")
    for child in section.sections:
        _section_lines(child, depth + 1, selected, lines)


def _section_json(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"number": section.number, "title": section.title}
    if section.help:
        data["help"] = section.help
    if section.records:
        data["records"] = [selector.to_json() for selector in section.records]
    if section.measures:
        data["measures"] = [ref.to_json() for ref in section.measures]
    if section.sections:
        data["sections"] = [_section_json(child) for child in section.sections]
    return data


def _heading(number: str, title: str) -> str:
    """一、组织领导 or 1.1 党政联席会议, as an assessment writes them."""
    return f"{number}{' ' if number.isascii() else '、'}{title}"


def _condition_text(field: Field, accepted: tuple[Any, ...]) -> str:
    return f"{field.label}：{field.values.accepted_text(accepted)}"


# Reading a template. Each reader appends what is wrong to `problems` and returns what it could make of the
# rest, so one pass reports every mistake; the result is used only when there are none.


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _unknown_keys(data: dict[str, Any], allowed: tuple[str, ...], where: str, problems: list[str]) -> None:
    for key in data:
        if key not in allowed:
            problems.append(f"{where}：不认识的项“{key}”，可用：{'、'.join(allowed)}")


def _text(data: dict[str, Any], key: str, where: str, problems: list[str], *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}：{key} 应是不为空的文字，现为 {_shown(value)}")
        return ""
    return value.strip()


def _list(data: dict[str, Any], key: str, where: str, problems: list[str]) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        problems.append(f"{where}：{key} 应是列表（[…]），现为 {_shown(value)}")
        return []
    return value


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _framework(data: Any, stem: str, problems: list[str]) -> Framework:
    if not isinstance(data, dict):
        problems.append("文件内容应是一个对象（{…}）")
        data = {}
    where = "文件"
    _unknown_keys(data, FRAMEWORK_KEYS, where, problems)
    name = _text(data, "name", where, problems)
    if name and name != stem:
        problems.append(f"{where}：name 应与文件名一致，即 {_shown(stem)}，现为 {_shown(name)}")
    years = data.get("years")
    if not (
        isinstance(years, list)
        and len(years) == 2
        and _is_year(years[0])
        and (years[1] is None or (_is_year(years[1]) and years[0] <= years[1]))
    ):
        problems.append(f"{where}：years 应是 [起始年, 截止年]，截止年可写 null 表示至今，现为 {_shown(years)}")
        years = [0, None]
    sections = tuple(
        _section(item, f"文件第 {index} 个大项", problems)
        for index, item in enumerate(_list(data, "sections", where, problems), 1)
    )
    if not sections:
        problems.append(f"{where}：sections 不能为空")
    evidence = tuple(
        rule
        for index, item in enumerate(_list(data, "evidence", where, problems), 1)
        if (rule := _evidence_rule(item, f"佐证材料规则 {index}", problems))
    )
    framework = Framework(
        name=name,
        title=_text(data, "title", where, problems),
        years=(years[0], years[1]),
        description=_text(data, "description", where, problems, required=False),
        sections=sections,
        evidence=evidence,
    )
    titles: dict[str, list[str]] = {}
    for section in framework.walk():
        titles.setdefault(section.number, []).append(section.title)
    for number, same in titles.items():
        if number and len(same) > 1:
            problems.append(f"小节编号“{number}”重复：{'、'.join(same)}")
    return framework


def _section(data: Any, position: str, problems: list[str]) -> Section:
    if not isinstance(data, dict):
        problems.append(f"{position}：应是一个对象（{{…}}），现为 {_shown(data)}")
        return Section("", "")
    number, title = _text(data, "number", position, problems), _text(data, "title", position, problems)
    where = f"小节“{_heading(number, title)}”" if number and title else position
    _unknown_keys(data, SECTION_KEYS, where, problems)
    children = tuple(
        _section(item, f"{where}的第 {index} 个下级小节", problems)
        for index, item in enumerate(_list(data, "sections", where, problems), 1)
    )
    records = tuple(
        selector
        for index, item in enumerate(_list(data, "records", where, problems), 1)
        if (selector := _selector(item, f"{where}，记录条件 {index}", problems))
    )
    if records and children:
        problems.append(f"{where}：有下级小节的节不直接收录记录，请把 records 移到下级小节")
    measures = tuple(
        ref
        for index, item in enumerate(_list(data, "measures", where, problems), 1)
        if (ref := _measure(item, f"{where}，指标 {index}", problems))
    )
    return Section(number, title, _text(data, "help", where, problems, required=False), records, measures, children)


class _Reference(NamedTuple):
    """An object of two `keys`: the first names an entry of `registry` (a kind, a measure: its `noun` in the
    messages), the second holds that entry's options as an object of `shape`; `example` is such an object."""

    keys: tuple[str, str]
    registry: Mapping[str, Any]
    noun: str
    example: str
    shape: str


_SELECTOR = _Reference(("kind", "where"), KINDS, "记录类型", '{"kind": "meeting", "where": {…}}', "{字段: [取值, …]}")
_MEASURE = _Reference(("measure", "params"), MEASURES, "指标", '{"measure": "meetings", "params": {…}}', "{条件: 取值}")


def _selector(data: Any, where: str, problems: list[str]) -> Selector | None:
    if (named := _named(data, where, problems, _SELECTOR)) is None:
        return None
    kind, spec, conditions = named
    parsed = [(name, _accepted(spec, name, value, where, problems)) for name, value in conditions.items()]
    return Selector(kind, tuple((name, accepted) for name, accepted in parsed if accepted is not None))


def _named(data: Any, where: str, problems: list[str], form: _Reference) -> tuple[str, Any, dict[str, Any]] | None:
    """Reads `data` as an object of `form`: (the name, its entry, the options), or None with the problems noted."""
    keys, registry, noun, example, shape = form
    name_key, options_key = keys
    if not isinstance(data, dict):
        problems.append(f"{where}：应是对象，如 {example}，现为 {_shown(data)}")
        return None
    _unknown_keys(data, keys, where, problems)
    name = data.get(name_key)
    entry = registry.get(name) if isinstance(name, str) else None
    if entry is None:
        known = "、".join(f"{entry.name}（{entry.label}）" for entry in registry.values())
        problems.append(f"{where}：没有{noun} {_shown(name)}，可用：{known}")
        return None
    options = data.get(options_key, {})
    if not isinstance(options, dict):
        problems.append(f"{where}：{options_key} 应是对象（{shape}），现为 {_shown(options)}")
        return None
    return name, entry, options


def _evidence_rule(data: Any, where: str, problems: list[str]) -> EvidenceRule | None:
    if not isinstance(data, dict) or "roles" not in data:
        problems.append(f'{where}：应是对象，如 {{"kind": "cadre", "roles": ["任职文件"]}}，现为 {_shown(data)}')
        return None
    selector = _selector({key: value for key, value in data.items() if key != "roles"}, where, problems)
    roles: list[tuple[str, ...]] = []
    for entry in _list(data, "roles", where, problems):
        alternatives = tuple(entry) if isinstance(entry, list) else (entry,)
        wrong = [role for role in alternatives if role not in EVIDENCE_ROLES]
        if wrong or not alternatives:
            problems.append(f"{where}：没有材料类型 {_shown(entry)}，可用：{'、'.join(EVIDENCE_ROLES)}")
            continue
        roles.append(alternatives)
    if not roles:
        problems.append(f"{where}：roles 不能为空")
    return EvidenceRule(selector, tuple(roles)) if selector and roles else None


def _accepted(spec: KindSpec, name: str, value: Any, where: str, problems: list[str]) -> tuple[Any, ...] | None:
    field = spec.by_name.get(name)
    # Records are sorted by what they are, not by what people typed: only choice and yes/no fields select.
    if field is None or not field.values.selects:
        usable = "、".join(f"{f.name}（{f.label}）" for f in spec.fields if f.values.selects)
        problems.append(f"{where}：{spec.label}没有可用于归类的字段 {_shown(name)}，可用：{usable}")
        return None
    try:
        return field.values.accepted_from_json(value)
    except ValueError as error:
        problems.append(f"{where}：{error}")
        return None


def _measure(data: Any, where: str, problems: list[str]) -> MeasureRef | None:
    if (named := _named(data, where, problems, _MEASURE)) is None:
        return None
    name, measure, params = named
    try:
        parsed = parse_params(measure, params)
    except InvalidInput as error:
        problems.extend(f"{where}（{measure.label}）：{problem}" for problem in error.problems)
        return None
    return MeasureRef(name, tuple(parsed.items()))
