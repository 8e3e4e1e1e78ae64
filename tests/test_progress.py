"""Progress of the demo's plan (seed 002), checked against counts made here from the records themselves."""

import json
import shutil
from datetime import date
from decimal import Decimal

import pytest
from plan_samples import GUANGZHOU_QIANNAN_2018, write_xlsx

from ledger import records
from ledger.cli.main import main
from ledger.kinds import KINDS
from ledger.plans import store as plans
from ledger.plans.progress import plan_progress
from ledger.storage.folder import Ledger


def _cli(path, capsys, *args):
    status = main(["--ledger", str(path), *args])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


@pytest.fixture(scope="module")
def demo_rows(demo_build):
    """Every live record of the demo as `ledger list KIND --json` gives it, by kind."""
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        return {kind: [records.record_json(r) for r in records.list_records(session, kind)] for kind in KINDS}


AS_OF = date(2020, 12, 20)


def _end(row):
    """Where a record that lasts ends: a posting at its actual return, else its planned end; None while open."""
    end = row.get("returned_on") or row.get("end_date")
    return date.fromisoformat(end) if end else None


def _days(row):
    """Days on station inside 2020, both ends counted; an open posting runs to the day asked about."""
    first = max(date.fromisoformat(row["start_date"]), date(2020, 1, 1))
    last = min(_end(row) or AS_OF, date(2020, 12, 31))
    return max((last - first).days + 1, 0)


def _counts_in_2020(row, measure):
    """Whether a record counts in 2020: not a draft, and (by overlap) its years reach 2020, or, for the measures
    of what arrives once (training sessions, investment), it starts in 2020."""
    if row["record_status"] == "草稿":
        return False
    if measure in ("trainings", "trainees", "poor_trainees", "investment"):
        return row["year"] == 2020
    end = _end(row)
    lasting = row["kind"] in ("cadre", "tie") or row.get("cooperation_type") in ("产业园区", "帮扶车间")
    last = max(row["year"], end.year) if end else None if lasting else row["year"]
    return row["year"] <= 2020 and (last is None or last >= 2020)


KIND_OF = {
    "meetings": "meeting",
    "cadres": "cadre",
    "dispatches": "dispatch",
    "trainings": "training",
    "trainees": "training",
    "poor_trainees": "training",
    "funds": "disbursement",
    "deep_poverty_share": "disbursement",
    "enterprises": "industry",
    "investment": "industry",
    "poor_employed": "industry",
    "workers": "labour",
    "poor_workers": "labour",
    "job_fairs": "labour",
    "jobs_offered": "labour",
    "subsidies": "labour",
    "sales": "consumption",
    "ties": "tie",
    "tie_activities": "tie",
    "tie_amounts": "tie",
    "reports": "publicity",
    "provincial_reports": "publicity",
}
# What a measure takes whatever the plan says, and what it adds up (none: it counts).
ALWAYS = {
    "workers": ("labour_type", ("转移就业", "就近就地就业")),
    "poor_workers": ("labour_type", ("转移就业", "就近就地就业")),
    "job_fairs": ("labour_type", ("招聘会",)),
    "provincial_reports": ("level", ("中央", "省")),
}
SUMMED = {
    "trainings": "sessions",
    "trainees": "participants",
    "poor_trainees": "poor_participants",
    "investment": "investment",
    "poor_employed": "poor_employed",
    "workers": "people",
    "poor_workers": "poor_people",
    "jobs_offered": "jobs",
}
WAN = {"funds": "amount", "sales": "amount", "investment": "investment", "subsidies": "subsidy"}


def _yuan(line):
    """The amount at the end of an activity's line (2020-05-12 捐赠图书 200册 3.5万元), read here on its own."""
    last = line.split()[-1]
    if not last.endswith("元") or not last[0].isdigit():
        return Decimal(0)
    return Decimal(last[:-2]) * 10000 if last.endswith("万元") else Decimal(last[:-1])


def _expected(rows_by_kind, target):
    """The target's actual, counted in plain Python from the JSON rows: an independent reading of each measure."""
    measure = target["measure"]
    rows = [row for row in rows_by_kind[KIND_OF[measure]] if _counts_in_2020(row, measure)]
    if measure in ALWAYS:
        name, accepted = ALWAYS[measure]
        rows = [row for row in rows if row[name] in accepted]
    for name, value in target["params"].items():
        if name == "min_days":
            rows = [row for row in rows if _days(row) >= value]
        elif name != "activity":
            rows = [row for row in rows if row[name] == value]
    if measure in ("tie_activities", "tie_amounts"):
        words = target["params"].get("activity", "")
        lines = [
            line
            for row in rows
            for line in row["activities"]
            if line.startswith("2020-") and words in line.split(" ", 1)[1]
        ]
        return len(lines) if measure == "tie_activities" else sum(map(_yuan, lines), Decimal(0)) / 10000
    if measure in SUMMED:
        return sum(row[SUMMED[measure]] or 0 for row in rows)
    if measure in WAN:
        return sum(Decimal(row[WAN[measure]] or 0) for row in rows) / 10000
    if measure == "cadres":  # people: one person posted twice counts once
        return len({row["id_number"] or (row["person_name"], row["home_unit"] or "") for row in rows})
    if measure != "deep_poverty_share":
        return len(rows)
    amounts = [Decimal(row["amount"]) for row in rows]
    deep = sum(Decimal(row["amount"]) for row in rows if row["deep_poverty"])
    return (deep * 100 / sum(amounts)).quantize(Decimal("0.01"))


