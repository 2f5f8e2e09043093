"""Alembic environment: runs migrations on the engine sharelog passes in (see ``sharelog.ledger.migrate``).

SQLite alters a table by rebuilding it (batch mode: copy the rows to a new table, drop the old one, rename the
new). Dropping a table that other rows point at fails while foreign keys are enforced — a ledger's FOI cases have
events and responses — so on SQLite they are off while the migrations run (a pragma that works only outside a
transaction), every reference is checked before the commit, and they are on again afterwards.
"""

from alembic import context

from sharelog.errors import LedgerError
from sharelog.ledger.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,  # SQLite can only ALTER by copying the table
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise LedgerError("the migration would leave rows that point at rows that do not exist")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
