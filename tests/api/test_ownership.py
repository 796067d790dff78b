"""Two API keys: key b walks ids 1..50 over every endpoint that takes one, and finds nothing of a's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from tests.api.conftest import run_interview
from tests.api.tenants import A, B, Rig, database_url, rig_for  # noqa: F401  (database_url: a fixture)
from tests.store.conftest import pg_schema_url  # noqa: F401  (a fixture)

WALK = range(1, 51)
PILOT = {"name": "Claims", "business_owner": "Dana", "sponsor": "Sam"}
DOC = "We export a sample to a spreadsheet by hand. Nobody owns the budget. No monitoring, no rollback."
PILOT_READS = ("", "/trend")
PILOT_WRITES = ("/pause", "/resume", "/snooze", "/skip")


@pytest.fixture
def rig(indexed_settings: Settings, database_url: str) -> Iterator[Rig]:  # noqa: F811
    """A keyed app on a fresh database."""
    yield from rig_for(indexed_settings, database_url)


def _a_data(rig: Rig) -> dict[str, Any]:
    """As key a: a finished interview, a one-shot assessment, and a pilot from each with an answer."""
    session_id, _ = run_interview(rig.client, A)
    from_session = rig.client.get(f"/v1/sessions/{session_id}/report", headers=A).json()["assessment_id"]
    one_shot = rig.client.post("/v1/assessments", json={"text": DOC}, headers=A).json()["assessment_id"]
    pilots = []
    for aid in (from_session, one_shot):
        made = rig.client.post("/v1/pilots", json={**PILOT, "assessment_id": aid}, headers=A)
        assert made.status_code == 201, made.text
        pilots.append(made.json()["pilot"]["id"])
        answered = rig.client.post(f"/v1/pilots/{pilots[-1]}/checkins", json={"text": "1 in progress"}, headers=A)
        assert answered.status_code == 200, answered.text
    return {"session": session_id, "assessments": [from_session, one_shot], "pilots": pilots}


def _not_found(resp: Any, what: str, ident: object) -> None:
    """A 404 whose body reads exactly like the one for an id that does not exist."""
    assert resp.status_code == 404, (what, ident, resp.status_code, resp.text)
    assert resp.json()["error"]["code"] == "not_found"


def test_key_b_walking_ids_finds_none_of_key_a_records(rig: Rig) -> None:
    mine = _a_data(rig)
    before = rig.client.get(f"/v1/pilots/{mine['pilots'][0]}", headers=A).json()
    assert max(mine["assessments"] + mine["pilots"]) <= max(WALK)  # the walk covers them all
    client = rig.client
    for i in WALK:
        _not_found(client.post("/v1/pilots", json={**PILOT, "assessment_id": i}, headers=B), "register", i)
        for path in PILOT_READS:
            _not_found(client.get(f"/v1/pilots/{i}{path}", headers=B), f"GET pilot{path}", i)
        for path in PILOT_WRITES:
            _not_found(client.post(f"/v1/pilots/{i}{path}", headers=B), f"POST pilot{path}", i)
        answered = client.post(f"/v1/pilots/{i}/checkins", json={"text": "1 resolved: done"}, headers=B)
        _not_found(answered, "answer", i)
    assert client.get("/v1/pilots", headers=B).json() == {"pilots": []}
    after = client.get(f"/v1/pilots/{mine['pilots'][0]}", headers=A).json()
    assert after == before  # nothing b tried changed a's pilot (no answer, no pause, no skip)


def test_a_foreign_id_answers_exactly_like_a_missing_one(rig: Rig) -> None:
    mine = _a_data(rig)
    aid, pid, missing = mine["assessments"][0], mine["pilots"][0], 4242
    foreign = rig.client.post("/v1/pilots", json={**PILOT, "assessment_id": aid}, headers=B).json()
    absent = rig.client.post("/v1/pilots", json={**PILOT, "assessment_id": missing}, headers=B).json()
    assert foreign == _renumber(absent, missing, aid)
    foreign = rig.client.get(f"/v1/pilots/{pid}", headers=B).json()
    absent = rig.client.get(f"/v1/pilots/{missing}", headers=B).json()
    assert foreign == _renumber(absent, missing, pid)


def test_key_b_cannot_reach_key_a_session(rig: Rig) -> None:
    session_id = _a_data(rig)["session"]
    client = rig.client
    for path in ("", "/report", "/report?format=md", "/report?format=html"):
        _not_found(client.get(f"/v1/sessions/{session_id}{path}", headers=B), f"GET session{path}", session_id)
    _not_found(client.post(f"/v1/sessions/{session_id}/messages", json={"text": "hi"}, headers=B), "send", 0)
    assert client.get(f"/v1/sessions/{session_id}", headers=A).status_code == 200


def _renumber(body: dict[str, Any], old: int, new: int) -> dict[str, Any]:
    error = body["error"]
    return {**body, "error": {**error, "message": error["message"].replace(str(old), str(new))}}
