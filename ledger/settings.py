"""A ledger's own settings (修改人, 编制单位, the binder's font and masking, the limits on files read in), each
described once here: its key, its label, its type, its default and what it accepts.

`ledger config` lists and sets them, the window's 设置 edits some, and the rest of the ledger reads each as its
type (`read_setting(session, MASK_PERSONAL)` is a bool). They are kept as text by key (`models.Setting`); a value
that its setting does not accept (set by hand in the database) reads as the default, as if it were not set.
Settings are not records and do not travel in packages, but every change is written to the audit log, as every
other change to the ledger is: target "setting", the key, and its old and new text.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.audit_entries import audit
from ledger.errors import InvalidInput
from ledger.fields import Problem
from ledger.models import Setting
from ledger.values import NAME_LENGTH, parse_bool, text_problem

T = TypeVar("T", str, bool, int)

#: Pillow decodes no image past this anyway (see `ledger.media`), and the binder could not print it.
MOST_MEGAPIXELS = 200
#: What an audit entry names a setting by: the same id for a key in every ledger, so its history can be asked for.
_IDS = uuid.UUID("0c95c917-241b-491d-af3b-a7dfc63bf142")


class SettingSpec(ABC, Generic[T]):
    """What the ledger knows of one setting; `label` is how `ledger config` lists it."""

    key: str
    name: str  # what it is, as a refusal names it
    default: T

    @property
    @abstractmethod
    def label(self) -> str: ...

    @abstractmethod
    def parse(self, text: str) -> T:
        """The value `text` sets; raises InvalidInput, worded for `ledger config`, when the setting refuses it."""

    @abstractmethod
    def text(self, value: T) -> str:
        """`value` as it is stored and as `ledger config` takes it."""

    def _refused(self, text: str, reason: str) -> InvalidInput:
        return InvalidInput([Problem(self.key, self.name, text, reason)], heading="设置有误，未作修改：")


@dataclass(frozen=True, kw_only=True)
class TextSetting(SettingSpec[str]):
    """A name or a word: one line, no longer than `longest`."""

    key: str
    name: str
    note: str  # said after the name: what it is for, how to write it
    longest: int = NAME_LENGTH
    default: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}（{self.note}）"

    def parse(self, text: str) -> str:
        value = text.strip()
        if (problem := text_problem(value, self.longest, lines=False)) is not None:
            raise self._refused(text, problem)
        return value

    def text(self, value: str) -> str:
        return value


@dataclass(frozen=True, kw_only=True)
class YesNoSetting(SettingSpec[bool]):
    """是 or 否, read as the ledger's fields read them (是, 否, yes, no, 1, 0 …) and kept as 是 or 否."""

    key: str
    name: str
    default: bool

    @property
    def label(self) -> str:
        return f"{self.name}（是/否，默认{self.text(self.default)}）"

    def parse(self, text: str) -> bool:
        try:
            return parse_bool(text)
        except ValueError:
            raise self._refused(text, "应填“是”或“否”") from None

    def text(self, value: bool) -> str:
        return "是" if value else "否"


