"""Brings a ledger's database to the schema of this program, in-process, with Alembic."""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ledger.errors import LedgerError
from ledger.storage.db import make_engine

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    """Whether the database is older than this program; refuses one made by a newer program."""
    current = current_revision(engine)
    if current is None:
        return True
    script = ScriptDirectory.from_config(_config())
    try:
        script.get_revision(current)
    except Exception:
        raise LedgerError(f"这个台账由更新版本的程序创建（数据库版本 {current}），请先升级本程序再打开。") from None
    return current != script.get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = _config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@dataclass(frozen=True)
class Shape:
    """What a database's schema holds, by name: its tables with their columns, indexes, triggers and views.

    SQLite's own objects (`sqlite_sequence`, `sqlite_stat1`, the indexes behind UNIQUE and PRIMARY KEY
    constraints) are left out: they follow from the rest."""

    tables: dict[str, frozenset[str]]
    indexes: frozenset[str]
    triggers: frozenset[str]
    views: frozenset[str]


def read_shape(connection: sqlite3.Connection) -> Shape:
    """The shape of the database open on `connection` (the sqlite3 module's, read only is enough)."""
    objects = connection.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    named: dict[str, set[str]] = {"table": set(), "index": set(), "trigger": set(), "view": set()}
    for kind, name in objects.fetchall():
        named.setdefault(kind, set()).add(name)
    tables = {
        name: frozenset(row[0] for row in connection.execute("SELECT name FROM pragma_table_info(?)", (name,)))
        for name in named["table"]
    }
    return Shape(tables, frozenset(named["index"]), frozenset(named["trigger"]), frozenset(named["view"]))


@functools.cache
def expected_shape(revision: str) -> Shape:
    """The shape a ledger's database has at `revision`, as the migrations themselves make it: an empty
    database in memory is upgraded to that revision (once per revision and process)."""
    engine = make_engine("sqlite://")
    try:
        config = _config()
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            return read_shape(connection.connection.driver_connection)
    finally:
        engine.dispose()
