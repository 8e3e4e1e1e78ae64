"""What the window shows of a record's stored evidence files and how it opens one: each attachment's facts (pages,
pixels, when taken, size), a thumbnail of a photo, a badge for the other types, and a read-only copy for the
system viewer.

Read by a record's evidence panel and by the 佐证材料 view, which show the same files; nothing here changes the
ledger, and none of it needs a view, so the rows an evidence panel lists can be read without one.
"""

from __future__ import annotations

import shutil
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImageReader, QPainter, QPen, QPixmap

from ledger import evidence
from ledger.models import Attachment, Record
from ledger.storage.folder import VIEWING, Ledger

THUMBNAIL = 72


@dataclass(frozen=True)
class ShownAttachment:
    """What the list shows of one attachment, read while its session is open."""

    id: uuid.UUID
    sha256: str
    name: str
    role: str
    caption: str
    path: Path
    is_image: bool
    facts: str

    @classmethod
    def of(cls, attachment: Attachment, path: Path) -> ShownAttachment:
        stored = attachment.file
        facts = []
        if stored.page_count:
            facts.append(f"{stored.page_count} 页")
        if stored.width and stored.height:
            facts.append(f"{stored.width}×{stored.height}")
        if stored.taken_at:
            facts.append(f"摄于 {stored.taken_at:%Y-%m-%d}")
        facts.append(size_text(stored.size))
        return cls(
            attachment.id,
            stored.sha256,
            attachment.original_name,
            attachment.role,
            attachment.caption or "",
            path,
            stored.mime.startswith("image/"),
            " · ".join(facts),
        )


def shown_attachments(ledger: Ledger, record: Record) -> list[ShownAttachment]:
    """What the evidence panel lists of `record`'s live attachments, in their order; read while its session is open."""
    return [
        ShownAttachment.of(attachment, ledger.evidence_path(attachment.file.relative_path))
        for attachment in evidence.live_attachments(record)
    ]


def viewing_copy(ledger: Ledger, stored: Path, name: str) -> Path:
    """A read-only copy of a stored file under its original name: the viewer shows a real name, and an editor
    that saves in place cannot change the evidence store, whose files must never change."""
    copy = ledger.cache_dir / VIEWING / stored.stem[:16] / evidence.clean_name(name)
    if not copy.is_file():
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stored, copy)
        copy.chmod(stat.S_IREAD)
    return copy


def thumbnail(path: Path) -> QPixmap | None:
    # Decoding at the thumbnail's size is a fraction of a full decode for camera JPEGs.
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # EXIF orientation
    size = reader.size()
    if size.isValid() and (size.width() > THUMBNAIL or size.height() > THUMBNAIL):
        reader.setScaledSize(size.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    # Centred on a square, so landscape and portrait photos keep their names in one column.
    square = QPixmap(THUMBNAIL, THUMBNAIL)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    painter.drawImage((THUMBNAIL - image.width()) // 2, (THUMBNAIL - image.height()) // 2, image)
    painter.end()
    return square


_BADGE_COLORS = {"PDF": "#c0392b", "DOC": "#2b5797", "DOCX": "#2b5797", "XLS": "#1e7145", "XLSX": "#1e7145"}


def rounded_page(side: int, outline: QPen, fill: QColor, page: QRectF) -> tuple[QPixmap, QPainter]:
    """A transparent square (drawn at twice the size shown, for sharp edges) with a rounded page on it, and the
    painter still open for what goes on the page; the caller ends it."""
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(outline)
    painter.setBrush(fill)
    painter.drawRoundedRect(page, 8, 8)
    return pixmap, painter


def badge_icon(path: Path) -> QIcon:
    """A page with the file's type on a band: the same on every platform, and unlike the generic icon
    Linux desktops without an icon theme offer, it tells a PDF from a Word file at a glance."""
    label = path.suffix.lstrip(".").upper()[:4] or "FILE"
    pixmap, painter = rounded_page(
        THUMBNAIL * 2, QPen(QColor("#8a8f98"), 4), QColor("#ffffff"), QRectF(30, 10, 84, 124)
    )
    painter.fillRect(QRectF(18, 70, 108, 38), QColor(_BADGE_COLORS.get(label, "#6c7a89")))
    font = QFont()
    font.setPixelSize(24)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRectF(18, 70, 108, 38), Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return QIcon(pixmap)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size, 1024) // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"
