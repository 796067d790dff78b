"""The Store against a real database: SQLite in tmp_path, PostgreSQL when configured."""

from __future__ import annotations

import threading
from datetime import UTC

import pytest
from sqlalchemy import text

from bot.errors import InvalidInput, NotFound
from bot.models import Report
from bot.store import Base, Store
from bot.store.public_ids import new_public_id
from bot.store.records import SessionRecord
from bot.store.scrub import scrub_report
from bot.store.tables import SessionRow

from .conftest import MakeStore

OWNER = "key_team_a"


def test_all_core_tables_are_created(store: Store) -> None:
    with store.engine.connect() as conn:
        names = set(store.engine.dialect.get_table_names(conn))
    expected = {"sessions", "messages", "assessments", "gaps", "audit_log", "llm_calls"}
    assert expected <= names
    assert expected <= set(Base.metadata.tables)


def test_session_round_trip_keeps_nested_state(store: Store) -> None:
    state = {"topic": "ownership", "answers": [{"q": "owner", "a": "nobody"}], "n": 3}
    created = store.create_session(OWNER, "api", pilot_name="Invoice triage", state=state)
    got = store.get_session(created.id, owner=OWNER)
    assert got.state == state and got.pilot_name == "Invoice triage"
    assert got.status == "active" and got.channel == "api"
    assert got.created_at.tzinfo is not None and got.created_at.utcoffset() == UTC.utcoffset(None)


def test_save_state_replaces_state_and_status(store: Store) -> None:
    created = store.create_session(OWNER, "cli")
    store.save_state(created.id, {"step": 7}, status="done")
    got = store.get_session(created.id)
    assert got.state == {"step": 7} and got.status == "done"
    assert got.updated_at >= created.updated_at


def test_other_owner_and_unknown_id_are_not_found(store: Store) -> None:
    created = store.create_session(OWNER, "web")
    with pytest.raises(NotFound, match=f"No session {created.id}: start a new one."):
        store.get_session(created.id, owner="someone_else")
    with pytest.raises(NotFound):
        store.get_session("does-not-exist")
    with pytest.raises(NotFound):
        store.add_message("does-not-exist", "user", "hello")
    with pytest.raises(NotFound):
        store.save_state("does-not-exist", {})


def test_bad_vocabulary_is_rejected(store: Store) -> None:
    with pytest.raises(InvalidInput, match="channel"):
        store.create_session(OWNER, "fax")
    session = store.create_session(OWNER, "api")
    with pytest.raises(InvalidInput, match="role"):
        store.add_message(session.id, "system", "hi")
    with pytest.raises(InvalidInput, match="session status"):
        store.save_state(session.id, {}, status="archived")


def test_external_key_is_idempotent_per_owner(store: Store) -> None:
    first = store.create_session("T1", "slack", external_key="T1:C1:171.01")
    again = store.create_session("T1", "slack", external_key="T1:C1:171.01")
    assert again.id == first.id
    assert store.find_session("T1:C1:171.01") == first
    assert store.find_session("T1:C1:999") is None
    with pytest.raises(InvalidInput, match="another workspace"):
        store.create_session("T2", "slack", external_key="T1:C1:171.01")


def test_messages_are_durable_and_visible_to_a_second_store(make_store: MakeStore) -> None:
    writer = make_store()
    session = writer.create_session(OWNER, "api")
    writer.add_message(session.id, "user", "We have no owner.", author="U1")
    writer.add_message(session.id, "coach", "Who runs it after launch?")
    reader = make_store()
    messages = reader.list_messages(session.id)
    assert [(m.role, m.text) for m in messages] == [
        ("user", "We have no owner."),
        ("coach", "Who runs it after launch?"),
    ]
    assert messages[0].author == "U1" and messages[0].id < messages[1].id


def test_originals_kept_alongside_redacted_text(store: Store) -> None:
    session = store.create_session(OWNER, "api")
    msg = store.add_message(session.id, "user", "Mail jane.doe@example.com or call 020 7946 0958")
    assert msg.text == "Mail jane.doe@example.com or call 020 7946 0958"
    assert msg.redacted_text == "Mail [EMAIL] or call [PHONE]"
    assert msg.meta["redactions"] == {"EMAIL": 1, "PHONE": 1}


def test_without_originals_only_redacted_text_reaches_the_database(make_store: MakeStore) -> None:
    store = make_store(keep_original_transcript=False)
    session = store.create_session(OWNER, "api")
    msg = store.add_message(session.id, "user", "I'm Priya Shah, priya@corp.example, 4111 1111 1111 1111")
    assert msg.text == msg.redacted_text == "I'm [NAME], [EMAIL], [CARD]"
    with store.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(text("SELECT * FROM messages")) for v in row)
    for secret in ("Priya", "priya@corp.example", "4111"):
        assert secret not in stored


