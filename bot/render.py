"""Report renderings: Markdown, JSON and the terminal (rich)."""

from __future__ import annotations

import html
import re

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.models import Citation, Report

BADGE = {"critical": "🔴 critical", "high": "🟠 high", "medium": "🟡 medium"}
STYLE = {"critical": "bold red", "high": "dark_orange", "medium": "yellow"}
STATUS = {"gap": "gap", "unknown": "unknown (open question)", "ready": "ready"}


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")


def md_text(text: str) -> str:
    """The team's words (a pilot name, a quote, an author) safe inside Markdown: HTML escaped,
    links and emphasis neutralised, on one line, so they read as text wherever it is rendered."""
    flat = " ".join(text.split())
    return _MD_INLINE.sub(r"\\\1", html.escape(flat, quote=False))


def no_html(text: str) -> str:
    """The coach's own text with any tag made inert (it may echo the team's words)."""
    return text.replace("<", "&lt;")


def to_json(report: Report) -> str:
    """The versioned JSON schema (see docs/report-schema.md)."""
    return report.model_dump_json(indent=2)


def _cite(citations: list[Citation]) -> str:
    return ", ".join(c.ref for c in citations)


def to_markdown(report: Report) -> str:
    """A Markdown report a team can paste into a wiki or ticket."""
    title = f"Readiness report: {md_text(report.pilot_name)}" if report.pilot_name else "Readiness report"
    out = [
        f"# {title}",
        "",
        f"**Verdict:** {report.verdict.replace('_', ' ')}",
        "",
        no_html(report.summary),
        "",
    ]
    if report.agentic:
        quotes = "; ".join(f'"{md_text(e.quote)}"' for e in report.agentic_evidence)
        out += [f"> Agentic system: acts on its own ({quotes}).", ""]
    out += ["## Readiness by area", "", "| Area | Status | Severity | Level |", "|---|---|---|---|"]
    for d in report.dimensions:
        out.append(f"| {d.title} | {STATUS[d.status]} | {d.severity or ''} | {d.level}/5 |")
    out += ["", "## Gaps", ""]
    if not report.gaps:
        out += ["No gaps found.", ""]
    for i, g in enumerate(report.gaps, 1):
        out += [f"### {i}. {no_html(g.title)} ({BADGE[g.severity]})", ""]
        for e in g.evidence:
            who = f" ({md_text(e.author)})" if e.author else ""
            out.append(f'> "{md_text(e.quote)}"{who}')
        out += [
            "",
            f"**Why it matters:** {no_html(g.why)}",
            "",
            f"**Where it will surface:** {no_html(g.surfaces)}",
            "",
        ]
        out += ["**This week:**", *[f"- {no_html(a)}" for a in g.actions], ""]
        if g.citations:
            out += ["Playbook: " + _cite(g.citations), ""]
    if report.open_questions:
        out += ["## Open questions", ""]
        out += [f"- **{q.dimension}**: {no_html(q.question)}" for q in report.open_questions]
        out.append("")
    reader = report.reader_version or "none"
    out.append(
        f"_Engine {report.engine}, rubric {report.rubric_version}, prompts {report.prompt_version}, reader {reader}._"
    )
    return "\n".join(out) + "\n"


def print_report(report: Report, console: Console) -> None:
    """The report in the terminal."""
    head = Text(f"Verdict: {report.verdict.replace('_', ' ')}", style="bold")
    console.print(Panel(Group(head, Text(report.summary)), title=report.pilot_name or "Readiness"))
    table = Table("Area", "Status", "Severity", "Level")
    for d in report.dimensions:
        sev = Text(d.severity or "", style=STYLE.get(d.severity or "", ""))
        table.add_row(d.title, STATUS[d.status], sev, "█" * d.level + "░" * (5 - d.level))
    console.print(table)
    for i, g in enumerate(report.gaps, 1):
        body = [Text(f'"{e.quote}"' + (f" ({e.author})" if e.author else ""), style="italic") for e in g.evidence]
        body += [Text(f"Why: {g.why}"), Text(f"Surfaces: {g.surfaces}")]
        body += [Text(f"• {a}") for a in g.actions]
        body += [
            Text(
                "Playbook: " + _cite(g.citations),
                style="dim",
            )
        ]
        console.print(
            Panel(
                Group(*body),
                title=f"{i}. {g.title}",
                subtitle=g.severity,
                border_style=STYLE[g.severity],
            )
        )
    for q in report.open_questions:
        console.print(f"[bold]Open question ({q.dimension}):[/bold] {q.question}")
