"""Gate tables: reviews (one open at a time per pilot), their items and their named signers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, JSONType, utcnow
from bot.store.public_ids import new_public_id

ITEM_STATUSES = ("open", "done", "waived")
CLOSED_ITEMS = ("done", "waived")


def _empty_list() -> list[Any]:
    return []


class GateRow(Base):
    """A production-readiness review of one pilot, and (once decided) its decision record."""

    __tablename__ = "gates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # the id the API, Slack and the CLI use (random; see bot/store/public_ids.py); NULL never after 0007
    public_id: Mapped[str] = mapped_column(String(32), nullable=True, unique=True, index=True, default=new_public_id)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)  # the pilot's owner (API key or workspace)
    opened_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | decided
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(32))
    rationale: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[list[Any]] = mapped_column(JSONType, default=_empty_list)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]


class GateItemRow(Base):
    """One review item: a "what good looks like" criterion of an open gap, with owner, due date, status."""

    __tablename__ = "gate_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # the id the API, Slack and the CLI use (random; see bot/store/public_ids.py); NULL never after 0007
    public_id: Mapped[str] = mapped_column(String(32), nullable=True, unique=True, index=True, default=new_public_id)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    gap_title: Mapped[str] = mapped_column(Text)
    criterion: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(32))
    owner_name: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="open")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GateSignerRow(Base):
    """The person named to sign for one role, and their sign-off once given (who and when)."""

    __tablename__ = "gate_signers"
    __table_args__ = (UniqueConstraint("gate_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    identity: Mapped[str] = mapped_column(String(200), index=True)  # key-..., slack:TEAM:USER or local
    signoff: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    signed_by: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[datetime | None]


ROWS = (GateRow, GateItemRow, GateSignerRow)


def gate_tables() -> list[Table]:
    """The tables this package owns, in creation order."""
    return [row.__table__ for row in ROWS]  # type: ignore[misc]
