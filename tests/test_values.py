from datetime import date
from decimal import Decimal

import pytest

from ledger.identity import id_check_char, id_number_problem, normalize_phone, phone_problem
from ledger.values import (
    display_width,
    fen_to_money,
    format_money,
    format_wan,
    money_to_fen,
    parse_bool,
    parse_date,
    parse_int,
    parse_money,
)


@pytest.mark.parametrize(
    "text",
    ["2020-05-12", "2020/5/12", "2020.5.12", "2020年5月12日", "2020 年 5 月 12 日", "20200512", "２０２０-05-12"],
)
def test_dates_in_the_forms_clerks_type(text):
    assert parse_date(text) == date(2020, 5, 12)


@pytest.mark.parametrize("text", ["2020-02-30", "5月12日", "去年", "2020-13-01", ""])
def test_impossible_or_unreadable_dates_are_refused_in_chinese(text):
    with pytest.raises(ValueError, match="日期|没有这一天"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("2600000", "2600000.00"),
        ("2,600,000.00", "2600000.00"),
        ("260万元", "2600000.00"),
        ("260万", "2600000.00"),
        ("3亿元", "300000000.00"),
        ("¥1,234.5", "1234.50"),
        ("130.25万元", "1302500.00"),
        ("0.01", "0.01"),
    ],
)
def test_money_is_exact(text, yuan):
    assert parse_money(text) == Decimal(yuan)
    assert format_money(parse_money(text)) == yuan


@pytest.mark.parametrize("text", ["1.005", "abc", "万元", "1.2.3", "", "0.0000001万"])
def test_money_that_is_not_exact_or_not_money_is_refused(text):
    with pytest.raises(ValueError, match="金额"):
        parse_money(text)


def test_money_round_trips_through_fen_without_float():
    amount = Decimal("0.10") + Decimal("0.20")
    assert money_to_fen(amount) == 30
    assert fen_to_money(money_to_fen(Decimal("2600000.07"))) == Decimal("2600000.07")
    assert format_wan(Decimal("2600000")) == "260万元"
    assert format_wan(Decimal("1302500")) == "130.25万元"


def test_counts_bools_and_widths():
    assert parse_int("250人次") == 250
    assert parse_int("1,180") == 1180
    with pytest.raises(ValueError):
        parse_int("二百五")
    assert parse_bool("是") is True and parse_bool("否") is False and parse_bool("TRUE") is True
    with pytest.raises(ValueError):
        parse_bool("也许")
    assert display_width("鹤山ab") == 6


def _valid_id(first17="45142319850312001"):
    return first17 + id_check_char(first17)


def test_id_numbers_are_checked_by_gb11643():
    good = _valid_id()
    assert id_number_problem(good) is None
    assert id_number_problem(good.lower()) is None
    assert id_number_problem("11010519491231002X") is None  # the standard's own example
    wrong_digit = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位" in id_number_problem(wrong_digit)
    assert "18位" in id_number_problem(good[:15])
    assert "出生日期" in id_number_problem(_valid_id("45142319851332001"))
    assert "地区码" in id_number_problem(_valid_id("95142319850312001"))


@pytest.mark.parametrize("phone", ["13812345678", "+86 138 1234 5678", "138-1234-5678", "0771-8812345", "07718812345"])
def test_phone_numbers_accepted(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["12345678", "1381234567", "23812345678", "电话"])
def test_bad_phone_numbers_refused(phone):
    assert phone_problem(phone) is not None


def test_phone_numbers_are_stored_one_way():
    assert normalize_phone("+86 138-1234-5678") == "13812345678"
