"""The report as print-ready HTML over the API, escaped and scoped by owner."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.config import Settings
from bot.service import Coach
from tests.api.conftest import KEY_ONE, KEY_TWO, bearer, client_for, run_interview

HOSTILE = "<img src=x onerror=alert(1)>"


def test_html_report_download_is_escaped_and_owned(keyed_settings: Settings, coach: Coach) -> None:
    with client_for(keyed_settings, coach) as client:
        sid, _ = run_interview(client, bearer(KEY_ONE), pilot=f"Triage {HOSTILE}")
        resp = client.get(f"/v1/sessions/{sid}/report", params={"format": "html"}, headers=bearer(KEY_ONE))
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in resp.headers["content-security-policy"]
        assert "Triage &lt;img src=x onerror=alert(1)&gt;" in resp.text and "<img" not in resp.text
        gaps = client.get(f"/v1/sessions/{sid}/report", headers=bearer(KEY_ONE)).json()["gaps"]
        assert resp.text.count('<section class="gap">') == len(gaps) > 0
        other = client.get(f"/v1/sessions/{sid}/report", params={"format": "html"}, headers=bearer(KEY_TWO))
        assert other.status_code == 404


def test_html_report_from_an_open_session(client: TestClient) -> None:
    sid = client.post("/v1/sessions", json={"pilot_name": "Triage"}).json()["session_id"]
    resp = client.get(f"/v1/sessions/{sid}/report?format=html")
    assert resp.status_code == 200 and resp.text.startswith("<!doctype html>")
