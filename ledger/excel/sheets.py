"""The layout of the Excel ledger (台账), shared by the export and the import so a workbook comes back.

Each record kind has a sheet named in Chinese. Its header row holds 序号, then the label of every field of
the kind's spec in the spec's order, then 记录编号 (the record id) last, outside the print area. Rows above
the header (title, date line) and a 合计 row below the data are for people; the import finds the header by
its labels and skips them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ledger.fields import Field, KindSpec
from ledger.kinds import KINDS

#: 会议与互访台账, 干部挂职台账 …: each kind's label, as offices name their ledgers.
SHEET_NAMES = {kind: f"{spec.label}台账" for kind, spec in KINDS.items()}
KIND_OF_SHEET = {name: kind for kind, name in SHEET_NAMES.items()}
PROGRESS_SHEET = "指标完成情况"
EVIDENCE_SHEET = "佐证材料"

SEQ_HEADER = "序号"
ID_HEADER = "记录编号"
TOTAL_LABEL = "合计"

#: Fields whose column gets a total: money, and the counts that add up (not the year).
_NOT_SUMMED = {"year"}


def summed(field: Field) -> bool:
    return field.values.adds_up and field.name not in _NOT_SUMMED


def header_key(text: Any) -> str:
    """A header cell as compared: "金额\n（元）", "金额(元)" and "*金额（元）" all name the same column."""
    key = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s*＊]", "", key)


def column_of_header(spec: KindSpec) -> dict[str, Field]:
    """The field each header text names: its label, or its name as the command line writes it."""
    found: dict[str, Field] = {}
    for field in spec.fields:
        found[header_key(field.name)] = field
        # "金额" names 金额（元） as well, unless another label is exactly that.
        found.setdefault(re.sub(r"\(.*\)$", "", header_key(field.label)), field)
    for field in spec.fields:
        found[header_key(field.label)] = field
    return found


def sheet_kind(name: str) -> str | None:
    """The kind a sheet holds, by its name; "干部挂职", "干部挂职台账 (2)" and "cadre" all say cadre."""
    key = re.sub(r"\s*\(\d+\)$", "", header_key(name))
    for kind, sheet in SHEET_NAMES.items():
        if key in (header_key(sheet), header_key(sheet).removesuffix("台账"), kind):
            return kind
    return None


#: What makes a spreadsheet take typed text for a formula (=1+1, +1, -1, @SUM(1)), also after blanks, tabs and
#: line breaks. The workbook writes all text as text whatever it starts with; these are also marked so that
#: text typed over in Excel stays text.
FORMULA_STARTS = ("=", "+", "-", "@")
_LEADING_BLANKS = " \t\r\n\u3000"


def looks_like_formula(text: str) -> bool:
    return text.lstrip(_LEADING_BLANKS)[:1] in FORMULA_STARTS if text else False
