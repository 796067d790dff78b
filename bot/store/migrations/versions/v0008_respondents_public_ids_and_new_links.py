"""Public ids for respondents, and the time a respondent's link was replaced

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.migrations.versions.v0007_public_ids import add_public_id, drop_public_id

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The respondents of split interviews were the last records the API and the CLI named by their
# sequential integer key (revision 0007 gave every other record a random id): the same column, the
# same backfill from the database's random source, the same unique index. `linked_at`: the lead can
# replace a lost, leaked or expired link, and the new one's 30 days count from then.


def upgrade() -> None:
    """Add a unique `public_id` to respondents (filled for every existing row) and `linked_at`."""
    add_public_id("respondents")
    op.add_column("respondents", sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Undo: drop both columns."""
    with op.batch_alter_table("respondents", schema=None) as batch_op:
        batch_op.drop_column("linked_at")
    drop_public_id("respondents")
