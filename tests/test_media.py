"""Probing evidence files, and the demo's generated photos and documents."""

import io
import random
import zipfile
from datetime import date, datetime

import pytest
from PIL import Image, ImageOps

from ledger.demo.files import MARKER, demo_pdf, demo_photo
from ledger.media import probe

TAKEN = datetime(2020, 4, 20, 9, 30, 15)


def _photo(orientation, size=(400, 300)):
    return demo_photo(random.Random(5), caption="会场", taken_at=TAKEN, orientation=orientation, size=size)


@pytest.mark.parametrize(("orientation", "shown"), [(1, (400, 300)), (3, (400, 300)), (6, (400, 300)), (8, (400, 300))])
def test_demo_photos_are_upright_once_their_orientation_is_applied(orientation, shown):
    image = Image.open(io.BytesIO(_photo(orientation)))
    stored_sideways = orientation in (6, 8)
    assert image.size == ((300, 400) if stored_sideways else (400, 300))
    upright = ImageOps.exif_transpose(image)
    assert upright.size == shown
    corner = upright.getpixel((8, 8))
    assert all(abs(a - b) < 40 for a, b in zip(corner, MARKER, strict=True))


def test_a_photo_is_probed_for_size_orientation_and_capture_time(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(_photo(6))
    info = probe(path)
    assert (info.mime, info.width, info.height, info.orientation) == ("image/jpeg", 400, 300, 6)
    assert info.taken_at == TAKEN and info.warning is None


def test_a_pdf_is_probed_for_its_pages(tmp_path):
    path = tmp_path / "纪要.pdf"
    path.write_bytes(
        demo_pdf("会议纪要", "鹤龙协纪〔2020〕1号", ["议定事项。" * 400], signed_by="工作组", dated=date(2020, 4, 20))
    )
    info = probe(path)
    assert info.mime == "application/pdf" and info.page_count >= 2 and info.warning is None


def test_other_types_by_content_then_name(tmp_path):
    png = tmp_path / "scan.png"
    Image.new("L", (50, 70)).save(png)
    assert (probe(png).mime, probe(png).width, probe(png).height) == ("image/png", 50, 70)
    docx = tmp_path / "通知.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert probe(docx).mime.endswith("wordprocessingml.document") and probe(docx).warning is None
    assert probe(png, "renamed.jpeg").mime == "image/png"  # content wins over the name


@pytest.mark.parametrize(
    ("name", "content", "refusal"),
    [
        ("truncated.jpg", None, "不完整"),
        ("random.jpg", bytes(range(256)) * 4, "不是可识别的图片"),
        ("empty.pdf", b"", "空的"),
        ("empty.txt", b"", "空的"),
        ("fake.pdf", b"this is not a pdf at all", "不是可识别的PDF"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF 文件已损坏"),
    ],
)
def test_bad_content_gives_the_reason_it_cannot_be_evidence_not_an_error(tmp_path, name, content, refusal):
    path = tmp_path / name
    path.write_bytes(content if content is not None else _photo(1)[:600])
    info = probe(path)
    assert refusal in (info.refusal or ""), info


def test_generated_files_are_deterministic():
    assert _photo(6) == _photo(6)
    assert demo_pdf("标题", "文号", ["正文"], dated=date(2020, 1, 2)) == demo_pdf(
        "标题", "文号", ["正文"], dated=date(2020, 1, 2)
    )
    assert _photo(1) != demo_photo(random.Random(6), caption="会场", taken_at=TAKEN)
