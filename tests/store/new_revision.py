"""Draft a migration from the models' changes: `python -m tests.store.new_revision "add idempotency keys"`.

Migrates a scratch SQLite database to head, compares it with every model (Alembic's autogenerate)
and writes bot/store/migrations/versions/v<NNNN>_<slug>.py for you to read, edit and test.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from bot.store.db import make_engine
from bot.store.migrations import alembic_config, head_revision, upgrade_database
from tests.store.migrations_helpers import full_metadata, settings_for


def draft(message: str) -> None:
    """Write the next revision (numbered after the head) holding what the models add."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(settings_for(Path(scratch), None))
        upgrade_database(engine)
        rev_id = f"{int(head_revision()) + 1:04d}"
        with engine.begin() as conn:
            command.revision(alembic_config(conn, full_metadata()), message, autogenerate=True, rev_id=rev_id)
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit('usage: python -m tests.store.new_revision "what the revision does"')
    draft(" ".join(sys.argv[1:]))
