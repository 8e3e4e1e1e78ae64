"""How large a file the ledger takes in, as ledger settings with defaults that fit the work.

The limits keep a mistaken or hostile file (a 2 GB video dropped as evidence, a workbook that inflates to
gigabytes, a sheet filled down a million rows) from filling the disk or memory; an office whose files are
genuinely larger raises them with `ledger config`. Every limit is checked before the file is read.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.errors import InvalidInput
from ledger.fields import Problem
from ledger.models import Setting

#: Pillow decodes no image past this anyway (see `ledger.media`), and the binder could not print it.
MOST_MEGAPIXELS = 200


@dataclass(frozen=True)
class Limits:
    evidence_mb: int = 500  # one evidence file: an hour of phone video, far more than any scan
    import_mb: int = 50  # one workbook or document imported: about 500,000 ledger rows
    image_megapixels: int = MOST_MEGAPIXELS  # a 200-megapixel phone photo; an A3 scan at 600 dpi is 70
    sheet_rows: int = 200_000  # rows read from one sheet of an Excel ledger

    @classmethod
    def of(cls, session: Session) -> Limits:
        """The ledger's limits: its settings where set, the defaults elsewhere."""
        stored = dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(SETTINGS))).all())
        given = {}
        for key, value in stored.items():
            try:
                given[_FIELDS[key]] = parse_setting(key, value)
            except InvalidInput:
                continue  # set by hand in the database; `ledger config` refuses such values
        return cls(**given)


_FIELDS = {
    "max_evidence_mb": "evidence_mb",
    "max_import_mb": "import_mb",
    "max_image_megapixels": "image_megapixels",
    "max_sheet_rows": "sheet_rows",
}
_MOST = {"max_image_megapixels": MOST_MEGAPIXELS}

#: The settings as `ledger config` names them, each with its label and default.
SETTINGS = {
    "max_evidence_mb": f"单个佐证材料文件的大小上限（MB，默认 {Limits.evidence_mb}）",
    "max_import_mb": f"导入的 Excel 台账或任务清单文件的大小上限（MB，默认 {Limits.import_mb}）",
    "max_image_megapixels": f"佐证照片的像素上限（百万像素，默认 {Limits.image_megapixels}，最多 {MOST_MEGAPIXELS}）",
    "max_sheet_rows": f"导入 Excel 台账时每张工作表的行数上限（默认 {Limits.sheet_rows}）",
}


def parse_setting(key: str, text: str) -> int:
    """The limit `text` sets for `key`; raises InvalidInput in Chinese unless it is a whole number in range."""
    most = _MOST.get(key)
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if value < 1 or (most is not None and value > most):
        bound = f"1 到 {most} 之间的整数" if most else "正整数"
        label = SETTINGS[key].split("（")[0]
        raise InvalidInput([Problem(key, label, text, f"应为{bound}")], heading="设置有误，未作修改：")
    return value


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
