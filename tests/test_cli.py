"""The `ledger` command, driven as a script would: its output, its JSON and its exit statuses."""

import json
import os
import subprocess
import sys

import pytest
from PIL import Image
from samples import ID_NUMBER
from samples import MEETING_ARGS as MEETING

from ledger.cli.main import main
from ledger.models import Setting
from ledger.storage.folder import Ledger
from ledger.values import display_width

WRONG_ID = ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] == "0" else "0")


def _add_meeting(run) -> str:
    status, out, err = run("add", "meeting", *MEETING)
    assert status == 0, err
    return out.strip()


def test_add_prints_the_id_and_list_json_has_every_field(run):
    record_id = _add_meeting(run)
    status, out, _ = run("list", "meeting", "--json")
    assert status == 0
    [listed] = json.loads(out)
    assert listed["id"] == record_id and listed["kind"] == "meeting"
    assert listed["pairing"] == "鹤山市—龙州县"  # the ledger's only pairing is the default
    assert listed["date"] == "2020-04-20" and listed["year"] == 2020
    assert listed["main_leader_present"] is True
    assert listed["responsible_units"] == ["鹤山市扶贫办", "龙州县扶贫办"]
    assert listed["lead"] is None


def test_money_comes_out_as_yuan_text_with_two_decimals(run):
    status, out, err = run(
        "add", "disbursement", "--json",
        "--set", "title=拨付财政帮扶资金", "--set", "fund_type=财政援助资金", "--set", "fund_level=县区",
        "--set", "amount=260万元", "--set", "date=2020-03-10",
    )  # fmt: skip
    assert status == 0, err
    assert json.loads(out)["amount"] == "2600000.00"


def test_a_ties_activities_typed_on_one_line_are_shown_a_line_each_and_found_by_their_words(run):
    status, out, err = run(
        "add", "tie", "--json",
        "--set", "level=医院", "--set", "east_party=鹤山市人民医院", "--set", "west_party=龙州县人民医院",
        "--set", "date=2019-03-20", "--set", "year=2020",
        "--set", "activities=2020-09-08 专家义诊 300人次；2020-05-12 捐赠医疗设备 12万元",
    )  # fmt: skip
    assert status == 0, err
    added = json.loads(out)
    assert added["activities"] == ["2020-05-12 捐赠医疗设备 12万元", "2020-09-08 专家义诊 300人次"]
    shown = run("show", added["id"])[1].splitlines()
    first = next(n for n, line in enumerate(shown) if "帮扶活动" in line)
    assert shown[first].endswith("2020-05-12 捐赠医疗设备 12万元")
    assert shown[first + 1].strip() == "2020-09-08 专家义诊 300人次"
    label = shown[first][: shown[first].index("2020")]
    assert shown[first + 1].index("2020") == display_width(label)  # under the value, not the label
    assert [row["id"] for row in json.loads(run("list", "tie", "--search", "义诊", "--json")[1])] == [added["id"]]
    assert json.loads(run("list", "tie", "--search", "送教", "--json")[1]) == []


def test_invalid_input_names_every_problem_and_writes_nothing(run):
    status, out, err = run(
        "add", "cadre",
        "--set", "person_name=陈志强", "--set", "direction=南下", "--set", "start_date=2020-13-01",
        "--set", f"id_number={WRONG_ID}", "--set", "colour=红",
    )  # fmt: skip
    assert status == 1 and out == ""
    for expected in ("挂职方向（direction）“南下”", "没有这一天", "身份证号", "colour", "职级（rank）（空）：必须填写"):
        assert expected in err, expected
    assert json.loads(run("list", "cadre", "--json")[1]) == []


def test_update_show_and_history(run):
    record_id = _add_meeting(run)
    status, out, _ = run("update", record_id[:8], "--set", "held_in=西部", "--set", "lead=李明")
    assert status == 0 and "已修改 举办地" in out
    assert run("update", record_id, "--set", "lead=李明")[1].strip() == "没有变化"
    shown = json.loads(run("show", record_id, "--json")[1])
    assert (shown["held_in"], shown["lead"], shown["updated_by"]) == ("西部", "李明", "测试员")
    text = run("show", record_id)[1]
    assert "带队或主持领导" in text and "李明" in text
    history = run("history", record_id)[1].splitlines()
    assert [line.split()[3] for line in history] == ["update", "insert"]
    assert "测试员" in history[0]


def test_delete_and_restore_through_the_recycle_bin(run):
    record_id = _add_meeting(run)
    assert run("delete", record_id)[0] == 0
    assert json.loads(run("list", "meeting", "--json")[1]) == []
    assert [r["id"] for r in json.loads(run("list", "meeting", "--deleted", "--json")[1])] == [record_id]
    assert run("restore-deleted", record_id)[0] == 0
    assert [r["id"] for r in json.loads(run("list", "meeting", "--json")[1])] == [record_id]


