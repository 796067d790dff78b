"""Several respondents: a keyed app on a fresh database (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from tests.api.tenants import A, B, Rig, database_url, rig_for  # noqa: F401  (database_url: a fixture)
from tests.store.conftest import pg_schema_url  # noqa: F401  (a fixture)

LEAD, OTHER = A, B
FILLER = "We have not worked that out yet."
# What each person says about each of their areas (the playbook's words for in place and for a gap).
SAID = {
    "Sam": {"roi_ownership": "I own the budget after the pilot and we measured a baseline of handle time."},
    "Ana": {
        "roi_ownership": "Nobody owns the budget after the pilot ends and we have no baseline.",
        "workflow_adoption": "Agents copy and paste from a separate tab, and usage is falling.",
    },
    "Priya": {
        "data_pipeline": "We use a CSV export from Zendesk that I refresh by hand every week.",
        "governance": "There has been no review by legal or security yet.",
        "legacy_integration": "It is not integrated with Zendesk or Salesforce; it is read only.",
        "mlops_observability": "We do not monitor it; no one is on call and we have no evals.",
    },
}
PEOPLE = [
    {"name": "Sam Sponsor", "role": "sponsor", "areas": ["roi_ownership"]},
    {"email": "ana.analyst@example.com", "role": "analyst", "areas": ["roi_ownership", "workflow_adoption"]},
    {"name": "Priya Patel", "role": "data engineer", "email": "priya@example.com",
     "areas": ["data_pipeline", "governance", "legacy_integration", "mlops_observability"]},
]  # fmt: skip
MAX_TURNS = 30
INTRO = ["A support triage assistant that drafts replies for our 40 support agents.",
         "The VP of Support sponsors it.", "A limited rollout to 10 agents.",
         "No, a person reviews every draft before anything is sent."]  # fmt: skip


def lead_session(client: TestClient) -> str:
    """The lead starts an interview about Triage."""
    made = client.post("/v1/sessions", json={"pilot_name": "Triage"}, headers=LEAD)
    assert made.status_code == 201, made.text
    return str(made.json()["session_id"])


def invite(client: TestClient, session_id: str, people: list[dict[str, Any]] = PEOPLE) -> list[dict[str, Any]]:
    """Name the people; their invitations (with tokens)."""
    resp = client.post(f"/v1/sessions/{session_id}/respondents", json={"respondents": people}, headers=LEAD)
    assert resp.status_code == 201, resp.text
    return list(resp.json()["respondents"])


def own(client: TestClient, token: str) -> dict[str, Any]:
    """What the link shows."""
    resp = client.get("/v1/respond", headers={"X-Respondent-Token": token})
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def answer_all(client: TestClient, token: str, said: dict[str, str]) -> list[dict[str, Any]]:
    """Answer through the link (each area's sentence, else a filler) until the person is done; the turns."""
    turns: list[dict[str, Any]] = []
    topic = own(client, token)["topic"]
    for _ in range(MAX_TURNS):
        resp = client.post("/v1/respond/messages", json={"text": said.get(topic, FILLER)},
                           headers={"X-Respondent-Token": token})  # fmt: skip
        assert resp.status_code == 200, resp.text
        turns.append(resp.json())
        topic = turns[-1]["topic"]
        if turns[-1]["done"]:
            return turns
    raise AssertionError("the respondent's interview did not finish")


def finish_intro(client: TestClient, session_id: str) -> dict[str, Any]:
    """The lead answers the opening questions until the interview stops asking (their part is done)."""
    for n in range(MAX_TURNS):
        text = INTRO[n] if n < len(INTRO) else FILLER
        resp = client.post(f"/v1/sessions/{session_id}/messages", json={"text": text}, headers=LEAD)
        assert resp.status_code == 200, resp.text
        if resp.json()["done"]:
            return dict(resp.json())
    raise AssertionError("the lead's part did not finish")


@pytest.fixture
def rig(indexed_settings: Settings, database_url: str) -> Iterator[Rig]:  # noqa: F811  (the fixture, imported)
    """Two API keys (the lead's and another's), no scheduler, no rate limit; a fresh database."""
    yield from rig_for(indexed_settings, database_url)
