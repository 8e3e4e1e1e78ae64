"""The field spec: each record kind declares its fields once, here in this vocabulary.

Forms, validation, the command line, Excel columns and the PDF record sheet all read the same
declaration, so a field is added in one place. A `KindSpec` is the whole declaration of a kind; what a
field's values do follows from its type (`Field.values`, `ledger.field_types`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ledger.field_types import VALUES, ChoiceValues, DateValues, FieldType
from ledger.field_values import FieldValues
from ledger.values import quoted


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: FieldType = FieldType.TEXT
    #: A saved record has a value here. Not always typed: the ledger fills some when left empty (a default,
    #: the year from the date, a composed 事项); `KindSpec.must_fill` says what a person must fill in.
    required: bool = False
    choices: tuple[str, ...] = ()
    #: Offered while typing, but any text is accepted (unlike `choices`).
    suggestions: tuple[str, ...] = ()
    help: str = ""
    multiline: bool = False
    #: Computed from other fields on every save; never typed in.
    derived: bool = False
    default: Any = None
    #: Left empty, takes the year of the kind's `date_field` on saving (年度): required, yet never asked for,
    #: since the date it follows must be given (`KindSpec` checks that it is required).
    follows_date: bool = False
    max_length: int = 500

    @cached_property
    def values(self) -> FieldValues:
        """What this field's values do: read from text, checked, shown, written out (`ledger.field_types`)."""
        return VALUES[self.type](self)


@dataclass(frozen=True)
class Problem:
    """One reason a value cannot be saved, worded for the person who typed it."""

    field: str
    label: str
    value: str
    message: str

    def __str__(self) -> str:
        # A value is quoted short and printable, whatever was given: a 2 MB caption, an escape sequence.
        shown = f"“{quoted(self.value)}”" if self.value else "（空）"
        return f"{self.label}（{self.field}）{shown}：{self.message}"


Values = Mapping[str, Any]
CrossCheck = Callable[[Values], list[tuple[str, str]]]


@dataclass(frozen=True)
class KindSpec:
    name: str  # as in the database and on the command line: meeting, cadre, ...
    label: str  # 会议与互访
    fields: tuple[Field, ...]
    #: The date a record is filed and sorted under: `date`, or `start_date` for kinds that last.
    date_field: str
    #: Rules across fields, each returning (field name, message) pairs for what is wrong.
    checks: tuple[CrossCheck, ...] = ()
    #: Builds the 事项 from the fields when it is left empty (for kinds whose subject is a person).
    compose_title: Callable[[Values], str] | None = None
    #: Fills the derived fields from the others.
    derive: Callable[[Values], dict[str, Any]] | None = None
    #: Where a record that lasts ends: the first of these dates filled (实际返回日期, else 计划结束日期).
    ends: tuple[str, ...] = ()
    #: Whether a record with no end yet still runs (a posting, a standing tie), rather than ending in its year.
    open_ended: Callable[[Values], bool] | None = None
    #: One record stands for all its years (a tie): a new year continues it rather than copying it.
    standing: bool = False
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})
        date_field = self.by_name.get(self.date_field)
        if date_field is None or not isinstance(date_field.values, DateValues):
            raise ValueError(f"{self.name}: date_field {self.date_field!r} is no date field")
        for f in self.fields:
            if f.follows_date and not date_field.required:
                # Else a record could be saved with neither the date nor the year that follows it.
                raise ValueError(f"{self.name}.{f.name} follows {self.date_field}, which is not required")

    def field(self, name: str) -> Field:
        return self.by_name[name]

    def last_year(self, values: Values) -> int | None:
        """The last year a record counts in (its first is `year`): the year of its end, never before its first;
        None while an open-ended record has no end, so that it counts in every year up to the present."""
        year = values.get("year")
        end = next((values[name] for name in self.ends if values.get(name) is not None), None)
        if end is not None:
            return max(year, end.year) if year is not None else end.year
        return None if self.open_ended is not None and self.open_ended(values) else year

    @property
    def category(self) -> Field | None:
        """What sort of record it is (会议类型, 挂职方向, 领域, 培训类型 …): the kind's first required choice."""
        return next((f for f in self.fields if isinstance(f.values, ChoiceValues) and f.required), None)

    @property
    def editable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.derived)

    def must_fill(self, field: Field) -> bool:
        """Whether a person must fill `field` in (the form's red star, 必填): required, and not filled by the
        ledger when left empty: not derived, with no default, not following the date, and not a 事项 composed
        from the other fields."""
        composed = field.name == "title" and self.compose_title is not None
        filled = field.derived or field.default is not None or field.follows_date or composed
        return field.required and not filled
