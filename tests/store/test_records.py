"""Rows copied into records: every field by name, the converted ones as given, detached from the row."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from bot.checkins.records import Checkin, Pilot, PilotGap, PilotQuestion
from bot.checkins.tables import CheckinRow, PilotGapRow, PilotQuestionRow, PilotRow
from bot.store.records import AuditRecord, GapRecord, MessageRecord, SessionRecord, from_row
from bot.store.tables import AuditRow, GapRow, MessageRow, SessionRow

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Thing:
    id: int
    name: str
    tags: list[str] = field(default_factory=list)


def test_from_row_copies_fields_by_name_and_takes_converted_values_as_given() -> None:
    row = SimpleNamespace(id=7, name="claims", tags=["a"], extra="not a field")
    assert from_row(Thing, row) == Thing(7, "claims", ["a"])
    assert from_row(Thing, row, tags=[], name="other") == Thing(7, "other", [])


def test_from_row_refuses_a_converted_name_that_is_no_field() -> None:
    with pytest.raises(TypeError):
        from_row(Thing, SimpleNamespace(id=1, name="x", tags=[]), tag=[])


def test_from_row_needs_every_field_not_converted_on_the_row() -> None:
    with pytest.raises(AttributeError):
        from_row(Thing, SimpleNamespace(id=1, name="x"))
    assert from_row(Thing, SimpleNamespace(id=1, name="x"), tags=["t"]).tags == ["t"]


def _copied_as_is(record: Any, row: Any, converted: set[str]) -> None:
    for f in fields(record):
        if f.name not in converted:
            assert getattr(record, f.name) == getattr(row, f.name), f.name


def test_checkin_records_copy_their_rows() -> None:
    pilot_row = PilotRow(id=3, owner="o", name="Claims", business_owner="", sponsor="Sam", people=None,
                         channel="C1", timezone="UTC", cron="0 9 * * 1", paused=0, snoozed_until=None,
                         skip_next=1, assessment_id=None, created_at=AT, public_id="p" * 32)  # fmt: skip
    pilot = Pilot.of(pilot_row)
    _copied_as_is(pilot, pilot_row, {"business_owner", "people", "paused", "skip_next"})
    assert (pilot.business_owner, pilot.people, pilot.paused, pilot.skip_next) == (None, [], False, True)

    evidence = [{"quote": "no owner yet"}]
    gap_row = PilotGapRow(id=4, dimension="ownership", title="t", severity="high", status="open",
                          evidence=evidence, updated_at=AT, closed_at=None, target_date=date(2026, 4, 1),
                          public_id="g" * 32)  # fmt: skip
    gap = PilotGap.of(gap_row)
    _copied_as_is(gap, gap_row, set())
    evidence[0]["quote"] = "changed in the row"
    assert gap.evidence == [{"quote": "no owner yet"}]  # a deep copy

    q_row = PilotQuestionRow(id=5, dimension="data", question="Who?", status="open", answer=None,
                             outcome=None, answered_at=None)  # fmt: skip
    _copied_as_is(PilotQuestion.of(q_row), q_row, set())

    c_row = CheckinRow(id=6, pilot_id=3, due_at=AT, status="due", claimed_by=None, claimed_until=None,
                       attempts=None, sent_at=None, reminder_sent_at=None, answered_at=None,
                       message_channel=None, message_ts=None, note="n")  # fmt: skip
    checkin = Checkin.of(c_row)
    _copied_as_is(checkin, c_row, {"attempts"})
    assert checkin.attempts == 0


def test_store_records_copy_their_rows() -> None:
    state: dict[str, Any] = {"turn": 1}
    s_row = SessionRow(id="s1", owner="o", channel="web", external_key=None, pilot_name="Claims", state=state,
                       status="active", created_at=AT, updated_at=AT, version=None, client=None)  # fmt: skip
    copied, handed_over = SessionRecord.of(s_row), SessionRecord.of(s_row, fresh=True)
    _copied_as_is(copied, s_row, {"version"})
    assert copied.version == 0 and copied.state is not state and handed_over.state is state

    m_row = MessageRow(id=1, session_id="s1", role="user", author=None, text="hi", redacted_text="hi",
                       created_at=AT, meta=None)  # fmt: skip
    message = MessageRecord.of(m_row)
    _copied_as_is(message, m_row, {"meta"})
    assert message.meta == {}

    g_row = GapRow(id=2, assessment_id=9, dimension="data", severity="high", status="open", title="t",
                   evidence=[{"quote": "q"}], owner=None, updated_at=AT, public_id="g" * 32)  # fmt: skip
    gap = GapRecord.of(g_row, "a" * 32)
    _copied_as_is(gap, g_row, {"assessment_public_id"})
    assert gap.assessment_public_id == "a" * 32 and gap.evidence is not g_row.evidence

    a_row = AuditRow(id=3, at=AT, kind="k", subject="s", actor=None, detail={"x": [1]})
    audit = AuditRecord.of(a_row)
    _copied_as_is(audit, a_row, set())
    assert audit.detail is not a_row.detail
