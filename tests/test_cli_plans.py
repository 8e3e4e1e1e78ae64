"""`ledger plan …`, `measures`, `framework` and `progress` driven as a script would, on seed 002's task list."""

import json

import pytest
from plan_samples import (
    GUANGZHOU_QIANNAN_2018,
    HESHAN_LONGZHOU_2020,
    JIANGHAI_DAXIN_2019,
    ZHANJIANG_LIUZHOU_2020,
    write_docx,
    write_xlsx,
)

from ledger.plans.measures import MEASURES

PLAN_KEYS = {"id", "pairing", "year", "title", "doc_no", "tasks"}
TASK_KEYS = {
    "task_id", "seq", "area", "item", "target_text", "deadline", "deadline_text",
    "responsible_units", "assisting_units", "remarks", "targets",
}  # fmt: skip


@pytest.fixture
def task_list(tmp_path):
    return write_xlsx(HESHAN_LONGZHOU_2020, tmp_path / "清单.xlsx")


def _json(run, *args):
    status, out, err = run(*args, "--json")
    assert status == 0, err
    return json.loads(out)


def _imported(run, path, *extra):
    status, out, err = run("plan", "import", str(path), "--year", "2020", *extra)
    assert status == 0, err
    (plan,) = [p for p in _json(run, "plan", "list") if p["id"] in out]
    return _json(run, "plan", "show", plan["id"])


def _task(plan, seq):
    (task,) = [t for t in plan["tasks"] if t["seq"] == seq]
    return task


def test_dry_run_reports_what_it_read_and_writes_nothing(run, task_list):
    status, out, err = run("plan", "import", str(task_list), "--year", "2020", "--dry-run")
    assert status == 0, err
    assert "粤桂扶贫协作（鹤山-龙州）2020年工作要点清单" in out
    assert "重点工作" in out and "组织领导、人才支援" in out
    assert "指标：" in out and "≥ 2次" in out
    assert out.rstrip().endswith("（试读，未写入台账）")
    assert _json(run, "plan", "list") == []
    assert _json(run, "progress") == []


def test_import_says_the_pairing_and_year_of_the_title_and_warns_when_they_differ(run, task_list, tmp_path):
    status, out, err = run("plan", "import", str(task_list), "--year", "2020", "--dry-run")
    assert status == 0, err
    assert "标题写的是：鹤山市—龙州县 2020年\n" in out and "注意：标题" not in out

    other = write_xlsx(ZHANJIANG_LIUZHOU_2020, tmp_path / "计划表.xlsx")
    status, out, err = run("plan", "import", str(other), "--pairing", "鹤山市—龙州县", "--year", "2021", "--dry-run")
    assert status == 0, err
    assert [line for line in out.splitlines() if line.startswith(("标题写的是", "注意：标题", "注意：台账"))] == [
        "标题写的是：湛江市—柳州市 2020年",
        "注意：标题写的是湛江市—柳州市，选定的是鹤山市—龙州县，请核对 --pairing 和 --year",
        "注意：标题写的是2020年，选定的是2021年，请核对 --pairing 和 --year",
        "注意：台账里还没有结对关系“湛江市—柳州市”，可先用 ledger pairing add 湛江市 柳州市 登记",
    ]


def test_import_then_list_and_show_give_the_documented_json(run, task_list):
    plan = _imported(run, task_list)
    assert set(plan) == PLAN_KEYS
    assert (plan["pairing"], plan["year"]) == ("鹤山市—龙州县", 2020)
    assert all(set(task) == TASK_KEYS for task in plan["tasks"])
    joint = _task(plan, "1.2")
    assert joint["area"] == "组织领导"
    assert joint["deadline"] == "2020-06-30"
    assert joint["responsible_units"] == ["两地党委办公室", "政府办公室", "扶贫办"]
    assert [(t["measure"], t["params"], t["threshold"], t["unit"]) for t in joint["targets"]] == [
        ("meetings", {"meeting_type": "党政联席会议"}, 2, "次")
    ]
    (listed,) = _json(run, "plan", "list")
    assert set(listed) == PLAN_KEYS - {"tasks"} and listed["id"] == plan["id"]

    status, out, err = run("plan", "import", str(task_list), "--year", "2020")
    assert status == 1 and "已有" in err  # the same plan twice is refused, not doubled
    assert len(_json(run, "plan", "list")) == 1


