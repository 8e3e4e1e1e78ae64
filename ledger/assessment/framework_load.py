"""Reading a template into a framework: a whole framework, or an overlay laid on the framework it names.

Reading is strict and reports every problem at once, naming the file and the place: a misspelt field would
otherwise quietly empty a binder section the week before an inspection. Each reader below appends what is wrong
to `problems` and returns what it could make of the rest, so one pass finds every mistake; the result is used
only when there are none.

An overlay (`"base": "east-west-2021"`) keeps its base's sections and evidence and changes them entry by entry,
in order: `{"add": {section}, "under": "二"}` adds a section as the last under a numbered one (without `under`, as
the last at the top); `{"replace": "2.6", "with": {section}}` puts a section in place of one, its subsections
included; `{"change": "2.6", "title": …, "help": …, "measures": […], "add_measures": […]}` renames one, rewrites its
help, replaces its measures or adds to them. Its own evidence rules come before the base's, so they win. Its
years and description are the base's unless it gives its own.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from ledger.assessment.framework_model import (
    EvidenceRule,
    Framework,
    FrameworkError,
    MeasureRef,
    Section,
    Selector,
    heading,
)
from ledger.errors import InvalidInput, NotFound
from ledger.fields import KindSpec
from ledger.kinds import KINDS
from ledger.models import EVIDENCE_ROLES
from ledger.plans.measures import MEASURES, parse_params
from ledger.values import NAME_LENGTH, text_problem

FRAMEWORK_KEYS = ("name", "title", "years", "description", "sections", "evidence")
OVERLAY_KEYS = ("name", "base", "title", "years", "description", "sections", "evidence")
SECTION_KEYS = ("number", "title", "help", "records", "measures", "sections")
#: What an overlay's entry may hold, by what it does (its first key).
ENTRY_KEYS = {
    "add": ("add", "under"),
    "replace": ("replace", "with"),
    "change": ("change", "title", "help", "measures", "add_measures"),
}
#: A framework's name: what `ledger framework show` takes and the ledger stores it under.
_NAME = re.compile(r"[\w.-]{1,64}")
HELP_LENGTH = 2000


def read_json(path: Path) -> Any:
    """A template file's data; FrameworkError naming the file when it cannot be read as JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FrameworkError(f"无法读取考核指标体系文件 {path}：{error.strerror or error}") from None
    except UnicodeDecodeError:
        raise FrameworkError(f"考核指标体系文件 {path} 不是 UTF-8 编码的文本") from None
    except json.JSONDecodeError as error:
        # json's own words are English; where it stopped is what helps the person fix the file.
        raise FrameworkError(
            f"考核指标体系文件 {path} 不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列附近有误"
            "（常见原因：缺少逗号或引号、多了逗号、用了中文标点）"
        ) from None


