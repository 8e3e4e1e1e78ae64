"""Consistent copies of a ledger's database, made before anything risky such as an upgrade."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def copy_database(source: Path, target: Path) -> Path:
    """Copies with SQLite's online backup API, consistent even while another connection writes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            # One step: a copy made in steps restarts whenever a writer commits and may never end.
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)
    return target


def snapshot(database: Path, backups: Path, reason: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return copy_database(database, backups / f"ledger-{stamp}-{reason}.sqlite")
