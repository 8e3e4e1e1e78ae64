"""Backups of a ledger: consistent copies of its database, kept by a rotation, and full archives.

A database backup is a plain SQLite file in `backups/`, named with its time and why it was made
(`ledger-20201220-093000-000000-close.sqlite`). Automatic ones are made on open, before an upgrade,
on close and periodically while the window is open, each only when the ledger changed since the
newest backup. A rotation keeps the last ten and the newest of each of the last thirty days.

A full backup is one zip for a USB stick: the database, every evidence file, and a manifest with
each member's SHA-256, so that restoring it can prove every byte came back.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from ledger import __version__
from ledger.errors import LedgerError
from ledger.outputs import temporary_beside

Progress = Callable[[float, str], None]

KEEP_LAST = 10
KEEP_DAYS = 30
MANIFEST = "manifest.json"
FULL_FORMAT = "xiezuo-ledger-full-backup"
_NAME = re.compile(r"ledger-(\d{8}-\d{6}-\d{6})-([\w.-]+)\.sqlite")
_STAMP = "%Y%m%d-%H%M%S-%f"
_CHUNK = 1 << 20


class BadBackup(LedgerError):
    """A backup that is damaged, incomplete or not a ledger's; nothing was changed."""


@dataclass(frozen=True)
class Backup:
    path: Path
    made: datetime
    reason: str

    @property
    def label(self) -> str:
        """Why it was made, in the user's words."""
        if self.reason.startswith("before-"):
            return "操作前：" + BEFORE.get(self.reason.removeprefix("before-").split("-")[0], self.reason)
        return REASONS.get(self.reason, self.reason)


REASONS = {"open": "打开时", "close": "关闭时", "periodic": "定时", "manual": "手动"}
BEFORE = {"upgrade": "升级", "restore": "恢复", "merge": "合并", "import": "导入"}


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
    stamp = datetime.now().strftime(_STAMP)
    path = copy_database(database, backups / f"ledger-{stamp}-{reason}.sqlite")
    rotate(backups)
    return path


def keep_current(database: Path, backups: Path) -> Path:
    """Keeps the database about to be replaced; a damaged one is copied byte for byte with its log."""
    try:
        return snapshot(database, backups, "before-restore")
    except sqlite3.Error:
        stamp = datetime.now().strftime(_STAMP)
        kept = backups / f"ledger-{stamp}-before-restore-damaged.sqlite"
        shutil.copyfile(database, kept)
        wal = database.with_name(database.name + "-wal")
        if wal.is_file():
            shutil.copyfile(wal, kept.with_name(kept.name + "-wal"))
        return kept


def list_backups(backups: Path) -> list[Backup]:
    """The database backups in a ledger's `backups/`, newest first."""
    found = []
    if backups.is_dir():
        for path in backups.iterdir():
            match = _NAME.fullmatch(path.name)
            if match:
                found.append(Backup(path, datetime.strptime(match[1], _STAMP), match[2]))
    return sorted(found, key=lambda backup: backup.made, reverse=True)


def rotate(backups: Path, *, now: datetime | None = None) -> list[Path]:
    """Removes backups beyond the last ten and the newest of each of the last thirty days."""
    now = now or datetime.now()
    kept_days: set = set()
    removed = []
    for number, backup in enumerate(list_backups(backups)):
        day = backup.made.date()
        if number < KEEP_LAST:
            kept_days.add(day)
            continue
        if day not in kept_days and (now.date() - day).days < KEEP_DAYS:
            kept_days.add(day)
            continue
        backup.path.unlink(missing_ok=True)
        removed.append(backup.path)
    return removed


def last_write(database: Path) -> datetime:
    """When the database last changed on disk, in its main file or its write-ahead log."""
    times = [database.stat().st_mtime]
    wal = database.with_name(database.name + "-wal")
    if wal.is_file() and wal.stat().st_size:
        times.append(wal.stat().st_mtime)
    return datetime.fromtimestamp(max(times))


def changed_since_backup(database: Path, backups: Path) -> bool:
    newest = list_backups(backups)
    return not newest or last_write(database) > newest[0].made


