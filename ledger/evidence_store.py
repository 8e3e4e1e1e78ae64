"""The evidence store on disk: each file once under its SHA-256, with the `evidence_file` row that names it.

A file lands in `evidence/ab/abcdef….ext` by a rename from `evidence/.tmp` (or from a package's unpacked copy),
so a crash leaves either nothing or a whole file, never half of one, and stored files are never modified. Its row
is written by `add_file_row` alone, for a file attached (`ledger.evidence.attach`) and a file merged from a package
(`put_stored_file`) alike. On opening, `reconcile_store` sets aside files no row names and brings back those a row
names again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import EvidenceFile, utc_now

CHUNK = 1 << 20
TEMP = ".tmp"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_path(evidence_dir: Path, sha256: str, ext: str) -> Path:
    return evidence_dir / sha256[:2] / f"{sha256}{ext}"


def intact(path: Path, stored: EvidenceFile) -> bool:
    return path.is_file() and path.stat().st_size == stored.size and sha256_of(path) == stored.sha256


def place_file(evidence_dir: Path, path: Path, sha256: str, ext: str) -> Path:
    """Moves a whole file, synced already, to its place in the store."""
    final = stored_path(evidence_dir, sha256, ext)
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, final)
    _sync_dir(final.parent)
    return final


def _sync_dir(folder: Path) -> None:
    # Makes the rename itself durable; Windows has no directory handles to sync.
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def add_file_row(session: Session, sha256: str, ext: str, size: int, facts: Mapping[str, Any]) -> EvidenceFile:
    """The row of a file just placed in the store: what it is (`facts`: mime, width, height, orientation,
    taken_at, page_count, as probing it found)."""
    stored = EvidenceFile(
        sha256=sha256,
        ext=ext,
        size=size,
        mime=facts["mime"],
        width=facts["width"],
        height=facts["height"],
        orientation=facts["orientation"],
        taken_at=facts["taken_at"],
        page_count=facts["page_count"],
        added_at=utc_now(),
    )
    session.add(stored)
    return stored


def put_stored_file(
    session: Session, evidence_dir: Path | None, source: Path, sha256: str, meta: Mapping[str, Any]
) -> EvidenceFile:
    """A file brought in whole (a package's evidence, checked and probed by `ledger.exchange.checks`) moved into
    the store with its row, what it is as `meta` says; left where it is when `evidence_dir` is None (a dry run,
    whose row is rolled back)."""
    ext = str(meta.get("ext") or "")
    size = source.stat().st_size
    if evidence_dir is not None:
        final = stored_path(evidence_dir, sha256, ext)
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, final)
    taken = meta.get("taken_at")
    facts = {name: meta.get(name) for name in ("width", "height", "orientation", "page_count")}
    facts |= {
        "mime": str(meta.get("mime") or "application/octet-stream"),
        "taken_at": datetime.fromisoformat(taken) if taken else None,
    }
    stored = add_file_row(session, sha256, ext, size, facts)
    session.flush()
    return stored


def discard_unreferenced(session: Session, evidence_dir: Path) -> list[Path]:
    """Removes stored files that no evidence row names (left by a rolled-back attach)."""
    known = set(session.scalars(select(EvidenceFile.sha256)))
    removed = []
    for path in stored_files(evidence_dir):
        if path.stem not in known:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def reconcile_store(session: Session, evidence_dir: Path, quarantine: Path) -> tuple[list[Path], list[Path]]:
    """Moves stored files no row names into `quarantine`, and back those a row names again.

    A process killed between placing a file and committing its row leaves such a file; so does
    restoring an older database. Nothing is deleted: a file set aside comes back when a restored or
    merged database names it."""
    known = {sha256: ext for sha256, ext in session.execute(select(EvidenceFile.sha256, EvidenceFile.ext))}
    present = {path.stem: path for path in stored_files(evidence_dir)}
    set_aside = []
    for stem, path in present.items():
        if stem not in known:
            target = quarantine / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            os.utime(target)  # the rotation counts a set-aside file's days from now
            set_aside.append(target)
    recovered = []
    if quarantine.is_dir():
        for path in quarantine.iterdir():
            ext = known.get(path.stem)
            if ext is not None and path.stem not in present and path.suffix == ext:
                recovered.append(place_file(evidence_dir, path, path.stem, ext))
    return set_aside, recovered


def stored_files(evidence_dir: Path) -> list[Path]:
    """Every file in the store, without the temporary copies."""
    if not evidence_dir.is_dir():
        return []
    return sorted(
        path
        for folder in evidence_dir.iterdir()
        if folder.is_dir() and folder.name != TEMP
        for path in folder.iterdir()
    )
