"""Exchange packages: two ledgers edited apart, merged both ways, equal afterwards, conflicts reported."""

import hashlib
import json
import shutil
import zipfile

import pytest
from PIL import Image
from plan_samples import HESHAN_LONGZHOU_2020, write_xlsx
from samples import VALID, package_data, rehashed_zip, rewrite_zip
from sqlalchemy import select

from ledger import audit_entries, evidence, evidence_store, records
from ledger.check import check_ledger
from ledger.cli.main import main
from ledger.exchange.merge import BadPackage, merge_package
from ledger.exchange.pack import write_pack
from ledger.exchange.revisions import revision_of
from ledger.kinds import KINDS
from ledger.models import Attachment, Plan, Record, RecordTask
from ledger.plans import store as plans
from ledger.storage.folder import Ledger


def _state(ledger) -> dict:
    """What must agree between two merged ledgers: records, evidence, plans and links, not the audit log."""
    with ledger.session() as session:
        found = {}
        for record in session.scalars(select(Record)):
            found[str(record.id)] = (record.kind, revision_of(record))
        attachments = {
            str(a.id): (str(a.record_id), a.sha256, a.original_name, a.role, a.caption, a.deleted_at is not None)
            for a in session.scalars(select(Attachment))
        }
        plan_rows = {
            str(plan.id): (plan.title, [(task.seq, [str(t.threshold) for t in task.targets]) for task in plan.tasks])
            for plan in session.scalars(select(Plan))
        }
        links = set(session.execute(select(RecordTask.record_id, RecordTask.task_id)).all())
    files = sorted(path.name for path in evidence_store.stored_files(ledger.evidence_dir))
    return {"records": found, "attachments": attachments, "plans": plan_rows, "links": links, "files": files}


def _photo(folder, name, seed):
    path = folder / name
    Image.new("RGB", (64, 48), (seed * 40 % 256, 90, 160)).save(path, "JPEG")
    return path


def _add(ledger, kind="meeting", attach=(), **values):
    with ledger.session() as session:
        record = records.add_record(session, kind, {**VALID[kind], **values})
        evidence.attach(session, ledger.evidence_dir, record, list(attach))
        session.commit()
        return record.id


def _update(ledger, record_id, **values):
    with ledger.session() as session:
        records.update_record(session, records.get_record(session, record_id), values)
        session.commit()


@pytest.fixture
def two_ledgers(ledger_path, tmp_path):
    """Two laptops that started from one ledger with a meeting, a training with a photo, and a plan."""
    with Ledger.open(ledger_path, author="共同") as ledger:
        shared = _add(ledger, title="共同的会议")
        trained = _add(ledger, "training", attach=[_photo(tmp_path, "培训.jpg", 1)])
        with ledger.session() as session:
            listed = write_xlsx(HESHAN_LONGZHOU_2020, tmp_path / "清单.xlsx")
            plan = plans.import_plan(session, listed, pairing="鹤山市—龙州县", year=2020).plan
            session.commit()
    second = tmp_path / "b"
    shutil.copytree(ledger_path, second)
    return ledger_path, second, {"shared": shared, "trained": trained, "plan": plan.id}


