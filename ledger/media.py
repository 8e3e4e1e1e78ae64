"""What an evidence file is: its type, pixel size, camera time and orientation, or page count.

Probing never fails on bad content — a truncated photo or a broken scan is still evidence the user
chose to keep — it returns what it could learn and a warning in Chinese.
"""

from __future__ import annotations

import mimetypes
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError

# Large enough for any camera or scanner, small enough that a crafted file cannot exhaust memory.
Image.MAX_IMAGE_PIXELS = 200_000_000

_ORIENTATION = 0x0112
_DATETIME = 0x0132
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_ZIP_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


@dataclass(frozen=True)
class MediaInfo:
    mime: str
    width: int | None = None  # as displayed, after the EXIF orientation
    height: int | None = None
    orientation: int | None = None
    taken_at: datetime | None = None  # as the camera wrote it, without a zone
    page_count: int | None = None
    warning: str | None = None


def probe(path: Path, original_name: str | None = None) -> MediaInfo:
    """Reads `path`'s metadata; only a missing or unreadable file raises (OSError)."""
    with path.open("rb") as stream:
        head = stream.read(16)
    name = original_name or path.name
    if head.startswith(b"%PDF"):
        return _probe_pdf(path)
    if _looks_like_image(head):
        return _probe_image(path, name)
    guessed = _guess_type(name)
    if guessed.startswith("image/") or guessed == "application/pdf":
        kind = "PDF" if guessed == "application/pdf" else "图片"
        return MediaInfo(mime=guessed, warning=f"文件名是{kind}，但内容不是可识别的{kind}")
    if not head:
        return MediaInfo(mime=guessed, warning="文件是空的（0 字节）")
    return MediaInfo(mime=guessed)


def _guess_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return _ZIP_TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream"


def _looks_like_image(head: bytes) -> bool:
    return (
        head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif")
    )


def _probe_image(path: Path, name: str) -> MediaInfo:
    warning = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                mime = Image.MIME.get(image.format or "", _guess_type(name))
                width, height = image.size
                exif = image.getexif()
                try:
                    # Decoding at reduced scale is cheap and finds truncated or corrupt pixel data
                    # now, not the night the binder is printed.
                    image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
                    image.load()
                except (OSError, ValueError, SyntaxError):
                    warning = "图片数据不完整或已损坏，打印时可能缺失部分画面"
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return MediaInfo(mime=_guess_type(name), warning="图片像素过多，可能是恶意构造的文件，未读取其内容")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return MediaInfo(mime=_guess_type(name), warning="图片文件已损坏或格式不受支持，无法读取尺寸")
    orientation = exif.get(_ORIENTATION)
    orientation = orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else None
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    stamp = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    return MediaInfo(
        mime=mime,
        width=width,
        height=height,
        orientation=orientation,
        taken_at=_exif_time(stamp),
        warning=warning,
    )


def _exif_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _probe_pdf(path: Path) -> MediaInfo:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return MediaInfo(mime="application/pdf", warning="PDF 文件已加密，无法读取页数")
        return MediaInfo(mime="application/pdf", page_count=len(reader.pages))
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError, NotImplementedError):
        return MediaInfo(mime="application/pdf", warning="PDF 文件已损坏，无法读取页数")
