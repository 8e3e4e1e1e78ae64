"""Record operations: the audit log, the recycle bin, archived records, bulk adds and search."""

import json
import shutil
from datetime import date

import pytest
from samples import VALID
from sqlalchemy import func, select

from ledger import audit_entries, record_rows, records
from ledger.errors import InvalidInput, NotFound, RecordLocked
from ledger.models import AuditEntry, Record, Unit
from ledger.records import RecordScope
from ledger.storage.folder import Ledger


def _entries(session, record_id):
    return [(entry.action, json.loads(entry.changes)) for entry in reversed(audit_entries.history(session, record_id))]


def test_every_insert_update_delete_and_restore_is_audited_with_its_fields(session):
    record = records.add_record(session, "meeting", VALID["meeting"])
    records.update_record(session, record, {"title": "第一次联席会议", "held_in": "东部"})
    records.delete_record(session, record)
    records.restore_record(session, record)
    session.commit()

    entries = _entries(session, record.id)
    assert [action for action, _ in entries] == ["insert", "update", "delete", "restore"]
    inserted = entries[0][1]
    assert inserted["title"] == VALID["meeting"]["title"] and inserted["date"] == "2020-04-20"
    assert entries[1][1] == {
        "title": [VALID["meeting"]["title"], "第一次联席会议"],
        "held_in": ["西部", "东部"],
    }
    author = session.scalars(select(AuditEntry.author).where(AuditEntry.target_id == record.id)).all()
    assert set(author) == {"测试员"}
    assert record.created_by == record.updated_by == "测试员"


def test_an_update_that_changes_nothing_writes_nothing(session):
    record = records.add_record(session, "meeting", VALID["meeting"])
    before = record.updated_at
    assert records.update_record(session, record, {"title": VALID["meeting"]["title"]}) == {}
    assert record.updated_at == before
    assert [action for action, _ in _entries(session, record.id)] == ["insert"]


def test_delete_moves_to_the_recycle_bin_and_restore_brings_back(session):
    keep = records.add_record(session, "meeting", VALID["meeting"])
    gone = records.add_record(session, "meeting", {**VALID["meeting"], "title": "作废的会议"})
    records.delete_record(session, gone)
    session.commit()
    assert [r.id for r in records.list_records(session, "meeting")] == [keep.id]
    assert [r.id for r in records.list_records(session, "meeting", deleted=True)] == [gone.id]
    assert session.scalar(select(func.count()).select_from(Record)) == 2  # soft: the row is still there
    assert gone.deleted_by == "测试员"
    with pytest.raises(RecordLocked, match="回收站"):
        records.update_record(session, gone, {"title": "改"})
    records.restore_record(session, gone)
    assert {r.id for r in records.list_records(session, "meeting")} == {keep.id, gone.id}


def test_archived_records_are_locked_except_for_their_status(session):
    record = records.add_record(session, "disbursement", {**VALID["disbursement"], "record_status": "已归档"})
    with pytest.raises(RecordLocked, match="已归档"):
        records.update_record(session, record, {"title": "改"})
    with pytest.raises(RecordLocked, match="已归档"):
        records.delete_record(session, record)
    records.update_record(session, record, {"record_status": "已核实"})
    records.update_record(session, record, {"title": "改过的标题"})
    assert record.title == "改过的标题"


def test_responsible_units_fill_and_share_the_directory(session):
    first = records.add_record(session, "meeting", VALID["meeting"])
    records.add_record(session, "meeting", {**VALID["meeting"], "responsible_units": ["龙州县扶贫办", "龙州县财政局"]})
    session.commit()
    assert session.scalars(select(Unit.name).order_by(Unit.name)).all() == sorted(
        ["鹤山市扶贫办", "龙州县扶贫办", "龙州县财政局"]
    )
    records.update_record(session, first, {"responsible_units": ["龙州县扶贫办", "鹤山市扶贫办", "龙州县扶贫办"]})
    session.commit()
    session.expire_all()
    assert records.get_record(session, first.id).responsible_units == ["龙州县扶贫办", "鹤山市扶贫办"]


