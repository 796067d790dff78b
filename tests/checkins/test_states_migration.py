"""Revision 0004 on a database from before it: a gap stored as `unchanged` (an old "no change")
gets back its last reported state; nothing else moves. On SQLite here, on PostgreSQL in test_postgres."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import text

from bot.config import Settings
from bot.store.db import make_engine
from bot.store.migrations import alembic_config
from tests.store.migrations_helpers import settings_for

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
# (dimension, stored status, level-row statuses oldest first) -> the state it must have after 0004
GAPS = [
    ("data_pipeline", "unchanged", ["open", "in_progress", "unchanged"], "in_progress"),
    ("governance", "unchanged", ["open", "blocked", "missed"], "blocked"),
    ("roi_ownership", "unchanged", ["open", "unchanged"], "open"),
    ("workflow_adoption", "blocked", ["open", "blocked"], "blocked"),
    ("mlops_observability", "resolved", ["open", "resolved"], "resolved"),
]


def upgrade_with_old_states(settings: Settings) -> dict[str, str]:
    """Migrate to 0003, store a pilot with old-style states, upgrade to head; each gap's state after."""
    engine = make_engine(settings)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0003")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO pilots (id, owner, name, business_owner, sponsor, people, timezone, cron, "
                              "paused, skip_next, created_at) VALUES (1, 'local', 'Claims', 'Dana', 'Sam', '[]', "
                              "'UTC', '0 9 * * MON', false, false, :at)"), {"at": AT})  # fmt: skip
            for dim, status, history, _ in GAPS:
                conn.execute(text("INSERT INTO pilot_gaps (pilot_id, dimension, title, severity, status, evidence, "
                                  "updated_at) VALUES (1, :d, :t, 'high', :s, '[]', :at)"),
                             {"d": dim, "t": dim.title(), "s": status, "at": AT})  # fmt: skip
                for i, state in enumerate(history):
                    conn.execute(text("INSERT INTO dimension_levels (pilot_id, checkin_id, dimension, level, status, "
                                      "at) VALUES (1, :c, :d, 2, :s, :at)"),
                                 {"c": i or None, "d": dim, "s": state, "at": AT})  # fmt: skip
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT dimension, status, target_date FROM pilot_gaps")).all()
            assert conn.execute(text("SELECT count(*) FROM pilot_questions")).scalar_one() == 0
        assert all(r.target_date is None for r in rows)
        return {r.dimension: r.status for r in rows}
    finally:
        engine.dispose()


def test_old_no_change_states_get_their_last_reported_state_back_on_sqlite(tmp_path: Path) -> None:
    states = upgrade_with_old_states(settings_for(tmp_path, None))
    assert states == {dim: after for dim, _, _, after in GAPS}
