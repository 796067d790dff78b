"""What respondents cost a turn: nothing for an interview that names nobody. The invitation writes the
lead's split (the named areas leave the lead's own part) in the transaction that writes the people, so
the lead's state itself says whether anyone was named, and no turn asks the respondents table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from bot.interview_state import InterviewState
from tests.respondents.conftest import INTRO, LEAD, Rig, invite, lead_session


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[int, str]]]:
    """Every SQL statement run on the engine meanwhile, with the number of the transaction it ran in."""
    seen: list[tuple[int, str]] = []
    began = [0]

    def on_begin(conn: Any) -> None:
        began[0] += 1

    def on_execute(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
        seen.append((began[0], " ".join(sql.split()).lower()))

    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "begin", on_begin)


def _say(rig: Rig, session_id: str, text: str) -> None:
    resp = rig.client.post(f"/v1/sessions/{session_id}/messages", json={"text": text}, headers=LEAD)
    assert resp.status_code == 200, resp.text


def test_a_turn_of_an_interview_that_names_nobody_reads_no_respondents(rig: Rig) -> None:
    lone = lead_session(rig.client)
    with statements(rig.engine) as ran:
        _say(rig, lone, INTRO[0])
    print(f"statements in one turn of a lone interview: {len([s for _, s in ran if not s.startswith('begin')])}")
    assert ran and not [sql for _, sql in ran if "respondents" in sql]


def test_the_invitation_writes_the_leads_split_with_the_people(rig: Rig) -> None:
    lead = lead_session(rig.client)
    with statements(rig.engine) as ran:
        invite(rig.client, lead, [{"name": "Sam", "areas": ["roi_ownership"]}])
    added = {n for n, sql in ran if sql.startswith("insert into respondents")}
    split = {n for n, sql in ran if sql.startswith("update sessions")}
    assert len(added) == 1 and added <= split  # the person and the lead's split: one transaction
    state = InterviewState.model_validate(rig.coach.store.get_session(lead).state)
    assert state.part is not None and state.part.reports and "roi_ownership" not in state.part.areas
    with statements(rig.engine) as ran:
        _say(rig, lead, INTRO[0])  # the lead's turns still share the respondents' answers
    assert [sql for _, sql in ran if "from respondents" in sql]
