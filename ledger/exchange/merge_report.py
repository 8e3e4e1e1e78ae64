"""What a merge reports: the records added and updated, the conflicts and how each was settled, the rest counted.

`ledger merge` prints it and the window's merge dialog shows it, both describing values with `describe_value`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass
class Conflict:
    record_id: uuid.UUID
    kind: str
    title: str
    ours: tuple[str, datetime]  # who changed it last and when
    theirs: tuple[str, datetime]
    fields: dict[str, tuple[Any, Any]]  # label: (ours, theirs)
    kept: str | None  # "ours", "theirs", or None when left to the user


@dataclass
class MergeReport:
    package: str
    author: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    attachments_added: int = 0
    attachments_updated: int = 0
    files_added: int = 0
    plans_added: int = 0
    plans_updated: int = 0
    links_added: int = 0
    frameworks: list[str] = field(default_factory=list)  # the names of the frameworks taken
    backup: Path | None = None
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.added
            or self.updated
            or any(conflict.kept == "theirs" for conflict in self.conflicts)
            or self.attachments_added
            or self.attachments_updated
            or self.plans_added
            or self.plans_updated
            or self.links_added
            or self.frameworks
        )


def describe_value(value: Any) -> str:
    if value is None or value == []:
        return "（空）"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)
