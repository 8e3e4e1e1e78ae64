"""Reading and writing field values as people type them: dates, money, counts, yes/no.

The command line, the Excel import and the window all accept the forms clerks actually use
(2020年5月12日, 260万元, 是), so the rules live here once. Parsers raise ValueError with a Chinese
message that can be shown as it is.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(text: str) -> date:
    """A calendar date from 2020-05-12, 2020/5/12, 2020.5.12, 2020年5月12日 or 20200512."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(cleaned)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueError(f"没有这一天：{text}") from None
    raise ValueError(f"无法识别的日期：{text}（应写作 2020-05-12 或 2020年5月12日）")


_MONEY_PATTERN = re.compile(r"^([+-]?[\d,]*\.?\d*)\s*(亿|万)?\s*元?$")
_MONEY_SCALE = {None: Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000)}


def parse_money(text: str) -> Decimal:
    """An exact amount in yuan from "2,600,000.00", "260万元", "260万", "¥1000" or "3亿"."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(" ", "").lstrip("¥￥")
    match = _MONEY_PATTERN.match(cleaned)
    digits = match.group(1).replace(",", "") if match else ""
    if not match or not re.search(r"\d", digits):
        raise ValueError(f"无法识别的金额：{text}（应写作 2600000.00 或 260万元）")
    try:
        amount = Decimal(digits) * _MONEY_SCALE[match.group(2)]
    except InvalidOperation:
        raise ValueError(f"无法识别的金额：{text}") from None
    return to_money(amount, original=text)


#: The largest amount a ledger holds: far above any cooperation's funds, and its fen well inside 64 bits.
MOST_MONEY = Decimal(10) ** 12


def to_money(amount: Decimal | int | str, *, original: object = None) -> Decimal:
    """`amount` as yuan with exactly two decimals; refuses fractions of a fen instead of rounding, and amounts
    no ledger holds (a pasted ID number), whose fen would not fit the database's integer either."""
    shown = quoted(original if original is not None else amount)
    try:
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"无法识别的金额：{shown}") from None
    if not value.is_finite():
        raise ValueError(f"无法识别的金额：{shown}")
    if abs(value) >= MOST_MONEY:
        raise ValueError(f"金额超过 1 万亿元，请检查是否填错：{shown}")
    quantized = value.quantize(FEN, rounding=ROUND_HALF_UP)
    if quantized != value:
        raise ValueError(f"金额最多精确到分：{shown}")
    return quantized


def money_to_fen(amount: Decimal) -> int:
    return int(to_money(amount) * 100)


def fen_to_money(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def format_money(amount: Decimal, *, grouped: bool = False) -> str:
    """Yuan with two decimals: 1300000.00, the form used in JSON and the audit log; `grouped` for reading in the
    window: 1,300,000.00 (parse_money reads it back)."""
    return format(to_money(amount), ",.2f" if grouped else ".2f")


def format_wan(amount: Decimal) -> str:
    """Yuan shown as 万元 with up to four decimals, trailing zeros dropped: 2600000 → 260万元."""
    wan = (to_money(amount) / 10_000).quantize(Decimal("0.0001"))
    text = f"{wan:f}".rstrip("0").rstrip(".")
    return f"{text}万元"


_TRUE = {"是", "有", "true", "yes", "y", "1", "√", "✓", "t"}
_FALSE = {"否", "无", "false", "no", "n", "0", "×", "✗", "f"}


def parse_bool(text: str) -> bool:
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise ValueError(f"应填“是”或“否”：{text}")


_INT_PATTERN = re.compile(r"^([+-]?\d[\d,]*)\s*(人次|人|名|次|期|场次|场|个|天|日)?$")


def parse_int(text: str) -> int:
    """A whole number, allowing grouping commas and a trailing unit as in "250人次"."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _INT_PATTERN.match(cleaned)
    if not match:
        raise ValueError(f"应为整数：{text}")
    return int(match.group(1).replace(",", ""))


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal or a spreadsheet: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Text: one check for every value that holds words --------------------------------------------------------

#: How many characters of a value a message quotes; the rest is cut with “…”.
QUOTED = 60
#: Lengths of values whose field spec gives none.
NAME_LENGTH = 200  # a unit, a place of a pairing, a person stamping a change, a file's name
CAPTION_LENGTH = 500
UNIT_NAME_LENGTH = 100

# C0 and C1 control characters, DEL, lone surrogates (invalid UTF-8 read with surrogateescape, or "\ud800" in
# JSON) and the two non-characters XML refuses: none can be written to a workbook, a PDF or an XML part, so a
# value holding one would break every later output. A tab and a line break are words' own, where lines are.
_UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_UNWRITABLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def text_problem(text: object, max_length: int, *, lines: bool = True) -> str | None:
    """Why `text` cannot be kept as a value of at most `max_length` characters, in Chinese; None when it can.
    With `lines` False (names), a tab or a line break is refused too. The one check every way in uses: the form,
    the command line, a workbook, a package."""
    if not isinstance(text, str):
        return "应为文字"
    if len(text) > max_length:
        return f"过长（{len(text)}字，最多{max_length}字）"
    found = (_UNWRITABLE if lines else _UNWRITABLE_LINE).search(text)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    if "\ud800" <= found.group() <= "\udfff" or found.group() in "\ufffe\uffff":
        return f"含有无法识别的字符 {code}（可能是编码错误），请删去"
    if not lines and found.group() in "\t\n\r":
        return "不能含有换行或制表符"
    return f"含有控制字符 {code}，请删去"


def quoted(value: object, limit: int = QUOTED) -> str:
    """`value` as a message quotes it: at most `limit` characters (cut with “…”), characters that cannot be
    shown replaced by “�” (a control character could clear a terminal; a lone surrogate cannot be printed)."""
    text = value if isinstance(value, str) else str(value)
    cut = len(text) > limit
    text = _UNWRITABLE.sub("\ufffd", text[:limit])
    return f"{text}…" if cut else text
