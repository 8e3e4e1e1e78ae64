"""Evidence made ready for the binder: photos upright and at print size, scans checked, the rest explained.

reportlab ignores EXIF orientation and holds the whole PDF in memory, so every photo is rotated, scaled to
the resolution it prints at and saved as a JPEG that reportlab embeds without decoding. These copies live in
the ledger's `cache/binder/`, named by content and size, so the next binder of the same year reuses them.
Scans are opened once here so a broken or locked PDF becomes a reason printed in its place instead of
failing the whole binder. Photos are decoded in worker processes: decoding is CPU-bound, and a file that
exhausts a worker's memory costs that file only.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from ledger.jobs import Job

# Large enough for any camera or scanner, small enough that a crafted file cannot exhaust memory.
# Set here as well as in `ledger.media` because worker processes import only this module.
Image.MAX_IMAGE_PIXELS = 200_000_000

# Spawn, not fork: the window calls this from a worker thread, and forking a threaded process can deadlock.
# It is also the only method Windows has, so every platform runs the same way.
_CONTEXT = multiprocessing.get_context("spawn")

JPEG_QUALITY = 80
_ORIENTATION = 0x0112
_HEIF_TYPES = {"image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_PDF = "application/pdf"
# How often a wait for the pool looks whether to stop, so a slow file does not hold up a cancel.
_POLL_SECONDS = 0.2

EMPTY = "文件是空的（0 字节）"
MISSING = "台账中找不到这份文件，请运行“ledger check”检查"
HEIF = "HEIC/HEIF 格式的照片无法放入佐证材料，请转成 JPEG 后重新添加"
DAMAGED_PHOTO = "照片文件已损坏（{format} 数据不完整）"
UNREADABLE_PHOTO = "照片文件已损坏或格式无法识别"
TOO_MANY_PIXELS = "照片像素过多（超过 2 亿像素的上限），可能是异常文件"
OUT_OF_MEMORY = "内存不足，无法处理这份文件"
CRASHED = "处理这份文件时程序意外退出（可能是内存不足）"
ENCRYPTED = "PDF 已加密，无法打开"
NEEDS_AES = "PDF 使用 AES 加密，本程序缺少解密组件（cryptography），无法打开"
DAMAGED_PDF = "PDF 文件已损坏，无法读取页面"
NO_PAGES = "PDF 中没有页面"
NOT_PRINTABLE = "文件类型无法识别：{type}"
#: Documents a binder names in the record's list rather than prints: they need their own program to lay out.
DOCUMENTS = {
    ".doc": "Word 文档",
    ".docx": "Word 文档",
    ".wps": "WPS 文字文档",
    ".odt": "文字文档",
    ".rtf": "文字文档",
    ".txt": "文本文件",
    ".xls": "Excel 表格",
    ".xlsx": "Excel 表格",
    ".et": "WPS 表格",
    ".ods": "表格",
    ".csv": "表格",
    ".ppt": "演示文稿",
    ".pptx": "演示文稿",
    ".dps": "WPS 演示文稿",
    ".ofd": "OFD 版式文件",
    ".zip": "压缩包",
    ".rar": "压缩包",
    ".7z": "压缩包",
    ".mp4": "视频",
    ".mov": "视频",
    ".mp3": "音频",
}


@dataclass(frozen=True)
class Photo:
    """A photo ready to draw: upright, within the print size, JPEG quality 80."""

    path: Path  # in the ledger's cache
    width: int  # pixels, after rotation
    height: int


@dataclass(frozen=True)
class Scan:
    """A PDF whose pages are merged into the binder."""

    path: Path  # the stored file, or a decrypted copy in the cache
    pages: int
    password_removed: bool


@dataclass(frozen=True)
class Unusable:
    """Evidence that cannot be included; the binder prints the reason in its place and lists it at the end."""

    reason: str


@dataclass(frozen=True)
class Listed:
    """A document of a known kind that the binder names in the record's list of evidence but does not print."""

    kind: str  # Word 文档, Excel 表格 …


Prepared = Photo | Scan | Listed | Unusable


def photo_pixels(dpi: int, width_mm: float, height_mm: float) -> tuple[int, int]:
    """The pixels a box of `width_mm` × `height_mm` holds when printed at `dpi`."""
    if dpi <= 0 or width_mm <= 0 or height_mm <= 0:
        raise ValueError(f"dpi and size must be positive: {dpi}, {width_mm}×{height_mm} mm")
    return max(1, round(width_mm / 25.4 * dpi)), max(1, round(height_mm / 25.4 * dpi))


