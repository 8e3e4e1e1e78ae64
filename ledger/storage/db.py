"""The database engine and sessions: SQLite set up so that a committed write survives a power cut."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


class LedgerSession(Session):
    """A session that knows who is making the changes (`info["author"]`), for stamps and the audit log."""

    @property
    def author(self) -> str:
        return self.info.get("author", "")


def sqlite_url(path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str, *, guard: Callable[[], None] | None = None) -> Engine:
    """`guard` runs before every transaction begins and before it commits, on every connection and
    thread; what it raises stops the transaction (the ledger's lock checks it is still held)."""
    engine = create_engine(url)
    if guard is not None:

        @event.listens_for(engine, "begin")
        def _guard_begin(connection) -> None:
            try:
                guard()
            except BaseException:
                # Refused before BEGIN, the connection would run later statements outside any
                # transaction, each committed at once: it is closed instead.
                connection.close()
                raise

        event.listen(engine, "commit", lambda _connection: guard())
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control from the sqlite3 module, which would otherwise begin
        # transactions late and commit DDL on its own; SQLAlchemy emits BEGIN below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")


def make_session_factory(engine: Engine, author: str) -> sessionmaker[LedgerSession]:
    return sessionmaker(engine, class_=LedgerSession, info={"author": author}, expire_on_commit=False)
