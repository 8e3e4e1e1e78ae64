"""A ledger is a folder, like a Calibre library: the database, the evidence files, backups and a cache.

`Ledger.open` takes the folder's lock, clears what a crash may have left half-written, backs the
database up and upgrades it when this program is newer, and hands out sessions.
"""

from __future__ import annotations

import getpass
import os
import shutil
from pathlib import Path

import platformdirs
from sqlalchemy import select

from ledger import schema
from ledger.backup import snapshot
from ledger.db import LedgerSession, make_engine, make_session_factory, sqlite_url
from ledger.errors import NotALedger
from ledger.evidence import reconcile_store
from ledger.lock import LedgerLock
from ledger.models import Setting

DATABASE = "ledger.sqlite"
LOCK = "ledger.lock"
EVIDENCE = "evidence"
BACKUPS = "backups"
CACHE = "cache"
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
        self.orphans_dir = path / BACKUPS / "orphaned-evidence"
        self._lock = LedgerLock(path / LOCK)
        self._author = author
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
        folder.mkdir(parents=True, exist_ok=True)
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

    def _prepare(self) -> None:
        for folder in (self.evidence_dir, self.backups_dir, self.cache_dir):
            folder.mkdir(exist_ok=True)
        # Copies interrupted by a crash never became evidence; we hold the lock, so nobody is writing.
        shutil.rmtree(self.evidence_dir / ".tmp", ignore_errors=True)
        existed = self.database.exists()
        self.engine = make_engine(sqlite_url(self.database))
        if schema.needs_upgrade(self.engine):
            if existed:
                self.engine.dispose()
                snapshot(self.database, self.backups_dir, f"before-upgrade-{schema.head_revision()}")
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

    def session(self) -> LedgerSession:
        if self._sessions is None:
            raise RuntimeError("ledger is closed")
        return self._sessions()

    def evidence_path(self, relative: str) -> Path:
        return self.evidence_dir / relative

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
            self._sessions = None
        self._lock.release()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
