from datetime import date
from decimal import Decimal

import pytest
from excel_samples import header
from hostile_samples import row, write_xlsx
from samples import VALID
from sqlalchemy import func, select

from ledger import evidence, evidence_store, records
from ledger.cli.main import main
from ledger.errors import InvalidInput
from ledger.excel.sheets import SHEET_NAMES
from ledger.identity import id_check_char, id_number_problem, normalize_phone, phone_problem
from ledger.models import Record
from ledger.storage.folder import Ledger
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
    quoted,
    text_problem,
    to_money,
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


# One check for every value that holds words ----------------------------------------------------------------


def test_text_is_checked_in_one_place_for_controls_surrogates_and_length():
    assert text_problem("鹤山市扶贫办", 100) is None
    assert text_problem("第一行\n第二行\t完", 100) is None
    assert text_problem("鹤山\x07", 100) == "含有控制字符 U+0007，请删去"
    assert text_problem("\x85", 100) == "含有控制字符 U+0085，请删去"
    assert text_problem("会议\ud800", 100) == "含有无法识别的字符 U+D800（可能是编码错误），请删去"
    assert text_problem("甲\n乙", 100, lines=False) == "不能含有换行或制表符"
    assert text_problem("字" * 101, 100) == "过长（101字，最多100字）"
    assert text_problem(3, 100) == "应为文字"
    assert quoted("字" * 70) == "字" * 60 + "…"
    assert quoted("会场\x1b[2J照片\ud800") == "会场\ufffd[2J照片\ufffd"


def test_a_control_character_in_the_responsible_units_is_refused(session):
    values = {**VALID["meeting"], "responsible_units": ["鹤山市扶贫办", "龙州县\x07扶贫办"]}
    with pytest.raises(InvalidInput) as refused:
        records.add_record(session, "meeting", values)
    assert str(refused.value) == (
        "输入有误，未作任何修改：\n"
        "  责任单位（responsible_units）“鹤山市扶贫办、龙州县\ufffd扶贫办”："
        "单位名称“龙州县\ufffd扶贫办”含有控制字符 U+0007，请删去"
    )


def test_a_lone_surrogate_is_refused_in_any_text(session):
    with pytest.raises(InvalidInput) as refused:
        records.add_record(session, "meeting", {**VALID["meeting"], "title": "联席会议\ud800"})
    assert str(refused.value) == (
        "输入有误，未作任何修改：\n  事项（title）“联席会议\ufffd”：含有无法识别的字符 U+D800（可能是编码错误），请删去"
    )
    with pytest.raises(InvalidInput, match="U\\+DC80"):
        records.add_record(session, "meeting", {**VALID["meeting"], "lead": "张\udc80三"})


def test_a_message_quotes_at_most_sixty_characters_of_a_value(session):
    with pytest.raises(InvalidInput) as refused:
        records.add_record(session, "meeting", {**VALID["meeting"], "summary": "内容" * 3000})
    assert str(refused.value) == (
        f"输入有误，未作任何修改：\n  主要内容（summary）“{'内容' * 30}…”：过长（6000字，最多5000字）"
    )


def test_a_pairing_name_with_a_control_character_is_refused(session):
    with pytest.raises(InvalidInput) as refused:
        records.add_pairing(session, "鹤山\x00市", "龙州县")
    assert "东部地名" in str(refused.value) and "含有控制字符 U+0000，请删去" in str(refused.value)
    with pytest.raises(InvalidInput, match="过长"):
        records.add_pairing(session, "鹤山市", "龙" * 201)
    assert "鹤山\x00市—龙州县" not in records.pairing_names(session)


def test_an_attachment_caption_with_a_nul_is_refused(ledger, session, tmp_path):
    from PIL import Image

    photo = tmp_path / "会场.jpg"
    Image.new("RGB", (64, 48), (90, 90, 160)).save(photo, "JPEG")
    record = records.add_record(session, "meeting", VALID["meeting"])
    with pytest.raises(InvalidInput) as refused:
        evidence.attach(session, ledger.evidence_dir, record, [photo], caption="会场\x00全景")
    assert str(refused.value) == (
        "输入有误，未作任何修改：\n  说明（caption）“会场\ufffd全景”：含有控制字符 U+0000，请删去"
    )
    assert evidence_store.stored_files(ledger.evidence_dir) == []
    with pytest.raises(InvalidInput, match="过长（600字，最多500字）"):
        evidence.attach(session, ledger.evidence_dir, record, [photo], caption="字" * 600)
    [attachment] = evidence.attach(session, ledger.evidence_dir, record, [photo], caption="会场全景")
    with pytest.raises(InvalidInput, match="U\\+D800"):
        evidence.update_attachment(session, attachment, caption="会场\ud800")
    assert attachment.caption == "会场全景"


def test_a_workbook_row_with_a_control_character_in_the_units_is_a_mistake(ledger_path, tmp_path, capsys):
    columns = header("meeting")
    typed = {"事项": "工作推进会", "日期": "2020-05-06", "会议类型": "工作推进会", "结对关系": "鹤山市—龙州县"}
    typed["责任单位"] = "鹤山市扶贫办、龙州县\x07扶贫办"
    book = tmp_path / "台账.xlsx"
    write_xlsx(book, SHEET_NAMES["meeting"], [row(1, columns), row(2, [1, *(typed.get(h, "") for h in columns[1:])])])
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        before = session.scalar(select(func.count()).select_from(Record))
    assert main(["--ledger", str(ledger_path), "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert "责任单位" in err and "含有控制字符 U+0007" in err and "未导入任何内容" in err, err
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        assert session.scalar(select(func.count()).select_from(Record)) == before
    assert main(["--ledger", str(ledger_path), "export", str(tmp_path / "导出.xlsx")]) == 0


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("110101199003071234", "金额超过 1 万亿元，请检查是否填错：110101199003071234"),  # an ID number pasted
        ("9" * 27, f"金额超过 1 万亿元，请检查是否填错：{'9' * 27}"),
        ("1000000000000", "金额超过 1 万亿元，请检查是否填错：1000000000000"),
    ],
)
def test_an_amount_no_ledger_holds_is_refused_in_words_not_with_an_overflow(typed, said):
    with pytest.raises(ValueError) as refused:
        parse_money(typed)
    assert str(refused.value) == said
    assert parse_money("999999999999.99") == Decimal("999999999999.99")


def test_money_from_a_package_that_is_no_number_is_refused_in_words():
    for value in ("abc", object(), "Infinity"):
        with pytest.raises(ValueError, match="无法识别的金额"):
            to_money(value)
