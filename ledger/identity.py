"""Checks for the personal numbers recorded about cadres and dispatched staff.

A wrong ID number on an appointment ledger is found by the inspectors, not by the clerk; the
GB 11643-1999 check digit catches almost every typing slip, so it is checked whenever one is given.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalize_id_number(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").strip().upper()


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def id_number_problem(text: str) -> str | None:
    """Why `text` is not a valid 18-digit resident ID number, or None when it is."""
    number = normalize_id_number(text)
    if len(number) != 18:
        return f"身份证号应为18位，这里是{len(number)}位"
    if not _ID_PATTERN.match(number):
        return "身份证号只能由数字组成，最后一位可以是 X"
    if number[0] not in "12345678":
        return "身份证号的地区码不存在"
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"身份证号中的出生日期 {number[6:14]} 不存在"
    if not date(1900, 1, 1) <= birth <= date.today():
        return f"身份证号中的出生日期 {number[6:14]} 不合理"
    if id_check_char(number[:17]) != number[17]:
        return "身份证号校验位不对，请逐位核对"
    return None


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(text: str) -> str:
    """Drops spaces and the +86 prefix so one number is stored one way."""
    phone = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    phone = re.sub(r"^(\+86|0086)-?", "", phone)
    return re.sub(r"^(1\d{2})-(\d{4})-(\d{4})$", r"\1\2\3", phone)


def phone_problem(text: str) -> str | None:
    """Why `text` is neither a mobile number (11 digits) nor a landline with area code."""
    phone = normalize_phone(text)
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return None
    return "电话号码应为11位手机号，或带区号的座机号（如 0771-8812345）"
