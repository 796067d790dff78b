"""The portfolio page in headless chromium: a keyed server with pilots of two keys; the page asks for a
key, shows only that key's pilots as a heatmap with trend lines, filters, and exports them as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.factory import build_coach, create_app
from tests.api.conftest import UNLIMITED, bearer
from tests.api.server import serve_in_thread
from tests.checkins.doubles import ManualClock
from tests.conftest import make_settings
from tests.portfolio.conftest import DOC, HEALTHY, START

KEY_A, KEY_B = "browser-portfolio-a-0123456789", "browser-portfolio-b-0123456789"
pytestmark = pytest.mark.browser


def _pilot(http: httpx.Client, key: str, name: str, text: str, owner: str) -> str:
    made = http.post("/v1/assessments", json={"text": text, "pilot_name": name}, headers=bearer(key))
    body = {"assessment_id": made.json()["assessment_id"], "name": name, "business_owner": owner, "sponsor": "Sam"}
    return str(http.post("/v1/pilots", json=body, headers=bearer(key)).json()["pilot"]["id"])


@pytest.fixture
def served(indexed_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, ManualClock]]:
    """A keyed server on its own database: two pilots of key a (one stalls), one of key b."""
    settings = make_settings(
        indexed_settings.data_dir,
        database_url=f"sqlite:///{tmp_path / 'coach.db'}",
        api_keys=[SecretStr(KEY_A), SecretStr(KEY_B)],
        rate_limit_per_minute=UNLIMITED,
        scheduler_enabled=False,
    )
    coach, clock = build_coach(settings), ManualClock(START)
    try:
        with serve_in_thread(create_app(settings, coach, clock)) as url, httpx.Client(base_url=url, timeout=60) as http:
            _pilot(http, KEY_A, "Claims triage", DOC, "Dana Lee")
            moving = _pilot(http, KEY_A, "Meter agent", HEALTHY, "Priya")
            _pilot(http, KEY_B, "Fraud scoring", DOC, "Bob")
            clock.advance(timedelta(weeks=1))  # the stuck pilot never answers: nothing closes, nothing rises
            http.post(f"/v1/pilots/{moving}/checkins", json={"text": "1 in progress"}, headers=bearer(KEY_A))
            clock.advance(timedelta(weeks=3))
            http.post(f"/v1/pilots/{moving}/checkins", json={"text": "1 resolved: done"}, headers=bearer(KEY_A))
            yield url, clock
    finally:
        coach.store.close()


def test_the_portfolio_page(page: Any, served: tuple[str, ManualClock], tmp_path: Path) -> None:
    url, _ = served
    page.goto(f"{url}/portfolio")
    page.locator("#key-panel").wait_for()
    page.fill("#key-input", KEY_A)
    page.press("#key-input", "Enter")
    rows = page.locator("#heatmap tbody tr")
    rows.first.wait_for()
    assert sorted(page.locator("#heatmap tbody th").all_inner_texts()) == ["Claims triage", "Meter agent"]
    assert "Fraud scoring" not in page.inner_text("main")
    areas = page.locator("#heatmap thead th[data-area]").count()
    assert areas == 6 and page.locator("#heatmap td.level").count() == 2 * areas
    classes = page.locator("#heatmap td.level").evaluate_all("cells => cells.map(c => c.className)")
    assert all(any(f"lvl-{n}" in c for n in range(1, 6)) for c in classes), classes
    assert page.locator("#heatmap svg.spark polyline").count() == 2
    stalled_row = page.locator("#heatmap tbody tr", has_text="Claims triage")
    text = stalled_row.inner_text()  # the check-ins' own words, as GET /v1/pilots gives them
    assert "no gap has closed in the 4 weeks since check-ins began" in text
    assert "last close: none closed yet (followed for 4 weeks)" in text
    listed = httpx.get(f"{url}/v1/pilots", headers=bearer(KEY_A)).json()["pilots"]
    headlines = {p["pilot"]["name"]: p["headline"] for p in listed}
    assert stalled_row.get_attribute("title") == headlines["Claims triage"]
    moving_row = page.locator("#heatmap tbody tr", has_text="Meter agent")
    assert "stalled" not in moving_row.inner_text() and moving_row.get_attribute("title") == headlines["Meter agent"]
    assert "2 pilot(s)" in page.inner_text("#totals") and page.locator("#critical li").count() >= 1
    page.select_option("#f-stalled", "true")
    page.click("#filters button[type=submit]")
    page.locator("#heatmap tbody th", has_text="Meter agent").wait_for(state="detached")  # (the CSP forbids eval)
    assert page.locator("#heatmap tbody th").all_inner_texts() == ["Claims triage"]
    with page.expect_download() as done:
        page.click("#csv")
    saved = tmp_path / "portfolio.csv"
    done.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,name,") and len(lines) == 2 and "Claims triage" in lines[1]
    # the one expected error is the first load's 401 (before the key); a CSP violation would show here too
    assert [e for e in page.console_errors if "401" not in e] == []
