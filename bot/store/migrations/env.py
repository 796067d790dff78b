"""Alembic's environment: migrates the connection the runner hands over, inside its lock.

Run by `alembic` itself (from `bot.store.migrations.runner`, or the `alembic` command with the
repository's alembic.ini), never imported by the product. No URL or ini file is needed: without a
connection from the runner it opens the database the settings name, under the same lock.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import JSON, Connection

from bot.config import get_settings
from bot.logging_setup import configure_logging
from bot.store.db import UTCDateTime, make_engine
from bot.store.migrations.runner import locked


def render_type(kind: str, obj: Any, autogen: AutogenContext) -> str | Literal[False]:
    """Write the project's column types in new revisions as plain SQLAlchemy ones (as the baseline does)."""
    if kind != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, JSON):  # JSONType: JSON, JSONB on PostgreSQL
        autogen.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")'
    return False


def run(connection: Connection) -> None:
    """Apply the pending revisions on this connection (its transaction is the runner's)."""
    context.configure(
        connection=connection,
        target_metadata=context.config.attributes.get("target_metadata"),
        render_as_batch=True,  # SQLite cannot ALTER most things in place: copy-and-move tables
        compare_type=True,
        render_item=render_type,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported: run them against the database.")
elif (given := context.config.attributes.get("connection")) is not None:
    run(given)
else:  # the `alembic` command in a checkout
    configure_logging("INFO")  # shows "Running upgrade ..." lines, through the redacting filter
    engine = make_engine(get_settings())
    try:
        with locked(engine) as conn:
            run(conn)
    finally:
        engine.dispose()
