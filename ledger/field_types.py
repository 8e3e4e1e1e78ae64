"""The types a field can have, each with the class that says what its values do differently from words.

A kind declares each field's `FieldType` (`ledger.fields`); the type's class here (registered in `VALUES`) reads,
checks, shows and writes out the field's values for the form, the command line, the table, the workbook, the
binder, the audit log and exchange packages alike. What every type shares is `ledger.field_values.FieldValues`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ledger.field_lists import EntriesValues, UnitsValues
from ledger.field_values import FieldValues
from ledger.identity import id_number_problem, normalize_id_number, normalize_phone, phone_problem
from ledger.values import (
    format_money,
    format_wan,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
    text_problem,
    to_money,
)


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"
    INT = "int"
    MONEY = "money"  # Decimal yuan, exact to the fen
    CHOICE = "choice"
    BOOL = "bool"
    PERSON = "person"  # a person's name
    UNIT = "unit"  # one unit's name, completed from the directory of units
    UNITS = "units"  # several units from the directory, in order
    PAIRING = "pairing"
    ID_NUMBER = "id_number"  # masked in printed binders
    PHONE = "phone"  # masked in printed binders
    ENTRIES = "entries"  # dated entries, one a line: 2020-05-12 捐赠图书 200册 3.5万元 (ledger.activities)


#: The workbook's number formats of dates and amounts.
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
#: Excel counts days from here (its day 60, 1900-02-29, never was; the dates a ledger holds come later).
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = range((date(1990, 1, 1) - _EXCEL_EPOCH).days, (date(2101, 1, 1) - _EXCEL_EPOCH).days)
#: The unit a money field's label names, dropped where the amount states its own (金额（元） → 金额 … 万元).
_YUAN_IN_LABEL = re.compile(r"\s*[（(]元[)）]\s*$")


# Words -----------------------------------------------------------------------------------------------------


class TextValues(FieldValues):
    searched = True
    #: Whether the value keeps the lines typed in it; names are one line.
    lines = True

    def problem(self, value: Any) -> str | None:
        return text_problem(value, self.field.max_length, lines=self.lines)


class PersonValues(TextValues):
    lines = False

    def shown_by_default(self, *, deleted: bool) -> bool:
        return True


class UnitValues(TextValues):
    lines = False


class PairingValues(TextValues):
    lines = False
    searched = False
    stored_in = "pairing"


class _PersonalNumberValues(FieldValues):
    """A personal number: text in the workbook (or Excel rounds an 18-digit ID number and drops a phone's leading
    zero), masked but for its first `shown_head` and last four digits."""

    number_format, cell_alignment = "@", "center"
    shown_head: int
    normalized: Callable[[str], str]
    problem_of: Callable[[str], str | None]

    def normalize(self, value: Any) -> Any:
        value = super().normalize(value)
        return self.normalized(value) if isinstance(value, str) else value

    def problem(self, value: Any) -> str | None:
        return self.problem_of(str(value))

    def masked(self, text: str) -> str:
        return text[: self.shown_head] + "*" * (len(text) - self.shown_head - 4) + text[-4:]


class IdNumberValues(_PersonalNumberValues):
    cell_width, shown_head = 20, 4
    normalized, problem_of = staticmethod(normalize_id_number), staticmethod(id_number_problem)

    def from_cell(self, raw: Any, text: str) -> Any:
        if isinstance(raw, int | float) and raw >= 1e15:
            raise ValueError("Excel 把身份证号存成了数字，后几位已经丢失：请把这一列设为“文本”，再重新填写")
        return super().from_cell(raw, text)


class PhoneValues(_PersonalNumberValues):
    cell_width, shown_head = 14, 3
    normalized, problem_of = staticmethod(normalize_phone), staticmethod(phone_problem)


# What a record is: a choice, yes or no ---------------------------------------------------------------------


class ChoiceValues(FieldValues):
    selects = True
    cell_width, cell_alignment = 8, "center"

    def problem(self, value: Any) -> str | None:
        return None if value in self.field.choices else f"只能是：{'、'.join(self.field.choices)}"

    def from_cell(self, raw: Any, text: str) -> Any:
        return super().from_cell(raw, unicodedata.normalize("NFKC", text))  # 调研对接／互访 with a full-width slash

    def offered(self) -> tuple[str, ...]:
        return self.field.choices

    def shown_by_default(self, *, deleted: bool) -> bool:
        return self.field.required

    def table_width(self, em: int, advance: Callable[[str], int]) -> int:
        if not self.field.choices:
            return super().table_width(em, advance)
        # Wide enough for the usual choices; a long one (致富带头人/乡村振兴人才培训) is cut short, not the 事项.
        return em * (min(max(len(self.field.label), *(len(choice) for choice in self.field.choices)), 8) + 2)

    def selected(self, value: Any) -> Any:
        """The value as a framework's selector compares it with what it accepts."""
        return value

    def accepted_json(self, accepted: tuple[Any, ...]) -> Any:
        return list(accepted)

    def accepted_text(self, accepted: tuple[Any, ...]) -> str:
        return "、".join("未填写" if value is None else value for value in accepted)

    def accepted_from_json(self, value: Any) -> tuple[Any, ...]:
        """What a framework's template accepts of the field; raises ValueError in Chinese."""
        field = self.field
        # None stands for a field left empty, which only an optional field can be.
        allowed = (*field.choices, *(() if field.required else (None,)))
        if not isinstance(value, list) or not value:
            raise ValueError(f"{field.label}（{field.name}）应是选项列表，如 {_json_text(list(field.choices[:1]))}")
        wrong = [item for item in value if item not in allowed]
        if wrong:
            choices = "、".join(field.choices) + ("，或 null（未填写）" if not field.required else "")
            named = "、".join(map(_json_text, wrong))
            raise ValueError(f"{field.label}（{field.name}）没有选项 {named}，可选：{choices}")
        return tuple(value)


