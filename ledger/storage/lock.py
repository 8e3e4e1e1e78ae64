"""One process at a time per ledger, with a lock that dies with its holder and that no deleted file undoes.

The lock is an OS lock, not the mere presence of a file: when a process crashes the system releases
it, so a stale lock recovers itself and pid reuse cannot fool it.

What is locked must be something the user cannot delete from under the holder while the ledger lives
on, or a second process would lock a new file of the same name (`rm ledger.lock`):

- on POSIX, the ledger folder itself (flock on the folder), which restore's `os.replace` of the
  database leaves alone; deleting or replacing the folder is seen by `check()`;
- on Windows, `ledger.lock`, held open without sharing deletion, so it cannot be deleted or
  replaced while held.

`ledger.lock` is also locked on POSIX (as earlier versions of the program lock it), and its text names
the holder for the message a second process shows. `check()` runs before every transaction: when the
locked thing is no longer at its path, the holder stops writing instead of writing where nobody looks.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import socket
import sys
from datetime import datetime
from pathlib import Path

from ledger.errors import LedgerError, LedgerInUse

NOTE = "ledger.lock"
# On Windows the locked byte cannot be read by others, so it lies past the holder's note.
_WINDOWS_LOCK_OFFSET = 1 << 20
_BUSY = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES}


class LockLost(LedgerError):
    """The ledger folder or its lock file was deleted, moved or replaced under the holder."""


class LedgerLock:
    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / NOTE
        self._folder_fd: int | None = None
        self._fd: int | None = None
        # What check() finds by name and its identity when locked, in one attribute for other threads.
        self._anchor: tuple[Path, tuple[int, int]] | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if sys.platform != "win32":
            self._lock_folder()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except BaseException:
            self._release_folder()
            raise
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            self._release_folder()
            raise LedgerInUse(self._in_use_message()) from None
        self._fd = fd
        try:
            if self._folder_fd is not None:
                self._anchor = self.folder, _identity(os.fstat(self._folder_fd))
            elif sys.platform == "win32":
                # Held open without share-delete, the file cannot change under us; os.stat both times.
                self._anchor = self.path, _identity(os.stat(self.path))
            else:
                self._anchor = self.path, _identity(os.fstat(fd))
            self._write_note(fd)
            self.check()  # the folder replaced between our open and our lock: not the ledger's
        except BaseException:
            self.release()
            raise

    def check(self) -> None:
        """Raises LockLost unless the locked folder (or file) is still the one at its path."""
        anchor = self._anchor
        if anchor is None:
            return
        path, identity = anchor
        try:
            same = _identity(os.stat(path)) == identity
        except OSError:
            same = False
        if not same:
            raise LockLost(
                f"台账“{self.folder}”的文件夹或锁文件被移动、删除或替换了，为保护数据已停止写入："
                "请关闭程序后重新打开台账。"
            )

    def release(self) -> None:
        self._anchor = None
        try:
            if self._fd is not None:
                fd, self._fd = self._fd, None
                try:
                    _unlock(fd)
                finally:
                    os.close(fd)
        finally:
            self._release_folder()

    @staticmethod
    def _write_note(fd: int) -> None:
        note = json.dumps(
            {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "user": _user(),
                "since": datetime.now().isoformat(timespec="seconds"),
            },
            ensure_ascii=False,
        ).encode()
        # Written over the note before, the same length: a full disk has no block to refuse it. The note only names
        # the holder for a message; the lock is the folder's, and holds without it.
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, note.ljust(512))

    def _lock_folder(self) -> None:
        fd = os.open(self.folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            _lock(fd)
        except OSError as error:
            os.close(fd)
            if error.errno in _BUSY:
                raise LedgerInUse(self._in_use_message()) from None
            # A file system that cannot lock a folder (some network shares): ledger.lock alone, as before.
            return
        self._folder_fd = fd

    def _release_folder(self) -> None:
        if self._folder_fd is not None:
            fd, self._folder_fd = self._folder_fd, None
            os.close(fd)  # closing the last descriptor releases its flock

    def _in_use_message(self) -> str:
        try:
            holder = json.loads(self.path.read_bytes()[:512].decode().strip() or "{}")
        except FileNotFoundError:
            holder = None
        except (OSError, ValueError):
            holder = {}
        who = ""
        if holder is None:
            who = f"（说明占用者的 {NOTE} 已被删除，无法得知是谁）"
        elif holder:
            who = (
                f"（{holder.get('user', '?')} 在 {holder.get('host', '?')} 上的进程 {holder.get('pid', '?')}，"
                f"自 {holder.get('since', '?')} 起）"
            )
        return f"台账“{self.folder}”正在被另一个程序使用{who}。请先关闭那个窗口或命令，再重试。"


def _identity(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "?"


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