def test_two_ledgers_edited_apart_merge_both_ways_to_the_same_ledger(two_ledgers, tmp_path, figures):
    first, second, ids = two_ledgers
    with Ledger.open(first, author="甲") as a:
        new_in_a = _add(a, title="甲新增的会议", attach=[_photo(tmp_path, "甲.jpg", 2)])
        _update(a, ids["shared"], location="鹤山市会议室")  # a conflict with 乙 below
        with a.session() as session:
            task = session.get(Plan, ids["plan"]).tasks[1]
            plans.set_target(session, task, "meetings", {}, 3)
            plans.link_records(session, task, [records.get_record(session, new_in_a)])
            session.commit()
    with Ledger.open(second, author="乙") as b:
        new_in_b = _add(b, "disbursement")
        _update(b, ids["shared"], location="龙州县会议室")
        _update(b, ids["trained"], summary="乙补充的内容")  # only 乙 changed it
        with b.session() as session:
            records.delete_record(session, records.get_record(session, new_in_b))  # deletions travel too
            session.commit()

    with Ledger.open(first) as a:
        package_a = write_pack(a, tmp_path / "甲.zip").path
    with Ledger.open(second) as b:
        package_b = write_pack(b, tmp_path / "乙.zip").path

    with Ledger.open(first, author="甲") as a:
        into_a = merge_package(a, package_b)
        assert check_ledger(a) == []
    with Ledger.open(second, author="乙") as b:
        into_b = merge_package(b, package_a)
        assert check_ledger(b) == []

    with Ledger.open(first) as a, Ledger.open(second) as b:
        assert _state(a) == _state(b)
        with a.session() as session:
            # 乙 changed the meeting after 甲: the newer change won, and 甲's version is in the audit log.
            assert records.get_record(session, ids["shared"]).location == "龙州县会议室"
            assert records.get_record(session, ids["trained"]).summary == "乙补充的内容"
            assert records.get_record(session, new_in_b).deleted
            conflict = [e for e in audit_entries.history(session, ids["shared"]) if e.action == "conflict"]
            assert json.loads(conflict[0].changes)["lost"]["values"]["location"] == "鹤山市会议室"
        with b.session() as session:
            assert records.get_record(session, new_in_a).attachments[0].original_name == "甲.jpg"
            task = session.get(Plan, ids["plan"]).tasks[1]
            assert "3" in [str(t.threshold) for t in task.targets if t.measure == "meetings"]
            assert plans.linked_record_ids(session, task) == [new_in_a]

    assert [c.title for c in into_a.conflicts] == [c.title for c in into_b.conflicts] == ["共同的会议"]
    assert into_a.conflicts[0].kept == "theirs" and into_b.conflicts[0].kept == "ours"
    assert into_a.conflicts[0].fields == {"地点": ("鹤山市会议室", "龙州县会议室")}
    assert len(into_a.updated) == 1 and len(into_b.added) == 1 and into_b.attachments_added == 1
    figures["records merged"] = (
        f"{len(into_a.added) + len(into_a.updated) + len(into_b.added) + len(into_b.updated)} "
        f"(conflicts reported: {len(into_a.conflicts) + len(into_b.conflicts)})"
    )

    # The same package again changes nothing, on either side.
    for folder, package in ((first, package_b), (second, package_a)):
        with Ledger.open(folder) as ledger:
            before = _state(ledger)
            again = merge_package(ledger, package)
            assert not again.changed and again.conflicts == []
            assert _state(ledger) == before


def test_a_change_on_one_side_is_taken_without_conflict_even_on_an_archived_record(two_ledgers, tmp_path):
    first, second, ids = two_ledgers
    with Ledger.open(first) as a:
        _update(a, ids["shared"], summary="归档前补充", record_status="已归档")
        package = write_pack(a, tmp_path / "甲.zip").path
    with Ledger.open(second) as b:
        merged = merge_package(b, package)
        assert merged.conflicts == [] and len(merged.updated) == 1
        with b.session() as session:
            record = records.get_record(session, ids["shared"])
            assert (record.summary, record.record_status) == ("归档前补充", "已归档")
        # Packing back what came in is no change for the first ledger.
        back = write_pack(b, tmp_path / "乙.zip").path
    with Ledger.open(first) as a:
        assert not merge_package(a, back).changed


def test_conflicts_left_to_the_user_change_nothing(two_ledgers, tmp_path):
    first, second, ids = two_ledgers
    with Ledger.open(first) as a:
        _update(a, ids["shared"], location="甲地")
        package = write_pack(a, tmp_path / "甲.zip").path
    with Ledger.open(second) as b:
        _update(b, ids["shared"], location="乙地")
        merged = merge_package(b, package, conflicts="leave")
        assert [c.kept for c in merged.conflicts] == [None]
        with b.session() as session:
            assert records.get_record(session, ids["shared"]).location == "乙地"


