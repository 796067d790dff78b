"""A turn is one transaction: message, state, report and reply are stored together or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.engine.fallback import FallbackEngine
from bot.errors import Conflict, InvalidInput
from bot.interview import InterviewState
from bot.knowledge import Dimension
from bot.models import Judgement, Statement
from bot.service import Coach
from tests.core.test_interview import GAPPY, INTRO


class HookedEngine:
    """The real engine with a hook before each judgement (to act while a turn is mid-work)."""

    def __init__(self, inner: Any, hook: Callable[[], None]) -> None:
        self.inner, self.hook, self.name = inner, hook, inner.name

    def judge(self, dimension: Dimension, statements: list[Statement]) -> Judgement:
        self.hook()
        result: Judgement = self.inner.judge(dimension, statements)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class BrokenEngine:
    """A model that fails every call (as an unreachable one does)."""

    name = "openai"

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def fail(*_: object, **__: object) -> Any:
            raise ConnectionError("model unreachable")

        return fail


def twin(coach: Coach, engine: Any) -> Coach:
    """A coach over the same store, index and playbook with another engine."""
    return Coach(coach.settings, coach.knowledge, coach.store, coach.index, engine, coach.prompt_version)


def transcript(coach: Coach, session_id: str) -> list[tuple[str, str]]:
    return [(m.role, m.text) for m in coach.store.list_messages(session_id)]


def statements(coach: Coach, session_id: str) -> list[str]:
    return [s.text for s in InterviewState.model_validate(coach.store.get_session(session_id).state).statements]


def to_first_dimension(coach: Coach, session_id: str) -> None:
    """Answer the intro questions so the next answer is judged."""
    turn = coach.send_message(session_id, INTRO["purpose"])
    while turn.topic == "intro":
        turn = coach.send_message(session_id, INTRO.get(turn.question_id, "A limited rollout to ten agents."))


@pytest.fixture
def racing(coach: Coach) -> Iterator[tuple[Coach, list[str]]]:
    """A coach whose first judgement lets another message into the same session first."""
    pending: list[str] = []  # session id to interrupt, once

    def interrupt() -> None:
        if pending:
            sid = pending.pop()
            coach.send_message(sid, "Meanwhile: the data comes from a nightly dbt pipeline.", author="U2")

    yield twin(coach, HookedEngine(coach.engine, interrupt)), pending


def test_a_turn_that_loses_the_race_and_gives_up_leaves_no_trace(coach: Coach, racing: Any) -> None:
    slow, pending = racing
    sid = coach.start_session().session_id
    to_first_dimension(coach, sid)
    before = transcript(coach, sid)
    slow.turn_attempts = 1
    pending.append(sid)
    with pytest.raises(Conflict):
        slow.send_message(sid, "We export a CSV by hand every week.", author="U1")
    after = transcript(coach, sid)
    assert after[: len(before)] == before
    assert [role for role, _ in after[len(before) :]] == ["user", "coach"]  # only the other message's turn
    assert "We export a CSV by hand every week." not in [text for _, text in after]  # no ghost
    assert "We export a CSV by hand every week." not in statements(coach, sid)


def test_a_turn_that_loses_the_race_is_rerun_on_the_newer_state(coach: Coach, racing: Any) -> None:
    slow, pending = racing
    sid = coach.start_session().session_id
    to_first_dimension(coach, sid)
    pending.append(sid)
    turn = slow.send_message(sid, "We export a CSV by hand every week.", author="U1")
    users = [text for role, text in transcript(coach, sid) if role == "user"]
    assert users[-2:] == [
        "Meanwhile: the data comes from a nightly dbt pipeline.",
        "We export a CSV by hand every week.",
    ]
    assert statements(coach, sid)[-2:] == users[-2:]
    assert transcript(coach, sid)[-1] == ("coach", turn.reply)


def test_an_engine_failure_falls_back_and_the_answer_is_kept(coach: Coach) -> None:
    fallen = twin(coach, FallbackEngine(BrokenEngine(), coach.engine))  # type: ignore[arg-type]
    sid = fallen.start_session().session_id
    to_first_dimension(fallen, sid)
    said = "We export a CSV by hand every week."
    turn = fallen.send_message(sid, said)
    assert turn.reply and transcript(coach, sid)[-2:] == [("user", said), ("coach", turn.reply)]
    assert statements(coach, sid)[-1] == said
    assert coach.store.list_messages(sid)[-1].meta["engine"] == coach.engine.name  # the fallback answered


def test_the_finishing_turn_carries_its_stored_report(coach: Coach) -> None:
    turn = coach.start_session(pilot_name="Email assistant")
    sid = turn.session_id
    for _ in range(40):
        text = INTRO.get(turn.question_id, "") if turn.topic == "intro" else GAPPY.get(turn.topic, "")
        turn = coach.send_message(sid, text or "I've nothing more to add on that.")
        if turn.done:
            break
    assert turn.done and turn.report is not None and turn.assessment_id is not None
    stored = coach.store.get_assessment(turn.assessment_id)
    assert stored.session_id == sid and turn.report == stored.report
    assert turn.gap_ids == [g.public_id for g in coach.store.list_gaps(turn.assessment_id)] and turn.gap_ids
    assert turn.reply.startswith(turn.message) and turn.reply != turn.message  # the brief follows the words
    assert turn.options == ["report", "restart"]
    assert coach.store.get_session(sid).status == "done"


def test_a_retry_with_the_same_key_gets_the_stored_turn_back(coach: Coach) -> None:
    sid = coach.start_session().session_id
    first = coach.send_message(sid, INTRO["purpose"], idempotency_key="k-1")
    version = coach.store.get_session(sid).version
    again = coach.send_message(sid, INTRO["purpose"], idempotency_key="k-1")
    assert again.replayed and not first.replayed
    assert again.model_dump(exclude={"replayed"}) == first.model_dump(exclude={"replayed"})
    assert coach.store.get_session(sid).version == version  # not applied twice
    assert [role for role, _ in transcript(coach, sid)] == ["coach", "user", "coach"]
    with pytest.raises(Conflict):
        coach.send_message(sid, "Something else entirely.", idempotency_key="k-1")
    other = coach.start_session().session_id  # keys are per session
    assert not coach.send_message(other, INTRO["purpose"], idempotency_key="k-1").replayed


def test_a_retried_finishing_turn_returns_the_same_report(coach: Coach) -> None:
    sid = coach.start_session().session_id
    coach.send_message(sid, INTRO["purpose"])
    made = coach.send_message(sid, "report", idempotency_key="report-1")
    again = coach.send_message(sid, "report", idempotency_key="report-1")
    assert made.assessment_id is not None and again.assessment_id == made.assessment_id
    assert again.report == made.report and again.gap_ids == made.gap_ids and again.message == made.message


@pytest.mark.parametrize("key", ["", "has space", "x" * 201, "naïve"])
def test_a_malformed_key_is_refused(coach: Coach, key: str) -> None:
    sid = coach.start_session().session_id
    with pytest.raises(InvalidInput):
        coach.send_message(sid, "hello there friends", idempotency_key=key)
    assert len(transcript(coach, sid)) == 1


def test_streamed_answer_reaches_the_callback(coach: Coach) -> None:
    sid = coach.start_session().session_id
    got: list[str] = []
    turn = coach.send_message(sid, "Why does data quality matter?", on_token=got.append)
    assert got and turn.message.startswith("".join(got).strip()[:20])
    assert turn.citations
