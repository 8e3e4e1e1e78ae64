"""Files the user asked for (workbooks, binders): written beside their target, then renamed over it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
