"""Report renderings: Markdown, JSON and the terminal (rich)."""

from __future__ import annotations

import html
import re

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.models import Citation, Evidence, Gap, Report

BADGE = {"critical": "🔴 critical", "high": "🟠 high", "medium": "🟡 medium"}
STYLE = {"critical": "bold red", "high": "dark_orange", "medium": "yellow"}
STATUS = {"gap": "gap", "unknown": "unknown (open question)", "ready": "ready"}
VERDICT = {
    "not_ready": "Not ready",
    "ready_with_conditions": "Ready with conditions",
    "ready": "Ready",
    "insufficient_evidence": "Not enough to judge yet",
}


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")


def md_text(text: str) -> str:
    """The team's words (a pilot name, a quote, an author) safe inside Markdown: HTML escaped,
    links and emphasis neutralised, on one line, so they read as text wherever it is rendered."""
    flat = " ".join(text.split())
    return _MD_INLINE.sub(r"\\\1", html.escape(flat, quote=False))


def no_html(text: str) -> str:
    """The coach's own text with any tag made inert (it may echo the team's words)."""
    return text.replace("<", "&lt;")


def verdict_label(report: Report) -> str:
    """The verdict in words ('Not enough to judge yet'), never its id."""
    return VERDICT.get(report.verdict, report.verdict.replace("_", " ").capitalize())


def why_label(gap: Gap) -> str:
    """'Why it matters for this pilot' on the team's words; the playbook's text is labelled general."""
    return "Why it matters for this pilot" if gap.why_basis == "team" else "Why it matters (general, from the playbook)"


def surfaces_label(gap: Gap) -> str:
    """Past tense when the team says it already surfaced."""
    return "Where it surfaced" if gap.surfaced else "Where it will surface"


def area_of(dimension: str, title: str = "") -> str:
    """An area's readable name: its title, else its id in words (reports stored before titles)."""
    return title or dimension.replace("_", " ").capitalize()


def sources(citations: list[Citation]) -> str:
    """The playbook passages by title ('No production data pipeline: What goes wrong'), no file ids."""
    return "; ".join(dict.fromkeys(c.label for c in citations))


def _version(value: str, prefix: str) -> str:
    return value.removeprefix(prefix) or "none"


def provenance(report: Report) -> str:
    """Who made the report, in words: engine, rubric, prompt set and reader versions."""
    prompts, reader = _version(report.prompt_version, "prompts-"), _version(report.reader_version, "reader-")
    made = f"Made by the {report.engine} engine with rubric {report.rubric_version}"
    return f"{made}, prompt set {prompts} and reader {reader}."


def gap_count(n: int) -> str:
    """'one gap', '3 gaps'."""
    return "one gap" if n == 1 else f"{n} gaps"


def no_gaps(report: Report) -> str:
    """What to say when a report lists no gaps: an open report has found none *yet*."""
    if report.verdict == "insufficient_evidence":
        return "No gaps found so far, but most areas are still open questions."
    return "No gaps found."


def to_json(report: Report) -> str:
    """The versioned JSON schema (see docs/report-schema.md)."""
    return report.model_dump_json(indent=2)


def to_markdown(report: Report) -> str:
    """A Markdown report a team can paste into a wiki or ticket."""
    title = f"Readiness report: {md_text(report.pilot_name)}" if report.pilot_name else "Readiness report"
    out = [
        f"# {title}",
        "",
        f"**Verdict:** {verdict_label(report)}",
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
        out += [no_gaps(report), ""]
    for i, g in enumerate(report.gaps, 1):
        out += [f"### {i}. {no_html(g.title)} ({BADGE[g.severity]})", ""]
        for e in g.evidence:
            who = f" ({md_text(e.author)})" if e.author else ""
            out.append(f'> "{md_text(e.quote)}"{who}')
        out += [
            "",
            f"**{why_label(g)}:** {md_text(g.why)}",  # it quotes the team: their words stay text
            "",
            f"**{surfaces_label(g)}:** {no_html(g.surfaces)}",
            "",
        ]
        out += ["**This week:**", *[f"- {md_text(a)}" for a in g.actions], ""]  # they name the team's things
        if g.citations:
            out += ["Playbook: " + no_html(sources(g.citations)), ""]
    out += _in_place_md(report) + _disagreements_md(report)
    if report.open_questions:
        out += ["## Open questions", ""]
        out += [f"- **{area_of(q.dimension, q.title)}**: {no_html(q.question)}" for q in report.open_questions]
        out.append("")
    out.append(f"_{provenance(report)}_")
    return "\n".join(out) + "\n"


def _in_place_md(report: Report) -> list[str]:
    if not report.in_place:
        return []
    out = ["## What is in place", ""]
    for item in report.in_place:
        out.append(f"- **{no_html(item.title)}**")
        out += [f'  > "{md_text(e.quote)}"' + (f" ({md_text(e.author)})" if e.author else "") for e in item.evidence]
    return [*out, ""]


def said_by(e: Evidence) -> str:
    """A quote with who said it, for Markdown: '"We have a baseline" (Dana Lee, business owner)'."""
    return f'"{md_text(e.quote)}"' + (f" ({md_text(e.author)})" if e.author else "")


def _disagreements_md(report: Report) -> list[str]:
    out = ["## Disagreements", ""] if report.disagreements else []
    for d in report.disagreements:
        out.append(f"- **{no_html(d.title)}**: the answers disagree; settle it before acting on this area.")
        out += [f"  - In place: {said_by(e)}" for e in d.in_place] + [f"  - A gap: {said_by(e)}" for e in d.gap]
    return [*out, ""] if out else []


def print_report(report: Report, console: Console) -> None:
    """The report in the terminal."""
    head = Text(f"Verdict: {verdict_label(report)}", style="bold")
    console.print(Panel(Group(head, Text(report.summary)), title=report.pilot_name or "Readiness"))
    table = Table("Area", "Status", "Severity", "Level")
    for d in report.dimensions:
        sev = Text(d.severity or "", style=STYLE.get(d.severity or "", ""))
        table.add_row(d.title, STATUS[d.status], sev, "█" * d.level + "░" * (5 - d.level))
    console.print(table)
    for i, g in enumerate(report.gaps, 1):
        body = [Text(f'"{e.quote}"' + (f" ({e.author})" if e.author else ""), style="italic") for e in g.evidence]
        body += [Text(f"{why_label(g)}: {g.why}"), Text(f"{surfaces_label(g)}: {g.surfaces}")]
        body += [Text("This week:")] + [Text(f"• {a}") for a in g.actions]
        body += [Text("Playbook: " + sources(g.citations), style="dim")]
        console.print(
            Panel(
                Group(*body),
                title=f"{i}. {g.title}",
                subtitle=g.severity,
                border_style=STYLE[g.severity],
            )
        )
    if not report.gaps:
        console.print(no_gaps(report))
    for item in report.in_place:
        quotes = "; ".join(f'"{e.quote}"' for e in item.evidence)
        said = (f" ({quotes})" if quotes else "", "italic")
        console.print(Text.assemble(("In place: ", "bold green"), item.title, said))
    for q in report.open_questions:
        console.print(Text.assemble((f"Open question ({area_of(q.dimension, q.title)}): ", "bold"), q.question))
    console.print(Text(provenance(report), style="dim"))
