"""The app's Home tab: the viewer's pilots (those they own or sponsor, the stalled ones first, with
why), then the workspace's latest report in full (every gap, its buttons and state), then its
earlier reports. Published when someone opens the tab and after a click on it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.coach_records import GapView
from bot.models import Report
from bot.portfolio.lines import PilotLine
from bot.portfolio.service import Portfolio
from bot.service import Coach
from bot.slack import blocks as bk
from bot.slack.compact import (
    CLOSED_MARK,
    REPORT_FILE,
    TrackedGap,
    agentic,
    count_line,
    gap_buttons,
    header,
    owner_line,
    tracked,
    versions,
)
from bot.slack.conversation import workspace_owner
from bot.slack.listeners import just_ack

log = logging.getLogger(__name__)
MAX_HOME_BLOCKS = 100  # Slack's limit for a Home tab view
EARLIER = 5  # earlier reports listed under the latest one
MAX_PILOTS = 15  # the viewer's pilots listed on the tab
EMPTY = (
    "No readiness report in this workspace yet. Run `/readiness start [pilot name]` in a channel, "
    "mention me, or send me a message here to start an interview."
)


def gap_group(t: TrackedGap) -> list[bk.Block]:
    """One gap in full: evidence, why, where it surfaces, this week's actions, then its buttons or state."""
    blocks = [{"type": "divider"}, *bk.sections(bk.gap_text(t.n, t.gap) + owner_line(t.view))]
    if t.gap.citations:
        blocks += bk.context(bk.cite_line(t.gap.citations))
    if t.view is not None and t.closed:
        blocks += bk.context(CLOSED_MARK[t.view.status])
    elif t.view is not None:
        blocks.append(gap_buttons(t.view))
    return blocks


def _questions(report: Report) -> list[bk.Block]:
    if not report.open_questions:
        return []
    lines = [
        "*Open questions*",
        *[f"• *{bk.escape(q.dimension)}*: {bk.escape(q.question)}" for q in report.open_questions],
    ]
    return [{"type": "divider"}, *bk.sections("\n".join(lines))]


def latest_blocks(report: Report, views: Sequence[GapView]) -> list[bk.Block]:
    """The whole report, as live as its stored gaps."""
    gaps = tracked(report, views)
    blocks = [header(report), *bk.sections(count_line(gaps))]
    blocks += bk.context("When assessed: " + bk.to_mrkdwn(report.summary)) + agentic(report)
    for t in gaps:
        blocks += gap_group(t)
    blocks += _questions(report)
    if report.assessment_id is not None:
        blocks.append(bk.report_actions(report.assessment_id))
    return blocks + versions(report)


def earlier_blocks(reports: Sequence[Report]) -> list[bk.Block]:
    """One line per earlier report: verdict, pilot, when (to the minute: a pilot assessed twice a day
    stays two lines a person can tell apart, without a 32-hex id)."""
    if not reports:
        return []
    lines = ["*Earlier reports*"]
    for r in reports:
        name = bk.escape(r.pilot_name or "Untitled pilot")
        when = r.created_at.strftime("%d %b %Y, %H:%M UTC")
        lines.append(f"• {bk.VERDICT.get(r.verdict, r.verdict)}: {name}, {when}")
    return [{"type": "divider"}, *bk.sections("\n".join(lines))]


def yours(pilots: Sequence[PilotLine], user: str) -> list[PilotLine]:
    """The pilots whose business owner or sponsor is this Slack user, stalled ones first."""
    mine = [p for p in pilots if user in (p.business_owner, p.sponsor, f"<@{p.business_owner}>")]
    return sorted(mine, key=lambda p: (not p.stalled, p.name.lower()))


def _pilot_line(p: PilotLine, user: str) -> str:
    role = "you own it" if p.business_owner == user else "you sponsor it"
    verdict = bk.VERDICT.get(p.verdict or "", p.verdict or "not assessed")
    line = f"• *{bk.escape(p.name)}* ({role}): {verdict}, {p.stage.replace('_', ' ')}"
    if p.stalled:
        line += "\n   :warning: Stalled: " + bk.escape("; ".join(p.stall_reasons) or p.headline)
    return line


def pilot_blocks(pilots: Sequence[PilotLine], user: str) -> list[bk.Block]:
    """The viewer's pilots: how many, how many stalled, one line each (capped; `coach portfolio` has all)."""
    mine = yours(pilots, user)
    if not mine:
        return []
    stalled = sum(1 for p in mine if p.stalled)
    lines = [f"*Your pilots*: {len(mine)}, {stalled} stalled"]
    lines += [_pilot_line(p, user) for p in mine[:MAX_PILOTS]]
    if len(mine) > MAX_PILOTS:
        lines.append(f"…and {len(mine) - MAX_PILOTS} more: see the /portfolio page.")
    return [*bk.sections("\n".join(lines)), {"type": "divider"}]


def home_view(
    reports: Sequence[Report], views: Sequence[GapView], pilots: list[bk.Block] | None = None
) -> dict[str, Any]:
    """The Home tab: the viewer's pilots, the first report in full with `views` (its gaps), then the others."""
    if not reports:
        return {"type": "home", "blocks": (pilots or []) + bk.sections(EMPTY)}
    blocks = (pilots or []) + latest_blocks(reports[0], views) + earlier_blocks(reports[1:])
    if len(blocks) > MAX_HOME_BLOCKS:  # only with very many gaps: the file in the thread has them all
        blocks = blocks[: MAX_HOME_BLOCKS - 1] + bk.context(f"The rest is in {REPORT_FILE} in the report's thread.")
    return {"type": "home", "blocks": blocks}


def publish_home(coach: Coach, client: WebClient, team: str, user: str, portfolio: Portfolio | None = None) -> None:
    """Build the workspace's Home tab and publish it for one user."""
    owner = workspace_owner(team)
    reports = coach.recent_reports(owner, limit=1 + EARLIER)
    views = coach.gaps(reports[0].assessment_id, owner=owner) if reports and reports[0].assessment_id else []
    pilots = pilot_blocks(portfolio.view(owner).pilots, user) if portfolio is not None else []
    client.views_publish(user_id=user, view=home_view(reports, views, pilots))


def register_home(app: App, coach: Coach, portfolio: Portfolio | None = None) -> None:
    """Publish the Home tab whenever someone opens it."""

    def on_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return  # the Messages tab sends the same event
        try:
            publish_home(coach, client, str(body.get("team_id") or ""), str(event["user"]), portfolio)
        except Exception as exc:  # nobody to tell but the log: the tab keeps its last view
            log.warning("slack: could not publish the Home tab: %s", type(exc).__name__)

    app.event("app_home_opened")(ack=just_ack, lazy=[on_home_opened])
