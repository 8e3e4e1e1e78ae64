"""The evidence store: content addressing, sharing, atomic copies, metadata and tamper detection."""

import hashlib
import json
import os
from datetime import date, datetime

import pytest
from PIL import Image
from samples import VALID
from sqlalchemy import func, select

from ledger import audit_entries, evidence, evidence_store, records
from ledger.check import check_ledger
from ledger.errors import InvalidInput, RecordLocked
from ledger.evidence_roles import guess_role
from ledger.models import Attachment, EvidenceFile


@pytest.fixture
def photo(tmp_path):
    image = Image.new("RGB", (640, 480), (200, 120, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif.get_ifd(0x8769)[0x9003] = "2020:04:20 09:30:00"  # DateTimeOriginal
    path = tmp_path / "联席会议现场.JPG"
    image.save(path, "JPEG", exif=exif)
    return path


@pytest.fixture
def pdf(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "会议纪要.pdf"
    with path.open("wb") as stream:
        writer.write(stream)
    return path


def _stored_files(ledger):
    return evidence_store.stored_files(ledger.evidence_dir)


def test_a_file_is_stored_under_its_hash_with_its_metadata(ledger, session, photo):
    record = records.add_record(session, "meeting", VALID["meeting"])
    [attachment] = evidence.attach(session, ledger.evidence_dir, record, [photo], role="照片", caption="会场")
    session.commit()

    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    stored = ledger.evidence_dir / digest[:2] / f"{digest}.jpg"
    assert stored.read_bytes() == photo.read_bytes()
    assert attachment.original_name == "联席会议现场.JPG"
    assert (attachment.role, attachment.caption, attachment.position) == ("照片", "会场", 0)
    file = attachment.file
    assert (file.size, file.mime) == (photo.stat().st_size, "image/jpeg")
    assert (file.width, file.height, file.orientation) == (480, 640, 6)  # as displayed: turned upright
    assert file.taken_at == datetime(2020, 4, 20, 9, 30)
    assert [entry.action for entry in audit_entries.history(session, record.id)] == ["attach", "insert"]


def test_pdfs_record_their_page_count(ledger, session, pdf):
    record = records.add_record(session, "meeting", VALID["meeting"])
    [attachment] = evidence.attach(session, ledger.evidence_dir, record, [pdf], role="会议纪要")
    assert (attachment.file.mime, attachment.file.page_count) == ("application/pdf", 3)


def test_the_same_file_attached_twice_is_stored_once(ledger, session, photo, tmp_path):
    first = records.add_record(session, "meeting", VALID["meeting"])
    second = records.add_record(session, "training", VALID["training"])
    copy = tmp_path / "另一个名字.jpeg"
    copy.write_bytes(photo.read_bytes())
    evidence.attach(session, ledger.evidence_dir, first, [photo], role="照片")
    evidence.attach(session, ledger.evidence_dir, second, [copy], role="照片")
    session.commit()
    assert len(_stored_files(ledger)) == 1
    assert session.scalar(select(func.count()).select_from(EvidenceFile)) == 1
    assert session.scalar(select(func.count()).select_from(Attachment)) == 2
    assert [a.original_name for a in second.attachments] == ["另一个名字.jpeg"]
    assert check_ledger(ledger) == []


def test_a_record_holds_the_same_content_once(ledger, session, photo, pdf, tmp_path):
    record = records.add_record(session, "meeting", VALID["meeting"])
    [kept] = evidence.attach(session, ledger.evidence_dir, record, [photo])
    copy = tmp_path / "重拍.jpg"
    copy.write_bytes(photo.read_bytes())
    again, other, twice = evidence.attach(session, ledger.evidence_dir, record, [copy, pdf, pdf])
    session.commit()
    assert again is kept and "已经添加过" in again.warning
    assert twice is other and "已经添加过" in twice.warning
    assert [(a.original_name, a.position) for a in record.attachments] == [("联席会议现场.JPG", 0), ("会议纪要.pdf", 1)]
    assert [entry.action for entry in audit_entries.history(session, record.id)] == ["attach", "attach", "insert"]
    assert check_ledger(ledger) == []


def test_a_copy_that_fails_midway_leaves_nothing_behind(ledger, session, photo, monkeypatch):
    record = records.add_record(session, "meeting", VALID["meeting"])
    session.commit()

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        evidence.attach(session, ledger.evidence_dir, record, [photo])
    session.rollback()
    assert _stored_files(ledger) == []
    assert list((ledger.evidence_dir / evidence_store.TEMP).iterdir()) == []
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_files_of_a_rolled_back_attach_are_discarded(ledger, session, photo, pdf):
    record = records.add_record(session, "meeting", VALID["meeting"])
    session.commit()
    evidence.attach(session, ledger.evidence_dir, record, [photo, pdf])
    session.rollback()
    assert len(_stored_files(ledger)) == 2
    assert len(evidence_store.discard_unreferenced(session, ledger.evidence_dir)) == 2
    assert _stored_files(ledger) == []
    assert check_ledger(ledger) == []


def test_check_names_the_file_that_was_altered_missing_or_unknown(ledger, session, photo, pdf):
    record = records.add_record(session, "meeting", VALID["meeting"])
    evidence.attach(session, ledger.evidence_dir, record, [photo, pdf])
    session.commit()
    assert check_ledger(ledger) == []
    altered, removed = sorted(_stored_files(ledger), key=lambda p: p.suffix)  # .jpg, .pdf
    data = bytearray(altered.read_bytes())
    data[-10] ^= 0xFF  # same size, different content
    altered.write_bytes(bytes(data))
    removed.unlink()
    stray = ledger.evidence_dir / "ab" / "stray.jpg"
    stray.parent.mkdir()
    stray.write_bytes(b"x")

    problems = check_ledger(ledger)
    assert len(problems) == 3
    assert any(str(altered) in p and "校验值不符" in p for p in problems)
    assert any(str(removed) in p and "缺失" in p for p in problems)
    assert any(str(stray) in p and "未登记" in p for p in problems)


def test_attaching_the_same_content_heals_a_missing_or_damaged_stored_copy(ledger, session, photo):
    record = records.add_record(session, "meeting", VALID["meeting"])
    evidence.attach(session, ledger.evidence_dir, record, [photo])
    session.commit()
    [stored] = _stored_files(ledger)
    stored.unlink()
    evidence.attach(session, ledger.evidence_dir, record, [photo])
    session.commit()
    assert stored.read_bytes() == photo.read_bytes()
    assert check_ledger(ledger) == []

    stored.write_bytes(b"\0" * 10)
    [problem] = check_ledger(ledger)
    assert str(stored) in problem and f"会议与互访“{record.title}”的 联席会议现场.JPG" in problem
    evidence.attach(session, ledger.evidence_dir, record, [photo])
    session.commit()
    assert stored.read_bytes() == photo.read_bytes()
    assert len(evidence.live_attachments(record)) == 1
    assert check_ledger(ledger) == []


def test_detach_keeps_the_file_and_is_audited(ledger, session, photo):
    record = records.add_record(session, "meeting", VALID["meeting"])
    [attachment] = evidence.attach(session, ledger.evidence_dir, record, [photo])
    evidence.detach(session, attachment)
    session.commit()
    assert evidence.live_attachments(record) == []
    assert len(_stored_files(ledger)) == 1
    assert audit_entries.history(session, record.id)[0].action == "detach"
    assert check_ledger(ledger) == []


def test_bad_requests_are_refused_before_copying(ledger, session, photo, tmp_path):
    record = records.add_record(session, "meeting", VALID["meeting"])
    with pytest.raises(InvalidInput, match="材料类型"):
        evidence.attach(session, ledger.evidence_dir, record, [photo], role="自拍")
    with pytest.raises(evidence.EvidenceRefused, match="nope.jpg：找不到文件"):
        evidence.attach(session, ledger.evidence_dir, record, [photo, tmp_path / "nope.jpg"])
    records.delete_record(session, record)
    with pytest.raises(InvalidInput, match="回收站"):
        evidence.attach(session, ledger.evidence_dir, record, [photo])
    assert _stored_files(ledger) == []


def test_an_archived_records_evidence_is_locked_until_it_is_reopened(ledger, session, photo, pdf):
    record = records.add_record(session, "meeting", VALID["meeting"])
    [kept] = evidence.attach(session, ledger.evidence_dir, record, [photo])
    records.update_record(session, record, {"record_status": "已归档"})
    with pytest.raises(RecordLocked, match="已归档"):
        evidence.attach(session, ledger.evidence_dir, record, [pdf])
    with pytest.raises(RecordLocked, match="已归档"):
        evidence.detach(session, kept)
    assert evidence.live_attachments(record) == [kept]
    assert len(_stored_files(ledger)) == 1

    records.update_record(session, record, {"record_status": "已核实"})
    evidence.attach(session, ledger.evidence_dir, record, [pdf])
    evidence.detach(session, kept)
    assert [a.original_name for a in evidence.live_attachments(record)] == ["会议纪要.pdf"]


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\照片.jpg", "照片.jpg"),
        ("a\x00b\x1f.jpg", "ab.jpg"),
        ("...", "未命名文件"),
        ("\u202egpj.exe", "gpj.exe"),  # the override would show it as exe.jpg
        ("a" * 240 + ".jpeg", "a" * 195 + ".jpeg"),  # shortened before its extension
    ],
)
def test_original_names_are_cleaned(given, shown):
    assert evidence.clean_name(given) == shown


def test_opening_sets_aside_files_a_killed_write_left_and_brings_them_back_when_named(ledger_path, photo):
    from ledger.storage.folder import Ledger

    with Ledger.open(ledger_path) as opened, opened.session() as session:
        record = records.add_record(session, "meeting", VALID["meeting"])
        session.commit()
        evidence.attach(session, opened.evidence_dir, record, [photo])
        session.rollback()  # as if the process died before its commit
        [left] = evidence_store.stored_files(opened.evidence_dir)

    with Ledger.open(ledger_path) as opened:
        assert evidence_store.stored_files(opened.evidence_dir) == []
        assert (opened.orphans_dir / left.name).read_bytes() == photo.read_bytes()
        assert check_ledger(opened) == []
        with opened.session() as session:
            # A restored or merged database that names the content again finds it back in the store.
            session.add(EvidenceFile(sha256=left.stem, ext=left.suffix, size=photo.stat().st_size, mime="image/jpeg"))
            session.commit()

    with Ledger.open(ledger_path) as opened:
        assert evidence_store.stored_files(opened.evidence_dir) == [left]
        assert not (opened.orphans_dir / left.name).exists()


# What each file is (its role), guessed per file; changed after attaching ---------------------------


@pytest.mark.parametrize(
    ("kind", "roles"),
    [
        ("meeting", {"会议纪要.pdf": "会议纪要", "签到表.pdf": "签到表", "联席会议现场1.jpg": "照片"}),
        ("cadre", {"任职文件.pdf": "任职文件"}),
        ("dispatch", {"选派通知.pdf": "通知文件"}),
        ("training", {"花名册.pdf": "花名册"}),
        (
            "disbursement",
            {
                "拨付凭证-HS2020-001.pdf": "拨付凭证",
                "捐赠收据-HS2020-007.pdf": "收据",
                "捐赠协议-碧桂园.pdf": "捐赠协议",
            },
        ),
        ("industry", {"合作协议书.pdf": "协议书"}),
        ("labour", {"补贴拨付凭证.pdf": "拨付凭证"}),
        ("consumption", {"销售凭证.pdf": "销售凭证"}),  # not 拨付凭证: the longer word ending last wins
        ("tie", {"结对帮扶协议书.pdf": "协议书"}),
        ("publicity", {"报道版面.pdf": "报道截图"}),
    ],
)
def test_the_demos_own_files_are_each_guessed_as_the_demo_files_them(kind, roles):
    assert {name: guess_role(name, kind) for name in roles} == roles


@pytest.mark.parametrize(
    ("name", "kind", "role"),
    [
        # Names as clerks write them.
        ("2020年第一次联席会议纪要（定稿）.docx", "meeting", "会议纪要"),
        ("参会人员签到.pdf", "meeting", "签到表"),
        ("关于印发会议纪要的通知.pdf", "meeting", "会议纪要"),  # 通知 only says it is a document
        ("关于陈志强同志任职的通知.pdf", "cadre", "任职文件"),
        ("关于拨付2020年东西部协作资金的通知.pdf", "disbursement", "拨付凭证"),
        ("银行回单.pdf", "disbursement", "拨付凭证"),
        ("挂职干部花名册.xlsx", "cadre", "花名册"),  # what the name ends with
        ("参训学员名单.xls", "training", "花名册"),
        ("学员信息.xlsx", "training", "花名册"),  # a spreadsheet of a training lists its people
        ("学员信息.xlsx", "meeting", "其他"),
        ("签到表.jpg", "meeting", "签到表"),  # a sheet photographed
        ("资金拨付仪式.JPG", "disbursement", "照片"),  # a photo of a ceremony, not a voucher
        ("IMG_20200420_093000.jpeg", "training", "照片"),
        ("微信截图_20200420.png", "meeting", "报道截图"),
        ("IMG_0001.jpg", "publicity", "报道截图"),
        ("扫描件001.pdf", "cadre", "任职文件"),  # the one paper a cadre's rules ask for
        ("扫描件001.pdf", "meeting", "其他"),  # minutes or sign-in sheet: not for a guess to say
        ("扫描件001.pdf", None, "其他"),
        ("C:\\Users\\办公室\\Desktop\\签到表\\扫描件.pdf", "meeting", "其他"),  # folder names do not count
    ],
)
def test_the_role_is_guessed_for_a_file_as_clerks_name_it_from_its_name_and_record(name, kind, role):
    assert guess_role(name, kind) == role


def test_files_of_one_attach_each_keep_their_own_role_and_caption(ledger, session, photo, pdf):
    record = records.add_record(session, "meeting", VALID["meeting"])
    attached = evidence.attach(
        session, ledger.evidence_dir, record, [photo, pdf], roles=["照片", "会议纪要"], captions=["会场", " "]
    )
    assert [(a.original_name, a.role, a.caption) for a in attached] == [
        ("联席会议现场.JPG", "照片", "会场"),
        ("会议纪要.pdf", "会议纪要", None),
    ]
    with pytest.raises(InvalidInput, match="材料类型"):
        evidence.attach(session, ledger.evidence_dir, record, [photo, pdf], roles=["照片", "自拍"], captions=["", ""])


def test_a_role_and_caption_change_is_audited_and_refused_on_an_archived_record(ledger, session, photo):
    from ledger.audit_log import summary

    record = records.add_record(session, "meeting", VALID["meeting"])
    [attachment] = evidence.attach(session, ledger.evidence_dir, record, [photo])
    assert (attachment.role, attachment.caption) == ("其他", None)

    changes = evidence.update_attachment(session, attachment, role="照片", caption="  会场全景 ")
    assert changes == {"role": ["其他", "照片"], "caption": [None, "会场全景"]}
    assert (attachment.role, attachment.caption, attachment.updated_by) == ("照片", "会场全景", "测试员")
    assert evidence.update_attachment(session, attachment, role="照片") == {}  # nothing changed: nothing logged
    assert evidence.update_attachment(session, attachment, caption="") == {"caption": ["会场全景", None]}
    session.commit()
    entries = audit_entries.history(session, record.id)
    assert [entry.action for entry in entries] == ["update", "update", "attach", "insert"]
    assert (entries[1].target, entries[1].target_id, entries[1].author) == ("attachment", attachment.id, "测试员")
    assert summary("update", "attachment", "meeting", json.loads(entries[1].changes)) == (
        "说明：（空） → 会场全景；文件：联席会议现场.JPG；类别：其他 → 照片"  # the log stores names sorted
    )

    records.update_record(session, record, {"record_status": "已归档"})
    with pytest.raises(RecordLocked, match="已归档，不能修改佐证材料"):
        evidence.update_attachment(session, attachment, role="会议纪要")
    with pytest.raises(InvalidInput, match="材料类型"):
        evidence.update_attachment(session, attachment, role="自拍")
    assert attachment.role == "照片"
    records.update_record(session, record, {"record_status": "已核实"})
    evidence.detach(session, attachment)
    with pytest.raises(InvalidInput, match="已移除"):
        evidence.update_attachment(session, attachment, caption="迟了")


def test_a_file_that_is_no_photo_pdf_or_document_is_refused(ledger, session, photo, tmp_path):
    record = records.add_record(session, "meeting", VALID["meeting"])
    program = tmp_path / "安装程序.exe"
    program.write_bytes(b"MZ" + bytes(500))
    bare = tmp_path / "说明"
    bare.write_bytes(b"just text")
    with pytest.raises(evidence.EvidenceRefused) as refused:
        evidence.attach(session, ledger.evidence_dir, record, [photo, program, bare])
    assert refused.value.refused == [
        ("安装程序.exe", "这种文件（.exe）不能作为佐证材料：可以添加照片（JPG、PNG 等）、PDF，或 Word、Excel 等文档"),
        ("说明", "这种文件（没有扩展名）不能作为佐证材料：可以添加照片（JPG、PNG 等）、PDF，或 Word、Excel 等文档"),
    ]
    assert _stored_files(ledger) == []
    # A document by its name, and a photo under any name, are taken.
    notes = tmp_path / "讲话稿.docx"
    notes.write_bytes(b"PK\x03\x04" + bytes(100))
    odd = tmp_path / "照片.dat"
    odd.write_bytes(photo.read_bytes())
    assert len(evidence.attach(session, ledger.evidence_dir, record, [notes, odd])) == 2
    assert ".heic" not in evidence.ACCEPTED_SUFFIXES and ".pdf" in evidence.ACCEPTED_SUFFIXES


def test_the_years_evidence_is_listed_with_its_records_in_one_query(ledger, session, photo, pdf):
    meeting = records.add_record(session, "meeting", VALID["meeting"])
    training = records.add_record(session, "training", VALID["training"])
    other_year = records.add_record(session, "meeting", {**VALID["meeting"], "date": date(2019, 5, 1)})
    evidence.attach(session, ledger.evidence_dir, training, [photo], role="照片")
    evidence.attach(
        session, ledger.evidence_dir, meeting, [pdf, photo], roles=["会议纪要", "照片"], captions=["", "会场"]
    )
    evidence.attach(session, ledger.evidence_dir, other_year, [pdf])
    [gone] = evidence.attach(session, ledger.evidence_dir, training, [pdf])
    evidence.detach(session, gone)
    session.commit()

    listed = evidence.list_evidence(session, year=2020, pairing="鹤山市—龙州县")
    assert [(entry.kind, entry.name, entry.role, entry.caption) for entry in listed] == [
        ("meeting", "会议纪要.pdf", "会议纪要", ""),
        ("meeting", "联席会议现场.JPG", "照片", "会场"),
        ("training", "联席会议现场.JPG", "照片", ""),
    ]
    assert listed[0].title == "鹤山—龙州扶贫协作党政联席会议" and listed[0].page_count == 3
    assert ledger.evidence_path(listed[1].relative_path).read_bytes() == photo.read_bytes()
    assert len(evidence.list_evidence(session)) == 4
    assert evidence.list_evidence(session, pairing="没有的结对") == []
