"""Invitations to one interview sent at the same instant (two leads' tabs, a retried request, two
API replicas): every one is kept and answered with its links, and the lead's interview ends up
knowing all of them (their areas leave the lead's own part)."""

from __future__ import annotations

import threading
from typing import Any

from bot.interview_state import InterviewState
from tests.api.tenants import Rig
from tests.respondents.conftest import LEAD, lead_session

RACERS = 8  # more than the share's re-reads (SHARE_ATTEMPTS): each round at least one racer commits


def test_invitations_at_the_same_instant_are_all_kept(rig: Rig) -> None:
    lead = lead_session(rig.client)
    areas = ["roi_ownership", "workflow_adoption", "data_pipeline", "governance", "legacy_integration",
             "mlops_observability", "roi_ownership", "governance"]  # fmt: skip
    start = threading.Barrier(RACERS)
    answers: list[Any] = [None] * RACERS

    def race(n: int) -> None:
        start.wait()
        body = {"respondents": [{"name": f"Person {n}", "areas": [areas[n]]}]}
        answers[n] = rig.client.post(f"/v1/sessions/{lead}/respondents", json=body, headers=LEAD)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [201] * RACERS, [a.text for a in answers if a.status_code != 201]
    assert all(a.json()["respondents"][0]["token"] for a in answers)  # every link was handed out
    listed = rig.client.get(f"/v1/sessions/{lead}/respondents", headers=LEAD).json()["respondents"]
    assert sorted(p["name"] for p in listed) == sorted(f"Person {n}" for n in range(RACERS))
    state = InterviewState.model_validate(rig.coach.store.get_session(lead).state)
    assert state.part is not None and not set(areas) & set(state.part.areas)  # none left to the lead


def test_the_leads_session_list_holds_the_interview_not_its_respondents(rig: Rig) -> None:
    lead = lead_session(rig.client)
    own = rig.client.post("/v1/sessions", json={"pilot_name": "Another pilot"}, headers=LEAD).json()["session_id"]
    body = {"respondents": [{"name": "Sam", "areas": ["roi_ownership"]}, {"name": "Ana", "areas": ["governance"]}]}
    assert rig.client.post(f"/v1/sessions/{lead}/respondents", json=body, headers=LEAD).status_code == 201
    listed = rig.client.get("/v1/sessions", headers=LEAD).json()["sessions"]
    assert sorted(s["session_id"] for s in listed) == sorted([lead, own])
    named = rig.client.get(f"/v1/sessions/{lead}/respondents", headers=LEAD).json()["respondents"]
    assert [p["name"] for p in named] == ["Sam", "Ana"]  # reachable through the interview they serve