def verify_database(path: Path, known_revisions: set[str], name: str) -> None:
    """Refuses a file that is not a whole ledger database this program can open; `name` is how the user knows it."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BadBackup(f"“{name}”不是台账的数据库，或已损坏：{error}") from None
    if rows != ["ok"]:
        raise BadBackup(f"“{name}”已损坏：{rows[0]}")
    if not {"alembic_version", "record", "evidence_file"} <= tables:
        raise BadBackup(f"“{name}”不是台账的数据库。")
    if revision is None or revision[0] not in known_revisions:
        version = revision[0] if revision else "未知"
        raise BadBackup(f"“{name}”来自更新版本的协作台账（数据库版本 {version}），请先升级本程序。")


def write_full_backup(
    database: Path,
    evidence_dir: Path,
    evidence_files: list[str],
    target: Path,
    *,
    author: str,
    progress: Progress | None = None,
) -> Path:
    """Writes the database and the named evidence files (relative paths) into one zip with a manifest."""
    report = progress or (lambda fraction, message: None)
    files: dict[str, str] = {}
    handle, partial = temporary_beside(target)
    os.close(handle)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="xiezuo-backup-") as work,
            zipfile.ZipFile(partial, "w", allowZip64=True) as archive,
        ):
            copy = copy_database(database, Path(work) / "ledger.sqlite")
            report(0.05, "数据库已复制")
            files["ledger.sqlite"] = _add(archive, copy, "ledger.sqlite", zipfile.ZIP_DEFLATED)
            for number, relative in enumerate(evidence_files, start=1):
                source = evidence_dir / relative
                stem = PurePosixPath(relative).stem
                if not source.is_file():
                    raise BadBackup(f"佐证材料文件缺失：{source}。请先运行 ledger check。")
                # Photos and PDFs are compressed already; storing them keeps the backup quick.
                digest = _add(archive, source, f"evidence/{relative}", zipfile.ZIP_STORED)
                if digest != stem:
                    raise BadBackup(f"佐证材料文件已被改动或损坏：{source}。请先运行 ledger check。")
                files[f"evidence/{relative}"] = digest
                report(0.05 + 0.9 * number / max(len(evidence_files), 1), f"佐证材料 {number}/{len(evidence_files)}")
            manifest = {
                "format": FULL_FORMAT,
                "version": 1,
                "program": __version__,
                "made": datetime.now().isoformat(timespec="seconds"),
                "author": author,
                "files": files,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report(1.0, "完整备份已写好")
    return target


def _add(archive: zipfile.ZipFile, source: Path, name: str, compression: int) -> str:
    """Writes one member, hashing what is written, so the manifest speaks of the bytes in the archive."""
    info = zipfile.ZipInfo.from_file(source, name)
    info.compress_type = compression
    digest = hashlib.sha256()
    with source.open("rb") as stream, archive.open(info, "w", force_zip64=True) as sink:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            sink.write(chunk)
    return digest.hexdigest()


def read_full_backup(path: Path, work: Path, *, progress: Progress | None = None) -> tuple[Path, list[Path]]:
    """Unpacks a full backup into `work`, checking every member against the manifest before use.

    Returns the database and the evidence files; refuses the whole archive on any missing, extra,
    escaping or altered member."""
    report = progress or (lambda fraction, message: None)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BadBackup(f"“{path.name}”不是完整备份（zip 文件）：{error}") from None
    with archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except KeyError:
            raise BadBackup(f"“{path.name}”中没有清单 {MANIFEST}，不是协作台账的完整备份。") from None
        except (ValueError, zipfile.BadZipFile) as error:
            raise BadBackup(f"“{path.name}”的清单无法读取：{error}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FULL_FORMAT:
            raise BadBackup(f"“{path.name}”不是协作台账的完整备份。")
        files = manifest.get("files")
        if not isinstance(files, dict) or "ledger.sqlite" not in files:
            raise BadBackup(f"“{path.name}”的清单不完整。")
        members = {info.filename for info in archive.infolist() if not info.is_dir()} - {MANIFEST}
        for name in files:
            if not _safe_member(name):
                raise BadBackup(f"“{path.name}”含有不安全的路径“{name}”，已拒绝。")
        if missing := sorted(set(files) - members):
            raise BadBackup(f"“{path.name}”缺少清单中的文件：{'、'.join(missing[:5])}")
        if extra := sorted(members - set(files)):
            raise BadBackup(f"“{path.name}”含有清单以外的文件：{'、'.join(extra[:5])}")
        unpacked = []
        for number, (name, expected) in enumerate(sorted(files.items()), start=1):
            target = work / PurePosixPath(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            try:
                with archive.open(name) as source, target.open("wb") as sink:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise BadBackup(f"“{path.name}”中的“{name}”无法读出：{error}") from None
            if digest.hexdigest() != expected:
                raise BadBackup(f"“{path.name}”中的“{name}”校验值不符，备份已损坏，未作任何更改。")
            unpacked.append(target)
            report(0.9 * number / len(files), f"核对 {number}/{len(files)}")
    database = work / "ledger.sqlite"
    return database, [file for file in unpacked if file != database]


def _safe_member(name: object) -> bool:
    if not isinstance(name, str) or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name).parts
    if name == "ledger.sqlite":
        return True
    return (
        len(parts) == 3
        and parts[0] == "evidence"
        and re.fullmatch(r"[0-9a-f]{2}", parts[1]) is not None
        and re.fullmatch(r"[0-9a-f]{64}(\.[a-z0-9]{1,10})?", parts[2]) is not None
        and parts[2].startswith(parts[1])
    )


def place_database(source: Path, database: Path) -> None:
    """Puts a verified database in place of a closed ledger's, leaving no stale write-ahead log."""
    copy_database(source, database.with_name(database.name + ".restore"))
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(database.with_name(database.name + ".restore"), database)


def move_into_store(files: list[Path], evidence_dir: Path) -> int:
    """Moves unpacked evidence files into the store where they are not there already."""
    placed = 0
    for file in files:
        final = evidence_dir / file.parent.name / file.name
        if final.is_file() and final.stat().st_size == file.stat().st_size:
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(file, final)
        placed += 1
    return placed
