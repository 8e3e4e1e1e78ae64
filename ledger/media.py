"""What an evidence file is: its type, pixel size, camera time and orientation, or page count, and whether
it can be evidence at all.

Probing never raises on bad content; it returns what it could learn, and for a file the binder could never
print — a truncated photo, a scan whose pages cannot be read, a PDF locked with a password, an HEIC photo,
an image of absurd size — the reason in Chinese with what to do, so the file is refused while its owner
still has the original, not found out the night the binder is printed.
"""

from __future__ import annotations

import logging
import mimetypes
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ledger.settings import MOST_MEGAPIXELS

# Large enough for any camera or scanner, small enough that a crafted file cannot exhaust memory.
Image.MAX_IMAGE_PIXELS = MOST_MEGAPIXELS * 1_000_000

_ORIENTATION = 0x0112
_DATETIME = 0x0132
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
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
    warning: str | None = None  # kept, with this said
    refusal: str | None = None  # cannot be evidence, for this reason


def probe(path: Path, original_name: str | None = None, most_megapixels: int = MOST_MEGAPIXELS) -> MediaInfo:
    """Reads `path`'s metadata; only a missing or unreadable file raises (OSError)."""
    with path.open("rb") as stream:
        head = stream.read(16)
    name = original_name or path.name
    if not head:
        return MediaInfo(mime=_guess_type(name), refusal="文件是空的（0 字节）")
    if head.startswith(b"%PDF"):
        return _probe_pdf(path)
    if _looks_like_image(head):
        return _probe_image(path, name, head, most_megapixels)
    guessed = _guess_type(name)
    Image.init()
    if guessed == "application/pdf" or guessed in Image.MIME.values():
        kind = "PDF" if guessed == "application/pdf" else "图片"
        return MediaInfo(
            mime=guessed,
            refusal=f"文件名是{kind}，但内容不是可识别的{kind}：文件可能已损坏，或被改过扩展名",
        )
    return MediaInfo(mime=guessed)


def _guess_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return _ZIP_TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream"


def _looks_like_image(head: bytes) -> bool:
    return (
        head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[4:8] == b"ftyp" and (head[8:12] in _HEIF_BRANDS or head[8:12] == b"avif"))
    )


def _probe_image(path: Path, name: str, head: bytes, most_megapixels: int) -> MediaInfo:
    mime = _guess_type(name)
    too_large = f"图片像素过多（超过 {most_megapixels} 百万像素的上限），可能是异常或恶意构造的文件，请缩小后再添加"
    try:
        with warnings.catch_warnings():
            # Pillow only warns between one and two times its limit; such a file still needs gigabytes.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                mime = Image.MIME.get(image.format or "", mime)
                width, height = image.size
                if width * height > most_megapixels * 1_000_000:
                    return MediaInfo(mime=mime, refusal=too_large)
                exif = image.getexif()
                # Decoding at reduced scale is cheap and finds truncated or corrupt pixel data now.
                image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return MediaInfo(mime=mime, refusal=too_large)
    except UnidentifiedImageError:
        if head[8:12] in _HEIF_BRANDS:
            return MediaInfo(
                mime="image/heic",
                refusal="HEIC/HEIF 格式的照片无法打印进佐证材料：请在手机或电脑上另存为 JPG 后再添加",
            )
        return MediaInfo(mime=mime, refusal="图片文件已损坏或格式无法识别：请用看图软件另存为 JPG 后再添加")
    except Exception:
        # Image decoders raise almost anything on damaged or crafted data (OSError, ValueError, SyntaxError…).
        return MediaInfo(
            mime=mime,
            refusal="图片数据不完整或已损坏（常见于没有传完或拷完的照片）：请找到完好的原图再添加",
        )
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
    )


def _exif_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _probe_pdf(path: Path) -> MediaInfo:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    pdf = "application/pdf"
    # pypdf logs what it repairs ("EOF marker not found"); the refusal says it in Chinese instead.
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return MediaInfo(
                mime=pdf,
                refusal="PDF 设有打开密码，打印时无法打开：请用 PDF 阅读器另存一份不加密的副本后再添加",
            )
        pages = len(reader.pages)
    except DependencyError:
        # Locked with AES and only an owner password: sound, but this installation cannot open it.
        return MediaInfo(mime=pdf, warning="PDF 使用 AES 加密，本程序缺少解密组件（cryptography），打印时无法附入")
    except Exception:
        # pypdf raises almost anything on a damaged file (PdfReadError, KeyError, RecursionError…).
        return MediaInfo(
            mime=pdf,
            refusal="PDF 文件已损坏，无法读取页面：请用 PDF 阅读器打开确认，或重新扫描、导出后再添加",
        )
    finally:
        quiet.setLevel(level)
    if pages == 0:
        return MediaInfo(mime=pdf, refusal="PDF 中没有页面")
    return MediaInfo(mime=pdf, page_count=pages)
