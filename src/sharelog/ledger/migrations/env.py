"""Alembic environment: runs migrations on the engine sharelog passes in (see ``sharelog.ledger.migrate``)."""

from alembic import context

from sharelog.ledger.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can only ALTER by copying the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