class BoolValues(FieldValues):
    selects = True
    cell_width, cell_alignment = 8, "center"

    def _parse(self, text: str) -> Any:
        return parse_bool(text)

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else "应填“是”或“否”"

    def _display(self, value: Any) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        return super()._display(value)

    def _from_json(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        raise self.wrong_type(value)

    def _cell(self, value: Any) -> Any:
        return "是" if value else "否"

    def offered(self) -> tuple[str, ...]:
        return ("是", "否")

    def selected(self, value: Any) -> Any:
        return bool(value)  # an unanswered yes/no is a no

    def accepted_json(self, accepted: tuple[Any, ...]) -> Any:
        return accepted[0]

    def accepted_text(self, accepted: tuple[Any, ...]) -> str:
        return "是" if accepted[0] else "否"

    def accepted_from_json(self, value: Any) -> tuple[Any, ...]:
        if not isinstance(value, bool):
            raise ValueError(f"{self.field.label}（{self.field.name}）应写 true 或 false，现为 {_json_text(value)}")
        return (value,)


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# Dates, counts and amounts ---------------------------------------------------------------------------------


class DateValues(FieldValues):
    cell_width, number_format, cell_alignment = 12, DATE_FORMAT, "center"
    computable = True

    def _parse(self, text: str) -> Any:
        return parse_date(text)

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, date):
            return "应为日期"
        if not 1990 <= value.year <= 2100:
            return "年份不在 1990—2100 之间，请核对"
        return None

    def _from_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return date.fromisoformat(value)
        raise self.wrong_type(value)

    def from_cell(self, raw: Any, text: str) -> Any:
        if isinstance(raw, str):
            return super().from_cell(raw, text)
        if isinstance(raw, datetime):
            return raw.date()  # a date typed with a time of day
        if isinstance(raw, date):
            return raw
        if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
            if int(raw) in _SERIALS:
                return _EXCEL_EPOCH + timedelta(days=int(raw))  # a date in a cell formatted as a number
            return parse_date(str(int(raw)))  # 20200512
        raise ValueError(f"无法识别的日期：{text}（应写作 2020-05-12 或 2020年5月12日）")

    def table_width(self, em: int, advance: Callable[[str], int]) -> int:
        return max(advance("2020-12-31") + em, em * (len(self.field.label) + 2))