def test_a_docx_task_list_imports_as_the_workbook_does(run, task_list, tmp_path):
    from_xlsx = _imported(run, task_list)
    document = write_docx(HESHAN_LONGZHOU_2020, tmp_path / "工作要点.docx")
    from_docx = _imported(run, document, "--title", "工作要点（Word）")
    assert from_docx["title"] == "工作要点（Word）"

    def essence(plan):
        return [
            (
                t["seq"],
                t["area"],
                t["item"],
                t["deadline"],
                [(g["measure"], g["params"], g["threshold"]) for g in t["targets"]],
            )
            for t in plan["tasks"]
        ]

    assert essence(from_docx) == essence(from_xlsx)


@pytest.mark.parametrize("write", [write_xlsx, write_docx])
@pytest.mark.parametrize(
    "layout, east, west, year, expected",
    [
        (
            GUANGZHOU_QIANNAN_2018, "广州市", "黔南布依族苗族自治州", 2018,
            [
                ("资金支持", "funds", {"fund_type": "财政援助资金"}, 30000),  # 3亿元
                ("资金支持", "deep_poverty_share", {}, 95),
                ("人才支援", "cadres", {"direction": "东部派往西部"}, 18),
                ("人才支援", "dispatches", {"field": "教育", "direction": "东部选派到西部"}, 15),
                ("劳务协作", "poor_trainees", {}, 3000),
                ("产业合作", "enterprises", {"cooperation_type": "引进企业投资"}, 2),
                ("劳务协作", "poor_workers", {"labour_type": "转移就业"}, 1180),
                ("劳务协作", "jobs_offered", {}, 2500),
                ("携手奔小康", "ties", {"level": "村企"}, 10),
            ],
        ),
        (
            JIANGHAI_DAXIN_2019, "江门市江海区", "大新县", 2019,
            [
                ("组织领导", "meetings", {"meeting_type": "调研对接/互访"}, 4),
                ("人才交流", "cadres", {"direction": "西部派往东部"}, 2),
                ("人才交流", "trainees", {"training_type": "党政干部培训"}, 20),
                ("劳务协作", "job_fairs", {}, 1),
                ("劳务协作", "poor_workers", {"labour_type": "转移就业", "to_east": True}, 155),
            ],
        ),
    ],
)  # fmt: skip
def test_other_pairings_plans_import_with_their_targets(run, tmp_path, write, layout, east, west, year, expected):
    assert run("pairing", "add", east, west)[0] == 0
    path = write(layout, tmp_path / f"清单.{'xlsx' if write is write_xlsx else 'docx'}")
    status, out, err = run("plan", "import", str(path), "--pairing", f"{east}—{west}", "--year", str(year))
    assert status == 0, err
    (plan,) = _json(run, "plan", "list", "--pairing", f"{east}—{west}")
    shown = _json(run, "plan", "show", plan["id"])
    found = {
        (t["area"], g["measure"], json.dumps(g["params"], sort_keys=True), g["threshold"])
        for t in shown["tasks"]
        for g in t["targets"]
    }
    assert {(area, m, json.dumps(params, sort_keys=True), n) for area, m, params, n in expected} <= found
    assert all(t["deadline"] is None or t["deadline"].startswith(str(year)) for t in shown["tasks"])


def test_set_target_corrects_a_task_and_clear_removes_it(run, task_list):
    plan = _imported(run, task_list)
    library = _task(plan, "3.2")
    assert library["targets"] == []  # the project library: nothing to count

    status, out, err = run(
        "plan", "set-target", library["task_id"], "--measure", "meetings", "--min", "3",
        "--where", "meeting_type=座谈会", "--where", "held_in=西部",
    )  # fmt: skip
    assert status == 0, err
    assert "≥ 3次" in out
    targets = _task(_json(run, "plan", "show", plan["id"]), "3.2")["targets"]
    assert [(t["measure"], t["params"], t["threshold"]) for t in targets] == [
        ("meetings", {"meeting_type": "座谈会", "held_in": "西部"}, 3)
    ]

    # The same measure and filters again changes the threshold instead of adding a second target.
    assert run("plan", "set-target", library["task_id"], "--measure", "meetings", "--min", "4",
               "--where", "held_in=西部", "--where", "meeting_type=座谈会")[0] == 0  # fmt: skip
    targets = _task(_json(run, "plan", "show", plan["id"]), "3.2")["targets"]
    assert [t["threshold"] for t in targets] == [4]

    status, out, err = run("plan", "set-target", library["task_id"], "--clear")
    assert status == 0 and "已清除 1 个指标" in out
    assert _task(_json(run, "plan", "show", plan["id"]), "3.2")["targets"] == []