def test_progress_json_agrees_with_counts_made_from_the_records(demo_build, demo_rows, capsys):
    tasks = json.loads(_cli(demo_build[0], capsys, "progress", "--json", "--as-of", AS_OF.isoformat()))
    assert len(tasks) == 37
    assert {"task_id", "seq", "area", "item", "deadline", "state", "targets"} <= set(tasks[0])
    measured = [(task, target) for task in tasks for target in task["targets"]]
    assert len(measured) >= 15
    for task, target in measured:
        expected = _expected(demo_rows, target)
        assert Decimal(str(target["actual"])) == expected, (task["seq"], target["label"])
        assert target["ratio"] == pytest.approx(float(expected) / target["threshold"], abs=1e-4)
    for task in tasks:
        reached = all(t["actual"] >= t["threshold"] for t in task["targets"])
        assert task["state"] == ("no_target" if not task["targets"] else "done" if reached else "overdue")


def test_the_demo_meets_most_of_its_plan_and_falls_short_where_its_records_do(demo_build, capsys):
    tasks = {t["seq"]: t for t in json.loads(_cli(demo_build[0], capsys, "progress", "--json"))}
    assert tasks["1.2"]["state"] == tasks["3.1"]["state"] == tasks["7.2"]["state"] == "done"
    assert tasks["3.1"]["targets"][0]["actual"] == 260 and tasks["3.1"]["targets"][0]["unit"] == "万元"
    # Seven doctors and nurses from the west stayed a month or more, against eight, and two of them are drafts
    # still, which count for nothing: 5 of 8. The west held two of three leading-group meetings. Their deadlines
    # (June) have passed, so both tasks are overdue.
    assert tasks["2.3"]["state"] == tasks["1.4"]["state"] == "overdue"
    short = {t["label"]: (t["actual"], t["threshold"]) for t in tasks["2.3"]["targets"] if t["actual"] < t["threshold"]}
    assert list(short.values()) == [(5, 8)]
    # What the drafts would add once checked is said beside it.
    assert [t["pending_drafts"] for t in tasks["2.3"]["targets"]] == [1, 2]
    assert tasks["3.2"]["state"] == "no_target"
    # Reports, job fairs and the paired hospitals' clinics, counted from the kinds that keep them.
    assert [t["measure"] for t in tasks["1.5"]["targets"]] == ["provincial_reports"] * 2  # 两地分别
    assert [t["measure"] for t in tasks["5.2"]["targets"]] == ["job_fairs"] * 2
    assert [t["params"] for t in tasks["6.3"]["targets"]] == [{"level": "医院", "activity": "义诊"}]
    assert tasks["5.2"]["state"] == tasks["6.2"]["state"] == tasks["6.3"]["state"] == "done"
    # Five provincial reports on each side, one of each still a draft: 4 of 5, each.
    assert [(t["actual"], t["threshold"]) for t in tasks["1.5"]["targets"]] == [(4, 5), (4, 5)]
    assert tasks["1.5"]["state"] == "overdue"
    states = {task["state"] for task in tasks.values()}
    assert states == {"done", "overdue", "no_target"}


def test_before_the_deadline_a_task_short_of_its_target_is_on_track(demo_build):
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        [plan] = plans.list_plans(session)
        early = {p.task.seq: p.state for p in plan_progress(session, plan, date(2020, 5, 1))}
        late = {p.task.seq: p.state for p in plan_progress(session, plan, date(2020, 7, 1))}
    assert early["2.3"] == "on_track" and late["2.3"] == "overdue"
    assert early["1.2"] == late["1.2"] == "done"


def test_linked_records_alone_count_for_their_task(demo_build, tmp_path, capsys):
    path = tmp_path / "ledger"
    shutil.copytree(demo_build[0], path)
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session, session.begin():
        [plan] = plans.list_plans(session)
        task = next(t for t in plan.tasks if t.seq == "1.2")
        joint = [r for r in records.list_records(session, "meeting") if r.meeting_type == "党政联席会议"]
        assert plans.link_records(session, task, joint[:1]) == 1
        assert plans.link_records(session, task, joint[:1]) == 0  # already linked
        task_id = str(task.id)
    tasks = {t["seq"]: t for t in json.loads(_cli(path, capsys, "progress", "--json"))}
    assert tasks["1.2"]["targets"][0]["actual"] == 1 and tasks["1.2"]["state"] == "overdue"
    assert "已取消关联 1 条记录" in _cli(path, capsys, "plan", "unlink", task_id, str(joint[0].id))
    tasks = {t["seq"]: t for t in json.loads(_cli(path, capsys, "progress", "--json"))}
    assert tasks["1.2"]["targets"][0]["actual"] == 2