@dataclass(frozen=True, kw_only=True)
class CountSetting(SettingSpec[int]):
    """A whole number from 1, up to `most` where there is a most: the limits on files read in."""

    key: str
    name: str
    unit: str = ""
    default: int
    most: int | None = None

    @property
    def label(self) -> str:
        said = [self.unit] if self.unit else []
        said.append(f"默认 {self.default}")
        if self.most is not None:
            said.append(f"最多 {self.most}")
        return f"{self.name}（{'，'.join(said)}）"

    def parse(self, text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = 0
        if value < 1 or (self.most is not None and value > self.most):
            bound = f"1 到 {self.most} 之间的整数" if self.most else "正整数"
            raise self._refused(text, f"应为{bound}")
        return value

    def text(self, value: int) -> str:
        return str(value)


AUTHOR = TextSetting(key="author", name="修改人", note="写入修改记录")
COMPILING_UNIT = TextSetting(key="compiling_unit", name="编制单位", note="印在佐证材料封面")
PDF_FONT = TextSetting(
    key="pdf_font",
    name="佐证材料的正文字体",
    note="字体文件或字体名，如 宋体、SimSun",
    longest=4096,  # a font file's whole path
)
MASK_PERSONAL = YesNoSetting(key="mask_personal", name="佐证材料中身份证号、电话默认打码", default=True)

# The limits keep a mistaken or hostile file from filling the disk or memory (see `ledger.limits`); their
# defaults fit the work, and an office whose files are genuinely larger raises them.
EVIDENCE_MB = CountSetting(
    key="max_evidence_mb",
    name="单个佐证材料文件的大小上限",
    unit="MB",
    default=500,  # one evidence file: an hour of phone video, far more than any scan
)
IMPORT_MB = CountSetting(
    key="max_import_mb",
    name="导入的 Excel 台账或任务清单文件的大小上限",
    unit="MB",
    default=50,  # one workbook or document imported: about 500,000 ledger rows
)
IMAGE_MEGAPIXELS = CountSetting(
    key="max_image_megapixels",
    name="佐证照片的像素上限",
    unit="百万像素",
    default=MOST_MEGAPIXELS,  # a 200-megapixel phone photo; an A3 scan at 600 dpi is 70
    most=MOST_MEGAPIXELS,
)
SHEET_ROWS = CountSetting(
    key="max_sheet_rows",
    name="导入 Excel 台账时每张工作表的行数上限",
    default=200_000,  # rows read from one sheet of an Excel ledger
)

#: Every setting by key, in the order `ledger config` lists them.
SETTINGS: dict[str, SettingSpec[Any]] = {
    spec.key: spec
    for spec in (
        AUTHOR,
        COMPILING_UNIT,
        PDF_FONT,
        MASK_PERSONAL,
        EVIDENCE_MB,
        IMPORT_MB,
        IMAGE_MEGAPIXELS,
        SHEET_ROWS,
    )
}


def stored_settings(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """The text kept for each of `keys` that is set, as it is kept: what `ledger config` lists."""
    query = select(Setting.key, Setting.value).where(Setting.key.in_(list(keys)))
    return dict(session.execute(query).all())


def read_settings(session: Session, keys: Iterable[str]) -> dict[str, Any]:
    """Each of `keys` as its setting's type: the value set, else (unset, or set to what it refuses) the default."""
    wanted = list(keys)
    stored = stored_settings(session, wanted)
    values = {}
    for key in wanted:
        spec = SETTINGS[key]
        try:
            values[key] = spec.parse(stored[key]) if key in stored else spec.default
        except InvalidInput:
            values[key] = spec.default  # set by hand in the database; `write_settings` refuses such values
    return values


def read_setting(session: Session, spec: SettingSpec[T]) -> T:
    """One setting as its type, as `read_settings` reads it."""
    return read_settings(session, [spec.key])[spec.key]


def write_settings(session: Session, values: Mapping[str, str]) -> dict[str, list[str | None]]:
    """Sets each key to the value its text gives, each change with its audit entry; an empty text removes the
    setting (its default applies again). Every text is checked first: InvalidInput names each one refused, and
    nothing is written. Returns what changed: key → [old, new] as kept (None where unset)."""
    problems: list[Problem] = []
    wanted: dict[str, str | None] = {}
    for key, text in values.items():
        spec = SETTINGS[key]
        try:
            wanted[key] = spec.text(spec.parse(text)) if text.strip() else None
        except InvalidInput as error:
            problems += error.problems
    if problems:
        raise InvalidInput(problems, heading="设置有误，未作修改：")
    changed: dict[str, list[str | None]] = {}
    for key, new in wanted.items():
        existing = session.get(Setting, key)
        old = existing.value if existing is not None else None
        if old == new:
            continue
        if existing is None:
            session.add(Setting(key=key, value=new))
        elif new is None:
            session.delete(existing)
        else:
            existing.value = new
        audit(session, "update", "setting", uuid.uuid5(_IDS, key), None, {key: [old, new]})
        changed[key] = [old, new]
    return changed
