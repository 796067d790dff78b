"""Upgrading a database made by an older version in place: new columns, then their backfills.

There is no migration tool: every change here is additive and idempotent, and runs at every open.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError, ProgrammingError

from bot.store.db import Base

log = logging.getLogger(__name__)

# Assessments made before they carried an owner belong to the owner of their session, when
# they have one. A one-shot assessment of that age has no known owner and stays NULL: no caller
# sees it (only the operator's unchecked reads do).
BACKFILLS = (
    (
        "assessments",
        "owner",
        "UPDATE assessments SET owner = (SELECT sessions.owner FROM sessions"
        " WHERE sessions.id = assessments.session_id)"
        " WHERE owner IS NULL AND session_id IS NOT NULL",
    ),
)
INDEXES = (("ix_assessments_owner", "assessments", "owner"),)


def add_missing_columns(engine: Engine) -> None:
    """Upgrade a database made by an older version: add columns new versions declare.

    Only additive changes with a scalar default are handled; anything else needs a migration.
    """
    present = inspect(engine)
    for table in Base.metadata.sorted_tables:
        if not present.has_table(table.name):
            continue
        have = {c["name"] for c in present.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            default = getattr(column.default, "arg", None)
            clause = f" DEFAULT {default!r}" if isinstance(default, int | float | str) else ""
            with engine.begin() as conn:
                conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}{clause}')
            log.info("added column %s.%s", table.name, column.name)


def backfill(engine: Engine) -> None:
    """Fill new columns of old rows, and index them (idempotent: touches only rows still unset)."""
    present = inspect(engine)
    for table, column, statement in BACKFILLS:
        if present.has_table(table) and column in {c["name"] for c in present.get_columns(table)}:
            with engine.begin() as conn:
                filled = conn.execute(text(statement)).rowcount
            if filled:
                log.info("backfilled %s.%s on %s old rows", table, column, filled)
    for name, table, column in INDEXES:
        if present.has_table(table):
            _index(engine, name, table, column)


def _index(engine: Engine, name: str, table: str, column: str) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE INDEX IF NOT EXISTS {name} ON {table} ("{column}")'))
    except (IntegrityError, ProgrammingError):  # another replica created it a moment earlier
        log.info("index %s was created by another process", name)
