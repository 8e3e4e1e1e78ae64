"""The audit log in words, searched: the same reading for the window's 修改记录 and `ledger history --search`."""

from samples import VALID

from ledger import records
from ledger.audit_log import read_log, summary
from ledger.cli.main import main
from ledger.settings import write_settings
from ledger.storage.folder import Ledger


def test_the_log_tells_each_change_in_words_and_finds_it_by_two_character_words(ledger_path, capsys):
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        record = records.add_record(session, "meeting", {**VALID["meeting"], "title": "联席会议"})
        session.commit()
        session.info["author"] = "王海"
        records.update_record(session, record, {"location": "龙州县会议室"})
        records.delete_record(session, record)
        session.commit()

        [change] = read_log(session, ["王海", "地点"])
        assert (change.author, change.action, change.what) == ("王海", "修改", "会议与互访“联席会议”（在回收站）")
        assert change.summary.endswith("→ 龙州县会议室") and change.record == ("meeting", record.id)
        assert [line.action for line in read_log(session, ["联席"])] == ["删除", "修改", "新增"]
        assert [line.summary for line in read_log(session, ["删除"])] == ["移入回收站"]
        assert read_log(session, ["联席"], offset=1, limit=1)[0].action == "修改"
        assert read_log(session, ["没有这个词"]) == []

    assert main(["--ledger", str(ledger_path), "history", "--search", "王海 地点"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2 and "王海" in printed[1] and "龙州县会议室" in printed[1]


def test_money_in_the_log_is_grouped_as_the_window_shows_it():
    changes = {"amount": ["1300000.00", "1250000.50"], "voucher_no": [None, "鹤财〔2020〕12号"]}
    assert summary("update", "record", "disbursement", changes) == (
        "金额（元）：1,300,000.00 → 1,250,000.50；拨付文号或凭证号：（空） → 鹤财〔2020〕12号"
    )


def test_a_changed_setting_is_told_by_its_name(ledger_path):
    with Ledger.open(ledger_path, author="王五") as ledger, ledger.session() as session, session.begin():
        write_settings(session, {"compiling_unit": "龙州县乡村振兴局", "mask_personal": "否"})
    with Ledger.open(ledger_path) as ledger, ledger.session() as session:
        lines = read_log(session, [])
    assert [(line.author, line.action, line.what, line.summary) for line in lines[:2]] == [
        ("王五", "修改", "台账设置", "佐证材料中身份证号、电话默认打码：（空） → 否"),
        ("王五", "修改", "台账设置", "编制单位：（空） → 龙州县乡村振兴局"),
    ]
