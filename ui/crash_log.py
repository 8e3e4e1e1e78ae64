"""Where a crash leaves its trace: `faulthandler` writes the threads' stacks to `crash-*.log` in the user's log
folder, and the next start offers the file.

A segmentation fault kills the process before Python can say anything, so the file is opened at start, before
any ledger (a crash can come with none open). A run that ends normally removes its own file; a file left with
text in it is a run that died. The last ten are kept.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
from datetime import datetime
from pathlib import Path
from typing import IO

import platformdirs

#: How many crash logs are kept (the newest).
KEPT = 10
PREFIX = "crash-"


def log_folder() -> Path:
    return platformdirs.user_log_path("xiezuo-ledger", appauthor=False)


class CrashLog:
    """This run's crash log, armed from `start` until `stop` (a normal end, which removes it)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path: Path | None = None
        self._file: IO[str] | None = None

    def start(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            self.path = self.folder / f"{PREFIX}{stamp}-{os.getpid()}.log"
            self._file = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - kept open for faulthandler
        except OSError:  # no log folder (a read-only profile): run without one rather than not at all
            self.path = self._file = None
            return
        faulthandler.enable(self._file, all_threads=True)
        _keep_newest(self.folder, KEPT, self.path)

    def stop(self) -> None:
        if self._file is None:
            return
        faulthandler.disable()
        self._file.close()
        self._file = None
        # A run that gets here did not crash, whatever the file holds: on Windows faulthandler also writes the
        # COM exceptions Qt's clipboard and file dialogs raise and handle themselves.
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def unreported_crashes(folder: Path, reported: set[str]) -> list[Path]:
    """Logs with a stack in them that the user has not been told of yet, newest first."""
    return [path for path in _logs(folder) if path.name not in reported and _has_text(path)]


def _logs(folder: Path) -> list[Path]:
    try:
        found = [path for path in folder.glob(f"{PREFIX}*.log") if path.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda path: path.name, reverse=True)


def _has_text(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _keep_newest(folder: Path, kept: int, own: Path) -> None:
    for path in [path for path in _logs(folder) if path != own][kept - 1 :]:
        with contextlib.suppress(OSError):  # another running window's log, open on Windows: it goes next time
            path.unlink()
