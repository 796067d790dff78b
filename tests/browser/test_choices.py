"""Quick replies in the web chat, and questions after the report, in headless chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.script import answer
from tests.browser.turns import FINISHED, say

pytestmark = pytest.mark.browser
INTRO = 4  # answers before the first area


def _to_first_area(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.locator(FINISHED).first.wait_for()
    say(page, "Support triage")
    for n in range(INTRO):
        say(page, answer(n))


def _click(page: Any, label: str) -> None:
    before = page.locator(FINISHED).count()
    page.locator("#choices button", has_text=label).click()
    page.locator(FINISHED).nth(before).wait_for()
    page.wait_for_function("() => !document.getElementById('send').disabled")


def test_options_show_as_buttons_and_a_click_answers(page: Any, base_url: str) -> None:
    _to_first_area(page, base_url)
    assert "Production data pipeline" in page.locator(FINISHED).last.inner_text()
    buttons = page.locator("#choices button")
    assert buttons.all_inner_texts() == ["Automated feed", "One-off or hand-made extract", "Not sure"]
    page.fill("#input", "Priya refreshes a Zendesk CSV by hand")  # typed details go with the click
    _click(page, "One-off or hand-made extract")
    sent = page.locator(".bubble.user .text").last.inner_text()
    assert sent == "It's a one-off or hand-refreshed extract: Priya refreshes a Zendesk CSV by hand"
    assert page.input_value("#input") == ""
    assert "Committed business owner" in page.locator(FINISHED).last.inner_text()
    nxt = page.locator("#choices button").all_inner_texts()  # the next question's options replace them
    assert len(nxt) >= 2 and "Automated feed" not in nxt
    assert page.console_errors == []


def test_a_question_after_the_report_is_answered(page: Any, base_url: str) -> None:
    _to_first_area(page, base_url)
    _click(page, "One-off or hand-made extract")
    for _ in range(12):
        if page.locator("#report").is_visible():
            break
        say(page, "skip")
    page.locator("#report").wait_for()
    assert page.locator("#choices button", has_text="What do we do first?").is_visible()
    say(page, "Why does this matter?")
    reply = page.locator(FINISHED).last
    assert "interview is finished" not in reply.inner_text().lower()
    assert reply.locator("details.sources").count() == 1  # grounded: the passages it rests on
    _click(page, "What do we do first?")
    assert page.locator(FINISHED).last.locator(".text").inner_text().startswith("Start with production data pipeline")
    assert page.console_errors == []


def test_the_last_questions_buttons_come_back_after_a_reload(page: Any, base_url: str) -> None:
    _to_first_area(page, base_url)
    before = page.locator("#choices button").all_inner_texts()
    assert before == ["Automated feed", "One-off or hand-made extract", "Not sure"]
    page.reload()
    page.locator(FINISHED).last.wait_for()
    page.locator("#choices button").first.wait_for()
    assert page.locator("#choices button").all_inner_texts() == before
    _click(page, "Automated feed")  # and a click still answers the question it belongs to
    assert page.locator(".bubble.user .text").last.inner_text() == "It flows automatically from the source systems."
    assert "Automated feed" not in page.locator("#choices button").all_inner_texts()
    assert page.console_errors == []
