"""Files the user asked for (workbooks, binders): never inside the ledger's folder; written beside their target,
then renamed over it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ledger.errors import LedgerError


class OutputInsideLedger(LedgerError):
    """An output named inside the ledger's own folder (its database, a stored file, its backups); nothing written."""


def refuse_inside_ledger(
    path: str | os.PathLike,
    ledger_folder: str | os.PathLike | None,
    what: str = "输出文件",
    instead: str = "请另选一个位置",
) -> None:
    """Raises OutputInsideLedger when `path` (a file or folder to be written) is the ledger's folder or lies inside
    it, however it is named: symlinks and `..` resolved, case ignored where the system ignores it, and the folder
    known by its identity on disk too (a second name for the same directory). Call it before anything is written:
    an export over `ledger.sqlite` or a backup over a stored evidence file destroys what the ledger keeps."""
    if ledger_folder is None:
        return
    real, home = _real(Path(path)), _real(Path(ledger_folder))
    if not (_within(real, home) or _same_directory_above(real, home)):
        return
    shown = str(path)
    if str(real) != shown:
        shown = f"{shown}，即 {real}"
    raise OutputInsideLedger(f"不能把{what}保存在台账文件夹里（{shown}）：{instead}。")


def ledger_folder_of(session) -> Path | None:
    """The folder of the ledger whose database `session` reads (None for a database in memory)."""
    database = session.get_bind().url.database
    if not database or database == ":memory:":
        return None
    return Path(database).parent


def _real(path: Path) -> Path:
    """`path` absolute, with every symlink followed and every `..` taken, as far as it exists. No `~` expansion:
    the writers take `~` as a folder of that name, and so must the check."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: at least take the `..` apart
        return Path(os.path.abspath(path))


def _within(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or below it, comparing names as the system does (case-blind on Windows)."""
    parts = Path(os.path.normcase(str(path))).parts
    above = Path(os.path.normcase(str(folder))).parts
    return parts[: len(above)] == above


def _same_directory_above(path: Path, folder: Path) -> bool:
    """Whether `path` or a folder above it is `folder`'s very directory under another name (a case-blind disk on
    macOS, a short 8.3 name, a second mount), which the names alone would not show."""
    try:
        home = os.stat(folder)
    except OSError:
        return False
    for probe in (path, *path.parents):
        try:
            if os.path.samestat(os.stat(probe), home):
                return True
        except OSError:
            continue  # not there yet: the output would create it
    return False


def temporary_beside(target: Path) -> tuple[int, Path]:
    """An open handle and the path of a new file in `target`'s folder, to fill and then rename over `target`,
    so an interrupted write leaves the old file, or none, never half a one.

    mkstemp makes the file private to its owner; it gets the permissions of a file the user saved."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".~", suffix=target.suffix, dir=target.parent)
    if hasattr(os, "fchmod"):  # not on Windows, where mkstemp's file is not private to begin with
        os.fchmod(handle, 0o666 & ~_umask())
    return handle, Path(name)


def _umask() -> int:
    mask = os.umask(0o022)  # reading the mask means setting it; put it straight back
    os.umask(mask)
    return mask
