"""The report as one short message: verdict, how many gaps are still open, the top three open gaps
with their first action and buttons. Rebuilt from the stored gaps after every click, so it stays true."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.coach_records import GapView
from bot.models import Gap, Report
from bot.render import BADGE
from bot.slack import blocks as bk

TOP = 3  # open gaps shown in the message; the rest are in the file and on the Home tab
CLOSED = frozenset({"resolved", "accepted_risk"})
CLOSED_MARK = {"resolved": "✅ resolved", "accepted_risk": "☑️ risk accepted"}
REPORT_FILE = "readiness-report.md"


@dataclass(frozen=True)
class TrackedGap:
    """One gap of the report with its number and, once stored, its tracked state."""

    n: int
    gap: Gap
    view: GapView | None  # None when the report's gaps were not stored: no buttons then

    @property
    def closed(self) -> bool:
        """Resolved or accepted as a risk."""
        return self.view is not None and self.view.status in CLOSED


def tracked(report: Report, views: Sequence[GapView]) -> list[TrackedGap]:
    """The report's gaps in report order, each with its stored state when the ids line up."""
    paired = list(views) if len(views) == len(report.gaps) else [None] * len(report.gaps)
    return [TrackedGap(n, g, v) for n, (g, v) in enumerate(zip(report.gaps, paired, strict=True), 1)]


def header(report: Report) -> bk.Block:
    """`Not ready: Pilot name` (or `Readiness: Not ready` when the name would not fit)."""
    verdict = bk.VERDICT.get(report.verdict, report.verdict)
    title = f"{verdict}: {report.pilot_name}" if report.pilot_name else f"Readiness: {verdict}"
    if len(title) > bk.MAX_HEADER:
        title = f"Readiness: {verdict}"
    return {"type": "header", "text": {"type": "plain_text", "text": title}}


def count_line(gaps: Sequence[TrackedGap]) -> str:
    """How many gaps stand in the way now, by severity; closed ones counted apart."""
    if not gaps:
        return "*No gaps found.*"
    still = [g for g in gaps if not g.closed]
    if not still:
        return f"*All {len(gaps)} gaps are closed.* ✅"
    order = [*BADGE, *sorted({g.gap.severity for g in still} - set(BADGE))]
    by = {s: sum(1 for g in still if g.gap.severity == s) for s in order}
    mix = ", ".join(f"{k} {s}" for s, k in by.items() if k)
    if len(still) == len(gaps):
        verb = "gaps stand" if len(still) > 1 else "gap stands"
        return f"*{len(still)} {verb} in the way* ({mix})."
    return f"*{len(still)} of {len(gaps)} gaps still open* ({mix}); {len(gaps) - len(still)} closed."


def owner_line(view: GapView | None) -> str:
    """`Owner: @someone` when the gap has one."""
    return f"\n*Owner:* {bk.who(view.owner)}" if view is not None and view.owner else ""


def gap_summary(t: TrackedGap) -> str:
    """Title, severity and the first thing to do this week."""
    first = f"\n*First:* {bk.escape(t.gap.actions[0])}" if t.gap.actions else ""
    badge = BADGE.get(t.gap.severity, t.gap.severity)
    return f"*{t.n}. {bk.escape(t.gap.title)}*  {badge}{first}{owner_line(t.view)}"


def gap_buttons(view: GapView) -> bk.Block:
    """Mark resolved and the owner picker (showing the current owner when it is a Slack user)."""
    block = bk.gap_actions(view.id)
    if view.owner and bk.who(view.owner).startswith("<@"):
        block["elements"][1]["initial_user"] = view.owner
    return block


def _top(gaps: Sequence[TrackedGap]) -> list[bk.Block]:
    blocks: list[bk.Block] = []
    for t in [g for g in gaps if not g.closed][:TOP]:
        blocks += bk.sections(gap_summary(t))
        if t.view is not None:
            blocks.append(gap_buttons(t.view))
    return blocks


def _rest(gaps: Sequence[TrackedGap]) -> list[bk.Block]:
    """One context line for the open gaps not shown, one for the closed ones."""
    lines = []
    more = [g for g in gaps if not g.closed][TOP:]
    if more:
        titles = "; ".join(f"{g.n}. {bk.escape(g.gap.title)}" for g in more)
        lines.append(f"{len(more)} more open: {titles}. All gaps are in {REPORT_FILE} and on my Home tab.")
    done = [g for g in gaps if g.closed]
    if done:
        lines.append("; ".join(f"{CLOSED_MARK[g.view.status]}: {g.n}. {bk.escape(g.gap.title)}"
                               for g in done if g.view))  # fmt: skip
    return [b for line in lines for b in bk.context(line)]


def versions(report: Report) -> list[bk.Block]:
    """The engine, rubric, prompt and reader versions behind the report."""
    reader = report.reader_version or "none"
    note = (
        f"Engine {report.engine} · rubric {report.rubric_version} · prompts {report.prompt_version} · reader {reader}"
    )
    return bk.context(bk.escape(note))


def agentic(report: Report) -> list[bk.Block]:
    """The agentic warning, when the system acts on its own."""
    if not report.agentic:
        return []
    quotes = "; ".join(f"“{bk.escape(e.quote)}”" for e in report.agentic_evidence)
    return bk.context(f"Agentic system: it acts on its own ({quotes}).")


def report_blocks(report: Report, assessment_id: str | None, views: Sequence[GapView]) -> list[bk.Block]:
    """The compact report message: at most about a dozen blocks, however many gaps."""
    gaps = tracked(report, views)
    count = {"type": "section", "text": {"type": "mrkdwn", "text": count_line(gaps)}}
    blocks = [header(report), count, *agentic(report), *_top(gaps), *_rest(gaps)]
    if assessment_id is not None:
        count["block_id"] = f"summary:{assessment_id}"  # marks the message a click may rebuild
        blocks.append(bk.report_actions(assessment_id))
    return bk.pack([blocks + versions(report)])[0]


def report_text(report: Report, views: Sequence[GapView]) -> str:
    """The notification text of the compact message."""
    verdict = bk.VERDICT.get(report.verdict, report.verdict)
    gaps = tracked(report, views)
    still = sum(1 for g in gaps if not g.closed)
    return bk.fallback(f"Readiness report: {verdict}, {still} of {len(gaps)} gaps open")
