"""Evidence gaps: the framework's rules of what each record needs, checked against the demo's evidence."""

import json
from datetime import date

import pytest
from PIL import Image

from ledger import evidence, record_rows, records
from ledger.assessment import frameworks
from ledger.assessment.frameworks import FrameworkError, evidence_rule
from ledger.assessment.gaps import find_gaps, scope
from ledger.kinds import KINDS
from ledger.records import RecordScope
from ledger.storage.folder import Ledger


def test_rules_pick_the_first_that_selects_a_record():
    framework = frameworks.load("east-west-poverty-2018")
    visit = evidence_rule(framework, "meeting", {"meeting_type": "调研对接/互访"})
    joint = evidence_rule(framework, "meeting", {"meeting_type": "党政联席会议"})
    gift = evidence_rule(framework, "disbursement", {"fund_type": "社会帮扶资金"})
    assert visit.roles == (("照片",),)
    assert joint.roles == (("会议纪要",), ("签到表",), ("照片",))
    assert gift.missing({"拨付凭证"}) == ["捐赠协议"]
    assert gift.missing({"照片"}) == ["捐赠协议", "收据或拨付凭证"]
    assert frameworks.load("east-west-2021").evidence  # both frameworks say what evidence they expect


def test_a_rule_naming_an_unknown_role_is_refused_with_the_rule(tmp_path):
    data = frameworks.framework_json(frameworks.load("east-west-2021"))
    data["evidence"].append({"kind": "cadre", "roles": ["任命书"]})
    path = tmp_path / "east-west-2021.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FrameworkError, match="任命书"):
        frameworks.load_file(path)


def test_the_demo_lacks_two_donation_agreements_and_attaching_one_closes_its_gap(demo_copy, tmp_path):
    with Ledger.open(demo_copy, author="测试员") as ledger, ledger.session() as session:
        pairing, year = scope(session, None, None)
        framework = frameworks.for_year(year)
        gaps = find_gaps(session, framework, pairing, year)
        assert [(gap.record.kind, gap.missing) for gap in gaps] == [("disbursement", ["捐赠协议"])] * 2
        record = gaps[0].record
        agreement = tmp_path / "捐赠协议.jpg"
        Image.new("RGB", (40, 30), "white").save(agreement)
        evidence.attach(session, ledger.evidence_dir, record, [agreement], role="捐赠协议")
        session.commit()
        assert [gap.record.id for gap in find_gaps(session, framework, pairing, year)] == [gaps[1].record.id]
        records.delete_record(session, gaps[1].record)
        session.commit()
        assert find_gaps(session, framework, pairing, year) == []  # the recycle bin needs no evidence


def test_a_tables_missing_evidence_is_what_find_gaps_lists_for_each_pairing_and_year(demo_copy):
    """The 缺佐证 filter of a table of every pairing and year: each record held to its own year's framework."""
    from ledger.assessment.gaps import missing_evidence

    meeting = {"title": "联席会议", "meeting_type": "党政联席会议", "held_in": "西部"}
    with Ledger.open(demo_copy, author="测试员") as ledger, ledger.session() as session:
        records.add_pairing(session, "湛江市", "柳州市")
        added = {
            day: records.add_record(session, "meeting", {**meeting, "pairing": pairing, "date": day}).id
            for pairing, day in (
                ("湛江市—柳州市", date(2019, 5, 6)),
                ("鹤山市—龙州县", date(2021, 5, 6)),
                ("鹤山市—龙州县", date(2017, 5, 6)),  # no framework covers 2017: nothing is expected
            )
        }
        session.commit()
        for kind in KINDS:
            rows = record_rows.value_rows(session, RecordScope(kind))
            found = missing_evidence(kind, rows, record_rows.evidence_roles(session, RecordScope(kind)))
            listed = {}
            for name, year in {(values["pairing"], values["year"]) for _, values in rows}:
                if year == 2017:
                    continue
                pairing = records.find_pairing(session, name)
                for gap in find_gaps(session, frameworks.for_year(year), pairing, year):
                    if gap.record.kind == kind:
                        listed[gap.record.id] = gap.missing
            assert found == listed
            if kind == "disbursement":
                assert list(found.values()) == [["捐赠协议"], ["捐赠协议"]]
            if kind == "meeting":
                assert found[added[date(2019, 5, 6)]] == ["会议纪要", "签到表", "照片"]
                assert found[added[date(2021, 5, 6)]] == ["会议纪要", "签到表", "照片"]
                assert added[date(2017, 5, 6)] not in found
                assert len(found) == 2