def test_attach_then_check_passes_and_fails_after_tampering(run, ledger_path, tmp_path):
    record_id = _add_meeting(run)
    photo = tmp_path / "会场.jpg"
    Image.new("RGB", (320, 240), "white").save(photo)
    status, out, err = run("attach", record_id, str(photo), "--role", "照片", "--caption", "会场全景")
    assert status == 0, err
    [attachment] = json.loads(run("show", record_id, "--json")[1])["attachments"]
    assert (attachment["role"], attachment["caption"], attachment["width"]) == ("照片", "会场全景", 320)
    assert run("check")[0] == 0

    stored = ledger_path / "evidence" / attachment["path"]
    stored.write_bytes(stored.read_bytes()[:-1] + b"\0")
    status, out, err = run("check")
    assert status == 1 and str(stored) in out


def test_attach_without_a_role_guesses_each_file_s_type_from_its_name(run, tmp_path):
    record_id = _add_meeting(run)
    photo, minutes = tmp_path / "会场.jpg", tmp_path / "第一次联席会议纪要.pdf"
    Image.new("RGB", (320, 240), "white").save(photo)
    Image.new("RGB", (320, 240), "white").save(minutes)
    status, out, err = run("attach", record_id, str(photo), str(minutes))
    assert status == 0, err
    attachments = json.loads(run("show", record_id, "--json")[1])["attachments"]
    assert [(a["original_name"], a["role"]) for a in attachments] == [
        ("会场.jpg", "照片"),
        ("第一次联席会议纪要.pdf", "会议纪要"),
    ]


def test_attach_refuses_a_damaged_photo_and_stores_nothing(run, ledger_path, tmp_path):
    record_id = _add_meeting(run)
    photo = tmp_path / "会场.jpg"
    Image.new("RGB", (320, 240), "white").save(photo, quality=95)
    photo.write_bytes(photo.read_bytes()[: photo.stat().st_size * 2 // 3])
    status, out, err = run("attach", record_id, str(photo))
    assert status == 1 and "错误：未能添加 会场.jpg：图片数据不完整" in err
    assert json.loads(run("show", record_id, "--json")[1])["attachments"] == []
    assert not any(path.is_file() for path in (ledger_path / "evidence").rglob("*"))


def test_an_argument_in_another_encoding_is_one_sentence_and_exit_1(run):
    status, out, err = run("add", "meeting", "--set", "title=\udcff会议")
    assert status == 1 and out == ""
    assert err == (
        "错误：命令行参数不是有效的文字（编码不对）：title=\\xff会议。"
        "请把命令行窗口设为 UTF-8 编码（或直接输入，不要从其他编码的文件粘贴）后重试。\n"
    )


def test_missing_record_and_unknown_kind(run):
    status, _, err = run("show", "deadbeef")
    assert status == 1 and "没有编号为 deadbeef 的记录" in err
    with pytest.raises(SystemExit) as usage:
        run("list", "banquet")
    assert usage.value.code == 2


def test_init_with_a_pairing_and_the_pairing_command(tmp_path, capsys):
    path = tmp_path / "new"
    assert main(["init", str(path), "--pairing", "江门市江海区-大新县"]) == 0
    assert main(["--ledger", str(path), "pairing", "add", "鹤山市", "龙州县"]) == 0
    capsys.readouterr()
    assert main(["--ledger", str(path), "pairing", "list"]) == 0
    assert capsys.readouterr().out.split() == ["江门市江海区—大新县", "鹤山市—龙州县"]
    # With two pairings there is no default: the record must say which.
    assert main(["--ledger", str(path), "add", "meeting", *MEETING]) == 1
    assert "结对关系（pairing）（空）：必须填写" in capsys.readouterr().err


def test_demo_on_an_existing_ledger_is_left_alone(run, ledger_path):
    status, _, err = run("demo", str(ledger_path))
    assert status == 1 and "已经是一个台账" in err
    # A finished demo ledger is reused as it is, but only for the seed it was made from.
    with Ledger.open(ledger_path) as ledger, ledger.session() as session, session.begin():
        session.add(Setting(key="demo_seed", value="2020"))
    status, out, _ = run("demo", str(ledger_path))
    assert status == 0 and "示范台账已存在" in out
    status, _, err = run("demo", str(ledger_path), "--seed", "7")
    assert status == 1 and "种子 2020" in err and "新文件夹" in err
    assert "共 0 条" in run("list", "meeting")[1]


def test_fields_lists_the_spec(run):
    status, out, _ = run("fields", "disbursement")
    assert status == 0
    assert "amount" in out and "金额（元）" in out and "财政援助资金" in out


def test_config_author_is_used_when_none_is_given(ledger_path, capsys, monkeypatch):
    monkeypatch.delenv("XIEZUO_AUTHOR", raising=False)
    assert main(["--ledger", str(ledger_path), "config", "author", "李娟"]) == 0
    assert "李娟" in capsys.readouterr().out
    assert main(["--ledger", str(ledger_path), "add", "meeting", *MEETING, "--json"]) == 0
    record_id = json.loads(capsys.readouterr().out)["id"]
    main(["--ledger", str(ledger_path), "show", record_id, "--json"])
    assert json.loads(capsys.readouterr().out)["created_by"] == "李娟"


def test_the_installed_command_runs(ledger_path):
    """The console script itself, as a user types it, with the ledger from the environment."""
    environment = {**os.environ, "XIEZUO_LEDGER": str(ledger_path)}
    result = subprocess.run(
        [sys.executable, "-m", "ledger", "list", "meeting"], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0, result.stderr
    assert "共 0 条会议与互访记录" in result.stdout
