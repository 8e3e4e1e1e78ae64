"""One process at a time per ledger, with a lock that dies with its holder.

The lock is an OS file lock (flock / LockFileEx), not the mere presence of a file: when a process
crashes the system releases it, so a stale lock recovers itself and pid reuse cannot fool it. The
file's text only names the holder for the message the second process shows.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from datetime import datetime
from pathlib import Path

from ledger.errors import LedgerInUse

# On Windows the locked byte cannot be read by others, so it lies past the holder's note.
_WINDOWS_LOCK_OFFSET = 1 << 20


class LedgerLock:
    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise LedgerInUse(self._in_use_message()) from None
        self._fd = fd
        note = json.dumps(
            {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "user": _user(),
                "since": datetime.now().isoformat(timespec="seconds"),
            },
            ensure_ascii=False,
        ).encode()
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, note.ljust(512))
        os.fsync(fd)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = None

    def _in_use_message(self) -> str:
        folder = self.path.parent
        try:
            holder = json.loads(self.path.read_bytes()[:512].decode().strip() or "{}")
        except (OSError, ValueError):
            holder = {}
        who = ""
        if holder:
            who = (
                f"（{holder.get('user', '?')} 在 {holder.get('host', '?')} 上的进程 {holder.get('pid', '?')}，"
                f"自 {holder.get('since', '?')} 起）"
            )
        return f"台账“{folder}”正在被另一个程序使用{who}。请先关闭那个窗口或命令，再重试。"


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
