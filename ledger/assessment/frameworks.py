"""考核指标体系: the assessment frameworks whose sections the evidence binder, the Excel summary and `ledger gaps`
follow, and which of them a ledger uses.

A framework is data, a JSON template, so that a new assessment is a new file rather than new code
(`ledger.assessment.framework_load` reads one, docs/frameworks.md describes the format). The program ships some in
resources/frameworks/: the 2018–2020 东西部扶贫协作考核, the national structure of the 2021+ 东西部协作考核评价, and
province variants as overlays on it. A group keeps its own in its ledger (`ledger framework import`): as JSON text
in the `setting` table under `framework:<name>`, each change audited as a setting's is, carried by packages. A
stored framework takes the place of a shipped one of the same name, for that ledger only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.assessment.framework_load import read_framework, read_json
from ledger.assessment.framework_model import (
    EvidenceRule,
    Framework,
    FrameworkError,
    MeasureRef,
    Section,
    Selector,
    evidence_rule,
    framework_json,
    framework_lines,
    section_of,
)
from ledger.audit_entries import audit
from ledger.errors import NotFound
from ledger.limits import Limits, file_problem
from ledger.models import AuditEntry, Setting
from ledger.resources import resource_path

__all__ = [
    "EvidenceRule",
    "Framework",
    "FrameworkError",
    "MeasureRef",
    "Section",
    "Selector",
    "StoredFramework",
    "available",
    "evidence_rule",
    "for_year",
    "framework_json",
    "framework_lines",
    "import_framework",
    "load",
    "load_file",
    "remove_framework",
    "section_of",
    "store_frameworks",
    "stored_frameworks",
]

#: The `setting` key a stored framework is kept under is this and its name.
KEY = "framework:"
#: What an audit entry names a stored framework by: the same id for a name in every ledger.
_IDS = uuid.UUID("5b0d7a4e-93c1-4d0e-9a37-2f6f3c1b8e21")


class StoredFramework(NamedTuple):
    data: dict[str, Any]  # the template as written
    changed_at: datetime | None  # its last change in this ledger, by the audit log


def _shipped() -> dict[str, Path]:
    return {path.stem: path for path in sorted(resource_path("frameworks").glob("*.json"))}


class _Catalogue:
    """Every framework a ledger can use by name, each read when first asked for: stored ones over shipped ones of
    the same name, `adding` (name → (data, where it comes from)) over both, each overlay on its base as found here.
    """

    def __init__(self, session: Session | None, adding: Mapping[str, tuple[Any, str]] | None = None):
        adding = adding or {}
        texts = _stored_texts(session)
        self.stored = set(texts) | set(adding)
        self.sources: dict[str, Callable[[], Framework]] = {}
        for stem, path in _shipped().items():
            self.sources[stem] = lambda path=path: read_framework(
                read_json(path), f"考核指标体系文件 {path}", self.get, stem=path.stem
            )
        for name, text in texts.items():
            self.sources[name] = lambda name=name, text=text: read_framework(
                _stored_data(name, text), f"台账中保存的考核指标体系“{name}”", self.get, stored=True
            )
        for name, (data, origin) in adding.items():
            self.sources[name] = lambda data=data, origin=origin: read_framework(data, origin, self.get, stored=True)
        self.read: dict[str, Framework | FrameworkError] = {}
        self.reading: list[str] = []

    def get(self, name: str) -> Framework:
        """The framework of that name; NotFound listing the known ones, FrameworkError when it cannot be used."""
        if name not in self.sources:
            raise NotFound(f"没有名为 {name} 的考核指标体系，可选：{'、'.join(self.sources)}")
        if name in self.reading:
            circle = " → ".join([*self.reading[self.reading.index(name) :], name])
            raise FrameworkError(f"考核指标体系互为基础（{circle}），无法确定其内容")
        if name not in self.read:
            self.reading.append(name)
            try:
                self.read[name] = self.sources[name]()
            except FrameworkError as error:
                self.read[name] = error
            finally:
                self.reading.pop()
        found = self.read[name]
        if isinstance(found, FrameworkError):
            raise found
        return found

    def usable(self, problems: list[str] | None = None) -> list[Framework]:
        """Every framework that can be used, oldest first; what is wrong with the others added to `problems`."""
        found = []
        for name in self.sources:
            try:
                found.append(self.get(name))
            except FrameworkError as error:
                if problems is not None:
                    problems.append(str(error))
        return sorted(found, key=lambda framework: (framework.years[0], framework.name))


def load(name: str, session: Session | None = None) -> Framework:
    """A framework by its name: the ledger's own where `session` has one of that name, else the shipped one."""
    return _Catalogue(session).get(name)


def available(session: Session | None = None, problems: list[str] | None = None) -> list[Framework]:
    """Every framework shipped or kept in the ledger of `session`, oldest first. One that cannot be used (a stored
    overlay whose base has since changed) is left out, and said in `problems`."""
    return _Catalogue(session).usable(problems)