def test_secrets_are_never_stored_even_with_originals(store: Store) -> None:
    session = store.create_session(OWNER, "api")
    msg = store.add_message(session.id, "user", "our key is sk-abcdefghijklmnopqrstuvwx")
    assert "abcdefghij" not in msg.text and "abcdefghij" not in msg.redacted_text


def test_concurrent_add_message_loses_nothing(store: Store) -> None:
    session = store.create_session(OWNER, "api")
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(25):
                store.add_message(session.id, "user", f"answer {worker}-{i}")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    texts = {m.text for m in store.list_messages(session.id)}
    assert texts == {f"answer {w}-{i}" for w in range(8) for i in range(25)}


def test_list_sessions_filters_by_owner_and_orders_by_activity(store: Store) -> None:
    old = store.create_session(OWNER, "api")
    new = store.create_session(OWNER, "api")
    store.create_session("other", "api")
    store.add_message(old.id, "user", "bumps old to the top")
    assert [s.id for s in store.list_sessions(owner=OWNER)] == [old.id, new.id]
    assert len(store.list_sessions()) == 3
    assert len(store.list_sessions(limit=1)) == 1


def test_list_sessions_by_browser_and_their_digests(store: Store, report: Report) -> None:
    mine = store.create_session(OWNER, "api", client="browser-one")
    done = store.create_session(OWNER, "api", client="browser-one")
    store.create_session(OWNER, "api", client="browser-two")
    store.add_message(done.id, "user", "first answer")
    store.add_message(done.id, "user", "second answer")
    older = store.save_assessment(report, session_id=done.id)
    newer = store.save_assessment(report.model_copy(update={"verdict": "ready"}), session_id=done.id)
    listed = store.list_sessions(owner=OWNER, client="browser-one")
    assert [s.id for s in listed] == [done.id, mine.id] and {s.client for s in listed} == {"browser-one"}
    assert store.list_sessions(owner="other", client="browser-one") == []
    digests = store.session_digests([done.id, mine.id])
    assert digests[done.id].first_answer == "first answer"
    assert (digests[done.id].assessment_id, digests[done.id].verdict) == (newer, "ready") and older != newer
    assert digests[mine.id].first_answer is None and digests[mine.id].assessment_id is None
    assert store.session_digests([]) == {}


def test_assessment_round_trip_with_gaps_and_decisions(store: Store, report: Report) -> None:
    session = store.create_session(OWNER, "api")
    assessment_id = store.save_assessment(report, session_id=session.id)
    stored = scrub_report(report).model_copy(update={"assessment_id": assessment_id})
    assert stored.gaps[0].evidence[0].quote.endswith("ask [NAME] (CFO)")  # reports quote redacted text
    assert store.latest_assessment(session.id) == stored
    record = store.get_assessment(assessment_id)
    assert record.report == stored
    assert record.verdict == "not_ready" and record.rubric_version == "r1"
    assert record.prompt_version == "p1" and record.session_id == session.id
    gaps = store.list_gaps(assessment_id)
    assert [(g.dimension, g.severity, g.status, g.title) for g in gaps] == [
        ("ownership", "critical", "open", "No production owner")
    ]
    decisions = store.list_audit(subject=f"assessment:{assessment_id}", kind="assessment.decision")
    assert [d.detail["dimension"] for d in decisions] == ["ownership", "data"]
    first = decisions[0].detail
    assert first["status"] == "gap" and first["severity"] == "critical"
    assert first["engine"] == "offline" and first["rubric_version"] == "r1"
    assert first["rationale"] == "No named owner for production."
    assert first["evidence"][0]["quote"].startswith("Nobody owns the model")


def test_latest_assessment_is_the_newest(store: Store, report: Report) -> None:
    session = store.create_session(OWNER, "api")
    assert store.latest_assessment(session.id) is None
    store.save_assessment(report, session_id=session.id)
    newer = report.model_copy(update={"verdict": "ready_with_conditions"})
    store.save_assessment(newer, session_id=session.id)
    latest = store.latest_assessment(session.id)
    assert latest is not None and latest.verdict == "ready_with_conditions"


def test_assessment_without_session_and_unknown_ids(store: Store, report: Report) -> None:
    assessment_id = store.save_assessment(report)
    assert store.get_assessment(assessment_id).session_id is None
    with pytest.raises(NotFound, match="No assessment 999999"):
        store.get_assessment(999999)
    for unknown in (new_public_id(), "1", str(store.get_assessment(assessment_id).id), "a" * 31 + "\x00"):
        with pytest.raises(NotFound):  # the store's own key as text (or anything else) is not a public id
            store.get_assessment(unknown)
    with pytest.raises(NotFound):
        store.save_assessment(report, session_id="missing")


