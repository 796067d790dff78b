"""Writing an assessment: the report, one row per gap, one audit row per dimension decision."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.errors import NotFound
from bot.models import DimensionResult, Evidence, Gap, Report
from bot.store.base import StoreBase, check_choice, no_session
from bot.store.db import utcnow
from bot.store.public_ids import Ref, new_public_id, row_by_ref, shown
from bot.store.records import AssessmentRecord, GapRecord, stored_report
from bot.store.scrub import scrub_report
from bot.store.tables import GAP_STATUSES, AssessmentRow, AuditRow, GapRow, SessionRow

DECISION_KIND = "assessment.decision"
LOCAL_OWNER = "local"  # the owner of the CLI and of a keyless API (as in bot.api.deps)


def _evidence_json(items: list[Evidence]) -> list[dict[str, Any]]:
    return [e.model_dump(mode="json") for e in items]


def no_assessment(assessment_id: Ref) -> NotFound:
    """The NotFound for a missing (or not-yours) assessment: both read the same, so ids can't be probed."""
    return NotFound(f"No assessment {shown(assessment_id)}: run an assessment first.")


def no_gap(gap_id: Ref) -> NotFound:
    """The NotFound for a missing (or not-yours) gap."""
    return NotFound(f"No gap {shown(gap_id)}: list the gaps of an assessment to find its id.")


class Written(NamedTuple):
    """An assessment as written: its internal key, its public id and its gaps' public ids in report order."""

    id: int
    public_id: str
    gap_ids: list[str]


# built once: Core inserts on the transaction's connection, one statement per table, not the ORM's
# unit of work (three flushes and a gap-id query cost ~6 ms of a report turn's CPU)
_ASSESSMENT = insert(AssessmentRow).returning(AssessmentRow.id)


def write_assessment(db: Session, report: Report, session_id: str | None, owner: str) -> Written:
    """Add the assessment, its gaps and its decision audit rows in the session's transaction."""
    conn, public_id = db.connection(), new_public_id()
    row = {
        "public_id": public_id,
        "session_id": session_id,
        "owner": owner,
        "report": report.model_dump(mode="json"),
        "verdict": report.verdict,
        "engine": report.engine,
        "rubric_version": report.rubric_version,
        "prompt_version": report.prompt_version,
    }
    key = conn.execute(_ASSESSMENT, row).scalar_one()
    gaps = [_gap_row(key, gap) for gap in report.gaps]
    if gaps:
        conn.execute(insert(GapRow), gaps)
    if report.dimensions:  # the audit names the assessment by its public id
        conn.execute(insert(AuditRow), [_decision(public_id, report, dim) for dim in report.dimensions])
    return Written(key, public_id, [g["public_id"] for g in gaps])


def _gap_row(assessment: int, gap: Gap) -> dict[str, Any]:
    return {
        "public_id": new_public_id(),
        "assessment_id": assessment,
        "dimension": gap.dimension,
        "severity": gap.severity,
        "title": gap.title,
        "evidence": _evidence_json(gap.evidence),
    }


def _decision(assessment_id: str, report: Report, dim: DimensionResult) -> dict[str, Any]:
    """The audit row recording how one dimension was judged, by which engine and rubric."""
    return {
        "kind": DECISION_KIND,
        "subject": f"assessment:{assessment_id}",
        "actor": dim.engine or report.engine,
        "detail": {
            "dimension": dim.id,
            "status": dim.status,
            "severity": dim.severity,
            "evidence": _evidence_json(dim.evidence),
            "rationale": dim.rationale,
            "engine": dim.engine or report.engine,
            "rubric_version": report.rubric_version,
            "reader_version": report.reader_version,
        },
    }


