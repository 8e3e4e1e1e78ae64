"""What the values of any field do unless its type says otherwise: read from text, checked, shown, stored as JSON,
written to a workbook cell, sorted and printed.

Each field type (`ledger.field_types`) is a subclass of `FieldValues` overriding what its values do differently,
so a type's behaviour is found in one class rather than decided again wherever a value is handled. A field reaches
its own as `field.values`, bound to the field for its label, choices and lengths. The defaults are those of a
value kept as words; the empty value (None, or [] for a list) is dealt with here, so the types see only values.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ledger.values import format_money, quoted

if TYPE_CHECKING:
    from ledger.fields import Field


class FieldValues:
    """The values of one field. Types that select records for an assessment framework (`selects`) also answer
    `selected`, `accepted_json`, `accepted_text` and `accepted_from_json`."""

    #: Holds a list (units, dated entries): its empty value is [] rather than None.
    listed = False
    #: Amounts and counts: they add up in totals, sort as numbers and stand right-aligned.
    adds_up = False
    #: Sums of money: what the overview totals for each kind, in 万元.
    money = False
    #: Searched by words (the records' text search); names of pairings, choices and personal numbers are not.
    searched = False
    #: Where a record keeps the value: its kind's own "column", or its link to a "pairing" or to the "units"
    #: directory (`ledger.records`).
    stored_in = "column"
    #: Sorts records by what they are, for an assessment framework: only choices and yes/no do.
    selects = False
    #: The workbook's column: its width, number format and alignment ("wrap", "center" or "right").
    cell_width = 10
    number_format: str | None = None
    cell_alignment = "wrap"
    #: Whether a formula in a workbook may work the value out (a sum, a date): the import then takes the result it
    #: saved. Any other field is text, and a formula in its cell is a mistake.
    computable = False

    def __init__(self, field: Field):
        self.field = field

    # Reading and checking -----------------------------------------------------------------------------

    def empty(self) -> Any:
        return [] if self.listed else None

    def parse(self, text: str) -> Any:
        """The value written as `text`; empty text is the empty value. Raises ValueError in Chinese."""
        text = text.strip()
        return self._parse(text) if text else self.empty()

    def _parse(self, text: str) -> Any:
        return text

    def normalize(self, value: Any) -> Any:
        """One stored form per value: trimmed text, None for empty."""
        if isinstance(value, str):
            return value.strip() or None
        return value

    def problem(self, value: Any) -> str | None:
        """Why `value`, not empty, cannot be kept, in Chinese; None when it can."""
        return None

    # Showing ------------------------------------------------------------------------------------------

    def display(self, value: Any) -> str:
        """`value` as a person reads it, for messages and plain-text output."""
        return "" if value is None else self._display(value)

    def _display(self, value: Any) -> str:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return "、".join(str(item) for item in value)
        return str(value)

    def shown(self, value: Any) -> str:
        """`value` as the window shows it in a table or a form."""
        return self.display(value)

    def plain(self, value: Any) -> str | None:
        """The value as plain text where the window shows it otherwise (an amount grouped as 1,300,000.00 is
        1300000.00, which Excel and WPS read as a number and a filter finds as typed); None where it does not."""
        return None

    def one_line(self, text: str) -> str:
        """The shown text on a table's one line."""
        return text

    def read_back(self, value: Any) -> str:
        """What was read from the text typed, said under the field while typing; empty when it is plain."""
        return ""

    def masked(self, text: str) -> str:
        """The shown text as a printed binder gives it when personal data is protected."""
        return text

    def logged(self, value: Any) -> str | None:
        """The value as the audit log's words say it, from its JSON form; None: said as it is."""
        return None

    def sort_key(self, value: Any) -> float | str:
        """One type per column, so Qt compares keys itself instead of calling back into Python per comparison:
        numbers as floats (empty first), everything else as text (dates as ISO text sort as dates)."""
        if value is None:
            return ""
        if isinstance(value, list):
            return "、".join(map(str, value))
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    # JSON: the command line's output, the audit log and exchange packages ------------------------------

    def to_json(self, value: Any) -> Any:
        """`value` for JSON output and the audit log: dates as ISO text, money as yuan text with two decimals."""
        if value is None:
            return None
        if isinstance(value, Decimal):
            return format_money(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    def from_json(self, value: Any) -> Any:
        """The typed value `to_json` wrote; raises ValueError for a value of the wrong type."""
        return self.empty() if value is None else self._from_json(value)

    def _from_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        raise self.wrong_type(value)

    def wrong_type(self, value: Any) -> ValueError:
        return ValueError(f"{self.field.label}的值类型不对：{quoted(repr(value))}")

    # The workbook ---------------------------------------------------------------------------------------

    def cell(self, value: Any) -> Any:
        """The value as the workbook holds it: dates and numbers as themselves, the rest as text."""
        if value is None or value == []:
            return None
        return self._cell(value)

    def _cell(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | date):
            return value
        return str(value)

    def from_cell(self, raw: Any, text: str) -> Any:
        """The value of a cell as calamine reads it (`raw`: text, a number, a date, a boolean), `text` being the
        cell as its user reads it; raises ValueError with the reason in Chinese."""
        return self.parse(text)

    def offered(self) -> tuple[str, ...]:
        """The terms a workbook's drop-down list offers in the column; none: typed freely."""
        return ()

    # The window's table ---------------------------------------------------------------------------------

    def shown_by_default(self, *, deleted: bool) -> bool:
        """Whether the table shows the column until the user chooses otherwise (`deleted`: in the recycle bin)."""
        return False

    def table_width(self, em: int, advance: Callable[[str], int]) -> int:
        """The table column's first width, from the width of 中 and of a text in the table's font."""
        return max(em * (len(self.field.label) + 2), em * 5)
