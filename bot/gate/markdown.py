"""The decision record as Markdown: what was reviewed, who signed, what was decided and why."""

from __future__ import annotations

from datetime import datetime

from bot.gate.records import Gate, Signer

DECISION_WORDS = {"go": "Go", "go_with_conditions": "Go with conditions", "no_go": "No-go"}


def _cell(text: object) -> str:
    """Table-safe text: pipes escaped, one line."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "-"


def _signer_row(s: Signer) -> str:
    answer = s.signoff or "not signed"
    note = f" ({_cell(s.comment)})" if s.comment else ""
    return f"| {_cell(s.title)} | {_cell(s.name)} | {answer}{note} | {_when(s.signed_at)} |"


def gate_markdown(gate: Gate) -> str:
    """The review and its decision record, ready to paste into a steerco pack."""
    lines = [f"# Go/no-go review: {gate.pilot_name}", ""]
    lines.append(f"Review {gate.id} of pilot {gate.pilot_id}, opened {_when(gate.created_at)}.")
    lines += ["", "## Decision", ""]
    if gate.decision:
        lines.append(f"**{DECISION_WORDS.get(gate.decision, gate.decision)}**, recorded {_when(gate.decided_at)}.")
        lines += ["", f"Rationale: {gate.rationale}"]
        if gate.conditions:
            lines += ["", "Conditions:", ""]
            lines += [f"- {c['criterion']} (owner {c['owner']}, due {c['due_at'][:10]})" for c in gate.conditions]
    else:
        lines.append("Not decided yet.")
    lines += ["", "## Sign-offs", "", "| Role | Named person | Sign-off | When |", "|---|---|---|---|"]
    lines += [_signer_row(s) for s in gate.signers]
    lines += ["", "## Review items", "", "| Area | Severity | What good looks like | Owner | Due | Status |"]
    lines.append("|---|---|---|---|---|---|")
    for i in gate.items:
        row = [i.dimension, i.severity, i.criterion, i.owner, i.due_at.strftime("%Y-%m-%d"), i.status]
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    if not gate.items:
        lines.append("| - | - | No open gaps when the review was opened. | - | - | - |")
    return "\n".join(lines) + "\n"
