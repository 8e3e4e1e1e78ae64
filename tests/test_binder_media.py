"""Evidence prepared for the binder, from sample files made here: photos, scans and files that cannot print."""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from ledger.jobs import Cancelled, Job
from ledger.pdf import media as binder_media
from ledger.pdf.media import Listed, Photo, Scan, Unusable, photo_pixels, prepare

BOX = (800, 600)
JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"


def _item(path: Path, mime: str) -> tuple[str, Path, str]:
    # Named by file name rather than hashed: the module takes the sha256 as the caller's key.
    return (path.stem.ljust(64, "0"), path, mime)


def _jpeg(path: Path, size=(64, 48), colour="green") -> Path:
    Image.new("RGB", size, colour).save(path, "JPEG")
    return path


def _pdf(path: Path, pages: int = 2, encrypt=None) -> Path:
    canvas = Canvas(str(path), encrypt=encrypt)
    for number in range(pages):
        canvas.drawString(100, 700, f"scan page {number + 1}")
        canvas.showPage()
    canvas.save()
    return path


def _opened(photo: Photo) -> Image.Image:
    with Image.open(photo.path) as image:
        assert image.format == "JPEG"
        assert image.size == (photo.width, photo.height)
        image.load()
        return image


def test_photo_pixels_of_a_box_at_print_resolution():
    assert photo_pixels(300, 170, 120) == (2008, 1417)
    assert photo_pixels(150, 25.4, 50.8) == (150, 300)
    with pytest.raises(ValueError):
        photo_pixels(0, 170, 120)


