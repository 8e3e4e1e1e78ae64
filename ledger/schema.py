"""Brings a ledger's database to the schema of this program, in-process, with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ledger.errors import LedgerError

MIGRATIONS = Path(__file__).with_name("migrations")


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
