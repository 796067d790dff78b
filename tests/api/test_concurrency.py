"""Many sessions at once over a real server: every message stored, none mixed up."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from bot.config import Settings
from bot.factory import create_app
from bot.service import Coach
from tests.api.server import serve_in_thread

SESSIONS = 20
MESSAGES = 5


def converse(base_url: str, n: int) -> tuple[str, list[str]]:
    """One team: start a session and send its own numbered messages; (id, texts sent)."""
    sent = [f"Team {n} answer {m}: our data comes from system {n}-{m}." for m in range(MESSAGES)]
    with httpx.Client(base_url=base_url, timeout=60) as http:
        sid = http.post("/v1/sessions", json={"pilot_name": f"pilot-{n}"}).json()["session_id"]
        for text in sent:
            resp = http.post(f"/v1/sessions/{sid}/messages", json={"text": text})
            assert resp.status_code == 200, resp.text
    return sid, sent


def test_parallel_sessions_keep_their_own_transcripts(api_settings: Settings, coach: Coach) -> None:
    with serve_in_thread(create_app(api_settings, coach)) as url:
        with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
            results = list(pool.map(lambda n: converse(url, n), range(SESSIONS)))
        with httpx.Client(base_url=url) as http:
            views = {sid: http.get(f"/v1/sessions/{sid}").json() for sid, _ in results}
    assert len({sid for sid, _ in results}) == SESSIONS
    for n, (sid, sent) in enumerate(results):
        view = views[sid]
        assert view["pilot_name"] == f"pilot-{n}"
        assert [m["text"] for m in view["messages"] if m["role"] == "user"] == sent
        roles = [m["role"] for m in view["messages"]]
        assert roles == ["coach"] + ["user", "coach"] * MESSAGES
