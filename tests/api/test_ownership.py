"""Two API keys: key b walks ids (1..50, and every real public id of a's) over every endpoint that takes
one, and finds nothing of a's; integer ids name nothing, and no response names a record by one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.store.public_ids import new_public_id
from tests.api.conftest import run_interview
from tests.api.tenants import A, B, Rig, database_url, integer_ids, rig_for  # noqa: F401  (database_url: a fixture)
from tests.store.conftest import pg_schema_url  # noqa: F401  (a fixture)

WALK = range(1, 31)  # past every row a makes: 2 assessments and pilots, ~12 gaps, ~15 review items
PILOT = {"name": "Claims", "business_owner": "Dana", "sponsor": "Sam"}
DOC = "We export a sample to a spreadsheet by hand. Nobody owns the budget. No monitoring, no rollback."
PILOT_READS = ("", "/trend")
PILOT_WRITES = ("/pause", "/resume", "/snooze", "/skip")


@pytest.fixture
def rig(indexed_settings: Settings, database_url: str) -> Iterator[Rig]:  # noqa: F811
    """A keyed app on a fresh database."""
    yield from rig_for(indexed_settings, database_url)


def _a_data(rig: Rig) -> dict[str, Any]:
    """As key a: a finished interview, a one-shot assessment, a pilot from each with an answer, and a
    go/no-go review of the first (a signs every role)."""
    session_id, _ = run_interview(rig.client, A)
    from_session = rig.client.get(f"/v1/sessions/{session_id}/report", headers=A).json()["assessment_id"]
    one_shot = rig.client.post("/v1/assessments", json={"text": DOC}, headers=A).json()["assessment_id"]
    pilots, gaps = [], []
    for aid in (from_session, one_shot):
        made = rig.client.post("/v1/pilots", json={**PILOT, "assessment_id": aid}, headers=A)
        assert made.status_code == 201, made.text
        pilots.append(made.json()["pilot"]["id"])
        gaps += [g["id"] for g in made.json()["gaps"]]
        answered = rig.client.post(f"/v1/pilots/{pilots[-1]}/checkins", json={"text": "1 in progress"}, headers=A)
        assert answered.status_code == 200, answered.text
    me = rig.client.get("/v1/whoami", headers=A).json()["identity"]
    roles = ("business_owner", "engineering", "risk", "operations")
    signers = {role: {"name": "Dana Lee", "identity": me} for role in roles}
    gate = rig.client.post(f"/v1/pilots/{pilots[0]}/gate", json={"signers": signers}, headers=A)
    assert gate.status_code == 201, gate.text
    items = [i["id"] for i in gate.json()["items"]]
    assert items, "the review has items to walk"
    return {"session": session_id, "assessments": [from_session, one_shot], "pilots": pilots, "gaps": gaps,
            "items": items, "signers": signers}  # fmt: skip


def _not_found(resp: Any, what: str, ident: object) -> None:
    """A 404 whose body reads exactly like the one for an id that does not exist."""
    assert resp.status_code == 404, (what, ident, resp.status_code, resp.text)
    assert resp.json()["error"]["code"] == "not_found"


def _walk(client: Any, headers: dict[str, str], ids: list[object], mine: dict[str, Any]) -> int:
    """Every endpoint that takes a pilot, assessment or review item id, with each of `ids`; all 404."""
    tried = 0
    for i in ids:
        _not_found(client.post("/v1/pilots", json={**PILOT, "assessment_id": i}, headers=headers), "register", i)
        for path in PILOT_READS:
            _not_found(client.get(f"/v1/pilots/{i}{path}", headers=headers), f"GET pilot{path}", i)
        for path in PILOT_WRITES:
            _not_found(client.post(f"/v1/pilots/{i}{path}", headers=headers), f"POST pilot{path}", i)
        answered = client.post(f"/v1/pilots/{i}/checkins", json={"text": "1 resolved: done"}, headers=headers)
        _not_found(answered, "answer", i)
        named = client.post(f"/v1/pilots/{i}/business-owner", json={"business_owner": "Eve"}, headers=headers)
        _not_found(named, "business owner", i)
        gate = f"/v1/pilots/{i}/gate"
        for resp in (
            client.get(gate, headers=headers),
            client.get(f"{gate}/export", headers=headers),
            client.post(gate, json={"signers": mine["signers"]}, headers=headers),
            client.post(f"{gate}/signoffs", json={"role": "risk", "signoff": "approve"}, headers=headers),
            client.post(f"{gate}/decision", json={"decision": "no_go", "rationale": "x"}, headers=headers),
        ):
            _not_found(resp, f"{resp.request.method} {resp.request.url.path}", i)
        for item in [i, *(mine["items"] if i in mine["pilots"] else [])]:  # a's real items, under a's pilot
            changed = client.patch(f"{gate}/items/{item}", json={"status": "done"}, headers=headers)
            _not_found(changed, "gate item", (i, item))
        tried += 1
    return tried


@pytest.mark.timeout(900)  # ~1,200 requests
def test_key_b_walking_ids_finds_none_of_key_a_records(rig: Rig) -> None:
    mine = _a_data(rig)
    before = rig.client.get(f"/v1/pilots/{mine['pilots'][0]}", headers=A).json()
    gate_before = rig.client.get(f"/v1/pilots/{mine['pilots'][0]}/gate", headers=A).json()
    real = mine["assessments"] + mine["pilots"] + mine["gaps"] + mine["items"] + [mine["session"]]
    assert all(re.fullmatch("[0-9a-f]{32}", i) for i in real) and len(set(real)) == len(real)
    client = rig.client
    # sequential integers (as the old ids were) and every real public id of a's, as b
    assert _walk(client, B, [*WALK, *real], mine) == len(WALK) + len(real)
    assert client.get("/v1/pilots", headers=B).json() == {"pilots": []}
    assert client.get("/v1/portfolio", headers=B).json()["pilots"] == []
    after = client.get(f"/v1/pilots/{mine['pilots'][0]}", headers=A).json()
    assert after == before  # nothing b tried changed a's pilot (no answer, no pause, no skip, no owner)
    assert client.get(f"/v1/pilots/{mine['pilots'][0]}/gate", headers=A).json() == gate_before


def test_integer_ids_name_nothing_even_for_their_owner(rig: Rig) -> None:
    mine = _a_data(rig)
    before = rig.client.get(f"/v1/pilots/{mine['pilots'][0]}", headers=A).json()
    # the old sequential ids, as a (the owner), and around the 32-bit edge: 404, never 422 or 500
    assert _walk(rig.client, A, [*range(1, 11), 2**31 - 1, 2**31, 2**53, -1, 0], mine) == 15
    assert rig.client.get(f"/v1/pilots/{mine['pilots'][0]}", headers=A).json() == before


def test_no_response_names_a_record_by_an_integer(rig: Rig) -> None:
    mine = _a_data(rig)
    pid, aid = mine["pilots"][0], mine["assessments"][0]
    client = rig.client
    bodies = {
        "pilots": client.get("/v1/pilots", headers=A).json(),
        "pilot": client.get(f"/v1/pilots/{pid}", headers=A).json(),
        "trend": client.get(f"/v1/pilots/{pid}/trend", headers=A).json(),
        "answer": client.post(f"/v1/pilots/{pid}/checkins", json={"text": "2 in progress"}, headers=A).json(),
        "pause": client.post(f"/v1/pilots/{pid}/pause", headers=A).json(),
        "gate": client.get(f"/v1/pilots/{pid}/gate", headers=A).json(),
        "portfolio": client.get("/v1/portfolio", headers=A).json(),
        "sessions": client.get("/v1/sessions", headers=A).json(),
        "report": client.get(f"/v1/sessions/{mine['session']}/report", headers=A).json(),
        "again": client.post("/v1/pilots", json={**PILOT, "assessment_id": aid}, headers=A).json(),
    }
    assert {name: integer_ids(body) for name, body in bodies.items()} == {name: [] for name in bodies}
    assert bodies["pilot"]["pilot"]["assessment_id"] == aid and bodies["again"]["pilot"]["id"] == pid
    assert bodies["gate"]["pilot_id"] == pid and bodies["portfolio"]["pilots"][0]["id"] in mine["pilots"]
    assert {g["id"] for g in bodies["pilot"]["gaps"]} <= set(mine["gaps"])
    csv = client.get("/v1/portfolio.csv", headers=A).text
    assert all(p in csv for p in mine["pilots"])


def test_a_foreign_id_answers_exactly_like_a_missing_one(rig: Rig) -> None:
    mine = _a_data(rig)
    aid, pid, missing = mine["assessments"][0], mine["pilots"][0], new_public_id()
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


def _renumber(body: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    error = body["error"]
    return {**body, "error": {**error, "message": error["message"].replace(str(old), str(new))}}