def prepare(
    items: Sequence[tuple[str, Path, str]],
    cache_dir: Path,
    *,
    max_size: tuple[int, int],
    workers: int | None = None,
    job: Job | None = None,
) -> dict[str, Prepared]:
    """Prepares evidence files given as (sha256, stored path, mime); returns what each became, by sha256.

    A file that cannot be used becomes `Unusable` and never stops the others; only a failure to write the
    cache (a full disk) raises. Raises `Cancelled` when the job is cancelled, between files."""
    job = job or Job()
    folder = cache_dir / "binder"
    folder.mkdir(parents=True, exist_ok=True)
    files = {sha256: (Path(path), mime) for sha256, path, mime in items}
    total = len(files)
    results: dict[str, Prepared] = {}

    def finished(sha256: str, prepared: Prepared) -> None:
        results[sha256] = prepared
        job.report(len(results) / total, f"正在处理照片和扫描件 {len(results)}/{total}")

    todo = []
    for sha256, (path, mime) in files.items():
        cached = _cached_photo(folder, sha256, max_size) if _is_photo(mime) else None
        if cached is None:
            todo.append((sha256, path, mime))
            continue
        job.check()
        finished(sha256, cached)

    workers = min(workers or os.cpu_count() or 1, len(todo))
    executor = _start_pool(workers) if workers > 1 else None
    if executor is None:
        for sha256, path, mime in todo:
            job.check()
            finished(sha256, _prepare_one(sha256, path, mime, folder, max_size))
        return results
    lost = _in_pool(executor, todo, folder, max_size, finished, job)
    # A worker that died (out of memory, a crash in a decoder) takes the files it shared the pool with;
    # each is tried again alone, so only the file that kills its own worker is given up.
    for item in lost:
        job.check()
        alone = _start_pool(1)
        if alone is None or _in_pool(alone, [item], folder, max_size, finished, job):
            finished(item[0], Unusable(CRASHED))
    return results


