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
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from ledger import __version__
from ledger.errors import LedgerError, space_text, storage_error
from ledger.evidence_store import TEMP
from ledger.jobs import Job
from ledger.office_zip import MOST_RATIO
from ledger.storage import schema
from ledger.storage.outputs import replacing

KEEP_LAST = 10
KEEP_DAYS = 30
MANIFEST = "manifest.json"
ORPHANS = "orphaned-evidence"
FULL_FORMAT = "xiezuo-ledger-full-backup"
_NAME = re.compile(r"ledger-(\d{8}-\d{6}-\d{6})-([\w.-]+)\.sqlite")
_STAMP = "%Y%m%d-%H%M%S-%f"
_CHUNK = 1 << 20
#: A package's data this large that inflates more than MOST_RATIO times is a bomb.
_BIG_TEXT = 16 * 2**20


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


def copy_database(source: Path, target: Path, *, named: Path | None = None) -> Path:
    """Copies with SQLite's online backup API, consistent even while another connection writes. A failure of
    the disk names `named`, by default the copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
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
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)  # on a full disk, a partial copy would hold the space it lacks
        # The disk's failure, told as such (a damaged source stays a sqlite3.Error).
        raise storage_error(error, named or target) or error from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
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
    # Files set aside at open go as the databases that could name them leave the rotation.
    orphans = backups / ORPHANS
    if orphans.is_dir():
        for path in orphans.iterdir():
            if (now - datetime.fromtimestamp(path.stat().st_mtime)).days >= KEEP_DAYS:
                path.unlink(missing_ok=True)
                removed.append(path)
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


def verify_database(path: Path, known_revisions: set[str], name: str) -> str:
    """Refuses a file that is not a whole ledger database this program can open; `name` is how the user knows it.

    The schema must be the one its own Alembic revision makes (an old backup is upgraded after the
    restore): every table and column that revision has, and nothing the program never made, such as
    a trigger that deletes the audit log. Returns the revision."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            shape = schema.read_shape(connection) if rows == ["ok"] else None
            dangling = connection.execute("PRAGMA foreign_key_check").fetchall() if rows == ["ok"] else []
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise storage_error(error, path) or BadBackup(_not_a_database(name)) from None
    if rows != ["ok"]:
        raise BadBackup(f"“{name}”已损坏：{rows[0]}")
    if not {"alembic_version", "record"} <= tables or revision is None:
        raise BadBackup(f"“{name}”不是台账的数据库。")
    if revision[0] not in known_revisions:
        raise BadBackup(f"“{name}”来自更新版本的协作台账（数据库版本 {_shown(revision[0])}），请先升级本程序。")
    problems = _schema_problems(shape, schema.expected_shape(revision[0])) if shape else []
    if dangling:
        problems.append(f"有 {len(dangling)} 处引用了不存在的行（表 {_names({row[0] for row in dangling})}）")
    if problems:
        raise BadBackup(f"备份“{name}”里的数据库{'；'.join(problems)}，可能已损坏或被改动过。未作任何更改。")
    return revision[0]


def _schema_problems(found: schema.Shape, expected: schema.Shape) -> list[str]:
    """What a database has more or less than its revision makes, in words, each naming what it is about."""
    problems = []
    if missing := set(expected.tables) - set(found.tables):
        problems.append(f"缺少表 {_names(missing)}")
    shared = set(expected.tables) & set(found.tables)
    if columns := {f"{table}.{column}" for table in shared for column in expected.tables[table] - found.tables[table]}:
        problems.append(f"缺少列 {_names(columns)}")
    if indexes := expected.indexes - found.indexes:
        problems.append(f"缺少索引 {_names(indexes)}")
    if extra := set(found.tables) - set(expected.tables):
        problems.append(f"带有本程序没有的表 {_names(extra)}")
    if columns := {f"{table}.{column}" for table in shared for column in found.tables[table] - expected.tables[table]}:
        problems.append(f"带有本程序没有的列 {_names(columns)}")
    for noun, names in (
        ("索引", found.indexes - expected.indexes),
        ("触发器", found.triggers - expected.triggers),
        ("视图", found.views - expected.views),
    ):
        if names:
            problems.append(f"带有本程序没有的{noun} {_names(names)}")
    return problems


def _names(names: set[str], most: int = 5) -> str:
    shown = [_shown(name) for name in sorted(names)[:most]]
    return "、".join(shown) + (f" 等 {len(names)} 个" if len(names) > most else "")


def _not_a_database(name: str) -> str:
    return f"“{name}”不是台账的数据库，或已损坏。"


