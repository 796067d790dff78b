"""The coach's record operations adapters need: sessions by key, gaps, feedback and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.event_claims import EventClaims
from bot.models import Report

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.engine.base import Engine
    from bot.index import PlaybookIndex
    from bot.store import GapRecord, Store
    from bot.store.records import SessionDigest, SessionRecord

PREVIEW_CHARS = 120  # of the first answer, in a list of interviews


@dataclass(frozen=True)
class SessionRef:
    """Which session, whose, and the outside key (a Slack thread) it is tied to."""

    id: str
    owner: str
    external_key: str | None
    done: bool


@dataclass(frozen=True)
class SessionSummary:
    """One line of a list of earlier interviews."""

    id: str
    pilot_name: str | None
    channel: str
    done: bool
    created_at: datetime
    updated_at: datetime
    first_answer: str | None
    assessment_id: str | None  # the latest report's public id
    verdict: str | None


@dataclass(frozen=True)
class GapView:
    """A tracked gap as adapters show it: named by public ids (its own and its assessment's)."""

    id: str
    assessment_id: str
    dimension: str
    severity: str
    status: str
    title: str
    owner: str | None


def _ref(rec: SessionRecord | None) -> SessionRef | None:
    return SessionRef(rec.id, rec.owner, rec.external_key, rec.status == "done") if rec else None


def _summary(rec: SessionRecord, digest: SessionDigest) -> SessionSummary:
    first = digest.first_answer
    if first and len(first) > PREVIEW_CHARS:
        first = first[: PREVIEW_CHARS - 1].rstrip() + "…"
    return SessionSummary(
        rec.id,
        rec.pilot_name,
        rec.channel,
        rec.status == "done",
        rec.created_at,
        rec.updated_at,
        first,
        digest.assessment_id,
        digest.verdict,
    )


def _gap(rec: GapRecord) -> GapView:
    return GapView(
        rec.public_id, rec.assessment_public_id, rec.dimension, rec.severity, rec.status, rec.title, rec.owner
    )


class CoachRecords:
    """Mixed into Coach: reads and changes of stored records, each one checked against its owner."""

    store: Store
    settings: Settings
    engine: Engine
    index: PlaybookIndex

    def find_session(self, external_key: str) -> SessionRef | None:
        """The session tied to an outside key (e.g. a Slack thread), if any."""
        return _ref(self.store.find_session(external_key))

    def latest_session(self, owner: str, key_prefix: str) -> SessionRef | None:
        """The owner's most recently active session whose outside key starts with `key_prefix`."""
        return _ref(self.store.latest_session_with_key(owner, key_prefix))

    def list_sessions(self, owner: str, client: str | None = None, limit: int = 20) -> list[SessionSummary]:
        """The owner's interviews (with `client`, only that browser's), most recently active first."""
        recs = self.store.list_sessions(owner=owner, limit=limit, client=client)
        digests = self.store.session_digests([r.id for r in recs])
        return [_summary(r, digests[r.id]) for r in recs]

    def stored_report(self, assessment_id: str, owner: str | None = None) -> Report:
        """A stored assessment's report by public id; NotFound when missing or (with `owner`) another owner's."""
        return self.store.get_assessment(assessment_id, owner=owner).report

    def recent_reports(self, owner: str, limit: int = 5) -> list[Report]:
        """The owner's newest stored reports first, each with its `assessment_id`."""
        return [rec.report for rec in self.store.recent_assessments(owner, limit)]

    def gaps(self, assessment_id: str, owner: str | None = None) -> list[GapView]:
        """The gaps of a stored assessment, in report order."""
        return [_gap(g) for g in self.store.list_gaps(assessment_id, owner=owner)]

    def update_gap(
        self,
        gap_id: str,
        status: str | None = None,
        assignee: str | None = None,
        actor: str | None = None,
        owner: str | None = None,
    ) -> GapView:
        """Change a gap's status and/or who is on it (audited); another owner's gap is NotFound."""
        return _gap(self.store.update_gap(gap_id, status=status, owner=assignee, actor=actor, tenant=owner))

    def record_feedback(
        self,
        assessment_id: str,
        helpful: bool,
        actor: str,
        comment: str = "",
        owner: str | None = None,
        source: str = "slack",
    ) -> int:
        """Keep a reader's verdict on a report (and their comment) in the audit log; returns its id."""
        found = self.store.get_assessment(assessment_id, owner=owner)  # another owner's report: NotFound
        detail: dict[str, Any] = {"helpful": helpful}
        kind = f"{source}.feedback"
        if comment:
            detail["comment"], kind = comment, f"{source}.feedback_comment"
        return self.store.audit(kind, f"assessment:{found.public_id}", detail, actor=actor)

    def audit(self, kind: str, subject: str, detail: dict[str, Any], actor: str | None = None) -> int:
        """Append an entry to the audit log (its text redacted)."""
        return self.store.audit(kind, subject, detail, actor=actor)

    def event_claims(self) -> EventClaims:
        """Claims of Slack event ids on this coach's database (de-duplication and the durable inbox)."""
        return EventClaims(self.store.engine)

    def max_upload_bytes(self) -> int:
        """The largest document an adapter may accept."""
        return self.settings.max_upload_bytes

    def ping_store(self) -> None:
        """Raise if the database cannot be reached."""
        self.store.ping()

    def index_size(self) -> int:
        """Passages in the playbook index (raises if the index cannot be reached)."""
        self.index.ping()
        return self.index.count()

    def engine_name(self) -> str | None:
        """The configured engine's name, if any."""
        name = getattr(self.engine, "name", None)
        return str(name) if name else None

    def circuit_status(self) -> str | None:
        """The LLM circuit breaker's state, when the engine has one."""
        return self.engine.circuit_status()

    def circuit_state(self) -> str | None:
        """The LLM circuit breaker: closed, open or half_open; None without a model."""
        return self.engine.circuit_state()

    def llm_usage_totals(self) -> dict[str, Any]:
        """LLM calls, tokens, cost and latency recorded so far, overall and per outcome."""
        return self.store.llm_usage_totals()

    def engine_counters(self) -> dict[str, int]:
        """The engine's call counters (calls, fallbacks, errors, retries)."""
        return self.engine.counters()
