"""Redaction before storage: state, reports and audit details are masked whatever the settings."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from bot.models import Report

from .conftest import MakeStore

SAID = "I'm Priya Shah, key sk-proj-abcdefghijklmnop1234 and AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"
MASKED = "I'm [NAME], key sk-proj-[SECRET] and [SECRET]"
RAW = ("Priya", "abcdefghijklmnop1234", "AIzaSyD")
CARD = "4111 1111 1111 1111"


def _raw(engine: Engine, table: str) -> str:
    with engine.connect() as conn:
        return " ".join(str(v) for row in conn.execute(text(f"SELECT * FROM {table}")) for v in row)


@pytest.mark.parametrize("keep", [True, False])
def test_interview_state_and_pilot_name_are_stored_redacted(make_store: MakeStore, keep: bool) -> None:
    store = make_store(keep_original_transcript=keep)
    state = {"pilot_name": "Claims, ask Priya Shah", "statements": [{"text": SAID, "topic": "intro"}], "step": 2}
    session = store.create_session("key-a", "api", pilot_name="Claims, ask Priya Shah", state=state)
    assert session.pilot_name == "Claims, ask [NAME]" and session.state["pilot_name"] == "Claims, ask [NAME]"
    store.save_state(session.id, {**state, "statements": [*state["statements"], {"text": SAID, "topic": "data"}]})
    saved = store.get_session(session.id)
    assert [s["text"] for s in saved.state["statements"]] == [MASKED, MASKED]
    assert saved.state["step"] == 2 and saved.state["statements"][1]["topic"] == "data"
    assert not [r for r in RAW if r in _raw(store.engine, "sessions")]


def test_reports_and_audit_details_are_stored_redacted(make_store: MakeStore, report: Report) -> None:
    store = make_store(keep_original_transcript=True)
    aid = store.save_assessment(report.model_copy(update={"pilot_name": "Invoices, ask Jane Doe"}))
    stored = store.get_assessment(aid).report
    assert stored.pilot_name == "Invoices, ask [NAME]" and "Jane" not in stored.model_dump_json()
    store.audit("slack.feedback_comment", f"assessment:{aid}", {"helpful": True, "comment": SAID}, actor="U1")
    assert store.list_audit(kind="slack.feedback_comment")[0].detail == {"helpful": True, "comment": MASKED}
    for table in ("assessments", "gaps", "audit_log"):
        assert not [r for r in (*RAW, "Jane") if r in _raw(store.engine, table)], table


def test_audit_details_keep_public_ids_whole(make_store: MakeStore) -> None:
    store = make_store()
    # A real uuid4 hex whose "5896321414514" passed the card rule before it required a boundary.
    card_like = "92f5896321414514a6c77c7a97e259e7"
    store.audit("respondents.invited", "session:s1", {"respondents": [card_like], "note": f"card {CARD}"})
    assert store.list_audit(kind="respondents.invited")[0].detail == {"respondents": [card_like], "note": "card [CARD]"}
