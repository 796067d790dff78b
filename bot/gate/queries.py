"""Gate queries inside one transaction: the gate service and the portfolio share them."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.checkins.tables import PilotRow
from bot.gate.records import Gate, Item, Signer
from bot.gate.tables import CLOSED_ITEMS, GateItemRow, GateRow, GateSignerRow


def latest_gate(db: Session, pilot_id: int) -> GateRow | None:
    """The pilot's most recent review, open or decided."""
    query = select(GateRow).filter_by(pilot_id=pilot_id).order_by(GateRow.id.desc())
    return db.scalars(query).first()


def signer_rows(db: Session, gate_id: int) -> list[GateSignerRow]:
    """A review's signers, in the order they were named."""
    return list(db.scalars(select(GateSignerRow).filter_by(gate_id=gate_id).order_by(GateSignerRow.id)))


def item_rows(db: Session, gate_id: int) -> list[GateItemRow]:
    """A review's items, in the order they were built (most severe first)."""
    return list(db.scalars(select(GateItemRow).filter_by(gate_id=gate_id).order_by(GateItemRow.id)))


def load_gate(db: Session, row: GateRow, pilot: PilotRow, titles: dict[str, str]) -> Gate:
    """The whole review as a record; `titles` names each role."""
    items = [Item.of(r) for r in item_rows(db, row.id)]
    signers = [Signer.of(r, titles.get(r.role, r.role)) for r in signer_rows(db, row.id)]
    return Gate.of(row, pilot, items, signers)


def gate_summaries(db: Session, pilot_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """Each pilot's latest review in a few queries (for the portfolio): public id, status, decision, counts."""
    if not pilot_ids:
        return {}
    latest = select(func.max(GateRow.id)).where(GateRow.pilot_id.in_(pilot_ids)).group_by(GateRow.pilot_id)
    gates = {g.id: g for g in db.scalars(select(GateRow).where(GateRow.id.in_(latest)))}
    signed = _counts(db, GateSignerRow, list(gates), GateSignerRow.signoff.is_not(None))
    named = _counts(db, GateSignerRow, list(gates), None)
    open_items = _counts(db, GateItemRow, list(gates), GateItemRow.status.not_in(CLOSED_ITEMS))
    return {
        g.pilot_id: {
            "id": g.public_id,
            "status": g.status,
            "decision": g.decision,
            "rationale": g.rationale,
            "decided_at": g.decided_at.isoformat() if g.decided_at else None,
            "signed": signed.get(g.id, 0),
            "signers": named.get(g.id, 0),
            "open_items": open_items.get(g.id, 0),
        }
        for g in gates.values()
    }


def _counts(db: Session, row: Any, gate_ids: list[int], where: Any) -> dict[int, int]:
    query = select(row.gate_id, func.count()).where(row.gate_id.in_(gate_ids)).group_by(row.gate_id)
    if where is not None:
        query = query.where(where)
    return {gid: int(n) for gid, n in db.execute(query)}
