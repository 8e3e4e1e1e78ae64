"""Alembic environment, run in-process by `ledger.storage.schema` on the connection it is handed."""

from alembic import context

from ledger.models import Base

connection = context.config.attributes["connection"]
# SQLite does roll DDL back in a transaction; Alembic assumes not unless told, and would leave
# a failed upgrade half-applied.
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transactional_ddl=True,
)

if connection.dialect.name == "sqlite":
    # A batch migration rebuilds a table by copy, drop and rename; with foreign keys on, dropping a
    # parent would cascade into its children. Keys are off while migrating (the pragma only takes
    # effect outside a transaction) and every key is checked before the migration commits.
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        driver.execute("PRAGMA foreign_keys=ON")
else:
    with context.begin_transaction():
        context.run_migrations()