def _start_pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool whose workers have started, or None where they cannot: a frozen build that does not call
    `multiprocessing.freeze_support()`, or a main script that cannot be imported again (read from stdin)."""
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_CONTEXT)
    try:
        executor.submit(int).result()
    except BrokenProcessPool:
        executor.shutdown()
        return None
    return executor


def _in_pool(
    executor: ProcessPoolExecutor,
    todo: list[tuple[str, Path, str]],
    folder: Path,
    max_size: tuple[int, int],
    finished: Callable[[str, Prepared], None],
    job: Job,
) -> list[tuple[str, Path, str]]:
    """Runs `todo` on `executor` and shuts it down; returns the items lost when the pool broke."""
    lost = []
    try:
        futures = {executor.submit(_prepare_one, *item, folder, max_size): item for item in todo}
        pending = set(futures)
        while pending:
            job.check()
            done, _ = wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
            if not done:
                continue
            future = done.pop()  # one at a time, so the job is asked between every two files
            pending.remove(future)
            try:
                prepared = future.result()
            except BrokenProcessPool:
                lost.append(futures[future])
                continue
            finished(futures[future][0], prepared)
    except BaseException:
        # Files being decoded finish in the background; their cache files are written whole or not at all.
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown()
    return lost


def _prepare_one(sha256: str, path: Path, mime: str, folder: Path, max_size: tuple[int, int]) -> Prepared:
    try:
        if path.stat().st_size == 0:
            return Unusable(EMPTY)
    except FileNotFoundError:
        return Unusable(MISSING)
    if mime == _PDF:
        return _scan(sha256, path, folder)
    if _is_photo(mime):
        return _photo(sha256, path, mime, folder, max_size)
    if mime in _HEIF_TYPES:
        return Unusable(HEIF)
    if path.suffix.lower() in DOCUMENTS:
        return Listed(DOCUMENTS[path.suffix.lower()])
    return Unusable(NOT_PRINTABLE.format(type=path.suffix.lower() or mime))


def _is_photo(mime: str) -> bool:
    Image.init()
    # Image.MIME also names formats such as EPS that are not photos and need other programs.
    return mime.startswith("image/") and mime in Image.MIME.values()


# Photos --------------------------------------------------------------------------------------------


def _photo_path(folder: Path, sha256: str, max_size: tuple[int, int]) -> Path:
    return folder / f"{sha256}-{max_size[0]}x{max_size[1]}.jpg"


def _cached_photo(folder: Path, sha256: str, max_size: tuple[int, int]) -> Photo | None:
    path = _photo_path(folder, sha256, max_size)
    if not path.is_file():
        return None
    try:
        with Image.open(path) as image:  # reads the header only
            return Photo(path, *image.size)
    except (OSError, UnidentifiedImageError):
        return None


def _photo(sha256: str, path: Path, mime: str, folder: Path, max_size: tuple[int, int]) -> Prepared:
    try:
        image = _decode(path, max_size)
    except FileNotFoundError:
        return Unusable(MISSING)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return Unusable(TOO_MANY_PIXELS)
    except MemoryError:
        return Unusable(OUT_OF_MEMORY)
    except UnidentifiedImageError:
        return Unusable(HEIF if _is_heif(path) else UNREADABLE_PHOTO)
    except OSError as error:
        if "truncated" in str(error) or "broken data stream" in str(error):
            return Unusable(DAMAGED_PHOTO.format(format=_format_name(mime)))
        return Unusable(UNREADABLE_PHOTO)
    except Exception:
        # Image parsers raise almost anything on damaged or hostile input; one file must not stop the rest.
        return Unusable(UNREADABLE_PHOTO)
    encoded = io.BytesIO()
    image.save(encoded, "JPEG", quality=JPEG_QUALITY)
    target = _photo_path(folder, sha256, max_size)
    _write_whole(target, encoded.getvalue())
    return Photo(target, *image.size)


def _decode(path: Path, max_size: tuple[int, int]) -> Image.Image:
    """The photo upright, within `max_size`, in RGB."""
    with warnings.catch_warnings():
        # Pillow only warns between one and two times the limit; such a file still needs gigabytes.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            # The bounds apply to the photo as shown, so a photo turned on its side is fitted turned.
            turned = image.getexif().get(_ORIENTATION) in (5, 6, 7, 8)
            box = (max_size[1], max_size[0]) if turned else max_size
            scale = min(1.0, box[0] / image.width, box[1] / image.height)
            # JPEG decodes at 1/2, 1/4 or 1/8 scale only if both sides stay at least the size asked for,
            # so the request keeps the photo's own proportions (see PITFALLS).
            image.draft("RGB", (max(1, int(image.width * scale)), max(1, int(image.height * scale))))
            image.thumbnail(box)
            upright = ImageOps.exif_transpose(image)
    return _printable(upright)


def _printable(image: Image.Image) -> Image.Image:
    """RGB, one colour model for every photo: transparency onto white, 16-bit scaled down, CMYK, palettes and
    greyscale converted."""
    if image.mode == "RGB":
        return image
    if image.mode.startswith("I"):
        # "I;16" and "I" convert by clipping at 255, which turns a 16-bit photo white.
        return image.convert("I").point(lambda value: value / 256).convert("RGB")
    bands = image.getbands()
    if "A" in bands or "a" in bands or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _is_heif(path: Path) -> bool:
    with path.open("rb") as stream:
        head = stream.read(12)
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def _format_name(mime: str) -> str:
    return next((name for name, known in Image.MIME.items() if known == mime), "图片")


# Scans ---------------------------------------------------------------------------------------------


def _scan(sha256: str, path: Path, folder: Path) -> Prepared:
    # Imported here: photo workers need not pay for it.
    from pypdf import PasswordType, PdfReader, PdfWriter
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(path, strict=False)
        locked = reader.is_encrypted
        # Most locked scans have only an owner password (no printing, no copying): the empty user
        # password opens them.
        if locked and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return Unusable(ENCRYPTED)
        pages = len(reader.pages)
        if pages == 0:
            return Unusable(NO_PAGES)
        if not locked:
            return Scan(path, pages, password_removed=False)
        # The binder merges an unlocked copy, so it needs no password and prints without restrictions.
        copy = folder / f"{sha256}.pdf"
        if copy.is_file():
            return Scan(copy, pages, password_removed=True)
        unlocked = io.BytesIO()
        PdfWriter(clone_from=reader).write(unlocked)
    except FileNotFoundError:
        return Unusable(MISSING)
    except DependencyError:
        return Unusable(NEEDS_AES)
    except MemoryError:
        return Unusable(OUT_OF_MEMORY)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        return Unusable(DAMAGED_PDF)
    _write_whole(copy, unlocked.getvalue())
    return Scan(copy, pages, password_removed=True)


def _write_whole(target: Path, data: bytes) -> None:
    """Writes through a temporary file and a rename, so a cache file is complete or absent."""
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
