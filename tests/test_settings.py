"""The ledger's settings: each read as its type with its default, written only when every value is accepted, and
every change in the audit log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ledger.audit_log import read_log
from ledger.errors import InvalidInput
from ledger.limits import Limits
from ledger.models import AuditEntry, Setting
from ledger.settings import (
    AUTHOR,
    EVIDENCE_MB,
    IMAGE_MEGAPIXELS,
    MASK_PERSONAL,
    SETTINGS,
    read_setting,
    read_settings,
    stored_settings,
    write_settings,
)


def _entries(session) -> list[tuple[str, str, dict]]:
    query = select(AuditEntry.action, AuditEntry.target, AuditEntry.changes).where(AuditEntry.target == "setting")
    return [(action, target, json.loads(changes)) for action, target, changes in session.execute(query)]


def test_unset_settings_read_as_their_defaults(session):
    assert read_settings(session, SETTINGS) == {
        "author": "",
        "compiling_unit": "",
        "pdf_font": "",
        "mask_personal": True,
        "max_evidence_mb": 500,
        "max_import_mb": 50,
        "max_image_megapixels": 200,
        "max_sheet_rows": 200_000,
    }
    assert Limits.of(session) == Limits()


def test_settings_are_read_as_their_types(session):
    with session.begin():
        write_settings(session, {"mask_personal": "否", "max_evidence_mb": " 20 ", "author": " 李娟 "})
    assert read_setting(session, MASK_PERSONAL) is False
    assert read_setting(session, EVIDENCE_MB) == 20 and Limits.of(session).evidence_mb == 20
    assert read_setting(session, AUTHOR) == "李娟"
    assert stored_settings(session, SETTINGS) == {"mask_personal": "否", "max_evidence_mb": "20", "author": "李娟"}


def test_yes_and_no_are_read_as_the_fields_read_them_and_kept_as_shi_or_fou(session):
    with session.begin():
        write_settings(session, {"mask_personal": "no"})
    assert stored_settings(session, ["mask_personal"]) == {"mask_personal": "否"}
    assert read_setting(session, MASK_PERSONAL) is False


def test_a_value_set_by_hand_that_its_setting_refuses_reads_as_the_default(session):
    with session.begin():
        session.add_all([Setting(key="max_evidence_mb", value="很多"), Setting(key="mask_personal", value="也许")])
    assert read_setting(session, EVIDENCE_MB) == 500
    assert read_setting(session, MASK_PERSONAL) is True


def test_every_refused_value_is_named_and_nothing_is_written(session):
    with pytest.raises(InvalidInput) as refused, session.begin():
        write_settings(
            session,
            {"author": "王海", "max_image_megapixels": "300", "mask_personal": "也许", "compiling_unit": "甲\n乙"},
        )
    assert [problem.field for problem in refused.value.problems] == [
        "max_image_megapixels",
        "mask_personal",
        "compiling_unit",
    ]
    assert str(refused.value).startswith("设置有误，未作修改：")
    assert "佐证照片的像素上限（max_image_megapixels）“300”：应为1 到 200 之间的整数" in str(refused.value)
    assert stored_settings(session, SETTINGS) == {} and _entries(session) == []
    assert IMAGE_MEGAPIXELS.label == "佐证照片的像素上限（百万像素，默认 200，最多 200）"


def test_each_change_is_audited_once_and_an_empty_value_removes_the_setting(session):
    with session.begin():
        assert write_settings(session, {"author": "李娟", "pdf_font": ""}) == {"author": [None, "李娟"]}
    with session.begin():
        assert write_settings(session, {"author": "李娟"}) == {}  # unchanged: nothing to log
    with session.begin():
        assert write_settings(session, {"author": "王海"}) == {"author": ["李娟", "王海"]}
    with session.begin():
        assert write_settings(session, {"author": ""}) == {"author": ["王海", None]}
    assert stored_settings(session, ["author"]) == {}
    assert sorted(_entries(session), key=str) == sorted(
        [
            ("update", "setting", {"author": [None, "李娟"]}),
            ("update", "setting", {"author": ["李娟", "王海"]}),
            ("update", "setting", {"author": ["王海", None]}),
        ],
        key=str,
    )
    ids = set(session.scalars(select(AuditEntry.target_id).where(AuditEntry.target == "setting")))
    assert len(ids) == 1  # one id per key: a setting's history is asked for by it
    assert any("李娟 → 王海" in line.summary for line in read_log(session, []))  # 修改记录 tells it too
