"""Helpers that drive the chat page: say an answer, answer from the script until the gap list shows."""

from __future__ import annotations

from typing import Any

from tests.api.script import MAX_TURNS, answer

FINISHED = ".bubble.coach:not(.streaming)"


def say(page: Any, text: str) -> None:
    """Type an answer, press Enter, and wait until the turn (and any report) has rendered."""
    before = page.locator(FINISHED).count()
    page.fill("#input", text)
    page.press("#input", "Enter")
    page.locator(FINISHED).nth(before).wait_for()
    page.wait_for_function("() => !document.getElementById('send').disabled")


def finish_interview(page: Any, start: int = 0) -> None:
    """Answer from the script (from answer `start` on) until the gap list shows."""
    for n in range(start, MAX_TURNS):
        say(page, answer(n))
        if page.locator("#report").is_visible():
            return
    raise AssertionError("the gap list never appeared")