def test_pairings_are_found_whatever_dash_was_typed(session):
    for typed in ("鹤山市—龙州县", "鹤山市-龙州县", "鹤山市——龙州县", " 鹤山市 – 龙州县 "):
        assert records.find_pairing(session, typed).name == "鹤山市—龙州县"
    with pytest.raises(InvalidInput, match="没有这个结对关系"):
        records.add_record(session, "meeting", {**VALID["meeting"], "pairing": "江门市—大新县"})


def test_records_are_found_by_id_prefix(session):
    record = records.add_record(session, "meeting", VALID["meeting"])
    session.commit()
    assert records.get_record(session, str(record.id)[:8]) is record
    assert records.get_record(session, str(record.id).upper()) is record
    with pytest.raises(NotFound):
        records.get_record(session, "abc")
    with pytest.raises(NotFound):
        records.get_record(session, "00000000-0000-4000-8000-000000000000")


def test_search_finds_two_character_chinese_words(session):
    records.add_record(session, "meeting", {**VALID["meeting"], "summary": "研究整改问题"})
    records.add_record(session, "meeting", {**VALID["meeting"], "title": "推进会", "meeting_type": "工作推进会"})
    records.add_record(session, "cadre", VALID["cadre"])
    session.commit()
    assert [r.summary for r in records.list_records(session, "meeting", text="整改")] == ["研究整改问题"]
    assert len(records.list_records(session, "cadre", text="志强")) == 1
    assert records.list_records(session, "meeting", text="100%") == []


def test_filters_by_year_and_pairing(session):
    records.add_record(session, "meeting", VALID["meeting"])
    records.add_record(session, "meeting", {**VALID["meeting"], "date": date(2021, 1, 5)})
    session.commit()
    assert len(records.list_records(session, "meeting", year=2021)) == 1
    assert len(records.list_records(session, "meeting", pairing="鹤山市-龙州县")) == 2
    assert records.list_records(session, "meeting", pairing="江门市—大新县") == []


def test_add_many_checks_everything_before_writing_anything(session):
    rows = [VALID["training"], {**VALID["training"], "participants": 0}, {**VALID["training"], "training_type": "x"}]
    with pytest.raises(InvalidInput) as caught:
        records.add_many(session, "training", rows)
    labels = [problem.label for problem in caught.value.problems]
    assert labels == ["第2条 培训人次", "第3条 培训类型"]
    session.rollback()
    assert records.list_records(session, "training") == []

    ids = records.add_many(session, "training", [VALID["training"]] * 3)
    session.commit()
    assert len(records.list_records(session, "training")) == 3
    assert all(_entries(session, record_id)[0][0] == "insert" for record_id in ids)


@pytest.mark.parametrize("deleted", [False, True])
def test_value_rows_give_what_record_values_give_in_the_same_order(demo_build, deleted):
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        if deleted:  # a few in the bin, on a session that is rolled back
            for record in records.list_records(session, "meeting")[:3]:
                if record.record_status != "已归档":
                    records.delete_record(session, record)
        compared = 0
        for kind in ("meeting", "cadre", "dispatch", "training", "disbursement"):
            for scope in ({}, {"year": 2020, "pairing": "鹤山市—龙州县"}, {"pairing": "没有这个"}):
                listed = records.list_records(session, kind, deleted=deleted, **scope)
                rows = record_rows.value_rows(session, RecordScope(kind, deleted=deleted, **scope))
                assert rows == [(record.id, records.record_values(record)) for record in listed]
                compared += len(rows)
        assert compared > 0
        session.rollback()


