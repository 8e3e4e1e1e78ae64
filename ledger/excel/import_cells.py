"""Cells of an imported workbook as calamine reads them (text, numbers, dates, booleans), turned into field
values the way Excel shows them, and quoted in mistakes as their users see them. Each field's type reads its own
cells (`FieldValues.from_cell`) and says how the export writes them (`FieldValues.cell`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger.fields import Field

#: Why a formula in a text field is a mistake; the first with what the formula shows.
FORMULA_IN_TEXT = "这一格是公式，不是文字：表中显示的“{shown}”是公式算出的，不会导入。"
FORMULA_IN_TEXT_EMPTY = "这一格是公式，不是文字。"
TYPE_TEXT = "请直接填写文字（以 = 开头的文字，先输入英文单引号 '）"
#: The most characters of a cell quoted in a mistake.
QUOTED = 60


def cell_value(field: Field, raw: Any) -> Any:
    """The value of `field` in a cell as calamine reads it (text, float, int, bool, date, datetime, time);
    raises ValueError with the reason in Chinese. Numbers are read as Excel shows them, to 15 significant
    digits: past them a formula's result carries float noise (3703.6800000000003), not fractions of a fen."""
    return field.values.from_cell(raw, raw if isinstance(raw, str) else cell_text(raw))


def formula_in_text(formula: str, raw: Any) -> tuple[str, str]:
    """A formula in a text field as a mistake: (the formula, why, with what it shows)."""
    shown = cell_text(raw)
    reason = FORMULA_IN_TEXT.format(shown=quoted(shown)) if shown else FORMULA_IN_TEXT_EMPTY
    return quoted(formula), reason + TYPE_TEXT


def quoted(text: str) -> str:
    return text if len(text) <= QUOTED else f"{text[:QUOTED]}…"


def cell_text(raw: Any) -> str:
    """A cell as its user reads it: numbers as Excel shows them, dates as ISO dates."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, int | float):
        return f"{Decimal(f'{raw:.15g}'):f}"  # Excel's 15 significant digits, whole numbers without ".0"
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return "" if raw is None else str(raw)