class AssessmentsMixin(StoreBase):
    """Stored reports and the gaps tracked from them."""

    # --- assessments and gaps -------------------------------------------------------

    def save_assessment(self, report: Report, session_id: str | None = None, owner: str | None = None) -> str:
        """Store a report (quotes redacted) with its gaps and decisions, owned by its session's owner;
        return its public id.

        Without a session, `owner` owns it (default `local`, the CLI's and keyless API's owner);
        with one, a different `owner` is refused as if the session did not exist.
        """
        report = scrub_report(report)
        with self._tx() as db:
            if session_id is not None:
                session = db.get(SessionRow, session_id)
                if session is None or (owner is not None and session.owner != owner):
                    raise no_session(session_id)
                owner = session.owner
            return write_assessment(db, report, session_id, owner or LOCAL_OWNER).public_id

    def latest_assessment(self, session_id: str) -> Report | None:
        """The newest report for a session, if it has been assessed."""
        query = (
            select(AssessmentRow)
            .filter_by(session_id=session_id)
            .order_by(AssessmentRow.created_at.desc(), AssessmentRow.id.desc())
            .limit(1)
        )
        with self._read_tx() as db:
            row = db.scalars(query).first()
            return stored_report(row) if row else None

    def recent_assessments(self, owner: str, limit: int = 5) -> list[AssessmentRecord]:
        """One owner's newest assessments first (e.g. a Slack workspace's, for its Home tab)."""
        query = (
            select(AssessmentRow)
            .filter_by(owner=owner)
            .order_by(AssessmentRow.created_at.desc(), AssessmentRow.id.desc())
            .limit(limit)
        )
        with self._tx() as db:
            return [AssessmentRecord.of(r) for r in db.scalars(query)]

    def get_assessment(self, assessment_id: Ref, owner: str | None = None) -> AssessmentRecord:
        """One stored assessment by public id (or internal key); NotFound when it is missing or
        (with `owner`) someone else's."""
        with self._read_tx() as db:
            return AssessmentRecord.of(_assessment_row(db, assessment_id, owner))

    def list_gaps(self, assessment_id: Ref, owner: str | None = None) -> list[GapRecord]:
        """The gaps of one assessment, in report order; with `owner`, only that owner's."""
        with self._read_tx() as db:
            found = _assessment_row(db, assessment_id, owner)
            query = select(GapRow).filter_by(assessment_id=found.id).order_by(GapRow.id)
            return [GapRecord.of(r, found.public_id) for r in db.scalars(query)]

    def update_gap(
        self,
        gap_id: Ref,
        status: str | None = None,
        owner: str | None = None,
        actor: str | None = None,
        tenant: str | None = None,
    ) -> GapRecord:
        """Change a gap's status and/or owner (the person on it); every change is audited.

        `tenant` is the caller's owner id (API key, Slack workspace): a gap of another tenant's
        assessment is NotFound, exactly like a missing one.
        """
        if status is not None:
            check_choice(status, GAP_STATUSES, "gap status")
        with self._tx() as db:
            row = row_by_ref(db, GapRow, gap_id)
            parent = db.get(AssessmentRow, row.assessment_id) if row is not None else None
            if row is None or parent is None or (tenant is not None and parent.owner != tenant):
                raise no_gap(gap_id)
            changes = _gap_changes(row, status, owner)
            if changes:
                row.updated_at = utcnow()
                detail = {"assessment_id": parent.public_id, "changes": changes}
                db.add(AuditRow(kind="gap.updated", subject=f"gap:{row.public_id}", actor=actor, detail=detail))
            return GapRecord.of(row, parent.public_id)


def _assessment_row(db: Session, assessment_id: Ref, owner: str | None) -> AssessmentRow:
    row = row_by_ref(db, AssessmentRow, assessment_id)
    if row is None or (owner is not None and row.owner != owner):
        raise no_assessment(assessment_id)
    return row


def _gap_changes(row: GapRow, status: str | None, owner: str | None) -> dict[str, Any]:
    """Apply status/owner to the row and describe what changed."""
    changes: dict[str, Any] = {}
    if status is not None and status != row.status:
        changes["status"] = {"from": row.status, "to": status}
        row.status = status
    if owner is not None and owner != row.owner:
        changes["owner"] = {"from": row.owner, "to": owner}
        row.owner = owner
    return changes