class NumberValues(FieldValues):
    """Counts and amounts: they add up, and a workbook may work them out with a formula."""

    adds_up = True
    cell_alignment = "right"
    computable = True

    def sort_key(self, value: Any) -> float | str:
        return float(value) if value is not None else float("-inf")

    def total_text(self, total: Decimal | int, *, bold: bool = False) -> str:
        """The sum of the field's values as the window states it (the figure in bold, for rich text)."""
        figure = f"{int(total):,}"
        return f"{self.field.label} {_bold(figure) if bold else figure}"


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


class IntValues(NumberValues):
    cell_width, number_format = 8, "0"

    def _parse(self, text: str) -> Any:
        return parse_int(text)

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return "应为整数"
        if value < 0:
            return "不能为负数"
        if self.field.name == "year" and not 1990 <= value <= 2100:
            return "年度应在 1990—2100 之间"
        return None

    def _from_json(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise self.wrong_type(value)

    def shown_by_default(self, *, deleted: bool) -> bool:
        return not deleted and self.field.name != "year"

    def table_width(self, em: int, advance: Callable[[str], int]) -> int:
        # Small numbers under a label that may be long: the header's tooltip has it all.
        return em * (min(len(self.field.label), 4) + 2)


class MoneyValues(NumberValues):
    money = True
    cell_width, number_format = 16, MONEY_FORMAT

    def _parse(self, text: str) -> Any:
        return parse_money(text)

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, Decimal | int):
            return "应为金额"
        try:
            to_money(value)
        except ValueError as error:
            return str(error)
        return None

    def _display(self, value: Any) -> str:
        if isinstance(value, Decimal):
            try:
                return format_money(value)
            except ValueError:
                return str(value)
        return super()._display(value)

    def shown(self, value: Any) -> str:
        """In yuan with thousands separators: 1,300,000.00."""
        if isinstance(value, Decimal) and value.is_finite():
            return format_money(value, grouped=True)
        return self.display(value)

    def plain(self, value: Any) -> str | None:
        return format_money(value) if isinstance(value, Decimal) else None

    def read_back(self, value: Any) -> str:
        if not isinstance(value, Decimal):
            return ""
        return f"＝ {format_money(value, grouped=True)} 元（{format_wan(value)}）"

    def logged(self, value: Any) -> str | None:
        """As the window shows it (1,300,000.00); the log keeps it plain (1300000.00)."""
        try:
            return format_money(Decimal(str(value)), grouped=True)
        except (InvalidOperation, ValueError):
            return None  # not an amount (an empty value): said as it is

    def _from_json(self, value: Any) -> Any:
        if isinstance(value, str | int) and not isinstance(value, bool):
            return to_money(value)
        raise self.wrong_type(value)

    def total_text(self, total: Decimal | int, *, bold: bool = False) -> str:
        """In 万元 with two decimals, after the label less its own unit, which the figure states: 金额 260.00 万元."""
        figure = f"{total / 10000:,.2f}"
        return f"{_YUAN_IN_LABEL.sub('', self.field.label)} {_bold(figure) if bold else figure} 万元"

    def shown_by_default(self, *, deleted: bool) -> bool:
        return True

    def table_width(self, em: int, advance: Callable[[str], int]) -> int:
        return max(advance("99,999,999.99") + em, em * (len(self.field.label) + 2))


VALUES: dict[FieldType, type[FieldValues]] = {
    FieldType.TEXT: TextValues,
    FieldType.DATE: DateValues,
    FieldType.INT: IntValues,
    FieldType.MONEY: MoneyValues,
    FieldType.CHOICE: ChoiceValues,
    FieldType.BOOL: BoolValues,
    FieldType.PERSON: PersonValues,
    FieldType.UNIT: UnitValues,
    FieldType.UNITS: UnitsValues,
    FieldType.PAIRING: PairingValues,
    FieldType.ID_NUMBER: IdNumberValues,
    FieldType.PHONE: PhoneValues,
    FieldType.ENTRIES: EntriesValues,
}
