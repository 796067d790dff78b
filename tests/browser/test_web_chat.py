"""The web chat in headless chromium: an interview, the gap list, downloads, resuming."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.factory import create_app
from bot.service import Coach
from tests.api.script import answer
from tests.api.server import serve_in_thread
from tests.browser.turns import FINISHED, finish_interview, say

pytestmark = pytest.mark.browser


def transcript(page: Any) -> list[str]:
    """The text of every bubble on the page."""
    return [t.strip() for t in page.locator(".bubble .text").all_inner_texts()]


def test_interview_in_the_page(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url)
    page.locator(FINISHED).first.wait_for()
    assert "what do you call the pilot" in page.locator(FINISHED).first.inner_text()
    # The first reply shows before the page has loaded the progress and focused the box: wait for it.
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'input'")
    say(page, "Support triage")  # the name titles the report
    assert "tell me about the pilot" in page.locator(FINISHED).last.inner_text()
    finish_interview(page)

    assert "Interview complete" in page.inner_text("#progress-label")
    states = page.eval_on_selector_all("#progress li", "els => els.map(e => e.className)")
    assert len(states) == 6 and all(("done" in s or "skipped" in s) for s in states)
    gaps = page.locator("#gaps li.gap")
    assert gaps.count() >= 3
    assert page.locator("#gaps .badge.critical").count() >= 1
    assert "Priya refreshes by hand" in page.inner_text("#gaps")
    assert page.locator("#gaps .actions li").count() >= gaps.count()
    assert "Playbook:" in page.inner_text("#gaps")
    assert page.locator("#chart svg rect.bar").count() == 6
    assert "level" in (page.get_attribute("#chart svg", "aria-label") or "")
    assert page.inner_text("#verdict") == "Not ready"
    page.screenshot(path=str(tmp_path / "finished.png"), full_page=True)

    with page.expect_download() as md_download:
        page.click("#dl-md")
    md = Path(md_download.value.path()).read_text(encoding="utf-8")
    assert md_download.value.suggested_filename.endswith(".md")
    assert md.startswith("# Readiness report") and "## Gaps" in md
    with page.expect_download() as json_download:
        page.click("#dl-json")
    report = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert report["verdict"] == "not_ready" and len(report["gaps"]) == gaps.count()

    before = transcript(page)
    page.reload()
    page.locator("#report").wait_for()
    assert transcript(page) == before
    assert page.locator("#chart svg rect.bar").count() == 6
    assert page.console_errors == []


def test_new_interview_button_starts_over(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.locator(FINISHED).first.wait_for()
    say(page, answer(0))
    first = page.evaluate("localStorage.getItem('coach.session')")
    page.click("#new-interview")
    page.click("#confirm-yes")  # the interview has an answer: the page asks first
    page.wait_for_function(f"() => localStorage.getItem('coach.session') !== '{first}'")
    page.locator(FINISHED).first.wait_for()
    assert page.locator(".bubble").count() == 1
    assert page.locator("#report").is_hidden()
    # focus moves once the new session's first reply is rendered (a tick after it appears)
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'input'")


def test_keyboard_and_escaping(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.locator(FINISHED).first.wait_for()
    page.fill("#input", "first line")
    page.press("#input", "Shift+Enter")
    page.type("#input", "second line")
    assert page.input_value("#input") == "first line\nsecond line"
    assert page.locator(".bubble.user").count() == 0
    say(page, "<img src=x onerror=alert(1)> **our** data")
    user = page.locator(".bubble.user .text").last
    assert user.inner_text().startswith("<img src=x onerror=alert(1)>")
    assert page.locator(".bubble img").count() == 0


def test_readable_on_a_phone(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url)
    page.locator(FINISHED).first.wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.locator("#input").is_visible() and page.locator("#send").is_visible()
    context.close()


def test_asks_for_a_key_only_when_the_server_wants_one(
    page: Any, base_url: str, api_settings: Settings, coach: Coach
) -> None:
    page.goto(base_url)
    page.locator(FINISHED).first.wait_for()
    assert page.locator("#key-panel").is_hidden()
    keyed = api_settings.model_copy(update={"api_keys": [SecretStr("browser-key")]})
    with serve_in_thread(create_app(keyed, coach)) as url:
        page.goto(url)
        page.locator("#key-panel").wait_for()
        assert "API key" in page.inner_text("#key-reason")
        page.fill("#key-input", "browser-key")
        page.press("#key-input", "Enter")
        page.locator(FINISHED).first.wait_for()
        assert page.locator("#key-panel").is_hidden()
        assert "what do you call the pilot" in page.locator(FINISHED).first.inner_text()


def test_an_answer_shows_its_numbered_sources(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.locator(FINISHED).first.wait_for()
    say(page, "When should risk and compliance first see our pilot?")
    bubble = page.locator(FINISHED).last
    assert "[1]" in bubble.inner_text()
    summary = bubble.locator("details.sources summary")
    assert summary.inner_text().startswith("Sources (")
    summary.click()
    items = bubble.locator("details.sources li").all_inner_texts()
    assert items and all(".md" in item for item in items), items
    page.reload()  # a resumed session lists the same sources under the same answer
    again = page.locator(FINISHED).filter(has_text="[1]").last
    again.locator("details.sources summary").click()
    assert again.locator("details.sources li").all_inner_texts() == items