def test_a_dry_run_reports_and_writes_nothing(two_ledgers, tmp_path, capsys):
    first, second, _ = two_ledgers
    with Ledger.open(first) as a:
        _add(a, title="甲新增的会议", attach=[_photo(tmp_path, "甲.jpg", 3)])
    assert main(["--ledger", str(first), "pack", str(tmp_path / "甲.zip"), "--year", "2020"]) == 0
    with Ledger.open(second) as b:
        before = _state(b)
    assert main(["--ledger", str(second), "merge", str(tmp_path / "甲.zip"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "将新增记录 1 条" in out and "试运行" in out
    with Ledger.open(second) as b:
        assert _state(b) == before
    assert main(["--ledger", str(second), "merge", str(tmp_path / "甲.zip")]) == 0
    assert "已新增记录 1 条" in capsys.readouterr().out


def test_a_package_since_a_date_carries_only_what_changed(two_ledgers, tmp_path):
    first, _, ids = two_ledgers
    with Ledger.open(first) as a:
        with a.session() as session:
            old = records.get_record(session, ids["trained"])
            old_time = old.updated_at
        since = old_time.date()
        summary = write_pack(a, tmp_path / "all.zip", since=since)
        assert summary.records == 2
        later = write_pack(a, tmp_path / "none.zip", since=since.replace(year=since.year + 1))
        assert (later.records, later.files) == (0, 0)


def _with_manifest(extra):
    def change(name, data):
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        manifest["files"].update(extra)
        return name, json.dumps(manifest)

    return change


TAMPERED = {
    "escaping path": lambda: _with_manifest({"../../etc/passwd": "0" * 64}),
    "absolute path": lambda: _with_manifest({"/tmp/x": "0" * 64}),
    "missing file": lambda: lambda name, data: None if name.startswith("evidence/") else (name, data),
    "wrong hash": lambda: lambda name, data: (name, data + b"x") if name.startswith("evidence/") else (name, data),
    "altered data": lambda: (
        lambda name, data: (
            (name, data.replace("甲新增".encode(), "篡改".encode())) if name == "data.json" else (name, data)
        )
    ),
}


@pytest.mark.parametrize("damage", TAMPERED)
def test_a_tampered_package_is_refused_whole(two_ledgers, tmp_path, damage, capsys):
    first, second, _ = two_ledgers
    with Ledger.open(first) as a:
        _add(a, title="甲新增的会议", attach=[_photo(tmp_path, "甲.jpg", 4)])
        package = write_pack(a, tmp_path / "甲.zip").path
    bad = rewrite_zip(package, tmp_path / "坏包.zip", TAMPERED[damage]())
    with Ledger.open(second) as b:
        before = _state(b)
    assert main(["--ledger", str(second), "merge", str(bad)]) == 1
    assert "坏包.zip" in capsys.readouterr().err
    with Ledger.open(second) as b:
        assert _state(b) == before
        assert check_ledger(b) == []


def test_records_made_on_separate_laptops_join_under_the_same_pairing(tmp_path):
    laptops = []
    for name in ("甲", "乙"):
        with Ledger.create(tmp_path / name, author=name) as ledger:
            with ledger.session() as session:
                records.add_pairing(session, "鹤山市", "龙州县")
                session.commit()
            _add(ledger, title=f"{name}的会议")
            laptops.append(write_pack(ledger, tmp_path / f"{name}.zip").path)
    with Ledger.open(tmp_path / "甲") as ledger:
        merged = merge_package(ledger, laptops[1])
        assert len(merged.added) == 1
        with ledger.session() as session:
            titles = sorted(r.title for r in records.list_records(session, "meeting", pairing="鹤山市—龙州县"))
        assert titles == ["乙的会议", "甲的会议"]


def test_a_zero_typed_over_an_empty_count_is_a_change(ledger_path, tmp_path):
    with Ledger.open(ledger_path) as ledger:
        training = _add(ledger, "training", poor_participants=None)
    second = tmp_path / "b"
    shutil.copytree(ledger_path, second)
    with Ledger.open(ledger_path) as a:
        _update(a, training, poor_participants=0)
        package = write_pack(a, tmp_path / "甲.zip").path
    with Ledger.open(second) as b:
        assert len(merge_package(b, package).updated) == 1
        with b.session() as session:
            assert records.get_record(session, training).poor_participants == 0


def test_a_merge_failing_after_its_files_were_stored_leaves_the_open_ledger_whole(two_ledgers, tmp_path):
    first, second, ids = two_ledgers
    with Ledger.open(first) as a:
        _add(a, title="甲新增的会议", attach=[_photo(tmp_path, "甲.jpg", 5)])
        package = write_pack(a, tmp_path / "甲.zip").path

    def spoil_the_plan(name, data):
        # Well packed (hashes right) but wrong within: its plan names a pairing the package does not carry.
        if name == "data.json":
            content = json.loads(data)
            content["plans"][0]["pairing"] = "无此结对"
            return name, json.dumps(content, ensure_ascii=False).encode()
        return name, data

    spoiled = rewrite_zip(package, tmp_path / "内容有误.zip", spoil_the_plan)
    with zipfile.ZipFile(spoiled) as archive:
        data = archive.read("data.json")
        manifest = json.loads(archive.read("manifest.json"))
    manifest["files"]["data.json"] = hashlib.sha256(data).hexdigest()
    rehashed = rewrite_zip(
        spoiled,
        tmp_path / "内容有误-重算.zip",
        lambda name, content: (name, json.dumps(manifest)) if name == "manifest.json" else (name, content),
    )
    with Ledger.open(second) as b:
        before = _state(b)
        with pytest.raises(BadPackage, match="无此结对"):
            merge_package(b, rehashed)
        assert check_ledger(b) == []  # the photo stored before the plan failed is set aside, not left unnamed
        assert _state(b) == before


def test_every_kind_travels_in_a_package_with_its_values_intact(ledger_path, tmp_path):
    second = tmp_path / "b"
    shutil.copytree(ledger_path, second)
    with Ledger.open(ledger_path) as a:
        added = {kind: _add(a, kind) for kind in KINDS}
        package = write_pack(a, tmp_path / "甲.zip").path
    with Ledger.open(second) as b:
        assert len(merge_package(b, package).added) == len(KINDS)
    with Ledger.open(ledger_path) as a, Ledger.open(second) as b:
        assert _state(a) == _state(b)
        with a.session() as ours, b.session() as theirs:
            for record_id in added.values():
                mine = records.record_json(records.get_record(ours, record_id))
                assert records.record_json(records.get_record(theirs, record_id)) == mine


# Values a package brings are checked as every other way in checks them ---------------------------------------


def _huge_caption(data, ids):
    data["attachments"][0]["caption"] = "说明" * 1_000_000


def _unknown_measure(data, ids):
    task = data["plans"][0]["tasks"][0]
    task["targets"] = [{**task["targets"][0], "measure": "no_such_measure"}] if task["targets"] else []
    if not task["targets"]:
        task["targets"] = [
            {
                "id": "1b0b2bd6-5e8e-4b57-9a56-111111111111",
                "position": 0,
                "measure": "no_such_measure",
                "params": "{}",
                "threshold": "2",
                "source": "",
            }
        ]


def _nul_in_pairing(data, ids):
    data["pairings"][0]["east"] = "鹤山\x00市"
    data["pairings"][0]["name"] = "鹤山\x00市—龙州县"


def _attachment_on_archived(data, ids):
    photo = dict(data["attachments"][0])
    photo["id"] = "2c0c3cd7-6f9f-4c68-8b67-222222222222"
    photo["record_id"] = str(ids["shared"])  # archived in the package, and in its own ledger, before this
    photo["created_at"] = photo["updated_at"] = "2099-01-01T00:00:00+08:00"
    data["attachments"].append(photo)


BROKEN_PHOTO = b"\xff\xd8\xff\xe0" + bytes(200)
BROKEN_SHA = hashlib.sha256(BROKEN_PHOTO).hexdigest()


def _broken_picture(data, ids):
    photo = dict(data["attachments"][0])
    photo |= {"id": "3d1d4de8-7a0a-4d79-9c78-333333333333", "sha256": BROKEN_SHA, "original_name": "残缺.jpg"}
    photo["file"] = {**photo["file"], "ext": ".jpg"}
    data["attachments"].append(photo)


SPOILT = {
    "2 MB caption": (_huge_caption, {}, ("说明", "过长（2000000字，最多500字）")),
    "unknown measure": (_unknown_measure, {}, ("指标", "no_such_measure", "没有这个指标")),
    "NUL in a pairing": (_nul_in_pairing, {}, ("结对关系", "含有控制字符 U+0000")),
    "attachment on an archived record": (_attachment_on_archived, {}, ("记录已归档",)),
    "picture attach refuses": (
        _broken_picture,
        {f"evidence/{BROKEN_SHA[:2]}/{BROKEN_SHA}.jpg": BROKEN_PHOTO},
        ("残缺.jpg", "图片文件已损坏"),
    ),
}


@pytest.mark.parametrize("spoilt", SPOILT)
def test_a_package_bringing_a_value_no_way_in_would_take_is_refused_whole(two_ledgers, tmp_path, spoilt, capsys):
    first, second, ids = two_ledgers
    change, extra, words = SPOILT[spoilt]
    with Ledger.open(first) as a:
        _update(a, ids["shared"], record_status="已归档")
        package = write_pack(a, tmp_path / "甲.zip").path
    bad = rehashed_zip(package, tmp_path / "内容有误.zip", package_data(lambda data: change(data, ids)), extra)
    with Ledger.open(second) as b:
        before = _state(b)
    assert main(["--ledger", str(second), "merge", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "交换包“内容有误.zip”中的数据有误，未作任何更改" in err and "Traceback" not in err, err
    assert all(word in err for word in words), err
    assert max(map(len, err.splitlines())) < 300  # a 2 MB value is quoted short
    with Ledger.open(second) as b:
        assert _state(b) == before
        assert check_ledger(b) == []
    assert main(["--ledger", str(second), "export", str(tmp_path / "导出.xlsx")]) == 0, capsys.readouterr().err
    # The sound package merges.
    assert main(["--ledger", str(second), "merge", str(package)]) == 0, capsys.readouterr().err
