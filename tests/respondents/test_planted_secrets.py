"""Secrets and personal data a respondent types into their own answers never reach anything raw.

The items of tests/api/test_planted_secrets.py, typed through a link (`/v1/respond/messages`) with the
transcript's originals off, on the OpenAI engine against the local fake server: no table, no page the
lead or the person sees, no log line and no request body the model got holds one, while the answers
still reach the lead's report (redacted, attributed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.interview_state import InterviewState
from tests.api.tenants import Rig, database_url, dump_tables, rig_for  # noqa: F401  (database_url: a fixture)
from tests.api.test_planted_secrets import PERSONAL, PLANTED, SECRETS
from tests.openai.fake_openai import FakeOpenAI
from tests.openai.test_planted_in_requests import REDACTED, llm  # noqa: F401  (llm: a fixture)
from tests.respondents.conftest import LEAD, MAX_TURNS, SAID, finish_intro, invite, lead_session, own
from tests.store.conftest import pg_schema_url  # noqa: F401  (a fixture)

ITEMS = SECRETS | PERSONAL
AREAS = ["roi_ownership", "workflow_adoption", "data_pipeline", "governance", "legacy_integration",
         "mlops_observability"]  # fmt: skip
SAYS = SAID["Sam"] | SAID["Ana"] | SAID["Priya"]  # something true about every area
PERSON = {"name": "Sam Sponsor", "role": "data engineer", "areas": AREAS}


@pytest.fixture
def rig(indexed_settings: Settings, database_url: str, llm: FakeOpenAI) -> Iterator[Rig]:  # noqa: F811
    """The OpenAI engine on the fake server, originals off, a fresh database."""
    yield from rig_for(
        indexed_settings, database_url, keep_original_transcript=False, engine="openai",
        openai_api_key=SecretStr("sk-test-not-a-real-key"), openai_base_url=llm.url, llm_timeout=5.0,
        llm_max_retries=0, llm_breaker_failures=1000,
    )  # fmt: skip


def _found(text: str) -> list[str]:
    return [label for label, raw in ITEMS.items() if raw in text]


def _answer(rig: Rig, token: str) -> list[str]:
    """Every planted item as an answer through the link, then the person's areas until done; the replies."""
    header, replies = {"X-Respondent-Token": token}, []
    texts = iter(PLANTED)
    for _ in range(MAX_TURNS + len(PLANTED)):
        text = next(texts, None) or SAYS.get(own(rig.client, token)["topic"], "We have not worked that out yet.")
        resp = rig.client.post("/v1/respond/messages", json={"text": text}, headers=header)
        assert resp.status_code == 200, resp.text
        replies.append(resp.text)
        if resp.json()["done"] and next(texts, None) is None:
            return replies
    raise AssertionError("the respondent's interview did not finish")


def test_a_respondents_planted_items_are_stored_sent_and_reported_redacted(
    rig: Rig,
    llm: FakeOpenAI,  # noqa: F811  (the fixture, imported)
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every log line of the run, debug included
    lead = lead_session(rig.client)
    [sam] = invite(rig.client, lead, [PERSON])
    finish_intro(rig.client, lead)  # the lead waits for Sam: Sam's last answer makes the report
    said = _answer(rig, sam["token"])
    report = rig.client.get(f"/v1/sessions/{lead}/report", headers=LEAD)
    assert report.status_code == 200 and report.json()["assessment_id"], report.text

    # the answers reached the lead: shared into their interview and judged, redacted
    state = InterviewState.model_validate(rig.coach.store.get_session(lead).state)
    shared = "\n".join(s.text for s in state.shared)
    assert [line in shared for line in REDACTED] == [True] * len(REDACTED)
    assert {s.author for s in state.shared} == {"Sam Sponsor, data engineer"}
    judged = "\n".join(json.dumps(b, ensure_ascii=False) for b in llm.requests if "<team_statements>" in str(b))
    assert [json.dumps(line)[1:-1] in judged for line in REDACTED] == [True] * len(REDACTED)

    tables = dump_tables(rig.engine)
    assert {"sessions", "messages", "respondents", "assessments", "gaps", "audit_log"} <= set(tables)
    assert {t: _found(raw) for t, raw in tables.items() if _found(raw)} == {}  # originals off: nowhere
    shown = {
        "replies": "\n".join(said),
        "respondent's page": json.dumps(own(rig.client, sam["token"]), ensure_ascii=False),
        "report": report.text,
        "report md": rig.client.get(f"/v1/sessions/{lead}/report?format=md", headers=LEAD).text,
        "lead's session": rig.client.get(f"/v1/sessions/{lead}", headers=LEAD).text,
        "respondents": rig.client.get(f"/v1/sessions/{lead}/respondents", headers=LEAD).text,
    }
    assert {where: _found(text) for where, text in shown.items() if _found(text)} == {}
    bodies = [json.dumps(body, ensure_ascii=False) for body in llm.requests]  # every field of every request
    assert bodies and {label: n for label in ITEMS if (n := sum(ITEMS[label] in b for b in bodies))} == {}
    assert caplog.records and _found(caplog.text) == []
