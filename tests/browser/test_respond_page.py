"""A respondent's link in headless chromium: no API key, the token only in the fragment, their areas
shown, the chat's quick replies reused, and an answer gets the next question."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser


def test_the_link_opens_the_persons_own_interview(page: Any, base_url: str) -> None:
    lead = httpx.post(f"{base_url}/v1/sessions", json={"pilot_name": "Triage"}).json()["session_id"]
    people = {"respondents": [{"name": "Priya Patel", "role": "data engineer", "areas": ["data_pipeline"]}]}
    [priya] = httpx.post(f"{base_url}/v1/sessions/{lead}/respondents", json=people).json()["respondents"]
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url))
    page.goto(f"{base_url}{priya['link']}")
    page.wait_for_function("() => document.getElementById('areas').textContent.includes('Production data pipeline')")
    assert page.inner_text("#who") == "Priya Patel, data engineer: Triage"
    assert "your areas (Production data pipeline)" in page.locator(".bubble.coach .text").first.inner_text()
    page.locator("#choices button", has_text="One-off or hand-made extract").click()
    page.locator(".bubble.coach").nth(1).wait_for()
    assert "hand-refreshed extract" in page.locator(".bubble.user .text").last.inner_text()
    assert not any(priya["token"] in url for url in sent)  # the token never leaves in a URL
    assert page.console_errors == []
