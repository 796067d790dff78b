"""Gate queries inside one transaction: the gate service and the portfolio share them."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, func, select
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


def gate_summaries(db: Session, pilot_ids: Collection[int] | Select[Any]) -> dict[int, dict[str, Any]]:
    """Each pilot's latest review in a few queries (for the portfolio): public id, status, decision, counts.

    `pilot_ids`: ids, or a query selecting them (cheaper than hundreds of bound values)."""
    if isinstance(pilot_ids, Collection) and not pilot_ids:
        return {}
    latest = select(func.max(GateRow.id)).where(GateRow.pilot_id.in_(pilot_ids)).group_by(GateRow.pilot_id)
    columns = (GateRow.id, GateRow.pilot_id, GateRow.public_id, GateRow.status, GateRow.decision, GateRow.rationale,
               GateRow.decided_at)  # fmt: skip
    gates = list(db.execute(select(*columns).where(GateRow.id.in_(latest))))  # plain rows: no ORM objects
    signed = _counts(db, GateSignerRow, latest, GateSignerRow.signoff.is_not(None))
    named = _counts(db, GateSignerRow, latest, None)
    open_items = _counts(db, GateItemRow, latest, GateItemRow.status.not_in(CLOSED_ITEMS))
    return {
        pilot_id: {
            "id": public_id,
            "status": status,
            "decision": decision,
            "rationale": rationale,
            "decided_at": decided_at.isoformat() if decided_at else None,
            "signed": signed.get(gid, 0),
            "signers": named.get(gid, 0),
            "open_items": open_items.get(gid, 0),
        }
        for gid, pilot_id, public_id, status, decision, rationale, decided_at in gates
    }


def _counts(db: Session, row: Any, gate_ids: Select[Any], where: Any) -> dict[int, int]:
    query = select(row.gate_id, func.count()).where(row.gate_id.in_(gate_ids)).group_by(row.gate_id)
    if where is not None:
        query = query.where(where)
    return {gid: int(n) for gid, n in db.execute(query)}
