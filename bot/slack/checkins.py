"""Weekly check-ins from Slack: the "Start weekly check-ins" button and answers in a check-in thread."""

from __future__ import annotations

from bot.checkins.pilots import Checkins
from bot.slack.blocks import escape


def start_checkins(checkins: Checkins, assessment_id: int, channel: str, user: str, owner: str) -> str:
    """Register the assessed pilot for weekly check-ins in `channel`; say what happened."""
    pilot = checkins.follow_from_chat(assessment_id, channel, started_by=user, owner=owner)  # another's: NotFound
    return (f"Weekly check-ins are on for *{escape(pilot.name)}*, started by "
            f"<@{user}>: I'll ask here every week what moved on each open gap.")  # fmt: skip


def answer_checkin_thread(
    checkins: Checkins, channel: str, thread_ts: str, text: str, user: str, owner: str
) -> str | None:
    """If the thread is a check-in, record the answer and return the summary; else None."""
    result = checkins.answer_in_thread(channel, thread_ts, text, author=user, owner=owner)
    return None if result is None else result.summary
