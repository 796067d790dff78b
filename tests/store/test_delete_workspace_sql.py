"""The SQL that docs/slack.md gives for deleting a workspace's data works on both backends and
leaves every other workspace's data alone."""

from __future__ import annotations

import json
import re

from sqlalchemy import text

from bot.checkins.tables import CheckinRow, PilotGapRow, PilotRow
from bot.config import PROJECT_ROOT
from bot.event_claims import EventClaims
from bot.models import Report
from bot.store import Store

DOC = PROJECT_ROOT / "docs" / "slack.md"
TABLES = (
    "sessions",
    "messages",
    "assessments",
    "gaps",
    "audit_log",
    "pilots",
    "pilot_gaps",
    "checkins",
    "slack_events",
)


def documented_sql(team: str) -> list[str]:
    """The statements of the deletion recipe, for `team`."""
    block = re.search(r"To delete a workspace's data.*?```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None, "docs/slack.md lost its deletion recipe"
    body = re.sub(r"--[^\n]*", "", block.group(1)).replace("T0123", team)
    return [s.strip() for s in body.split(";") if s.strip()]


def workspace(store: Store, report: Report, team: str) -> None:
    """One workspace's worth of rows in every table the recipe names."""
    owner = f"slack:{team}"
    session = store.create_session(owner=owner, channel="slack", external_key=f"slack:{team}:C1:1.1")
    store.add_message(session.id, "user", "We export a CSV by hand.", author="U1")
    aid = store.save_assessment(report, session_id=session.id)
    gap = store.list_gaps(aid)[0]
    store.update_gap(gap.public_id, status="resolved", actor="U1")
    store.audit("slack.feedback", f"assessment:{aid}", {"helpful": True}, actor="U1")
    key = store.get_assessment(aid).id
    with store._tx() as db:
        pilot = PilotRow(owner=owner, name="P", business_owner="U1", sponsor="U2", channel="C1", assessment_id=key)
        db.add(pilot)
        db.flush()
        db.add(PilotGapRow(pilot_id=pilot.id, dimension="governance", title="t", severity="high"))
        db.add(CheckinRow(pilot_id=pilot.id, due_at=pilot.created_at))
    body = {"type": "event_callback", "team_id": team, "event": {"type": "message", "text": "hi"}}
    EventClaims(store.engine).claim(f"Ev{team}", payload=json.dumps(body))


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def test_the_documented_deletion_removes_one_workspace_and_nothing_else(store: Store, report: Report) -> None:
    workspace(store, report, "T0KEEP")
    kept = counts(store)
    workspace(store, report, "T0GONE")
    assert all(n > 0 for n in kept.values()) and counts(store) != kept
    with store.engine.begin() as conn:
        for statement in documented_sql("T0GONE"):
            conn.execute(text(statement))
    assert counts(store) == kept