def test_without_originals_report_quotes_are_redacted(make_store: MakeStore, report: Report) -> None:
    store = make_store(keep_original_transcript=False)
    assessment_id = store.save_assessment(report)
    stored = store.get_assessment(assessment_id).report
    assert stored.gaps[0].evidence[0].quote.endswith("ask [NAME] (CFO)")
    audit = store.list_audit(subject=f"assessment:{assessment_id}")
    assert audit and "Jane" not in str(audit)


def test_update_gap_is_audited(store: Store, report: Report) -> None:
    gap = store.list_gaps(store.save_assessment(report))[0]
    updated = store.update_gap(gap.id, status="in_progress", owner="ops-lead", actor="U42")
    assert (updated.status, updated.owner) == ("in_progress", "ops-lead")
    assert store.list_gaps(gap.assessment_id)[0].status == "in_progress"
    store.update_gap(gap.id, status="in_progress")  # no change, no audit row
    rows = store.list_audit(subject=f"gap:{gap.public_id}")
    assert len(rows) == 1 and rows[0].kind == "gap.updated" and rows[0].actor == "U42"
    assert rows[0].detail["changes"] == {
        "status": {"from": "open", "to": "in_progress"},
        "owner": {"from": None, "to": "ops-lead"},
    }
    with pytest.raises(InvalidInput, match="gap status"):
        store.update_gap(gap.id, status="closed-ish")
    with pytest.raises(NotFound):
        store.update_gap(999999, status="resolved")


def test_audit_is_append_only(store: Store) -> None:
    first = store.audit("pilot.created", "pilot:1", {"name": "Invoice triage"}, actor="U1")
    second = store.audit("pilot.created", "pilot:2", {"name": "Claims"})
    assert second > first
    assert [a.subject for a in store.list_audit(kind="pilot.created")] == ["pilot:1", "pilot:2"]
    assert store.list_audit(subject="pilot:1")[0].detail == {"name": "Invoice triage"}
    mutators = [n for n in dir(store) if "audit" in n and not n.startswith("_")]
    assert sorted(mutators) == ["audit", "list_audit"]


def test_llm_usage_totals(store: Store) -> None:
    store.record_llm_call("openai", "gpt-4o-mini", "assess", 100, 20, 300, 0.001)
    store.record_llm_call("openai", "gpt-4o-mini", "assess", 50, 0, 100, 0.0, outcome="retry")
    call = store.record_llm_call(
        "openai",
        "gpt-4o-mini",
        "turn",
        outcome="error",
        error="401 for key sk-abcdefghijklmnopqrstu",
    )
    totals = store.llm_usage_totals()
    assert totals["calls"] == 3 and totals["prompt_tokens"] == 150
    assert totals["completion_tokens"] == 20 and totals["cost_usd"] == pytest.approx(0.001)
    assert totals["by_outcome"] == {"ok": 1, "retry": 1, "error": 1}
    assert totals["avg_latency_ms"] == pytest.approx(400 / 3)
    with store.engine.connect() as conn:
        error = conn.execute(text("SELECT error FROM llm_calls WHERE id = :i"), {"i": call}).scalar()
    assert error == "401 for key sk-[SECRET]"
    with pytest.raises(InvalidInput, match="outcome"):
        store.record_llm_call("openai", "m", "turn", outcome="maybe")


def test_ping_and_reopen_is_idempotent(make_store: MakeStore) -> None:
    first = make_store()
    session = first.create_session(OWNER, "api")
    first.ping()
    second = make_store()  # create_all again on the same database
    assert second.get_session(session.id).id == session.id


def test_get_session_reads_the_stored_row_exactly(store: Store) -> None:
    """get_session reads with a Core select (it runs on every turn): the record equals the ORM row's."""
    state = {"topic": "governance", "answers": [{"text": "Ünïcode ✓", "n": 3}], "nested": {"a": [1, 2.5, None]}}
    rec = store.create_session("key-a", "api", pilot_name="Claims", state=state, client="browser-123")
    got = store.get_session(rec.id, owner="key-a")
    with store._read_tx() as db:
        assert got == SessionRecord.of(db.get(SessionRow, rec.id))
    assert got.state == state and got.created_at.tzinfo is not None
    with pytest.raises(NotFound):
        store.get_session(rec.id, owner="key-b")
    with pytest.raises(NotFound):
        store.get_session("0" * 32)
