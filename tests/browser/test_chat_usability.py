"""Issue 13 in the web chat, at a desktop and a 375 px phone: scrolling, report to check-ins, earlier
interviews, a refused message, focus and announcement, contrast, and the phone's header."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Settings
from tests.api.script import answer
from tests.browser.layout import PHONE, contrast, in_viewport, page_at, pane_gap
from tests.browser.turns import FINISHED, finish_interview, say

pytestmark = pytest.mark.browser
BOTH = pytest.mark.parametrize("viewport", ["desktop", "phone"])


def settled(page: Any) -> None:
    """Wait for layout to stop moving (fonts, the chart)."""
    page.wait_for_timeout(150)


@BOTH
def test_the_re_asked_question_and_the_answer_box_stay_in_view(browser: Any, base_url: str, viewport: str) -> None:
    with page_at(browser, viewport) as page:
        page.goto(base_url)
        page.locator(FINISHED).first.wait_for()
        for n in range(3):
            say(page, answer(n))
        say(page, "Why does this matter?")
        settled(page)
        assert "Back to the interview:" in page.locator(FINISHED).last.inner_text()
        assert pane_gap(page) <= 1, "the re-asked question is below the visible pane"
        assert in_viewport(page, "#input") and in_viewport(page, "#send")
        finish_interview(page, start=3)
        settled(page)
        assert pane_gap(page) <= 1, "the done render did not scroll"
        assert page.console_errors == []


@BOTH
def test_the_report_takes_focus_announces_the_verdict_and_reads_well(
    browser: Any, base_url: str, viewport: str
) -> None:
    with page_at(browser, viewport) as page:
        page.goto(base_url)
        page.locator(FINISHED).first.wait_for()
        finish_interview(page)
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'report-title'")
        assert in_viewport(page, "#report-title")
        live = page.locator("#report-announce")
        assert live.get_attribute("aria-live") == "polite"
        assert live.inner_text() == f"Gap list ready. Verdict: Not ready, {page.locator('#gaps li.gap').count()} gaps."
        # every rendered text, the badges included, at WCAG AA
        result = contrast(page)
        assert result["checked"] > 50 and result["failures"] == [], result["failures"]
        assert page.locator("#gaps .badge.high").count() >= 1


@BOTH
def test_from_the_report_to_weekly_check_ins(browser: Any, base_url: str, viewport: str) -> None:
    with page_at(browser, viewport) as page:
        page.goto(base_url)
        page.locator(FINISHED).first.wait_for()
        finish_interview(page)
        report = page.evaluate("state.report")
        assessment = report["assessment_id"]
        assert isinstance(assessment, str) and len(assessment) == 32  # a public id, never an integer key
        assert f"assessment {assessment}" in page.inner_text("#followup-id")
        assert page.locator("#followup-form").is_hidden()
        page.click("#followup-open")
        assert page.evaluate("document.activeElement.id") in ("fu-name", "fu-owner")
        page.fill("#fu-name", f"Triage {viewport}")
        page.fill("#fu-owner", "Dana Lee")
        page.fill("#fu-sponsor", "Sam Ortiz")
        assert page.input_value("#fu-tz")  # the browser's own time zone, pre-filled
        page.click("#fu-send")
        link = page.locator("#followup-status a")
        link.wait_for()
        assert "Weekly check-ins started" in page.inner_text("#followup-status")
        pilots = page.evaluate("fetch('/v1/pilots').then(r => r.json())")["pilots"]
        [mine] = [p for p in pilots if p["pilot"]["name"] == f"Triage {viewport}"]
        assert mine["pilot"]["assessment_id"] == assessment and mine["pilot"]["sponsor"] == "Sam Ortiz"
        link.click()
        page.wait_for_url(f"**/pilots.html#pilot-{mine['pilot']['id']}")
        page.locator("#detail").wait_for()
        assert page.inner_text("#detail-title").startswith(f"Triage {viewport}")


@BOTH
def test_a_new_interview_asks_first_and_earlier_ones_can_be_reopened(
    browser: Any, base_url: str, viewport: str
) -> None:
    with page_at(browser, viewport) as page:
        page.goto(base_url)
        page.locator(FINISHED).first.wait_for()
        finish_interview(page)
        finished = page.evaluate("state.sessionId")
        bubbles = page.locator(".bubble").count()
        page.evaluate("() => { const b = document.getElementById('menu-toggle'); if (b.offsetParent) b.click(); }")
        page.click("#new-interview")
        assert page.locator("#confirm-new").is_visible()
        page.click("#confirm-no")
        assert page.locator("#confirm-new").is_hidden()
        assert page.evaluate("state.sessionId") == finished and page.locator("#report").is_visible()
        assert page.locator(".bubble").count() == bubbles

        page.evaluate("() => { const b = document.getElementById('menu-toggle'); if (b.offsetParent) b.click(); }")
        page.click("#new-interview")
        page.click("#confirm-yes")
        page.wait_for_function(f"() => state.sessionId && state.sessionId !== '{finished}'")
        page.locator(FINISHED).first.wait_for()
        assert page.locator("#report").is_hidden() and page.locator(".bubble").count() == 1

        page.evaluate("() => { const b = document.getElementById('menu-toggle'); if (b.offsetParent) b.click(); }")
        page.click("#show-history")
        item = page.locator("#history-list li", has_text="Not ready")
        item.wait_for()
        assert page.locator("#history-list li").count() == 2  # this browser's two, not other tests'
        assert "In progress" in page.locator("#history-list li.current").inner_text()
        item.locator("button", has_text="Reopen").click()
        page.locator("#report").wait_for()
        assert page.evaluate("state.sessionId") == finished
        assert page.locator(".bubble").count() == bubbles
        page.wait_for_function("() => document.activeElement.id === 'report-title'")


def test_earlier_interviews_belong_to_their_browser(browser: Any, base_url: str) -> None:
    with page_at(browser, "desktop") as one, page_at(browser, "desktop") as two:
        for page in (one, two):
            page.goto(base_url)
            page.locator(FINISHED).first.wait_for()
        say(one, answer(0))
        mine = one.evaluate("state.sessionId")
        listed = two.evaluate("fetch('/v1/sessions', {headers: headers()}).then(r => r.json())")["sessions"]
        assert mine not in [s["session_id"] for s in listed]
        assert len(listed) == 1


@BOTH
def test_a_message_refused_for_length_keeps_its_text(
    browser: Any, base_url: str, viewport: str, api_settings: Settings
) -> None:
    with page_at(browser, viewport) as page:
        page.goto(base_url)
        page.locator(FINISHED).first.wait_for()
        long = "Our data pipeline is a weekly CSV. " * (api_settings.max_message_chars // 30)
        assert len(long) > api_settings.max_message_chars
        page.fill("#input", long)
        page.press("#input", "Enter")
        page.locator(".bubble.error").wait_for()
        page.wait_for_function("() => !document.getElementById('send').disabled")
        assert "over the limit" in page.inner_text(".bubble.error")
        assert page.input_value("#input") == long
        assert page.locator(".bubble.user").count() == 0  # not shown as said: it was not taken
        assert page.evaluate("document.activeElement.id") == "input"


def test_on_a_phone_the_header_and_progress_collapse(browser: Any, base_url: str) -> None:
    with page_at(browser, "phone") as page:
        page.goto(base_url)
        page.locator(FINISHED).first.wait_for()
        say(page, answer(0))
        header = page.eval_on_selector(".top", "e => e.getBoundingClientRect().height")
        progress = page.eval_on_selector(".progress", "e => e.getBoundingClientRect().height")
        assert header + progress <= 0.16 * PHONE["height"], (header, progress)
        assert page.locator("#header-actions").is_hidden()
        assert page.locator("#progress-label").is_visible()
        assert page.locator("#progress li").count() == 6  # still there, as a thin bar
        assert in_viewport(page, "#input") and in_viewport(page, "#send")
        page.click("#menu-toggle")
        assert page.get_attribute("#menu-toggle", "aria-expanded") == "true"
        assert page.locator("#new-interview").is_visible() and page.locator("#show-history").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0


def test_on_a_desktop_the_header_keeps_its_actions(browser: Any, base_url: str) -> None:
    with page_at(browser, "desktop") as page:
        page.goto(base_url)
        page.locator(FINISHED).first.wait_for()
        assert page.locator("#menu-toggle").is_hidden()
        assert page.locator("#new-interview").is_visible() and page.locator("#show-history").is_visible()
        assert page.locator(".tagline").is_visible()