@pytest.mark.parametrize(
    "args, reason",
    [
        (["--measure", "meetings"], "--min"),
        (["--measure", "meetings", "--min", "0"], "必须是大于 0 的数"),
        (["--measure", "meetings", "--min", "两次"], "必须是大于 0 的数"),
        (["--measure", "meetings", "--min", "2", "--where", "colour=红"], "colour"),
        (["--measure", "meetings", "--min", "2", "--where", "meeting_type=茶话会"], "茶话会"),
    ],
)
def test_a_wrong_target_is_refused_with_the_reason_and_changes_nothing(run, task_list, args, reason):
    plan = _imported(run, task_list)
    task = _task(plan, "1.2")
    status, out, err = run("plan", "set-target", task["task_id"], *args)
    assert status == 1 and reason in err
    assert _task(_json(run, "plan", "show", plan["id"]), "1.2")["targets"] == task["targets"]


def test_linked_records_alone_count_and_unlink_restores_the_year(run, task_list):
    plan = _imported(run, task_list)
    joint = _task(plan, "1.2")
    ids = []
    for day in ("2020-03-10", "2020-05-20"):
        status, out, err = run(
            "add", "meeting", "--set", f"title=鹤山—龙州党政联席会议 {day}", "--set", f"date={day}",
            "--set", "meeting_type=党政联席会议", "--set", "responsible_units=鹤山市扶贫办",
            "--set", "record_status=已核实",
        )  # fmt: skip
        assert status == 0, err
        ids.append(out.strip())

    def joint_progress():
        (found,) = [t for t in _json(run, "progress", "--as-of", "2020-12-31") if t["task_id"] == joint["task_id"]]
        return found["state"], found["targets"][0]["actual"]

    assert joint_progress() == ("done", 2)
    assert run("plan", "link", joint["task_id"], ids[0])[0] == 0
    assert joint_progress() == ("overdue", 1)
    assert run("plan", "unlink", joint["task_id"], ids[0])[0] == 0
    assert joint_progress() == ("done", 2)


def test_plan_delete_removes_it_and_its_tasks(run, task_list):
    plan = _imported(run, task_list)
    status, out, err = run("plan", "delete", plan["id"])
    assert status == 0 and plan["title"] in out
    assert _json(run, "plan", "list") == []
    status, out, err = run("plan", "set-target", plan["tasks"][0]["task_id"], "--clear")
    assert status == 1


def test_measures_lists_every_measure_with_its_filters(run):
    listed = _json(run, "measures")
    assert [m["measure"] for m in listed] == list(MEASURES)
    meetings = next(m for m in listed if m["measure"] == "meetings")
    assert {p["name"] for p in meetings["params"]} >= {"meeting_type", "held_in", "main_leader_present"}
    status, out, err = run("measures")
    assert status == 0 and all(measure.label in out for measure in MEASURES.values())
    # Each says how it counts: people once, trips each, what lasts in every year, drafts never.
    cadres = next(m for m in listed if m["measure"] == "cadres")
    assert cadres["counting"] == (
        "按人计：同一人（身份证号相同，无身份证号时姓名和派出单位相同）只计一次；跨年的记录计入所涉及的每个年度；草稿不计"
    )
    assert {p["name"] for p in cadres["params"]} >= {"min_days", "started"}
    assert "计法：每条记录计1人次；跨年的记录计入所涉及的每个年度；草稿不计" in out  # dispatches
    assert "计法：按记录中的数字合计；计入开始的年度；草稿不计" in out  # trainees, investment


def test_framework_list_and_show(run):
    listed = _json(run, "framework", "list")
    names = [f["name"] for f in listed]
    assert "east-west-poverty-2018" in names and "east-west-2021" in names
    shown = _json(run, "framework", "show", "east-west-poverty-2018")
    titles = [section["title"] for section in shown["sections"]]
    for area in ("组织领导", "人才支援", "资金支持", "产业合作", "劳务协作", "携手奔小康"):
        assert any(area in title for title in titles), area
    status, out, err = run("framework", "show", "no-such-framework")
    assert status == 1 and "no-such-framework" in err
    status, out, err = run("framework", "show")
    assert status == 1 and "ledger framework list" in err
