"""Failures worth telling the user about, each with a message in Chinese that can be shown as it is."""

from __future__ import annotations

import errno
import math
import os
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from ledger.fields import Problem


class LedgerError(Exception):
    """Something the user can act on; the message says what and, where it can, how."""


class LedgerInUse(LedgerError):
    pass


class NotALedger(LedgerError):
    pass


class NotFound(LedgerError):
    pass


class RecordLocked(LedgerError):
    pass


class InvalidInput(LedgerError):
    """Values that cannot be saved; nothing was written."""

    def __init__(self, problems: Sequence[Problem], heading: str = "输入有误，未作任何修改："):
        self.problems = list(problems)
        super().__init__("\n".join([heading, *(f"  {problem}" for problem in self.problems)]))


# The disk, the file system and text encoding --------------------------------------------------------------------

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), getattr(errno, "EFBIG", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM}
_READ_ONLY = {errno.EROFS}
_FAILING = {errno.EIO, getattr(errno, "ENXIO", errno.EIO), getattr(errno, "ENODEV", errno.EIO)}
_MISSING = {errno.ENOENT, errno.ENOTDIR}
_TOO_LONG = {errno.ENAMETOOLONG}

# SQLite's primary result codes (sqlite3.h), for the errors that are the disk's or the OS's, not the database's.
_SQLITE_KINDS = {3: "denied", 5: "busy", 6: "busy", 8: "read_only", 10: "failing", 13: "full", 14: "cannot_open"}
_SQLITE_MESSAGES = {
    "database or disk is full": "full",
    "disk i/o error": "failing",
    "unable to open database file": "cannot_open",
    "attempt to write a readonly database": "read_only",
    "database is locked": "busy",
    "database table is locked": "busy",
    "access permission denied": "denied",
}


class StorageError(LedgerError, OSError):
    """The disk or the file system refused (full, not permitted, read-only, failing) or a text could not be
    encoded; the message is one sentence naming the file and what to do. An OSError as well, so the code that
    tolerates a failed copy (closing the ledger) still does."""

    def __init__(self, message: str, path: str | os.PathLike | None = None):
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return self.args[0]


def describe_os_error(error: BaseException, path: str | os.PathLike | None = None) -> str | None:
    """One Chinese sentence for a failure of the disk or the file system, or for text that is not valid (a name
    from a disk of another encoding, a surrogate-escaped argument): what happened, to which file, what to do.
    None for any other error (a damaged database is not the disk's failure: see `describe_database_error`).

    `path` is the file being read or written, named when the error does not name one itself (SQLite's errors
    and a failed write to an open file never do); SQLAlchemy's wrapped errors are looked through."""
    error = _driver_error(error)
    if isinstance(error, UnicodeError):
        return _encoding_sentence(error, path)
    if isinstance(error, sqlite3.Error):
        kind = _sqlite_kind(error)
        name, detail = path, str(error)
    elif isinstance(error, OSError) and not isinstance(error, LedgerError):
        kind = _os_kind(error)
        name = error.filename2 or error.filename  # os.replace names its target second
        if name is None or (path is not None and Path(os.fsdecode(name)).name.startswith(".~")):
            name = path if path is not None else name  # a temporary file beside the target: name the target
        detail = error.strerror or str(error)
    else:
        return None
    if kind is None:
        return None
    if kind == "failing" and name is not None and _out_of_space(name):
        kind = "full"  # SQLite says only "disk I/O error" when the disk is too full to grow its shared memory
    where = f"“{shown_path(name)}”" if name is not None else "文件"
    return {
        "full": f"磁盘空间已满，无法写入{where}：请删除不需要的文件腾出空间（或换一个有空间的磁盘），然后重试。",
        "denied": f"没有权限读写{where}：它可能正被其他程序（如 Excel、WPS）打开，或所在文件夹不允许写入；"
        "请关闭该文件或换一个位置后重试。",
        "read_only": f"{where}所在的磁盘或文件是只读的，无法写入：请换一个可以写入的位置（U 盘请关闭写保护）后重试。",
        "failing": f"读写{where}时磁盘出错（{detail}）：请检查磁盘或 U 盘是否已拔出、连接是否松动，然后重试。",
        "cannot_open": f"无法打开{where}：文件或所在文件夹不存在、没有权限，或磁盘已满；请检查后重试。",
        "busy": f"{where}正被其他程序占用：请稍后重试，或关闭正在使用它的程序。",
        "missing": f"找不到{where}：请检查文件或文件夹的名称和位置是否正确。",
        "too_long": f"文件名或路径太长，无法读写{where}：请用短一些的文件名，或放到层次浅一些的文件夹。",
        "other": f"无法读写{where}：{detail}。请检查该文件和所在磁盘后重试。",
    }[kind]


def describe_database_error(error: BaseException, database: str | os.PathLike) -> str:
    """What to tell the user about an error from the ledger's database `database`. "Damaged" is said only when
    SQLite's own integrity_check says so: a full disk or a failing USB stick makes reads fail too (`disk I/O
    error`), and advising a restore then would roll back the work saved since the backup."""
    problems = integrity_problems(database)
    if problems:
        return (
            f"台账的数据库“{shown_path(database)}”已损坏（{problems[0]}）："
            "可用“ledger restore 备份文件”从 backups 文件夹中的备份恢复。"
        )
    said = describe_os_error(error, database)
    if said is not None:
        return said
    return f"无法读写台账的数据库“{shown_path(database)}”（{_driver_error(error)}）：请检查该文件和所在磁盘后重试。"


