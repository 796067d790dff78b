"""Posting into one Slack conversation: replies, reports (compact, plus the file), notices, status."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coach_records import GapView
from bot.errors import CoachError
from bot.models import Choice, Citation, Report
from bot.render import to_markdown
from bot.slack import blocks as bk
from bot.slack import compact

log = logging.getLogger(__name__)

# Errors after which posting a notice into the same conversation cannot work either.
UNREACHABLE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "not_authed",
        "missing_scope",
    }
)
SORRY = "Something went wrong on my side. Your message is saved: try again in a minute."


def slack_error(exc: SlackApiError) -> str:
    """The short error code Slack returned (never the token or the request)."""
    return str(exc.response.get("error") or exc.response.status_code)


class Poster:
    """Posts into one channel, in a thread when `thread_ts` is set."""

    def __init__(self, client: WebClient, channel: str, thread_ts: str | None) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts

    def blocks(self, blocks: Sequence[bk.Block], text: str) -> str | None:
        """Post one message of blocks; return its ts."""
        resp = self.client.chat_postMessage(
            channel=self.channel, thread_ts=self.thread_ts, text=text, blocks=list(blocks)
        )
        return resp.get("ts")

    def text(self, text: str, citations: Sequence[Citation] = (), choices: Sequence[Choice] = ()) -> str | None:
        """Post a coach reply (Markdown), with its playbook sources and quick replies; names in it are escaped."""
        return self.blocks(bk.choice_blocks(text, citations, choices), bk.fallback(bk.to_mrkdwn(text)))

    def mrkdwn(self, text: str) -> str | None:
        """Post text that is already Slack mrkdwn (mentions, bold), unescaped."""
        return self.blocks(bk.sections(text), bk.fallback(text))

    def report(self, report: Report, assessment_id: str | None, gaps: Sequence[GapView]) -> None:
        """Post the compact report (verdict, top gaps, buttons), then the full report as a Markdown file.

        When the file cannot be uploaded (e.g. no files:write scope) the full report is posted as
        messages instead: nothing is cut."""
        self.blocks(compact.report_blocks(report, assessment_id, gaps), compact.report_text(report, gaps))
        try:
            self.client.files_upload_v2(
                channel=self.channel,
                thread_ts=self.thread_ts,
                content=to_markdown(report),
                filename=compact.REPORT_FILE,
                title=f"Readiness report: {report.pilot_name}" if report.pilot_name else "Readiness report",
            )
        except (SlackApiError, OSError) as exc:
            why = slack_error(exc) if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("slack: could not upload the full report in %s: %s", self.channel, why)
            self.full_report(report)

    def full_report(self, report: Report) -> None:
        """The full report as Block Kit messages, without buttons (the compact message has them)."""
        messages = bk.report_messages(report)
        for n, message in enumerate(messages, 1):
            self.blocks(message, bk.report_fallback(report, n, len(messages)))

    def notice(self, text: str) -> None:
        """Tell the thread something went wrong; when even that fails, log it."""
        try:
            self.text(text)
        except SlackApiError as exc:
            log.warning("slack: could not post a notice in %s: %s", self.channel, slack_error(exc))
        except OSError as exc:
            log.warning("slack: could not reach Slack for %s: %s", self.channel, type(exc).__name__)

    def status(self, text: str) -> None:
        """Set the assistant-thread status line; silently nothing where the workspace lacks it."""
        if not self.thread_ts:
            return
        try:
            self.client.assistant_threads_setStatus(channel_id=self.channel, thread_ts=self.thread_ts, status=text)
        except (SlackApiError, OSError) as exc:
            log.debug("slack: no assistant status in %s: %s", self.channel, exc)


def run_reporting(poster: Poster, work: Callable[[], Any], refused: Callable[[], None] | None = None) -> None:
    """Run `work`; an error becomes one sentence in the thread, or a log line if that can't be.

    `refused` runs when the coach turned the message down (nothing to keep, nothing to replay)."""
    try:
        work()
    except CoachError as exc:
        if refused is not None:
            refused()
        poster.notice(str(exc))
    except SlackApiError as exc:
        code = slack_error(exc)
        log.warning("slack: call failed in %s: %s", poster.channel, code)
        if code not in UNREACHABLE:
            poster.notice(f"Slack refused my reply ({code}). Your message is saved: type `status` to see where we are.")
    except Exception:
        log.exception("slack: unexpected error in %s", poster.channel)
        poster.notice(SORRY)
