"""Redaction before storage: the team's words in state, reports and check-ins are kept masked.

Only the transcript (`messages.text`) may hold the original, and only when the settings keep it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.limits import is_public_id
from bot.models import Report
from bot.redact import Redaction, redact, redact_secrets
from bot.redact import scrub as scrub_uncached

# Keys whose string values are the team's words (or may quote them); everything else is structure.
STATE_TEXT_KEYS = frozenset({"text", "quote", "pilot_name"})
REPORT_TEXT_KEYS = frozenset({"quote", "pilot_name", "rationale", "summary", "why", "actions", "names"})
MEMO_CHARS = 2000  # redactions of texts up to this long are remembered: each turn re-stores every answer
MEMO_TEXTS = 4096


@lru_cache(maxsize=MEMO_TEXTS)
def _scrub_memo(text: str) -> str:
    return scrub_uncached(text)


@lru_cache(maxsize=MEMO_TEXTS)
def _redacted_memo(text: str) -> tuple[str, Redaction]:
    unsecret = redact_secrets(text)
    return unsecret, redact(unsecret)


def scrub(text: str) -> str:
    """`bot.redact.scrub` (secrets, then personal data), remembered for short texts: a turn stores
    the whole interview state again, and the redaction of an answer never changes."""
    return _scrub_memo(text) if len(text) <= MEMO_CHARS else scrub_uncached(text)


def redacted(text: str) -> tuple[str, Redaction]:
    """The text with secrets masked, and its full redaction (remembered for short texts)."""
    if len(text) <= MEMO_CHARS:
        return _redacted_memo(text)
    unsecret = redact_secrets(text)
    return unsecret, redact(unsecret)


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
