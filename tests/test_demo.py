"""The demo year: realistic against the 2020 鹤山—龙州 plan, whole, and the same for the same seed."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from ledger import demo, records
from ledger.check import check_ledger
from ledger.errors import NotALedger
from ledger.evidence import live_attachments
from ledger.folder import Ledger
from ledger.kinds import KINDS, MODELS
from ledger.models import EvidenceFile


def _content(path):
    """Everything a user sees of a ledger, without the ids and times that differ between builds."""
    with Ledger.open(path) as ledger, ledger.session() as session:
        rows = []
        for model in MODELS.values():
            for record in session.scalars(select(model)):
                data = records.record_json(record)
                data.pop("id")
                data["evidence"] = [(a.original_name, a.role, a.caption, a.sha256) for a in record.attachments]
                rows.append(data)
        files = set(session.scalars(select(EvidenceFile.sha256)))
    return sorted(rows, key=lambda row: repr(sorted(row.items()))), files


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    first = tmp_path_factory.mktemp("demo") / "a"
    second = tmp_path_factory.mktemp("demo") / "b"
    counts = demo.build_demo(first, seed=2020)
    demo.build_demo(second, seed=2020)
    return first, second, counts


@pytest.fixture
def opened(built):
    with Ledger.open(built[0]) as ledger, ledger.session() as session:
        yield ledger, session


def _all(session, kind):
    return records.list_records(session, kind)


def test_the_demo_is_a_full_year_of_every_kind(built, opened):
    _, session = opened
    counts = {kind: len(_all(session, kind)) for kind in KINDS}
    assert sum(counts.values()) >= 150
    assert all(count >= 5 for count in counts.values()), counts
    assert built[2]["会议与互访"] == counts["meeting"]
    assert {record.year for kind in KINDS for record in _all(session, kind)} == {2020}
    assert min(c.start_date for c in _all(session, "cadre")).year < 2020  # postings from earlier years belong too


def test_the_demo_meets_the_plan_of_seed_002(opened):
    _, session = opened
    meetings = _all(session, "meeting")
    by_type = {t: [m for m in meetings if m.meeting_type == t] for t in {m.meeting_type for m in meetings}}
    assert len(by_type["党政联席会议"]) == 2 and all(m.main_leader_present for m in by_type["党政联席会议"])
    assert len(by_type["工作推进会"]) == 2
    assert len(by_type["党委常委会会议"]) == len(by_type["政府常务会议"]) == 8
    assert len(by_type["领导小组会议"]) == 6
    visits = by_type["调研对接/互访"]
    assert sum(m.held_in == "西部" for m in visits) >= 2 and sum(m.held_in == "东部" for m in visits) >= 2

    fiscal = [d for d in _all(session, "disbursement") if d.fund_type == "财政援助资金"]
    assert sum(d.amount for d in fiscal) == Decimal("2600000.00")
    social = [d for d in _all(session, "disbursement") if d.fund_type == "社会帮扶资金"]
    assert sum(d.amount for d in social) >= Decimal("1300000")

    dispatches = _all(session, "dispatch")

    def stays(field, direction):
        return [d for d in dispatches if d.field == field and d.direction == direction and d.days >= 30]

    for field in ("教育", "医疗卫生"):
        assert len(stays(field, "东部选派到西部")) >= 4
        assert len(stays(field, "西部到东部跟岗学习或进修")) >= 8
    assert any(d.days < 30 for d in dispatches)  # short visits exist and must not count

    cadre_training = sum(t.participants for t in _all(session, "training") if t.training_type == "党政干部培训")
    assert cadre_training >= 250
    assert any(t.programme == "粤菜师傅" for t in _all(session, "training"))
    cadres = _all(session, "cadre")
    assert any(c.rank == "处级" and c.host_post == "县委常委、副县长" and c.posting_status == "在岗" for c in cadres)
    assert {c.direction for c in cadres} == {"东部派往西部", "西部派往东部"}


def test_the_demo_has_real_evidence_and_passes_check(opened):
    ledger, session = opened
    for kind, role in (
        ("meeting", "照片"),
        ("training", "签到表"),
        ("disbursement", "拨付凭证"),
        ("cadre", "任职文件"),
    ):
        for record in _all(session, kind):
            assert role in {a.role for a in live_attachments(record)}, (kind, record.title)
    files = session.scalars(select(EvidenceFile)).all()
    photos = [f for f in files if f.mime == "image/jpeg"]
    assert photos and all(f.taken_at is not None for f in photos)
    assert {f.orientation for f in photos} >= {1, 6}
    assert all(f.page_count >= 1 for f in files if f.mime == "application/pdf")
    # A batch's dispatch notice names everyone in it and is stored once for all of them.
    notices = [a.sha256 for d in _all(session, "dispatch") for a in d.attachments if a.role == "通知文件"]
    assert len(set(notices)) < len(notices)
    statuses = {r.record_status for kind in KINDS for r in _all(session, kind)}
    assert statuses == {"草稿", "已核实", "已归档"}
    assert check_ledger(ledger) == []


def test_the_same_seed_gives_the_same_ledger_and_another_seed_another(built):
    first, second, _ = built
    assert _content(first) == _content(second)
    assert demo._meetings(demo._Year(1)) != demo._meetings(demo._Year(2))


def test_the_demo_is_only_built_in_a_new_folder(built):
    with pytest.raises(NotALedger):
        demo.build_demo(built[0])
