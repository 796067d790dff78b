"""Hostile input gets the same 4xx on SQLite and PostgreSQL: never a database error (500)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.limits import MAX_DB_ID
from tests.api.tenants import A, Rig, database_url, rig_for  # noqa: F401  (database_url: a fixture)
from tests.api.test_errors import error_of
from tests.store.conftest import pg_schema_url  # noqa: F401  (a fixture)

NUL = "a\x00b"
LONG = "x" * 5000


@pytest.fixture
def rig(indexed_settings: Settings, database_url: str) -> Iterator[Rig]:  # noqa: F811
    """Two keys on a fresh database: SQLite, and PostgreSQL when COACH_TEST_POSTGRES_URL is set."""
    yield from rig_for(indexed_settings, database_url)


def _assessment(rig: Rig) -> str:
    resp = rig.client.post("/v1/assessments", json={"text": "We export a CSV by hand."}, headers=A)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["assessment_id"])


def _pilot(aid: object, **fields: Any) -> dict[str, Any]:
    return {"assessment_id": aid, "name": "Claims", "business_owner": "Dana", "sponsor": "Sam"} | fields


@pytest.mark.parametrize("path", ["/v1/sessions/{}", "/v1/sessions/{}/report", "/v1/sessions/{}/messages"])
def test_a_session_id_with_nul_is_404(rig: Rig, path: str) -> None:
    method = "POST" if path.endswith("messages") else "GET"
    resp = rig.client.request(method, path.format("ab%00cd"), json={"text": "hello"}, headers=A)
    assert "No session" in error_of(resp, 404, "not_found")


@pytest.mark.parametrize("old", [1, MAX_DB_ID, MAX_DB_ID + 1, 2**40, 2**53 - 1, 2**53, 2**63, -1, "1%00", "A" * 32])
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", ""), ("GET", "/trend"), ("POST", "/pause"), ("POST", "/resume"), ("POST", "/checkins")],
)
def test_integer_and_malformed_pilot_ids_are_404(rig: Rig, old: object, method: str, path: str) -> None:
    """Pilots are named by public ids: an integer of any size (or a NUL) names nothing, on PostgreSQL too."""
    resp = rig.client.request(method, f"/v1/pilots/{old}{path}", json={"text": "1 resolved"}, headers=A)
    assert "No pilot" in error_of(resp, 404, "not_found")


@pytest.mark.parametrize("old", [1, MAX_DB_ID, MAX_DB_ID + 1, 2**63, "1", "x" * 64])
def test_an_integer_assessment_id_is_404(rig: Rig, old: object) -> None:
    _assessment(rig)
    resp = rig.client.post("/v1/pilots", json=_pilot(old), headers=A)
    assert "No assessment" in error_of(resp, 404, "not_found")


def test_an_assessment_id_longer_than_any_id_is_422(rig: Rig) -> None:
    resp = rig.client.post("/v1/pilots", json=_pilot("x" * 65), headers=A)
    assert "assessment_id" in error_of(resp, 422, "invalid_request")


@pytest.mark.parametrize(
    ("fields", "status", "needle"),
    [
        ({"business_owner": NUL}, 422, "business owner"),
        ({"business_owner": LONG}, 413, "business owner"),
        ({"sponsor": NUL}, 422, "sponsor"),
        ({"sponsor": LONG}, 413, "sponsor"),
        ({"channel": NUL}, 422, "channel"),
        ({"channel": "c" * 101}, 413, "channel"),
        ({"people": ["Dana", NUL]}, 422, "person"),
        ({"people": [LONG]}, 413, "person"),
        ({"people": ["p"] * 51}, 422, "people"),
        ({"cron": "0 9 * * MON\x00"}, 422, "schedule"),
        ({"cron": "0 9 * * " + "MON," * 30 + "TUE"}, 413, "schedule"),
        ({"timezone": "UTC\x00"}, 422, "time zone"),
        ({"timezone": "Europe/" + LONG}, 413, "time zone"),
        ({"name": NUL}, 422, "pilot name"),
        ({"name": LONG}, 413, "pilot name"),
        ({"business_owner": "\ud800\ud800\ud800"}, 422, "business owner"),  # lone surrogates: not text
    ],
)
def test_pilot_text_fields_are_cleaned_like_messages(
    rig: Rig, fields: dict[str, Any], status: int, needle: str
) -> None:
    body = json.dumps(_pilot(_assessment(rig), **fields))  # \u escapes: lone surrogates too
    resp = rig.client.post("/v1/pilots", content=body, headers=A | {"content-type": "application/json"})
    code = "too_large" if status == 413 else "invalid_input" if needle != "people" else "invalid_request"
    assert needle in error_of(resp, status, code)
    assert rig.client.get("/v1/pilots", headers=A).json()["pilots"] == []


def test_pilot_text_fields_are_stored_trimmed(rig: Rig) -> None:
    body = _pilot(_assessment(rig), business_owner="  Dana \n", people=[" Bo "], channel=" C0PILOTS ")
    pilot = rig.client.post("/v1/pilots", json=body, headers=A).json()["pilot"]
    assert (pilot["business_owner"], pilot["people"], pilot["channel"]) == ("Dana", ["Bo"], "C0PILOTS")


@pytest.mark.parametrize(("author", "status"), [(NUL, 422), ("a" * 101, 413)])
def test_a_checkin_author_is_cleaned_like_messages(rig: Rig, author: str, status: int) -> None:
    created = rig.client.post("/v1/pilots", json=_pilot(_assessment(rig)), headers=A)
    pid = created.json()["pilot"]["id"]
    resp = rig.client.post(f"/v1/pilots/{pid}/checkins", json={"text": "1 resolved", "author": author}, headers=A)
    assert "author" in error_of(resp, status, "too_large" if status == 413 else "invalid_input")


@pytest.mark.parametrize(("name", "status"), [(NUL, 422), (LONG, 413)])
@pytest.mark.parametrize("path", ["/v1/sessions", "/v1/assessments"])
def test_a_pilot_name_is_cleaned_on_every_route(rig: Rig, name: str, status: int, path: str) -> None:
    body = {"pilot_name": name, "text": "We export a CSV by hand."}
    resp = rig.client.post(path, json=body, headers=A)
    assert "pilot name" in error_of(resp, status, "too_large" if status == 413 else "invalid_input")


def test_a_name_that_grows_when_its_secrets_are_masked_still_fits(rig: Rig) -> None:
    """200 characters that redaction turns into 325 ("pwd=[SECRET];" for each "pwd=x1y;"): stored
    masked and cut to the column, never a PostgreSQL error."""
    name = "pwd=x1y;" * 25
    started = rig.client.post("/v1/sessions", json={"pilot_name": name}, headers=A)
    assert started.status_code == 201, started.text
    pilot = rig.client.post("/v1/pilots", json=_pilot(_assessment(rig), name=name), headers=A)
    assert pilot.status_code == 201, pilot.text
    for stored in (rig.coach.store.get_session(started.json()["session_id"]).pilot_name, pilot.json()["pilot"]["name"]):
        assert stored is not None and stored.startswith("pwd=[SECRET];") and len(stored) <= 300 and "x1y" not in stored
