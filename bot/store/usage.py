"""The append-only audit log and the record of model calls."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from bot.redact import redact_secrets
from bot.store.base import StoreBase, check_choice
from bot.store.records import AuditRecord
from bot.store.scrub import scrub_strings
from bot.store.tables import LLM_OUTCOMES, AuditRow, LLMCallRow

MAX_ERROR_CHARS = 2000


class AuditUsageMixin(StoreBase):
    """Audit entries (no update, no delete) and LLM call accounting."""

    # --- audit log (append-only) ----------------------------------------------------

    def audit(self, kind: str, subject: str, detail: dict[str, Any], actor: str | None = None) -> int:
        """Append one audit entry (its text redacted); there is deliberately no way to change or remove it."""
        row = AuditRow(kind=kind, subject=subject, actor=actor, detail=scrub_strings(copy.deepcopy(detail)))
        with self._tx() as db:
            db.add(row)
            db.flush()
            return row.id

    def list_audit(self, subject: str | None = None, kind: str | None = None, limit: int = 1000) -> list[AuditRecord]:
        """Audit entries, oldest first, optionally for one subject and/or kind."""
        query = select(AuditRow).order_by(AuditRow.id).limit(limit)
        if subject is not None:
            query = query.filter_by(subject=subject)
        if kind is not None:
            query = query.filter_by(kind=kind)
        with self._tx() as db:
            return [AuditRecord.of(r) for r in db.scalars(query)]

    # --- LLM usage ------------------------------------------------------------------

    def record_llm_call(
        self,
        engine: str,
        model: str,
        purpose: str,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        latency_ms: int = 0,
        cost_usd: float = 0.0,
        outcome: str = "ok",
        error: str | None = None,
        session_id: str | None = None,
    ) -> int:
        """Record one model call (tokens, latency, cost, outcome); errors are secret-masked."""
        check_choice(outcome, LLM_OUTCOMES, "LLM call outcome")
        row = LLMCallRow(
            session_id=session_id,
            engine=engine,
            model=model,
            purpose=purpose,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=latency_ms,
            cost_usd=cost_usd,
            outcome=outcome,
            error=redact_secrets(error)[:MAX_ERROR_CHARS] if error else None,
        )
        with self._tx() as db:
            db.add(row)
            db.flush()
            return row.id

    def llm_usage_totals(self, session_id: str | None = None) -> dict[str, Any]:
        """Calls, tokens, cost and mean latency, overall and per outcome."""
        query = select(
            LLMCallRow.outcome,
            func.count(),
            func.coalesce(func.sum(LLMCallRow.prompt_tokens), 0),
            func.coalesce(func.sum(LLMCallRow.completion_tokens), 0),
            func.coalesce(func.sum(LLMCallRow.cost_usd), 0.0),
            func.coalesce(func.sum(LLMCallRow.latency_ms), 0),
        ).group_by(LLMCallRow.outcome)
        if session_id is not None:
            query = query.filter(LLMCallRow.session_id == session_id)
        with self._tx() as db:
            rows = db.execute(query).all()
        return _totals(rows)


def _totals(rows: Sequence[Any]) -> dict[str, Any]:
    """Fold per-outcome aggregates into one summary."""
    out: dict[str, Any] = {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0}
    out.update(cost_usd=0.0, latency_ms_total=0, by_outcome={})
    for outcome, calls, prompt, completion, cost, latency in rows:
        out["calls"] += int(calls)
        out["prompt_tokens"] += int(prompt)
        out["completion_tokens"] += int(completion)
        out["cost_usd"] += float(cost)
        out["latency_ms_total"] += int(latency)
        out["by_outcome"][outcome] = int(calls)
    out["avg_latency_ms"] = out["latency_ms_total"] / out["calls"] if out["calls"] else 0.0
    out["cost_usd"] = round(out["cost_usd"], 6)
    return out
