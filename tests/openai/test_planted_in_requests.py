"""Every planted secret and personal-data item stays out of what the model is sent, and out of the logs.

A real interview (and questions) runs on the OpenAI-compatible engine against the local fake server
(tests/openai/fake_openai.py); every request body it receives is searched for the raw items.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.factory import build_coach
from tests.api.script import MAX_TURNS, answer
from tests.api.test_outage import llm_settings, model
from tests.api.test_planted_secrets import PERSONAL, PILOT_NAME, PLANTED, SECRETS
from tests.openai.fake_openai import FakeOpenAI, JSONReply, Status

QUESTION = "How should we involve compliance and security in the pilot?"
# PLANTED as the model must see it, in order
REDACTED = [
    "Our OpenAI key is sk-proj-[SECRET] and the Slack token xoxb-[SECRET].",
    "CI uses ghp_[SECRET] and [SECRET] with the AWS secret [SECRET].",
    "Maps use [SECRET] and billing runs on sk_live_[SECRET].",
    "The deploy key is pasted here:\n[SECRET]",
    "The session token is [SECRET] and the admin password: [SECRET]",
    "Data comes nightly from postgresql://etl:[SECRET]@warehouse.internal:5432/claims.",
    "Refunds go to card [CARD] or IBAN [ID], customer SSN [ID].",
    "My name is [NAME], email [EMAIL], phone [PHONE].",
]


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    """The fake model answering every prompt in its shape (this week's actions included)."""
    answer_like = model()

    def reply(body: dict[str, Any]) -> Any:
        said = answer_like(body)
        if isinstance(said, Status) and "Write this week's actions" in json.dumps(body):
            return JSONReply({"actions": ["Agree the next step with the team this week."]})
        return said

    with FakeOpenAI() as server:
        server.default = reply  # type: ignore[assignment]
        yield server


def _found(text: str, items: dict[str, str]) -> list[str]:
    return [label for label, raw in items.items() if raw in text]


def _contents(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content", "")) for m in body.get("messages", []))


def test_no_planted_item_reaches_the_model_or_the_logs(
    indexed_settings: Settings, llm: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every log line of the run, debug included
    coach = build_coach(llm_settings(indexed_settings, llm, llm_timeout=2.0))
    turn = coach.start_session(pilot_name=PILOT_NAME)
    texts = [*PLANTED, f"{QUESTION} {PLANTED[0]}", *(answer(n) for n in range(MAX_TURNS))]
    for text in texts:
        turn = coach.send_message(turn.session_id, text)
        if turn.done:
            break
    assert turn.done, "the interview did not finish"
    coach.report(turn.session_id)
    interview = [_contents(body) for body in llm.requests]
    questions = []
    for planted in PLANTED:  # a question carrying each item, outside the interview
        before = len(llm.requests)
        coach.ask(f"{QUESTION} {planted}")
        questions.append("\n".join(_contents(body) for body in llm.requests[before:]))

    bodies = [json.dumps(body, ensure_ascii=False) for body in llm.requests]  # every field, not just messages
    leaks = {label: sum(raw in body for body in bodies) for label, raw in (SECRETS | PERSONAL).items()}
    assert {label: n for label, n in leaks.items() if n} == {}  # requests carrying each raw item
    systems = [body["messages"][0]["content"] for body in llm.requests]
    asked_by = {kind: sum(kind in s for s in systems) for kind in ("readiness assessor", "playbook passages")}
    assert all(asked_by.values()), asked_by  # the answers were judged and the questions answered
    # the answers still reached the model, redacted, with the team's words around the placeholders
    judged = "\n".join(text for text in interview if "<team_statements>" in text)
    assert [line in judged for line in REDACTED] == [True] * len(REDACTED)
    assert [f"{QUESTION} {line}" in text for line, text in zip(REDACTED, questions, strict=True)] == [True] * 8
    assert caplog.records and _found(caplog.text, SECRETS | PERSONAL) == []


def test_no_planted_item_is_seen_raw_at_any_point_of_a_turn(indexed_settings: Settings, llm: FakeOpenAI) -> None:
    """Redaction happens once, where a turn starts: after every turn, no request the model got so far,
    no state handed to the turn hooks and no stored state carries a planted item raw."""
    coach = build_coach(llm_settings(indexed_settings, llm, llm_timeout=2.0))
    hooked: list[str] = []
    coach.turn_hooks.append(lambda _sid, state: hooked.append(state.model_dump_json()))
    turn = coach.start_session(pilot_name=PILOT_NAME)
    items = SECRETS | PERSONAL
    for n, text in enumerate([*PLANTED, *(answer(n) for n in range(MAX_TURNS))]):
        turn = coach.send_message(turn.session_id, text)
        seen = {
            "requests": "\n".join(json.dumps(body, ensure_ascii=False) for body in llm.requests),
            "hooked state": hooked[-1],
            "stored state": json.dumps(coach.store.get_session(turn.session_id).state, ensure_ascii=False),
        }
        assert {where: _found(what, items) for where, what in seen.items()} == dict.fromkeys(seen, []), n
        if turn.done:
            break
    assert turn.done and llm.requests
