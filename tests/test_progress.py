"""Progress of the demo's plan (seed 002), checked against counts made here from the records themselves."""

import json
import shutil
from datetime import date
from decimal import Decimal

import pytest

from ledger import plans, records
from ledger.cli import main
from ledger.folder import Ledger
from ledger.kinds import KINDS
from ledger.progress import plan_progress


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


def _days(row):
    """Days on station, both ends counted; a posting ends at its actual return when there is one."""
    end = row.get("returned_on") or row["end_date"]
    return (date.fromisoformat(end) - date.fromisoformat(row["start_date"])).days + 1


KIND_OF = {
    "meetings": "meeting",
    "cadres": "cadre",
    "dispatches": "dispatch",
    "trainings": "training",
    "trainees": "training",
    "poor_trainees": "training",
    "funds": "disbursement",
    "deep_poverty_share": "disbursement",
}


def _expected(rows_by_kind, target):
    """The target's actual, counted in plain Python from the JSON rows: an independent reading of each measure."""
    rows = [row for row in rows_by_kind[KIND_OF[target["measure"]]] if row["year"] == 2020]
    for name, value in target["params"].items():
        if name == "min_days":
            rows = [row for row in rows if _days(row) >= value]
        else:
            rows = [row for row in rows if row[name] == value]
    measure = target["measure"]
    if measure in ("meetings", "cadres", "dispatches"):
        return len(rows)
    if measure == "trainings":
        return sum(row["sessions"] or 0 for row in rows)
    if measure == "trainees":
        return sum(row["participants"] or 0 for row in rows)
    if measure == "poor_trainees":
        return sum(row["poor_participants"] or 0 for row in rows)
    amounts = [Decimal(row["amount"]) for row in rows]
    if measure == "funds":
        return sum(amounts) / 10000
    deep = sum(Decimal(row["amount"]) for row in rows if row["deep_poverty"])
    return (deep * 100 / sum(amounts)).quantize(Decimal("0.01"))


def test_progress_json_agrees_with_counts_made_from_the_records(demo_build, demo_rows, capsys):
    tasks = json.loads(_cli(demo_build[0], capsys, "progress", "--json", "--as-of", "2020-12-20"))
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
    # Seven doctors and nurses from the west stayed a month or more, against eight; the west held two of three
    # leading-group meetings. Their deadlines (June) have passed, so both tasks are overdue.
    assert tasks["2.3"]["state"] == tasks["1.4"]["state"] == "overdue"
    short = {t["label"]: (t["actual"], t["threshold"]) for t in tasks["2.3"]["targets"] if t["actual"] < t["threshold"]}
    assert list(short.values()) == [(7, 8)]
    assert tasks["1.5"]["state"] == tasks["3.2"]["state"] == "no_target"
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
    assert "7/8人次" in out