def for_year(year: int, session: Session | None = None) -> Framework:
    """The framework a year is assessed by: one kept in the ledger that covers it, else a shipped whole framework
    (a shipped overlay serves only when asked for by name, or once imported). Where two cover the year, the newer
    one, so an added template takes over."""
    found = available(session)
    covering = [framework for framework in found if framework.covers(year) and (framework.stored or not framework.base)]
    if not covering:
        known = "、".join(f"{framework.title}（{framework.years_text}）" for framework in found)
        raise NotFound(f"没有适用于 {year} 年的考核指标体系，现有：{known}")
    return max(covering, key=lambda framework: (framework.stored, framework.years[0]))


def load_file(path: Path) -> Framework:
    """A framework from any template file (an edited copy, a test's), its name that of the file, an overlay on a
    shipped framework; raises FrameworkError naming every problem."""
    path = Path(path)
    return read_framework(read_json(path), f"考核指标体系文件 {path}", _Catalogue(None).get, stem=path.stem)


def import_framework(session: Session, path: Path) -> tuple[Framework, str]:
    """Reads a group's template, whole or an overlay, checks it as the ledger would use it and keeps it in the
    ledger under its name (audited). Returns it and what it did: "new", "shipped" (it now stands for the shipped
    one of that name), "replaced" (the one kept before) or "same" (kept already, nothing written)."""
    path = Path(path)
    if problem := file_problem(path, Limits.of(session).import_mb, "max_import_mb"):
        raise FrameworkError(f"无法读取考核指标体系文件 {path}：{problem}")
    data = read_json(path)
    name = data.get("name") if isinstance(data, dict) else None
    origin = f"考核指标体系文件 {path}"
    if not isinstance(name, str) or not name.strip():
        read_framework(data, origin, _Catalogue(session).get)  # raises, naming every problem
    return store_frameworks(session, {name.strip(): (data, origin)})[0]


def store_frameworks(
    session: Session, adding: Mapping[str, tuple[Any, str]], *, package: str | None = None
) -> list[tuple[Framework, str]]:
    """Keeps each of `adding` (name → (template data, where it comes from)) in the ledger, each change audited,
    once all are checked together with what the ledger keeps: FrameworkError naming every problem, nothing
    written, when one cannot be used or would leave a stored overlay on it unusable. Returns each framework with
    what was done, as `import_framework` says it."""
    catalogue = _Catalogue(session, adding)
    problems, frameworks = [], []
    for name in adding:
        try:
            frameworks.append(catalogue.get(name))
        except FrameworkError as error:
            problems.append(str(error))
    for name in sorted(catalogue.stored - set(adding)):
        try:
            catalogue.get(name)
        except FrameworkError as error:
            problems.append(f"台账中保存的考核指标体系“{name}”以它为基础，换上后将无法使用：\n{error}")
    if problems:
        raise FrameworkError("\n".join(problems))
    return [(framework, _put(session, framework, package)) for framework in frameworks]


def _put(session: Session, framework: Framework, package: str | None) -> str:
    key = KEY + framework.name
    text = json.dumps(framework.source, ensure_ascii=False, indent=2)
    existing = session.get(Setting, key)
    if existing is not None and existing.value == text:
        return "same"
    done = "replaced" if existing is not None else "shipped" if framework.name in _shipped() else "new"
    changes: dict[str, Any] = {key: [existing.value if existing else None, text]}
    if existing is None:
        session.add(Setting(key=key, value=text))
    else:
        existing.value = text
    if package is not None:
        changes["package"] = package
    audit(session, "update", "setting", uuid.uuid5(_IDS, key), None, changes)
    return done


def remove_framework(session: Session, name: str) -> None:
    """Removes a framework kept in the ledger (audited), so the shipped one of its name, if any, serves again;
    refused while a stored overlay is laid on it."""
    existing = session.get(Setting, KEY + name)
    if existing is None:
        raise NotFound(f"台账中没有保存名为 {name} 的考核指标体系")
    session.delete(existing)
    session.flush()
    catalogue = _Catalogue(session)
    for other in sorted(catalogue.stored):
        try:
            catalogue.get(other)
        except FrameworkError as error:
            raise FrameworkError(f"不能删除：台账中保存的考核指标体系“{other}”以它为基础。\n{error}") from None
    audit(session, "update", "setting", uuid.uuid5(_IDS, existing.key), None, {existing.key: [existing.value, None]})


def stored_frameworks(session: Session) -> dict[str, StoredFramework]:
    """The templates the ledger keeps, by name, with when each last changed: what a package carries."""
    found = {}
    for name, text in _stored_texts(session).items():
        changed_at = session.scalar(
            select(AuditEntry.at)
            .where(AuditEntry.target == "setting", AuditEntry.target_id == uuid.uuid5(_IDS, KEY + name))
            .order_by(AuditEntry.at.desc())
            .limit(1)
        )
        found[name] = StoredFramework(_stored_data(name, text), changed_at)
    return found


def _stored_texts(session: Session | None) -> dict[str, str]:
    if session is None:
        return {}
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.startswith(KEY, autoescape=True)))
    return {key.removeprefix(KEY): value for key, value in rows}


def _stored_data(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise FrameworkError(f"台账中保存的考核指标体系“{name}”已损坏（不是有效的 JSON），请重新导入") from None
