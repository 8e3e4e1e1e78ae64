"""Deadlines as plans write them: each form the seeds use, and what cannot be read."""

from datetime import date, datetime

import pytest

from ledger.plans.deadlines import parse_deadline


@pytest.mark.parametrize(
    ("value", "deadline"),
    [
        ("2020年9月", date(2020, 9, 30)),
        ("2020 年 11 月", date(2020, 11, 30)),
        ("2020年 10月", date(2020, 10, 31)),
        ("2020 的 6 月", date(2020, 6, 30)),
        ("２０２０年２月", date(2020, 2, 29)),
        ("2020.9", date(2020, 9, 30)),
        ("2020-09", date(2020, 9, 30)),
        ("2020年6月30日", date(2020, 6, 30)),
        ("2020-06-30", date(2020, 6, 30)),
        ("2020年6月30日前", date(2020, 6, 30)),
        ("6月30日", date(2020, 6, 30)),
        ("11月前", date(2020, 11, 30)),
        ("7月前", date(2020, 7, 31)),
        ("9月底前完成", date(2020, 9, 30)),
        ("11月份", date(2020, 11, 30)),
        ("10月中旬", date(2020, 10, 20)),
        ("十一月底", date(2020, 11, 30)),
        ("1-11月", date(2020, 11, 30)),
        ("1 —11 月", date(2020, 11, 30)),
        ("2020年1-11月", date(2020, 11, 30)),
        ("3月至6月", date(2020, 6, 30)),
        ("2020年3月-2021年6月", date(2021, 6, 30)),
        ("年底前", date(2020, 12, 31)),
        ("2020年底", date(2020, 12, 31)),
        ("上半年", date(2020, 6, 30)),
        ("下半年", date(2020, 12, 31)),
        ("2020年上半年", date(2020, 6, 30)),
        ("第三季度", date(2020, 9, 30)),
        ("全年", date(2020, 12, 31)),
        ("年内完成", date(2020, 12, 31)),
        ("2020年", date(2020, 12, 31)),
        ("截至2020年10月", date(2020, 10, 31)),
        ("2020年9月\n2020年9月\n2020年6月", date(2020, 9, 30)),
        (datetime(2020, 6, 30, 0, 0), date(2020, 6, 30)),
        (date(2020, 7, 15), date(2020, 7, 15)),
        (9, date(2020, 9, 30)),
        (2020.0, date(2020, 12, 31)),
        (2020.6, date(2020, 6, 30)),
    ],
)
def test_deadline_forms(value, deadline):
    assert parse_deadline(value, 2020) == (deadline, None)


@pytest.mark.parametrize("value", [None, "", "  \n ", "长期", "持续推进", "常态化"])
def test_no_deadline_is_no_mistake(value):
    assert parse_deadline(value, 2020) == (None, None)


@pytest.mark.parametrize("value", ["按上级要求", "2020年13月", "2020年2月30日", "14", "待定", "2020年9月\n另行通知"])
def test_unreadable_deadline_gives_none_and_a_warning_naming_it(value):
    deadline, warning = parse_deadline(value, 2020)
    assert deadline is None
    assert "无法识别" in warning
    assert value.split("\n")[-1] in warning


def test_a_deadline_before_the_plans_year_is_kept_with_a_warning():
    assert parse_deadline("2019年11月", 2020) == (
        date(2019, 11, 30),
        "完成时限“2019年11月”早于计划年度（2020年），请核对",
    )
    assert parse_deadline("2021年6月", 2020) == (date(2021, 6, 30), None)