def test_deleted_records_and_other_years_do_not_count(demo_build, tmp_path, capsys):
    path = tmp_path / "ledger"
    shutil.copytree(demo_build[0], path)
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session, session.begin():
        fiscal = [r for r in records.list_records(session, "disbursement") if r.fund_type == "财政援助资金"]
        first = fiscal[0]
        if first.record_status == "已归档":
            records.update_record(session, first, {"record_status": "已核实"})
        records.delete_record(session, first)
        removed = first.amount / 10000
    tasks = {t["seq"]: t for t in json.loads(_cli(path, capsys, "progress", "--json"))}
    assert Decimal(str(tasks["3.1"]["targets"][0]["actual"])) == 260 - removed
    assert tasks["3.1"]["state"] == "overdue"
    assert json.loads(_cli(path, capsys, "progress", "--year", "2021", "--json")) == []


def test_progress_prints_a_table_a_person_can_read(demo_build, capsys):
    out = _cli(demo_build[0], capsys, "progress", "--as-of", "2020-12-20")
    assert "截至 2020-12-20" in out and "已完成" in out and "已逾期" in out
    assert "会议与互访次数（党政联席会议）" in out and "2/2次" in out
    assert "5/8人次（草稿另有2）" in out


QIANNAN = "广州市—黔南布依族苗族自治州"
CHECKED = {"record_status": "已核实"}  # drafts count toward no target


def test_seed_004s_labour_industry_and_pairing_targets_are_counted(ledger_path, tmp_path, capsys):
    """Guangzhou's plan for Qiannan (seed 004): 1180 poor people placed in jobs away from home, 2500 jobs
    offered, two enterprises brought in, ten enterprises paired with villages."""
    _cli(ledger_path, capsys, "pairing", "add", "广州市", "黔南布依族苗族自治州")
    placed = [("转移就业", True, 520), ("转移就业", False, 700), ("就近就地就业", False, 300)]
    with Ledger.open(ledger_path, author="测试员") as ledger, ledger.session() as session, session.begin():
        for number, (labour_type, to_east, poor) in enumerate(placed):
            records.add_record(
                session,
                "labour",
                {**CHECKED, "pairing": QIANNAN, "title": f"第{number + 1}批", "date": date(2018, 4 + number, 10),
                 "labour_type": labour_type, "to_east": to_east, "people": poor + 50, "poor_people": poor},
            )  # fmt: skip
        gone = records.add_record(
            session,
            "labour",
            {**CHECKED, "pairing": QIANNAN, "title": "录重了", "date": date(2018, 9, 1), "labour_type": "转移就业",
             "people": 100, "poor_people": 100},
        )  # fmt: skip
        records.delete_record(session, gone)
        for jobs, labour_type in ((1800, "招聘会"), (900, "劳务协作站")):
            records.add_record(
                session,
                "labour",
                {**CHECKED, "pairing": QIANNAN, "title": labour_type, "date": date(2018, 6, 1),
                 "labour_type": labour_type, "jobs": jobs},
            )  # fmt: skip
        for name, cooperation_type in (("甲", "引进企业投资"), ("乙", "引进企业投资"), ("丙", "帮扶车间")):
            records.add_record(
                session,
                "industry",
                {**CHECKED, "pairing": QIANNAN, "title": f"{name}公司落户", "cooperation_type": cooperation_type,
                 "enterprise": f"广州{name}公司", "date": date(2018, 5, 1)},
            )  # fmt: skip
    for village in ("甲村", "乙村", "丙村"):
        _cli(
            ledger_path, capsys, "add", "tie", "--set", f"pairing={QIANNAN}", "--set", "level=村企",
            "--set", "record_status=已核实", "--set", "east_party=广州某企业", "--set", f"west_party={village}",
            "--set", "date=2018-06-01",
            "--set", "activities=2018-07-01 捐建村道 1公里 20万元；2018-09-01 收购农产品",
        )  # fmt: skip
    task_list = write_xlsx(GUANGZHOU_QIANNAN_2018, tmp_path / "清单.xlsx")
    _cli(ledger_path, capsys, "plan", "import", str(task_list), "--pairing", QIANNAN, "--year", "2018")

    tasks = json.loads(_cli(ledger_path, capsys, "progress", "--json", "--as-of", "2019-01-10"))
    found = {
        (task["area"], target["measure"], target["threshold"]): (target["params"], target["actual"], task["state"])
        for task in tasks
        for target in task["targets"]
    }
    transfer = {"labour_type": "转移就业"}
    assert found[("劳务协作", "poor_workers", 1180)] == (transfer, 1220, "done")
    assert found[("劳务协作", "poor_workers", 118)] == (transfer, 1220, "done")
    assert found[("劳务协作", "jobs_offered", 2500)] == ({}, 2700, "done")
    assert found[("产业合作", "enterprises", 2)] == ({"cooperation_type": "引进企业投资"}, 2, "done")
    assert found[("携手奔小康", "ties", 10)] == ({"level": "村企"}, 3, "overdue")
    out = _cli(ledger_path, capsys, "progress", "--as-of", "2019-01-10")
    assert "建档立卡贫困人口就业人数（转移就业）" in out and "1220/1180人" in out and "3/10对" in out
