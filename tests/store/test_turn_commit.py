"""`Store.commit_turn`: the whole turn in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.errors import Conflict, NotFound
from bot.models import Report
from bot.store import Store
from bot.store.turns import TurnWrite


def write(session_id: str, version: int, **extra: object) -> TurnWrite:
    values: dict[str, object] = {
        "session_id": session_id,
        "version": version,
        "state": {"step": version + 1},
        "status": "active",
        "user_text": f"answer {version}",
        "reply": f"question {version + 1}",
        "reply_meta": {"topic": "data"},
    }
    values.update(extra)
    return TurnWrite(**values)  # type: ignore[arg-type]


def rows(store: Store, session_id: str) -> list[tuple[str, str]]:
    return [(m.role, m.text) for m in store.list_messages(session_id)]


def test_a_turn_stores_message_state_report_and_reply_together(store: Store, report: Report) -> None:
    sid = store.create_session("local", "api", state={"step": 0}, greeting="question 0").id
    done = store.commit_turn(write(sid, 0, status="done", report=report, key="k1", text_hash="h", result={"x": 1}))
    assert rows(store, sid) == [("coach", "question 0"), ("user", "answer 0"), ("coach", "question 1")]
    session = store.get_session(sid)
    assert (session.version, session.status, session.state) == (1, "done", {"step": 1})
    assert done.assessment_id is not None and store.latest_assessment(sid) is not None
    assert done.gap_ids == [g.public_id for g in store.list_gaps(done.assessment_id)]  # public ids, not keys
    assert done.assessment_id == store.latest_assessment(sid).assessment_id and len(done.gap_ids) == 1
    kept = store.find_turn(sid, "k1")
    assert kept is not None and (kept.reply, kept.assessment_id, kept.result) == (
        "question 1",
        done.assessment_id,
        {"x": 1},
    )
    assert kept.gap_ids == done.gap_ids and store.find_turn(sid, "k2") is None


def test_a_stale_turn_stores_nothing(store: Store) -> None:
    sid = store.create_session("local", "api", greeting="question 0").id
    store.commit_turn(write(sid, 0))
    with pytest.raises(Conflict):
        store.commit_turn(write(sid, 0, user_text="late answer"))
    assert rows(store, sid) == [("coach", "question 0"), ("user", "answer 0"), ("coach", "question 1")]
    assert store.get_session(sid).version == 1


def test_a_key_stored_twice_rolls_the_second_turn_back(store: Store) -> None:
    sid = store.create_session("local", "api", greeting="question 0").id
    store.commit_turn(write(sid, 0, key="same", text_hash="h"))
    with pytest.raises(Conflict):  # a concurrent retry that got past the version check
        store.commit_turn(write(sid, 1, key="same", text_hash="h"))
    assert len(rows(store, sid)) == 3 and store.get_session(sid).version == 1


def test_a_turn_in_a_missing_session_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.commit_turn(write("nope", 0))
