"""Secrets and personal data planted through the API never reach the database raw.

Keep-original off: nowhere. Keep-original on: personal data only in the transcript (`messages.text`),
secrets nowhere. Reports, pilots and check-ins quote the redacted text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.config import Settings
from tests.api.script import MAX_TURNS, answer
from tests.api.tenants import A, Rig, database_url, dump_tables, rig_for  # noqa: F401  (database_url: a fixture)
from tests.store.conftest import pg_schema_url  # noqa: F401  (a fixture)

PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n"
    "Z1BjP5CE/Wm/Rr500P+abc=\n-----END RSA PRIVATE KEY-----"
)
# label -> what must never be found raw
SECRETS = {
    "openai": "Xq3TfB9vLm2Kp8Rw4Zs7Yd1Hc6Nj0Ga5",
    "slack": "AbCdEfGhIjKlMnOp",
    "github": "R2d2C3poBb8ObiWanKenobi0123456789",
    "aws_key_id": "AKIA2PLANTEDKEY7QXZW",
    "aws_secret": "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",
    "google": "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
    "stripe": "4eC39HqLyjWDarjtT1zdp7dc",
    "pem": "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi",
    "jwt": "eyJzdWIiOiJwbGFudGVkIn0",
    "password": "Hunter2Planted",
    "db_password": "S3cretDbPass",
}
PERSONAL = {
    "card": "4111 1111 1111 1111",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "ssn": "123-45-6789",
    "name": "Raghunathan",
    "email": "priya.raghunathan@example.com",
    "phone": "7946 0958",
}
PLANTED = [
    "Our OpenAI key is sk-proj-Xq3TfB9vLm2Kp8Rw4Zs7Yd1Hc6Nj0Ga5 and the Slack token xoxb-2048-4096-AbCdEfGhIjKlMnOp.",
    "CI uses ghp_R2d2C3poBb8ObiWanKenobi0123456789 and AKIA2PLANTEDKEY7QXZW with the AWS secret "
    "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.",
    "Maps use AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY and billing runs on sk_live_4eC39HqLyjWDarjtT1zdp7dc.",
    f"The deploy key is pasted here:\n{PEM}",
    "The session token is eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlcGxhbnRlZA and the "
    "admin password: Hunter2Planted!",
    "Data comes nightly from postgresql://etl:S3cretDbPass@warehouse.internal:5432/claims.",
    "Refunds go to card 4111 1111 1111 1111 or IBAN GB82 WEST 1234 5698 7654 32, customer SSN 123-45-6789.",
    "My name is Priya Raghunathan, email priya.raghunathan@example.com, phone +44 20 7946 0958.",
]
PILOT_NAME = "Claims triage, ask Priya Raghunathan on +44 20 7946 0958"


@pytest.fixture(params=[False, True], ids=["originals-off", "originals-on"])
def rig(request: pytest.FixtureRequest, indexed_settings: Settings, database_url: str) -> Iterator[Rig]:  # noqa: F811
    """A keyed app on a fresh database, keeping the original transcript or not."""
    yield from rig_for(indexed_settings, database_url, keep_original_transcript=request.param)


def _interview(rig: Rig) -> str:
    """An interview whose first answers carry every planted item; finished with the script."""
    started = rig.client.post("/v1/sessions", json={"pilot_name": PILOT_NAME}, headers=A)
    session_id = started.json()["session_id"]
    texts = [*PLANTED, *(answer(n) for n in range(MAX_TURNS))]
    for text in texts:
        resp = rig.client.post(f"/v1/sessions/{session_id}/messages", json={"text": text}, headers=A)
        assert resp.status_code == 200, resp.text
        if resp.json()["done"]:
            return session_id
    raise AssertionError("the interview did not finish")


def _checkin(rig: Rig, assessment_id: str) -> str:
    """A pilot named with personal data, and a check-in answer carrying every planted item."""
    body = {"assessment_id": assessment_id, "name": PILOT_NAME, "business_owner": "Dana", "sponsor": "Sam"}
    made = rig.client.post("/v1/pilots", json=body, headers=A)
    assert made.status_code == 201, made.text
    pid = str(made.json()["pilot"]["id"])
    text = "\n".join(f"1 in progress: {p}" for p in PLANTED)
    body = {"text": text, "author": PERSONAL["email"]}
    answered = rig.client.post(f"/v1/pilots/{pid}/checkins", json=body, headers=A)
    assert answered.status_code == 200, answered.text
    return pid


def _found(text: str, items: dict[str, str]) -> list[str]:
    return [label for label, raw in items.items() if raw in text]


def test_planted_items_are_stored_redacted(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every log line the whole run writes, debug included
    session_id = _interview(rig)
    report = rig.client.get(f"/v1/sessions/{session_id}/report", headers=A)
    pid = _checkin(rig, report.json()["assessment_id"])
    one_shot = rig.client.post("/v1/assessments", json={"text": "\n\n".join(PLANTED), "pilot_name": PILOT_NAME},
                               headers=A)  # fmt: skip
    assert one_shot.status_code == 200, one_shot.text
    tables = dump_tables(rig.engine)
    assert {"sessions", "messages", "assessments", "gaps", "pilots", "pilot_gaps", "checkin_answers"} <= set(tables)
    leaks = {t: _found(raw, SECRETS | PERSONAL) for t, raw in tables.items() if t != "messages"}
    assert {t: found for t, found in leaks.items() if found} == {}
    transcript = tables["messages"]
    assert _found(transcript, SECRETS) == []
    kept = rig.coach.settings.keep_original_transcript
    assert _found(transcript, PERSONAL) == (list(PERSONAL) if kept else [])
    redacted = [m.redacted_text for m in rig.coach.store.list_messages(session_id)]
    assert _found("\n".join(redacted), SECRETS | PERSONAL) == []
    shown = [
        report.text,
        rig.client.get(f"/v1/sessions/{session_id}/report?format=md", headers=A).text,
        rig.client.get(f"/v1/pilots/{pid}", headers=A).text,
        one_shot.text,
    ]
    assert [_found(text, SECRETS | PERSONAL) for text in shown] == [[]] * len(shown)
    assert "[SECRET]" in tables["sessions"] and "[NAME]" in tables["pilots"]
    assert caplog.records and _found(caplog.text, SECRETS | PERSONAL) == []  # nor in the logs