def test_a_photo_turned_by_exif_comes_out_upright_within_the_box_and_is_cached(tmp_path, monkeypatch):
    # Stored sideways as cameras do, red along the stored top; orientation 6 shows it turned a quarter clockwise.
    stored = Image.new("RGB", (4000, 3000), "blue")
    stored.paste("red", (0, 0, 4000, 500))
    exif = Image.Exif()
    exif[0x0112] = 6
    source = tmp_path / "camera.jpg"
    stored.save(source, "JPEG", quality=85, exif=exif.tobytes())
    item = _item(source, JPEG)
    decoded = []
    thumbnail = Image.Image.thumbnail

    def spy(image, size):
        decoded.append(image.size)
        thumbnail(image, size)

    monkeypatch.setattr(Image.Image, "thumbnail", spy)

    photo = prepare([item], tmp_path / "cache", max_size=BOX)[item[0]]
    assert decoded == [(1000, 750)]  # JPEG decoded at a quarter scale, not in full before scaling
    assert isinstance(photo, Photo)
    assert photo.path == tmp_path / "cache" / "binder" / f"{item[0]}-800x600.jpg"
    assert (photo.width, photo.height) == (450, 600)  # portrait 3:4, fitted to the box as it prints
    image = _opened(photo)
    assert image.mode == "RGB"
    assert "exif" not in image.info  # no orientation left for a viewer to apply a second time
    red, blue = image.getpixel((photo.width - 10, photo.height // 2)), image.getpixel((10, photo.height // 2))
    assert red[0] > 200 and red[2] < 60
    assert blue[2] > 200 and blue[0] < 60

    written = photo.path.stat().st_mtime_ns

    def no_decoding(self):
        raise AssertionError("a cached photo was decoded again")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert prepare([item], tmp_path / "cache", max_size=BOX) == {item[0]: photo}
    assert photo.path.stat().st_mtime_ns == written
    assert [path.name for path in (tmp_path / "cache" / "binder").iterdir()] == [photo.path.name]


def test_another_print_size_is_a_new_cache_file(tmp_path):
    item = _item(_jpeg(tmp_path / "wide.jpg", (1200, 900)), JPEG)
    small = prepare([item], tmp_path, max_size=(400, 400))[item[0]]
    large = prepare([item], tmp_path, max_size=(1000, 1000))[item[0]]
    assert (small.width, small.height, large.width, large.height) == (400, 300, 1000, 750)
    assert small.path != large.path and small.path.is_file()


def test_cmyk_16_bit_transparent_and_palette_photos_come_out_rgb(tmp_path):
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (64, 48), (0, 255, 255, 0)).save(cmyk, "JPEG")
    grey16 = tmp_path / "grey16.png"
    Image.new("I;16", (64, 48), 40000).save(grey16)
    rgba = tmp_path / "rgba.png"
    transparent = Image.new("RGBA", (64, 48), (255, 0, 0, 0))
    transparent.paste((255, 0, 0, 255), (0, 0, 32, 48))
    transparent.save(rgba)
    gif = tmp_path / "palette.gif"
    palette = Image.new("P", (64, 48), 1)
    palette.putpalette([0, 0, 255, 0, 255, 0])
    palette.paste(0, (0, 0, 32, 48))
    palette.save(gif, transparency=1)
    items = [_item(cmyk, JPEG), _item(grey16, PNG), _item(rgba, PNG), _item(gif, "image/gif")]

    # Halved on the way, so the conversions meet scaled images as real photos are.
    prepared = prepare(items, tmp_path / "cache", max_size=(32, 24), workers=1)
    cmyk, grey16, rgba, gif = (_opened(prepared[item[0]]) for item in items)
    assert {image.mode for image in (cmyk, grey16, rgba, gif)} == {"RGB"}
    assert cmyk.size == (32, 24)
    assert _near(cmyk.getpixel((16, 12)), (255, 0, 0), 20)  # red, not inverted
    assert _near(grey16.getpixel((16, 12)), (156, 156, 156), 6)  # 40000 / 256, not clipped to white
    assert _near(rgba.getpixel((5, 12)), (255, 0, 0), 20)
    assert _near(rgba.getpixel((27, 12)), (255, 255, 255), 6)  # transparent onto white
    assert _near(gif.getpixel((5, 12)), (0, 0, 255), 20)
    assert _near(gif.getpixel((27, 12)), (255, 255, 255), 6)


def _near(pixel, expected, tolerance) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


def _bomb_png(path: Path, side: int) -> Path:
    """A valid 1-bit PNG of side × side pixels, all black: a few kilobytes that would decode to gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    rows = (b"\x00" * (1 + (side + 7) // 8)) * 1000
    packer = zlib.compressobj(1)
    data = b"".join(packer.compress(rows) for _ in range(side // 1000)) + packer.flush()
    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    return path


def test_files_that_cannot_print_are_unusable_with_reasons_and_the_rest_are_prepared(tmp_path):
    good_photo = _item(_jpeg(tmp_path / "good.jpg"), JPEG)
    good_scan = _item(_pdf(tmp_path / "scan.pdf", pages=3), PDF)

    noisy = io.BytesIO()
    Image.effect_noise((640, 480), 64).convert("RGB").save(noisy, "JPEG")
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(noisy.getvalue()[: len(noisy.getvalue()) // 2])
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    bomb = _bomb_png(tmp_path / "bomb.png", 21000)  # 441 megapixels, over twice the limit
    heic = tmp_path / "iphone.heic"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64))
    renamed_heic = tmp_path / "renamed.jpg"
    renamed_heic.write_bytes(heic.read_bytes())
    locked = _pdf(tmp_path / "locked.pdf", encrypt=StandardEncryption("secret", ownerPassword="owner"))
    whole = _pdf(tmp_path / "whole.pdf", pages=3).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: re.search(rb"\d+ 0 obj\s*<<[^>]*/Type /Pages", whole).start()])
    unknown = tmp_path / "unknown.xyz"
    unknown.write_bytes(b"PK\x03\x04" + bytes(100))

    bad = {
        _item(truncated, JPEG): "照片文件已损坏（JPEG 数据不完整）",
        _item(empty, JPEG): "文件是空的（0 字节）",
        _item(bomb, PNG): "照片像素过多（超过 2 亿像素的上限），可能是异常文件",
        _item(heic, "image/heic"): "HEIC/HEIF 格式的照片无法放入佐证材料，请转成 JPEG 后重新添加",
        _item(renamed_heic, JPEG): "HEIC/HEIF 格式的照片无法放入佐证材料，请转成 JPEG 后重新添加",
        _item(locked, PDF): "PDF 已加密，无法打开",
        _item(cut, PDF): "PDF 文件已损坏，无法读取页面",
        _item(unknown, "application/octet-stream"): "文件类型无法识别：.xyz",
        _item(tmp_path / "gone.jpg", JPEG): "台账中找不到这份文件，请运行“ledger check”检查",
    }
    docx = tmp_path / "minutes.docx"
    docx.write_bytes(b"PK\x03\x04" + bytes(100))
    document = _item(docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    items = [good_photo, *bad, document, good_scan]

    prepared = prepare(items, tmp_path / "cache", max_size=BOX, workers=1)
    assert {item[0]: prepared[item[0]] for item in bad} == {item[0]: Unusable(reason) for item, reason in bad.items()}
    assert isinstance(prepared[good_photo[0]], Photo)
    assert prepared[document[0]] == Listed("Word 文档")  # named in the list, not a problem
    assert prepared[good_scan[0]] == Scan(good_scan[1], 3, password_removed=False)


def test_a_photo_over_the_pixel_limit_is_refused_before_pillow_would_only_warn(tmp_path, monkeypatch):
    # Between one and two times the limit Pillow merely warns; such a photo is refused all the same.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 64 * 48 - 1)
    item = _item(_jpeg(tmp_path / "big.jpg"), JPEG)
    assert prepare([item], tmp_path, max_size=BOX) == {item[0]: Unusable(binder_media.TOO_MANY_PIXELS)}


def test_an_owner_password_only_scan_is_merged_from_an_unlocked_copy(tmp_path):
    no_printing = StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0)
    item = _item(_pdf(tmp_path / "owner.pdf", pages=2, encrypt=no_printing), PDF)

    scan = prepare([item], tmp_path / "cache", max_size=BOX)[item[0]]
    assert scan == Scan(tmp_path / "cache" / "binder" / f"{item[0]}.pdf", 2, password_removed=True)
    copy = PdfReader(scan.path)
    assert not copy.is_encrypted
    assert "scan page 2" in copy.pages[1].extract_text()


def test_an_aes_locked_scan_opens_when_cryptography_is_installed(tmp_path):
    pytest.importorskip("cryptography", reason="pypdf needs cryptography for AES; without it such scans are Unusable")
    writer = PdfWriter(clone_from=_pdf(tmp_path / "plain.pdf", pages=2))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256", permissions_flag=0)
    locked = tmp_path / "aes.pdf"
    writer.write(locked)
    item = _item(locked, PDF)

    scan = prepare([item], tmp_path / "cache", max_size=BOX)[item[0]]
    assert isinstance(scan, Scan) and scan.password_removed and scan.pages == 2
    assert "scan page 2" in PdfReader(scan.path).pages[1].extract_text()


def test_an_aes_locked_scan_without_cryptography_is_unusable_naming_it(tmp_path, monkeypatch):
    # pypdf raises DependencyError when it needs AES and cryptography is missing: stand in for it here.
    def needs_aes(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", needs_aes)
    item = _item(_pdf(tmp_path / "aes.pdf", encrypt=StandardEncryption("", ownerPassword="owner")), PDF)
    assert prepare([item], tmp_path, max_size=BOX) == {item[0]: Unusable(binder_media.NEEDS_AES)}


def _samples(folder: Path) -> list[tuple[str, Path, str]]:
    folder.mkdir()
    photos = [_item(_jpeg(folder / f"p{n}.jpg", (300 + 40 * n, 200), (40 * n, 90, 160)), JPEG) for n in range(5)]
    empty = folder / "empty.png"
    empty.write_bytes(b"")
    return [*photos, _item(empty, PNG), _item(_pdf(folder / "scan.pdf"), PDF)]


def _comparable(prepared: dict, cache: Path) -> dict:
    return {
        sha256: (type(result).__name__, result.path.relative_to(cache).as_posix(), result.path.read_bytes())
        if isinstance(result, Photo)
        else result
        for sha256, result in prepared.items()
    }


def test_a_pool_of_two_workers_gives_what_one_worker_gives(tmp_path):
    items = _samples(tmp_path / "files")
    calls = []
    alone = prepare(items, tmp_path / "alone", max_size=(200, 150), workers=1)
    pooled = prepare(items, tmp_path / "pool", max_size=(200, 150), workers=2, job=Job(lambda *c: calls.append(c)))
    assert _comparable(pooled, tmp_path / "pool") == _comparable(alone, tmp_path / "alone")
    total = len(items)
    assert calls == [(done / total, f"正在处理照片和扫描件 {done}/{total}") for done in range(1, total + 1)]


def _dies_on_p2(sha256: str, *args):
    if sha256.startswith("p2"):
        os._exit(1)  # as the kernel's out-of-memory killer would end it
    return _prepare_one(sha256, *args)


_prepare_one = binder_media._prepare_one


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the stand-in needs fork")
def test_a_worker_that_dies_costs_only_its_own_file(tmp_path, monkeypatch):
    # Forked workers see the stand-in that kills the worker handling one photo.
    monkeypatch.setattr(binder_media, "_CONTEXT", multiprocessing.get_context("fork"))
    monkeypatch.setattr(binder_media, "_prepare_one", _dies_on_p2)
    items = _samples(tmp_path / "files")

    prepared = prepare(items, tmp_path / "cache", max_size=(200, 150), workers=2)
    assert prepared.pop(items[2][0]) == Unusable(binder_media.CRASHED)
    assert len(prepared) == len(items) - 1
    assert all(isinstance(prepared[item[0]], Photo) for item in items[:5] if item != items[2])


def test_where_workers_cannot_start_the_files_are_prepared_in_process(tmp_path, monkeypatch):
    # As when the main script came from stdin: a spawned worker cannot import it again and dies at once.
    main = sys.modules["__main__"]
    monkeypatch.setattr(main, "__spec__", None)
    monkeypatch.setattr(main, "__file__", str(tmp_path / "gone.py"), raising=False)
    items = _samples(tmp_path / "files")

    prepared = prepare(items, tmp_path / "cache", max_size=(200, 150), workers=2)
    assert sum(isinstance(result, Photo) for result in prepared.values()) == 5
    assert binder_media.CRASHED not in {getattr(result, "reason", None) for result in prepared.values()}


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_after_the_first_file_stops(tmp_path, workers):
    items = _samples(tmp_path / "files")
    calls = []
    with pytest.raises(Cancelled):
        prepare(
            items,
            tmp_path / "cache",
            max_size=(200, 150),
            workers=workers,
            job=Job(lambda *c: calls.append(c), lambda: bool(calls)),
        )
    assert calls == [(1 / len(items), f"正在处理照片和扫描件 1/{len(items)}")]


def test_nothing_to_prepare(tmp_path):
    assert prepare([], tmp_path, max_size=BOX) == {}