def _shown(text: str, most: int = 60) -> str:
    """A name read from a file, as it may be quoted in a message: no control characters, not too long."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return text if len(text) <= most else text[: most - 1] + "…"


def verify_evidence(database: Path, files: list[Path], evidence_dir: Path, name: str) -> None:
    """Refuses a full backup that lacks a file its database names, unless the ledger's store holds that
    file already with the right bytes; `files` are the evidence files unpacked from it (checked already)."""
    carried = {f"{file.parent.name}/{file.name}" for file in files}
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            if not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'evidence_file'").fetchone():
                return  # the first revision had no evidence
            named = connection.execute(
                "SELECT f.sha256, f.ext, (SELECT min(a.original_name) FROM attachment a WHERE a.sha256 = f.sha256)"
                " FROM evidence_file f ORDER BY f.sha256"
            ).fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        raise BadBackup(_not_a_database(name)) from None
    missing = []
    for sha256, ext, original in named:
        relative = f"{str(sha256)[:2]}/{sha256}{ext}"
        # A name no store file can have (`..`, a folder of its own) counts as missing; it is never looked up.
        if relative not in carried and not (
            _evidence_member(f"evidence/{relative}") and _matches_name(evidence_dir / relative)
        ):
            missing.append(f"{_shown(original or '未命名文件')}（{_shown(relative, 90)}）")
    if missing:
        more = f" 等 {len(missing)} 个" if len(missing) > 5 else ""
        raise BadBackup(
            f"完整备份“{name}”缺少数据库登记的佐证材料文件：{'、'.join(missing[:5])}{more}。"
            "本台账中也没有完好的这些文件，未作任何更改。"
        )


def file_matches_name(path: Path) -> bool:
    """Whether an evidence file exists and its bytes still hash to its name."""
    return _matches_name(path)


def _matches_name(path: Path) -> bool:
    """Whether a stored file exists and its bytes still hash to its name."""
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == path.name.split(".")[0]


def write_full_backup(
    database: Path,
    evidence_dir: Path,
    evidence_files: list[str],
    target: Path,
    *,
    author: str,
    job: Job | None = None,
    work_in: Path | None = None,
) -> Path:
    """Writes the database and the named evidence files (relative paths) into one zip with a manifest.
    The database is copied first into `work_in` (the ledger's cache, cleared on opening; the system temp
    folder when None): that copy holds personal data."""
    job = job or Job()
    with tempfile.TemporaryDirectory(prefix="full-backup-", dir=work_in) as work:
        # A copy of the program's own: a failure names the ledger's folder.
        copy = copy_database(database, Path(work) / "ledger.sqlite", named=database.parent)
        job.report(0.05, "数据库已复制")
        members = {"ledger.sqlite": copy}
        members |= {f"evidence/{relative}": evidence_dir / relative for relative in evidence_files}
        write_archive(target, members, FULL_FORMAT, author, job=job.part(0.05, 1.0), notes=work_in)
    job.done("完整备份已写好")
    return target


def write_archive(
    target: Path,
    members: dict[str, Path],
    format_id: str,
    author: str,
    about: dict | None = None,
    *,
    job: Job | None = None,
    notes: Path | None = None,
) -> None:
    """Writes `members` (name in the zip: file) and a manifest naming each one's SHA-256, who made the
    archive and when, and `about`; beside `target` first, then renamed over it.

    Evidence files are named by their SHA-256; one whose bytes no longer match is refused, so an
    archive never carries damage forward."""
    job = job or Job()
    files: dict[str, str] = {}
    with replacing(target, notes) as (handle, partial):  # noted in the ledger's cache, for an opening after a kill
        os.close(handle)
        with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
            for number, (name, source) in enumerate(members.items(), start=1):
                if not source.is_file():
                    raise BadBackup(f"佐证材料文件缺失：{source}。请先运行 ledger check。")
                evidence = name.startswith("evidence/")
                # Photos and PDFs are compressed already; storing them keeps the archive quick.
                digest = _add(archive, source, name, zipfile.ZIP_STORED if evidence else zipfile.ZIP_DEFLATED)
                if evidence and digest != PurePosixPath(name).stem:
                    raise BadBackup(f"佐证材料文件已被改动或损坏：{source}。请先运行 ledger check。")
                files[name] = digest
                job.report(number / len(members), f"写入 {number}/{len(members)}")
            manifest = {
                "format": format_id,
                "version": 1,
                "program": __version__,
                "made": datetime.now().isoformat(timespec="seconds"),
                "author": author,
                **(about or {}),
                "files": files,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))


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


def is_full_backup(path: Path) -> bool:
    """Whether `path` is to be read as a full backup (a zip) rather than a database: by its first bytes, or by
    its name when those are cut off or damaged. Refuses an empty file, which is neither."""
    with path.open("rb") as stream:
        head = stream.read(4)
    if not head:
        raise BadBackup(f"“{path.name}”是空文件（0 字节），不是备份。")
    return head.startswith(b"PK") or path.suffix.lower() == ".zip"


def read_full_backup(path: Path, work: Path, *, job: Job | None = None) -> tuple[Path, list[Path]]:
    """Unpacks a full backup into `work`, every member checked against the manifest before use;
    returns the database and the evidence files."""
    _, unpacked = unpack_verified(path, work, FULL_FORMAT, "完整备份", "ledger.sqlite", job=job)
    database = unpacked.pop("ledger.sqlite")
    return database, list(unpacked.values())


def unpack_verified(
    path: Path, work: Path, format_id: str, noun: str, main: str, *, job: Job | None = None
) -> tuple[dict, dict[str, Path]]:
    """Unpacks an archive of ours (a manifest naming each member's SHA-256, `main` and evidence files)
    into `work`. Refuses the whole archive, before anything is used, on a member that is missing, extra,
    outside the allowed names (no `..`, no absolute paths), altered, or larger than the disk can take."""
    job = job or Job()
    damaged = "文件不完整或已损坏，未作任何更改。"
    try:
        if path.stat().st_size == 0:
            raise BadBackup(f"“{path.name}”是空文件（0 字节），不是{noun}。")
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise BadBackup(f"“{path.name}”不是{noun}（zip 文件），或{damaged}") from None
    except OSError as error:
        raise storage_error(error, path) or BadBackup(f"“{path.name}”无法读取。") from None
    with archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except KeyError:
            raise BadBackup(f"“{path.name}”中没有清单 {MANIFEST}，不是协作台账的{noun}。") from None
        except (ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise BadBackup(f"“{path.name}”的清单无法读取，{damaged}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != format_id:
            raise BadBackup(f"“{path.name}”不是协作台账的{noun}。")
        files = manifest.get("files")
        if not isinstance(files, dict) or main not in files or not all(isinstance(v, str) for v in files.values()):
            raise BadBackup(f"“{path.name}”的清单不完整。")
        for name in files:
            if not (name == main or _evidence_member(name)):
                raise BadBackup(f"“{path.name}”含有不安全或不认识的路径“{name}”，已拒绝。")
        infos = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        if missing := sorted(set(files) - set(infos)):
            raise BadBackup(f"“{path.name}”缺少清单中的文件：{'、'.join(missing[:5])}")
        if extra := sorted(set(infos) - set(files) - {MANIFEST}):
            raise BadBackup(f"“{path.name}”含有清单以外的文件：{'、'.join(extra[:5])}")
        # Only the data of a package is text that could inflate like a bomb: a database has empty pages, and
        # evidence may be an uncompressed scan of a white page.
        if (
            main != "ledger.sqlite"
            and infos[main].file_size > _BIG_TEXT
            and infos[main].file_size > MOST_RATIO * max(infos[main].compress_size, 1)
        ):
            size = infos[main].file_size / 2**20
            raise BadBackup(
                f"“{path.name}”中的 {main} 压缩比异常（解压后 {size:.0f} MB），"
                "可能是恶意构造的文件（zip 炸弹），已拒绝。"
            )
        needed = sum(infos[name].file_size for name in files)
        free = shutil.disk_usage(work).free
        if needed > free:
            raise BadBackup(
                f"“{path.name}”解开需要 {space_text(needed, round_up=True)}，磁盘只剩 {space_text(free)}："
                "请先腾出磁盘空间，或换一个有空间的磁盘后重试。"
            )
        unpacked = {}
        for number, (name, expected) in enumerate(sorted(files.items()), start=1):
            target = work / PurePosixPath(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            try:
                with archive.open(name) as source, target.open("wb") as sink:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError):
                raise BadBackup(f"“{path.name}”中的“{name}”无法读出，{damaged}") from None
            if digest.hexdigest() != expected:
                raise BadBackup(f"“{path.name}”中的“{name}”校验值不符，文件已损坏或被改动，未作任何更改。")
            # An evidence file is named by its SHA-256: a manifest recomputed over other bytes proves nothing.
            if name != main and digest.hexdigest() != PurePosixPath(name).name.split(".")[0]:
                raise BadBackup(f"“{path.name}”中的“{name}”内容与它的校验名不符，文件已损坏或被改动，未作任何更改。")
            unpacked[name] = target
            job.report(0.9 * number / len(files), f"核对 {number}/{len(files)}")
    return manifest, unpacked


def _evidence_member(name: str) -> bool:
    """evidence/ab/abcdef….ext and nothing else: no folders of its own, no `..`, no backslashes."""
    return re.fullmatch(r"evidence/([0-9a-f]{2})/\1[0-9a-f]{62}(\.[a-z0-9]{1,10})?", name) is not None


def place_database(source: Path, database: Path) -> None:
    """Puts a verified database in place of a closed ledger's, leaving no stale write-ahead log."""
    copy_database(source, database.with_name(database.name + ".restore"))
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(database.with_name(database.name + ".restore"), database)


def move_into_store(files: list[Path], evidence_dir: Path) -> int:
    """Moves unpacked (verified) evidence files into the store where it lacks them or holds a damaged copy,
    which the good one replaces."""
    placed = 0
    for file in files:
        final = evidence_dir / file.parent.name / file.name
        if _matches_name(final):
            continue
        # Beside the store first (in its temporary folder, cleared on open), then renamed over a damaged copy.
        partial = evidence_dir / TEMP / f"{file.name}.restore"
        partial.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(file, partial)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, final)
        placed += 1
    return placed
