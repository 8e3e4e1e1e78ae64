"""How large a file the ledger takes in: the limits as the ledger's settings set them (each described, with the
default that fits the work, in `ledger.settings`), and the check of a file against one.

The limits keep a mistaken or hostile file (a 2 GB video dropped as evidence, a workbook that inflates to
gigabytes, a sheet filled down a million rows) from filling the disk or memory; an office whose files are
genuinely larger raises them with `ledger config`. Every limit is checked before the file is read.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from ledger.settings import EVIDENCE_MB, IMAGE_MEGAPIXELS, IMPORT_MB, SHEET_ROWS, read_settings


@dataclass(frozen=True)
class Limits:
    """The limits as numbers; `ledger.settings` describes each (its key, label, default and bounds)."""

    evidence_mb: int = EVIDENCE_MB.default
    import_mb: int = IMPORT_MB.default
    image_megapixels: int = IMAGE_MEGAPIXELS.default
    sheet_rows: int = SHEET_ROWS.default

    @classmethod
    def of(cls, session: Session) -> Limits:
        """The ledger's limits: its settings where set, the defaults elsewhere."""
        values = read_settings(session, _FIELDS)
        return cls(**{field: values[key] for key, field in _FIELDS.items()})


_FIELDS = {
    EVIDENCE_MB.key: "evidence_mb",
    IMPORT_MB.key: "import_mb",
    IMAGE_MEGAPIXELS.key: "image_megapixels",
    SHEET_ROWS.key: "sheet_rows",
}


def file_problem(path: Path, most_mb: int, setting: str) -> str | None:
    """Why `path` cannot be read in as a file of at most `most_mb` MB, or None. Only its directory entry is
    read, so a 2 GB file is refused at once, and a pipe or a device is never opened (reading one never ends)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return "找不到文件（链接指向的文件已不存在）" if path.is_symlink() else "找不到文件"
    except PermissionError:
        return "没有权限读取这个文件"
    except OSError as error:
        return f"无法读取文件（{error.strerror or error}）"
    if stat.S_ISDIR(status.st_mode):
        return "这是一个文件夹，不是文件"
    if not stat.S_ISREG(status.st_mode):
        return "不是普通文件（是设备或管道），不能读入"
    if status.st_size == 0:
        return "文件是空的（0 字节）"
    if status.st_size > most_mb * 2**20:
        return f"文件有 {size_text(status.st_size)}，超过上限 {most_mb} MB（台账设置 {setting}）"
    return None


def size_text(size: int) -> str:
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.1f} MB"
