"""Redaction before storage: the team's words in state, reports and check-ins are kept masked.

Only the transcript (`messages.text`) may hold the original, and only when the settings keep it.
"""

from __future__ import annotations

from typing import Any

from bot.limits import is_public_id
from bot.models import Report
from bot.redact import scrub  # remembered for short texts: each turn re-stores every answer

# Keys whose string values are the team's words (or may quote them); everything else is structure.
STATE_TEXT_KEYS = frozenset({"text", "quote", "pilot_name"})
REPORT_TEXT_KEYS = frozenset({"quote", "pilot_name", "rationale", "summary", "why", "actions", "names"})


def scrub_optional(text: str | None, max_chars: int | None = None) -> str | None:
    """`scrub`, passing None through; cut to `max_chars` (a column's size), since masking can
    lengthen a text ("pwd=x1y;" becomes "pwd=[SECRET];") past what its field allowed."""
    return None if text is None else scrub(text)[:max_chars]


def scrub_fields(value: Any, keys: frozenset[str]) -> Any:
    """A copy of a JSON-like value whose strings under `keys` (at any depth) are redacted."""
    if isinstance(value, dict):
        return {k: _scrub_value(v) if k in keys else scrub_fields(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_fields(v, keys) for v in value]
    return value


def _scrub_value(value: Any) -> Any:
    """A text field's value redacted: a string, or a list of strings (a gap's actions)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [scrub(v) for v in value]
    return value


def scrub_strings(value: Any) -> Any:
    """A copy of a JSON-like value with every string in it redacted (audit details: no schema), but
    public ids: a random hex id may hold a digit run the card rule takes (about 1 in 500 do)."""
    if isinstance(value, str):
        return value if is_public_id(value) else scrub(value)
    if isinstance(value, dict):
        return {k: scrub_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_strings(v) for v in value]
    return value


def scrub_state(state: dict[str, Any]) -> dict[str, Any]:
    """Interview state with the statements' text and the pilot name redacted."""
    scrubbed: dict[str, Any] = scrub_fields(state, STATE_TEXT_KEYS)
    return scrubbed


def scrub_evidence(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored evidence items (`{"quote": ...}`) with their quotes redacted."""
    scrubbed: list[dict[str, Any]] = scrub_fields(items, STATE_TEXT_KEYS)
    return scrubbed


def scrub_report(report: Report) -> Report:
    """A copy of the report whose quotes, pilot name, rationales and summary are redacted."""
    data = scrub_fields(report.model_dump(mode="json"), REPORT_TEXT_KEYS)
    return Report.model_validate(data)