def integrity_problems(database: str | os.PathLike) -> list[str]:
    """What `PRAGMA integrity_check` finds wrong with a database file; empty when it passes or cannot run because
    of the disk (full, failing, not permitted), which is no proof of damage. A file that is not a database at all
    is a problem."""
    try:
        connection = sqlite3.connect(f"file:{quote(Path(database).as_posix(), safe='/:')}?mode=ro", uri=True)
        try:
            rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        if _sqlite_kind(error) is not None:
            return []
        return [str(error)]
    return [] if rows == ["ok"] else rows


def storage_error(error: BaseException, path: str | os.PathLike | None = None) -> StorageError | None:
    """`error` as a StorageError with its sentence, when it is the disk's or the file system's; else None."""
    said = describe_os_error(error, path)
    return None if said is None else StorageError(said, path)


def user_error(
    error: BaseException, *, database: str | os.PathLike | None = None, target: str | os.PathLike | None = None
) -> BaseException:
    """`error` as the user is to be told it, the same on the command line and in the window: a LedgerError as it
    is; a failure of the disk, the file system or text encoding as a StorageError whose sentence names the file;
    an error of the ledger's `database` after integrity_check (damaged only if it fails); anything else, a bug,
    unchanged. `target` is the file the work reads or writes, named when the error names none."""
    if isinstance(error, LedgerError):
        return error
    driver = _driver_error(error)
    if isinstance(driver, sqlite3.Error):
        said = describe_os_error(driver, database)
        # Not a constraint or a programming error, which are bugs: what a damaged file or a lost disk raises.
        if said is None and database is not None and type(driver) in (sqlite3.DatabaseError, sqlite3.OperationalError):
            said = describe_database_error(driver, database)
        return error if said is None else StorageError(said, database)
    if isinstance(driver, UnicodeEncodeError):  # a text to be saved, not a file
        return storage_error(driver) or error
    return storage_error(driver, target) or error


def describe_argument(argument: str) -> str | None:
    """The sentence for a command-line argument that is not valid text (bytes of another encoding, which Python
    carries as lone surrogates); None for a good one."""
    if not _has_surrogates(argument):
        return None
    return (
        f"命令行参数不是有效的文字（编码不对）：{_escaped(argument)}。"
        "请把命令行窗口设为 UTF-8 编码（或直接输入，不要从其他编码的文件粘贴）后重试。"
    )


def space_text(size: int, *, round_up: bool = False) -> str:
    """A number of bytes as a clerk reads it: "1.2 GB", "12 MB", "300 KB". A need rounds up and a free space
    rounds down, so "需要 3 MB，只剩 3 MB" never appears when the need is more."""
    step = math.ceil if round_up else math.floor
    if size >= 2**30:
        return f"{step(size / 2**30 * 10) / 10:.1f} GB"
    if size >= 2**20:
        return f"{step(size / 2**20)} MB"
    if size >= 2**10:
        return f"{step(size / 2**10)} KB"
    return f"{size} 字节"


def shown_path(path: str | os.PathLike | bytes) -> str:
    """A path as a message can quote it: a name in another encoding shows its bytes (\\xff), not a crash."""
    return _escaped(os.fsdecode(path))


def _escaped(text: str) -> str:
    if not _has_surrogates(text):
        return text
    try:  # bytes of another encoding, carried as U+DC80…U+DCFF: shown as those bytes
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # other lone surrogates
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _encoding_sentence(error: UnicodeError, path: str | os.PathLike | None) -> str:
    bad = getattr(error, "object", "")
    if isinstance(bad, bytes | bytearray):
        bad = bytes(bad).decode("utf-8", "backslashreplace")
    excerpt = _escaped(str(bad))
    excerpt = excerpt if len(excerpt) <= 60 else excerpt[:59] + "…"
    where = f"“{shown_path(path)}”中" if path is not None else ""
    return f"{where}有文字不是有效的编码（编码不对）：{excerpt}。请改用 UTF-8 编码的文字（或重新输入这段文字）后重试。"


#: Free space below which an input/output error is taken to be the disk's being full.
_NEARLY_FULL = 1 << 20


def _out_of_space(path: str | os.PathLike | bytes) -> bool:
    folder = Path(os.fsdecode(path))
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < _NEARLY_FULL
    except OSError:
        return False


def _driver_error(error: BaseException) -> BaseException:
    """The DB-API error inside SQLAlchemy's wrapper, else the error itself."""
    orig = getattr(error, "orig", None)
    return orig if isinstance(orig, BaseException) else error


def _sqlite_kind(error: sqlite3.Error) -> str | None:
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _SQLITE_KINDS:
        return _SQLITE_KINDS[code & 0xFF]
    return _SQLITE_MESSAGES.get(str(error).strip().lower())


def _os_kind(error: OSError) -> str:
    number = error.errno
    if isinstance(error, PermissionError) or number in _DENIED:
        return "denied"
    if number in _FULL:
        return "full"
    if number in _READ_ONLY:
        return "read_only"
    if number in _FAILING:
        return "failing"
    if isinstance(error, FileNotFoundError | NotADirectoryError) or number in _MISSING:
        return "missing"
    if number in _TOO_LONG:
        return "too_long"
    return "other"
