"""Public ids for assessments, gaps, pilots, pilot gaps, gates and gate items

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:30:55.610553
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Every record the API, Slack or the CLI names gets a random id (bot/store/public_ids.py): sequential
# integer keys could be counted or guessed across tenants. The integer keys stay, inside the store.
TABLES = ("assessments", "gaps", "pilots", "pilot_gaps", "gates", "gate_items")

# 32 lowercase hex characters from the database's own strong random source, like uuid4().hex.
RANDOM_HEX = {
    "postgresql": "replace(gen_random_uuid()::text, '-', '')",  # PostgreSQL 13+ (pg_strong_random)
    "sqlite": "lower(hex(randomblob(16)))",
}


def upgrade() -> None:
    """Add a unique `public_id` to each table and fill it for every existing row."""
    for table in TABLES:
        add_public_id(table)


def downgrade() -> None:
    """Undo: drop the public ids (the integer keys were never changed)."""
    for table in reversed(TABLES):
        drop_public_id(table)


# Later revisions that give another table public ids call these two (revision 0008: respondents).


def add_public_id(table: str) -> None:
    """Add a unique `public_id` column to the table and fill it for every existing row."""
    random_hex = RANDOM_HEX[op.get_bind().dialect.name]
    # a plain ADD COLUMN (no batch rebuild, which would cascade-delete child rows on SQLite):
    # nullable in the schema, filled here for old rows and by the models for new ones
    op.add_column(table, sa.Column("public_id", sa.String(length=32), nullable=True))
    op.execute(f"UPDATE {table} SET public_id = {random_hex} WHERE public_id IS NULL")  # noqa: S608 (fixed names)
    op.create_index(f"ix_{table}_public_id", table, ["public_id"], unique=True)


def drop_public_id(table: str) -> None:
    """Drop the table's public ids."""
    op.drop_index(f"ix_{table}_public_id", table_name=table)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_column("public_id")