def read_framework(
    data: Any,
    origin: str,
    base_of: Callable[[str], Framework],
    *,
    stem: str | None = None,
    stored: bool = False,
) -> Framework:
    """The framework `data` describes, whole or an overlay; `origin` says where it came from (考核指标体系文件 …)
    in the refusal, `base_of` gives an overlay's base by name (raising NotFound, or FrameworkError when the base
    itself is faulty), `stem` is the file name the name must equal. Raises FrameworkError naming every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        problems.append("文件内容应是一个对象（{…}）")
        data = {}
    framework = _overlay(data, base_of, problems) if "base" in data else _whole(data, problems)
    if stem is not None and framework.name and framework.name != stem:
        problems.append(f"文件：name 应与文件名一致，即 {_shown(stem)}，现为 {_shown(framework.name)}")
    _structure_problems(framework, problems)
    if problems:
        space = " " if origin[-1].isascii() else ""  # after a file's path, as between any path and Chinese
        raise FrameworkError("\n".join([f"{origin}{space}有误：", *(f"  {problem}" for problem in problems)]))
    return dataclasses.replace(framework, stored=stored, source=data)


def _whole(data: dict[str, Any], problems: list[str]) -> Framework:
    where = "文件"
    _unknown_keys(data, FRAMEWORK_KEYS, where, problems)
    sections = tuple(
        _section(item, f"文件第 {index} 个大项", problems)
        for index, item in enumerate(_list(data, "sections", where, problems), 1)
    )
    if not sections:
        problems.append(f"{where}：sections 不能为空")
    return Framework(
        name=_name(data, where, problems),
        title=_text(data, "title", where, problems),
        years=_years(data.get("years"), where, problems),
        description=_text(data, "description", where, problems, required=False, lines=True),
        sections=sections,
        evidence=_evidence(data, where, problems),
    )


def _overlay(data: dict[str, Any], base_of: Callable[[str], Framework], problems: list[str]) -> Framework:
    where = "文件"
    _unknown_keys(data, OVERLAY_KEYS, where, problems)
    name = _name(data, where, problems)
    base_name = _text(data, "base", where, problems)
    base = None
    if base_name and base_name == name:
        problems.append(f"{where}：base 不能是它自己（{_shown(name)}），应写所依据的另一个考核指标体系")
    elif base_name:
        try:
            base = base_of(base_name)
        except NotFound as error:
            problems.append(f"{where}：base {_shown(base_name)} 无法使用：{error}")
        except FrameworkError as error:
            problems.append(f"{where}：base {_shown(base_name)} 本身有误：{error}")
    sections = base.sections if base else ()
    for index, entry in enumerate(_list(data, "sections", where, problems), 1):
        sections = _apply(sections, entry, f"sections 第 {index} 项", base_name, problems)
    years, description = (base.years, base.description) if base else ((0, None), "")
    if "years" in data:
        years = _years(data["years"], where, problems)
    if "description" in data:
        description = _text(data, "description", where, problems, required=False, lines=True)
    return Framework(
        name=name,
        title=_text(data, "title", where, problems),
        years=years,
        description=description,
        sections=sections,
        evidence=_evidence(data, where, problems) + (base.evidence if base else ()),
        base=base_name or None,
    )


def _apply(
    sections: tuple[Section, ...], entry: Any, where: str, base: str, problems: list[str]
) -> tuple[Section, ...]:
    """`sections` with one overlay entry applied, or as they were when the entry is faulty."""
    actions = [key for key in ENTRY_KEYS if isinstance(entry, dict) and key in entry]
    if len(actions) != 1:
        problems.append(
            f"{where}：应写 add（增加小节）、replace（替换小节）或 change（修改小节）其中之一，"
            f'如 {{"change": "2.6", "title": "…"}}，现为 {_shown(entry)}'
        )
        return sections
    action = actions[0]
    _unknown_keys(entry, ENTRY_KEYS[action], where, problems)
    edit = _edit(action, entry, where, problems)
    number = entry.get("under") if action == "add" else entry[action]
    if action == "add" and number is None:  # at the top: as the last under a root above the top sections
        return edit(Section("", "", sections=sections)).sections
    where = f"{where}（{'under' if action == 'add' else action} {_shown(number)}）"
    if not isinstance(number, str) or not number:
        problems.append(f'{where}：应写小节编号，如 "2.6"')
        return sections
    edited, found = _edited(sections, number, edit)
    if not found:
        problems.append(f"{where}：{base or '基础体系'} 中没有编号为 {number} 的小节")
    return edited


def _edit(action: str, entry: dict[str, Any], where: str, problems: list[str]) -> Callable[[Section], Section]:
    """What an entry does to the section it names."""
    if action == "add":
        added = _section(entry["add"], f"{where}增加的小节", problems)
        return lambda parent: dataclasses.replace(parent, sections=(*parent.sections, added))
    if action == "replace":
        replacement = _section(entry.get("with"), f"{where}的 with（替换成的小节）", problems)
        return lambda _: replacement
    return _changer(entry, where, problems)


def _changer(entry: dict[str, Any], where: str, problems: list[str]) -> Callable[[Section], Section]:
    """What a change entry does to its section: the title, help and measures it gives."""
    changes: dict[str, Any] = {}
    if "title" in entry:
        changes["title"] = _text(entry, "title", where, problems)
    if "help" in entry:
        changes["help"] = _text(entry, "help", where, problems, required=False, lines=True)
    if "measures" in entry:
        changes["measures"] = _measures(entry, "measures", where, problems)
    added = _measures(entry, "add_measures", where, problems)
    if not changes and not added:
        problems.append(f"{where}：change 至少要改 title、help、measures 或 add_measures 其中一项")

    def edit(section: Section) -> Section:
        changed = dataclasses.replace(section, **changes)
        return dataclasses.replace(changed, measures=(*changed.measures, *added))

    return edit


def _edited(
    sections: tuple[Section, ...], number: str, edit: Callable[[Section], Section]
) -> tuple[tuple[Section, ...], bool]:
    """`sections` with the one numbered `number`, at any depth, replaced by `edit` of it; and whether it was found."""
    result, found = [], False
    for section in sections:
        if section.number == number:
            result.append(edit(section))
            found = True
            continue
        children, inside = _edited(section.sections, number, edit)
        result.append(dataclasses.replace(section, sections=children) if inside else section)
        found = found or inside
    return tuple(result), found


def _structure_problems(framework: Framework, problems: list[str]) -> None:
    """What is wrong with the sections as a whole, an overlay's once laid on its base: repeated numbers, and
    sections that both hold records and have subsections."""
    titles: dict[str, list[str]] = {}
    for section in framework.walk():
        titles.setdefault(section.number, []).append(section.title)
        if section.records and section.sections and section.number and section.title:
            problems.append(f"小节“{section.heading}”：有下级小节的节不直接收录记录，请把 records 移到下级小节")
    for number, same in titles.items():
        if number and len(same) > 1:
            problems.append(f"小节编号“{number}”重复：{'、'.join(same)}")


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _unknown_keys(data: dict[str, Any], allowed: tuple[str, ...], where: str, problems: list[str]) -> None:
    for key in data:
        if key not in allowed:
            problems.append(f"{where}：不认识的项“{key}”，可用：{'、'.join(allowed)}")


def _text(
    data: dict[str, Any], key: str, where: str, problems: list[str], *, required: bool = True, lines: bool = False
) -> str:
    """A text of the template: one line (a title, a number) unless `lines` (help), checked as every way in checks
    text, since it is printed in the binder."""
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}：{key} 应是不为空的文字，现为 {_shown(value)}")
        return ""
    if problem := text_problem(value.strip(), HELP_LENGTH if lines else NAME_LENGTH, lines=lines):
        problems.append(f"{where}：{key} {problem}")
        return ""
    return value.strip()


def _name(data: dict[str, Any], where: str, problems: list[str]) -> str:
    name = _text(data, "name", where, problems)
    if name and not _NAME.fullmatch(name):
        problems.append(f"{where}：name 只能由字母、数字、汉字和 - _ . 组成，不超过 64 个字，现为 {_shown(name)}")
    return name


def _list(data: dict[str, Any], key: str, where: str, problems: list[str]) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        problems.append(f"{where}：{key} 应是列表（[…]），现为 {_shown(value)}")
        return []
    return value


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _years(years: Any, where: str, problems: list[str]) -> tuple[int, int | None]:
    if (
        isinstance(years, list)
        and len(years) == 2
        and _is_year(years[0])
        and (years[1] is None or (_is_year(years[1]) and years[0] <= years[1]))
    ):
        return years[0], years[1]
    problems.append(f"{where}：years 应是 [起始年, 截止年]，截止年可写 null 表示至今，现为 {_shown(years)}")
    return 0, None


def _evidence(data: dict[str, Any], where: str, problems: list[str]) -> tuple[EvidenceRule, ...]:
    return tuple(
        rule
        for index, item in enumerate(_list(data, "evidence", where, problems), 1)
        if (rule := _evidence_rule(item, f"佐证材料规则 {index}", problems))
    )


def _section(data: Any, position: str, problems: list[str]) -> Section:
    if not isinstance(data, dict):
        problems.append(f"{position}：应是一个对象（{{…}}），现为 {_shown(data)}")
        return Section("", "")
    number, title = _text(data, "number", position, problems), _text(data, "title", position, problems)
    where = f"小节“{heading(number, title)}”" if number and title else position
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
    help_text = _text(data, "help", where, problems, required=False, lines=True)
    return Section(number, title, help_text, records, _measures(data, "measures", where, problems), children)


def _measures(data: dict[str, Any], key: str, where: str, problems: list[str]) -> tuple[MeasureRef, ...]:
    place = "指标 {}" if key == "measures" else f"{key} 第 {{}} 项"
    return tuple(
        ref
        for index, item in enumerate(_list(data, key, where, problems), 1)
        if (ref := _measure(item, f"{where}，{place.format(index)}", problems))
    )


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