@pytest.mark.parametrize("deleted", [False, True])
def test_the_bulk_readers_narrowed_to_ids_give_exactly_those_rows_of_a_full_read(demo_build, deleted):
    with Ledger.open(demo_build[0]) as ledger, ledger.session() as session:
        for kind in ("meeting", "cadre", "tie"):
            if deleted:  # a few in the bin, on a session that is rolled back
                for record in records.list_records(session, kind, year=2020, pairing="鹤山市—龙州县")[:6]:
                    if record.record_status != "已归档":
                        records.delete_record(session, record)
            for scope in ({}, {"year": 2020, "pairing": "鹤山市—龙州县"}):
                full = record_rows.value_rows(session, RecordScope(kind, deleted=deleted, **scope))
                assert len(full) >= 2
                other = records.list_records(session, kind, deleted=not deleted)[:1]  # not of this table
                chosen = [full[-1][0], full[0][0], full[len(full) // 2][0], *(r.id for r in other)]
                narrow = RecordScope(kind, deleted=deleted, ids=chosen, **scope)
                rows = record_rows.value_rows(session, narrow)
                assert rows == [row for row in full if row[0] in chosen]  # in date order, as the full read has them
                roles = record_rows.evidence_roles(session, RecordScope(kind, deleted=deleted, **scope))
                narrowed = record_rows.evidence_roles(session, narrow)
                assert narrowed == {key: value for key, value in roles.items() if key in chosen}
                if deleted:
                    stamps = record_rows.deletions(session, RecordScope(kind, **scope))
                    assert record_rows.deletions(session, RecordScope(kind, ids=chosen, **scope)) == {
                        key: value for key, value in stamps.items() if key in chosen
                    }
                assert record_rows.value_rows(session, RecordScope(kind, deleted=deleted, ids=[], **scope)) == []
        session.rollback()


def test_evidence_roles_count_each_records_live_attachments_in_one_query(demo_build, tmp_path):
    from collections import Counter

    from ledger.evidence import detach, live_attachments

    path = tmp_path / "ledger"
    shutil.copytree(demo_build[0], path)
    with Ledger.open(path, author="测试员") as ledger, ledger.session() as session:
        counted = 0
        for kind in ("meeting", "cadre", "disbursement", "tie"):
            roles = record_rows.evidence_roles(session, RecordScope(kind, 2020, "鹤山市—龙州县"))
            expected = {
                record.id: dict(Counter(attachment.role for attachment in live_attachments(record)))
                for record in records.list_records(session, kind)
                if live_attachments(record)
            }
            assert roles == expected
            counted += sum(sum(by_role.values()) for by_role in roles.values())
        assert counted > 50
        assert record_rows.evidence_roles(session, RecordScope("meeting", pairing="没有这个")) == {}
        record = next(r for r in records.list_records(session, "meeting") if len(live_attachments(r)) >= 2)
        first = live_attachments(record)[0]
        before = record_rows.evidence_roles(session, RecordScope("meeting"))[record.id]
        detach(session, first)
        session.commit()
        after = record_rows.evidence_roles(session, RecordScope("meeting"))[record.id]
        assert sum(after.values()) == sum(before.values()) - 1  # a detached file is no evidence
        records.delete_record(session, record)
        session.commit()
        assert record.id not in record_rows.evidence_roles(session, RecordScope("meeting"))
        assert record_rows.evidence_roles(session, RecordScope("meeting", deleted=True)) == {record.id: after}


def test_deletions_say_when_and_by_whom_records_went_to_the_bin(session):
    kept = records.add_record(session, "meeting", VALID["meeting"])
    gone = records.add_record(session, "meeting", {**VALID["meeting"], "title": "第二次联席会议"})
    records.delete_record(session, gone)
    session.commit()
    found = record_rows.deletions(session, RecordScope("meeting"))
    assert list(found) == [gone.id] and kept.id not in found
    when, who = found[gone.id]
    assert who == "测试员" and when == gone.deleted_at and when.tzinfo is not None
    assert record_rows.deletions(session, RecordScope("meeting", 2019)) == {}


def test_every_write_to_a_record_bumps_its_stored_revision_in_the_same_transaction(session):
    record = records.add_record(session, "meeting", VALID["meeting"])
    assert record.revision == 1
    records.update_record(session, record, {"title": "第一次联席会议"})
    assert record.revision == 2
    assert records.update_record(session, record, {"title": "第一次联席会议"}) == {}  # nothing changed
    assert record.revision == 2
    records.delete_record(session, record)
    records.restore_record(session, record)
    assert record.revision == 4
    session.rollback()
    assert session.get(Record, record.id) is None  # the revision is no separate write

    (added,) = records.add_many(session, "meeting", [VALID["meeting"]])
    session.commit()
    stored = session.scalar(select(Record.revision).where(Record.id == added))
    assert stored == 1
    other = session.get(Record, added)
    put, _ = records.put_record(session, "meeting", added, {**VALID["meeting"], "title": "合并来的"}, {})
    assert put.revision == 2
    session.commit()
    assert session.scalar(select(Record.revision).where(Record.id == added)) == 2 and other is put
