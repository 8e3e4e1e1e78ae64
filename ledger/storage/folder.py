"""A ledger is a folder, like a Calibre library: the database, the evidence files, backups and a cache.

`Ledger.open` takes the folder's lock, clears what a crash may have left half-written, backs the
database up and upgrades it when this program is newer, and hands out sessions.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import platformdirs
from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from ledger.errors import NotALedger, describe_database_error, describe_os_error
from ledger.evidence_store import reconcile_store
from ledger.jobs import Job
from ledger.models import EvidenceFile, Setting
from ledger.storage import backup, schema
from ledger.storage.db import LedgerSession, make_engine, make_session_factory, sqlite_url
from ledger.storage.lock import LedgerLock, LockLost
from ledger.storage.outputs import clear_noted, refuse_inside_ledger

DATABASE = "ledger.sqlite"
LOCK = "ledger.lock"
EVIDENCE = "evidence"
BACKUPS = "backups"
CACHE = "cache"
VIEWING = "open"  # in cache/: copies of evidence handed to the system viewer
# In cache/: the work folders and spilled temporaries of jobs, personal data all; a job killed leaves them.
CACHE_WORK = ("merge-*", "restore-*", "labels-*", "pack-*", "full-backup-*", "openpyxl.*")
RESTORE_PLACED = "placed"  # in a restore's work folder: the database is in place, its files are to follow
ENV_LEDGER = "XIEZUO_LEDGER"
ENV_AUTHOR = "XIEZUO_AUTHOR"


def default_ledger_path() -> Path:
    return platformdirs.user_data_path("xiezuo-ledger", appauthor=False) / "ledger"


def resolve_ledger_path(given: str | os.PathLike | None = None) -> Path:
    """The folder named on the command line, else by XIEZUO_LEDGER, else the user's default ledger."""
    if given:
        return Path(given).expanduser()
    if os.environ.get(ENV_LEDGER):
        return Path(os.environ[ENV_LEDGER]).expanduser()
    return default_ledger_path()


def is_ledger(path: Path) -> bool:
    return (path / DATABASE).is_file()


