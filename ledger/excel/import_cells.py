"""Cells of an imported workbook as calamine reads them (text, numbers, dates, booleans), turned into field
values the way Excel shows them, and quoted in mistakes as their users see them. The reverse, a value put into
a cell by the export, is `ledger.excel.sheets.cell_value`.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ledger.fields import Field, FieldType
from ledger.validation import parse_field
from ledger.values import parse_date

#: Why a formula in a text field is a mistake; the first with what the formula shows.
FORMULA_IN_TEXT = "这一格是公式，不是文字：表中显示的“{shown}”是公式算出的，不会导入。"
FORMULA_IN_TEXT_EMPTY = "这一格是公式，不是文字。"
TYPE_TEXT = "请直接填写文字（以 = 开头的文字，先输入英文单引号 '）"
#: The most characters of a cell quoted in a mistake.
QUOTED = 60
#: Excel counts days from here (its day 60, 1900-02-29, never was; the dates a ledger holds come later).
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = range((date(1990, 1, 1) - _EXCEL_EPOCH).days, (date(2101, 1, 1) - _EXCEL_EPOCH).days)


def cell_value(field: Field, raw: Any) -> Any:
    """The value of `field` in a cell as calamine reads it (text, float, int, bool, date, datetime, time);
    raises ValueError with the reason in Chinese. Numbers are read as Excel shows them, to 15 significant
    digits: past them a formula's result carries float noise (3703.6800000000003), not fractions of a fen."""
    if not isinstance(raw, str):
        if field.type is FieldType.DATE:
            return _date(raw)
        if field.type is FieldType.ID_NUMBER and isinstance(raw, int | float) and raw >= 1e15:
            raise ValueError("Excel 把身份证号存成了数字，后几位已经丢失：请把这一列设为“文本”，再重新填写")
        raw = cell_text(raw)
    if field.type is FieldType.CHOICE:
        raw = unicodedata.normalize("NFKC", raw)  # 调研对接／互访 typed with a full-width slash
    return parse_field(field, raw)


def formula_in_text(formula: str, raw: Any) -> tuple[str, str]:
    """A formula in a text field as a mistake: (the formula, why, with what it shows)."""
    shown = cell_text(raw)
    reason = FORMULA_IN_TEXT.format(shown=quoted(shown)) if shown else FORMULA_IN_TEXT_EMPTY
    return quoted(formula), reason + TYPE_TEXT


def quoted(text: str) -> str:
    return text if len(text) <= QUOTED else f"{text[:QUOTED]}…"


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()  # a date typed with a time of day
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        if int(raw) in _SERIALS:
            return _EXCEL_EPOCH + timedelta(days=int(raw))  # a date in a cell formatted as a number
        return parse_date(str(int(raw)))  # 20200512
    raise ValueError(f"无法识别的日期：{cell_text(raw)}（应写作 2020-05-12 或 2020年5月12日）")


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
