"""Check-ins: target dates on gaps, open questions carried into check-ins, last reported states

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 03:38:16.844019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# A gap whose last answer said "no change" was stored as `unchanged`; it gets back its last
# reported state (in progress or blocked, from the levels recorded at each check-in), else open.
LAST_REPORTED_STATE = """
UPDATE pilot_gaps SET status = COALESCE((
    SELECT dl.status FROM dimension_levels dl
    WHERE dl.pilot_id = pilot_gaps.pilot_id AND dl.dimension = pilot_gaps.dimension
      AND dl.status IN ('in_progress', 'blocked')
    ORDER BY dl.id DESC LIMIT 1
), 'open')
WHERE status = 'unchanged'
"""


def upgrade() -> None:
    """Target dates on gaps, the pilot_questions table, and no more `unchanged` gap states."""
    op.create_table(
        "pilot_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pilot_id", "dimension"),
    )
    op.create_index("ix_pilot_questions_pilot_id", "pilot_questions", ["pilot_id"], unique=False)
    # a plain ADD COLUMN (no batch rebuild): nullable, so existing rows need nothing
    op.add_column("pilot_gaps", sa.Column("target_date", sa.Date(), nullable=True))
    op.execute(LAST_REPORTED_STATE)


def downgrade() -> None:
    """Undo: drop the target dates and the pilot_questions table (states stay as they are)."""
    with op.batch_alter_table("pilot_gaps", schema=None) as batch_op:
        batch_op.drop_column("target_date")
    op.drop_index("ix_pilot_questions_pilot_id", table_name="pilot_questions")
    op.drop_table("pilot_questions")