class Ledger:
    def __init__(self, path: Path, *, author: str | None = None):
        self.path = path
        self.database = path / DATABASE
        self.evidence_dir = path / EVIDENCE
        self.backups_dir = path / BACKUPS
        self.cache_dir = path / CACHE
        # Stored files no row names (a write killed before its commit), kept rather than deleted.
        self.orphans_dir = path / BACKUPS / backup.ORPHANS
        self._lock = LedgerLock(path)  # the folder itself; ledger.lock names the holder
        self._author = author
        self.backup_error: str | None = None
        # Called with a problem that must not fail the call it happens in (a failed close backup), to be shown.
        self.on_warning: Callable[[str], None] | None = None
        self.engine = None
        self._sessions = None

    @classmethod
    def create(cls, path: str | os.PathLike, *, author: str | None = None) -> Ledger:
        """Makes a new ledger in `path` (empty or missing) and opens it."""
        folder = Path(path)
        if is_ledger(folder):
            raise NotALedger(f"“{folder}”已经是一个台账，无需再创建。")
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise NotALedger(f"“{folder}”不是空文件夹，不能在这里新建台账。请换一个文件夹。")
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return cls.open(folder, author=author, create=True)

    @classmethod
    def open(cls, path: str | os.PathLike, *, author: str | None = None, create: bool = False) -> Ledger:
        folder = Path(path)
        if not create and not is_ledger(folder):
            raise NotALedger(f"“{folder}”里没有台账。可用 ledger init 新建，或用 --ledger 指定台账文件夹。")
        ledger = cls(folder, author=author)
        ledger._lock.acquire()
        try:
            ledger._prepare()
        except BaseException:
            ledger.close()
            raise
        return ledger

    @classmethod
    def restore(
        cls,
        path: str | os.PathLike,
        source: str | os.PathLike,
        *,
        author: str | None = None,
        job: Job | None = None,
    ) -> tuple[Ledger, Path | None]:
        """Replaces a ledger's database with a verified backup and opens it.

        `source` is a database backup or a full backup (zip), whose evidence files are added to the
        store. It is verified whole before anything changes; the database it replaces is kept in
        `backups/` first, even a damaged one. A missing or empty folder becomes a new ledger, which
        is how a full backup moves to another laptop. Returns the ledger and the copy kept."""
        folder = Path(path)
        if folder.exists() and not is_ledger(folder) and not _empty_or_restore_begun(folder):
            raise NotALedger(f"“{folder}”不是台账，也不是空文件夹，不能恢复到这里。")
        source = Path(source)
        if not source.exists() and (folder / BACKUPS / source.name).is_file():
            source = folder / BACKUPS / source.name
        if not source.is_file():
            raise NotALedger(f"找不到备份“{source}”。可用 ledger backup --list 查看已有的备份。")
        folder.mkdir(parents=True, exist_ok=True)
        ledger = cls(folder, author=author)
        ledger._lock.acquire()
        try:
            for made in (ledger.evidence_dir, ledger.backups_dir, ledger.cache_dir):
                made.mkdir(exist_ok=True)
            with tempfile.TemporaryDirectory(prefix="restore-", dir=ledger.cache_dir) as work:
                full = backup.is_full_backup(source)
                if full:
                    database, files = backup.read_full_backup(source, Path(work), job=job)
                else:
                    # Read from a copy: the rotation after the copy kept below may remove an old source.
                    database, files = Path(work) / DATABASE, []
                    try:
                        backup.copy_database(source, database)
                    except sqlite3.Error:
                        raise backup.BadBackup(f"“{source.name}”不是台账的数据库，或已损坏。") from None
                backup.verify_database(database, schema.known_revisions(), source.name)
                if full:  # every file its database names, carried or already intact in the store
                    backup.verify_evidence(database, files, ledger.evidence_dir, source.name)
                kept = backup.keep_current(ledger.database, ledger.backups_dir) if ledger.database.exists() else None
                backup.place_database(database, ledger.database)
                # From here the restore is done but for the files: a kill now is finished by the next opening.
                (Path(work) / RESTORE_PLACED).touch()
                backup.move_into_store(files, ledger.evidence_dir)
            ledger._prepare(copy_on_open=False)  # the database just placed is a backup already
        except BaseException:
            if ledger.engine is not None:
                ledger.engine.dispose()
            ledger._lock.release()
            raise
        return ledger, kept

    def _prepare(self, *, copy_on_open: bool = True) -> None:
        existed = self.database.exists()
        self._make_user_only()
        # Copies interrupted by a crash never became evidence; we hold the lock, so nobody is writing.
        shutil.rmtree(self.evidence_dir / ".tmp", ignore_errors=True)
        # Read-only copies opened in a viewer last time; one still open elsewhere stays (ignore_errors).
        shutil.rmtree(self.cache_dir / VIEWING, ignore_errors=True)
        self._clear_interrupted()
        self._start(copy_first=copy_on_open and existed)

    def _clear_interrupted(self) -> None:
        """What work killed midway left (we hold the lock, so none of it is running): a restore killed after
        placing its database gets its evidence files into the store; the work folders of merges, restores and
        other jobs in cache/ (personal data), half-copied backups, and the output temporaries the ledger noted
        (a publish of binder volumes finished or undone) are removed."""
        for work in sorted(self.cache_dir.glob("restore-*")):
            if (work / RESTORE_PLACED).is_file():
                files = [file for file in (work / EVIDENCE).glob("*/*") if backup.file_matches_name(file)]
                with contextlib.suppress(OSError):
                    backup.move_into_store(files, self.evidence_dir)
        for pattern in CACHE_WORK:
            for work in self.cache_dir.glob(pattern):
                if work.is_dir() and not work.is_symlink():
                    shutil.rmtree(work, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        work.unlink()
        restoring = self.path / f"{DATABASE}.restore"  # a restore killed before renaming it: the old one stays
        for partial in (*self.backups_dir.glob("*.part"), restoring, restoring.with_name(restoring.name + ".part")):
            with contextlib.suppress(OSError):
                partial.unlink()
        clear_noted(self.cache_dir)

    def _make_user_only(self) -> None:
        """The folder, its folders and the database are for the user alone (0700/0600), where the OS has
        such modes; SQLite gives its -wal and -shm files the database's mode. A new database is made
        empty here with its mode, and SQLite takes an empty file as a new database."""
        for folder in (self.path, self.evidence_dir, self.backups_dir, self.cache_dir):
            folder.mkdir(mode=0o700, exist_ok=True)
            _user_only(folder, 0o700)
        if not self.database.exists():
            os.close(os.open(self.database, os.O_WRONLY | os.O_CREAT, 0o600))
        for name in (DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", LOCK):
            if (self.path / name).exists():
                _user_only(self.path / name, 0o600)

    def _start(self, *, copy_first: bool) -> None:
        # Every transaction first checks that the lock is still held on this very folder.
        self.engine = make_engine(sqlite_url(self.database), guard=self._lock.check)
        try:
            upgrade = schema.needs_upgrade(self.engine)
        except DatabaseError as error:
            self.engine.dispose()
            # A full disk or a failing stick makes reads fail too: "damaged" only if integrity_check says so.
            raise NotALedger(describe_database_error(error, self.database)) from None
        # A copy on open is the one that survives a session that ends in a crash, before any upgrade.
        if copy_first and (upgrade or backup.changed_since_backup(self.database, self.backups_dir)):
            self.engine.dispose()
            backup.snapshot(
                self.database, self.backups_dir, f"before-upgrade-{schema.head_revision()}" if upgrade else "open"
            )
        if upgrade:
            schema.upgrade(self.engine)
        self._sessions = make_session_factory(self.engine, self.author)
        with self.session() as session:
            reconcile_store(session, self.evidence_dir, self.orphans_dir)

    @property
    def author(self) -> str:
        """Who is making changes: the caller's choice, XIEZUO_AUTHOR, the ledger's setting, the login."""
        if self._author:
            return self._author
        if os.environ.get(ENV_AUTHOR):
            return os.environ[ENV_AUTHOR]
        if self.engine is not None:
            with make_session_factory(self.engine, "")() as session:
                stored = session.scalar(select(Setting.value).where(Setting.key == "author"))
            if stored:
                return stored
        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return "未署名"

    def reread_author(self) -> None:
        """After the 修改人 setting changed: the sessions made from now on write the new name."""
        if self._sessions is not None:
            self._sessions.configure(info={"author": self.author})

    def session(self) -> LedgerSession:
        if self._sessions is None:
            raise RuntimeError("ledger is closed")
        return self._sessions()

    def evidence_path(self, relative: str) -> Path:
        return self.evidence_dir / relative

    def backup(self, reason: str = "manual", *, to: Path | None = None) -> Path:
        """A consistent copy of the database now, in `backups/` (kept by the rotation) or in `to`."""
        self._lock.check()  # once the folder is replaced, the database at its path is not this ledger's
        if to is not None:
            refuse_inside_ledger(to, self.path, "备份", "请另选一个文件夹（如 U 盘）")
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            return backup.copy_database(self.database, Path(to) / f"{self.path.name}-{stamp}.sqlite")
        return backup.snapshot(self.database, self.backups_dir, reason)

    def backup_if_changed(self, reason: str) -> Path | None:
        if self.database.exists() and backup.changed_since_backup(self.database, self.backups_dir):
            return self.backup(reason)
        return None

    def full_backup(self, target: Path, job: Job | None = None) -> Path:
        """The database and every evidence file in one zip with a SHA-256 manifest."""
        refuse_inside_ledger(target, self.path, "完整备份")
        with self.session() as session:
            files = [stored.relative_path for stored in session.scalars(select(EvidenceFile))]
        return backup.write_full_backup(
            self.database,
            self.evidence_dir,
            files,
            Path(target),
            author=self.author,
            job=job,
            work_in=self.cache_dir,
        )

    def close(self) -> None:
        try:
            if self.engine is not None:
                self.engine.dispose()
                self.engine = None
                self._sessions = None
                try:
                    self.backup_if_changed("close")
                except (OSError, sqlite3.Error, LockLost) as error:
                    # The session's work is committed already; a failed copy must not make closing fail.
                    self.backup_error = f"关闭时备份失败：{describe_os_error(error, self.backups_dir) or error}"
                    if self.on_warning is not None:
                        self.on_warning(self.backup_error)
        finally:
            self._lock.release()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _empty_or_restore_begun(folder: Path) -> bool:
    """Whether `folder` is empty or holds only what a restore into a new folder makes before its database is
    in place (a restore killed or failed there), so a retry may go on: its lock note, empty evidence and
    backups folders, a cache, a database copy not yet renamed."""
    if not folder.is_dir():
        return False
    begun = {LOCK, EVIDENCE, BACKUPS, CACHE, f"{DATABASE}.restore", f"{DATABASE}.restore.part"}
    for entry in folder.iterdir():
        if entry.name not in begun:
            return False
        if entry.name in (EVIDENCE, BACKUPS) and (
            not entry.is_dir() or any(path.is_file() or path.is_symlink() for path in entry.rglob("*"))
        ):
            return False
    return True


def _user_only(path: Path, mode: int) -> None:
    if os.name != "posix":
        return
    # A file system without modes (some network shares), or a file not the user's: left as it is.
    with contextlib.suppress(OSError):
        os.chmod(path, mode)
