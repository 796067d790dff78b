"""Weekly check-ins from Slack: answers in a check-in thread (the set-up form is in setup_checkins)."""

from __future__ import annotations

from bot.checkins.pilots import Checkins


def answer_checkin_thread(
    checkins: Checkins, channel: str, thread_ts: str, text: str, user: str, owner: str
) -> str | None:
    """If the thread is a check-in, record the answer and return the summary; else None."""
    result = checkins.answer_in_thread(channel, thread_ts, text, author=user, owner=owner)
    return None if result is None else result.summary
