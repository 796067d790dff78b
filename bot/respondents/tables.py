"""The respondents table: who answers which areas of a split interview, and through what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, JSONType, utcnow
from bot.store.public_ids import new_public_id

STATUSES = ("invited", "answering", "done")


def _empty_list() -> list[Any]:
    return []


class RespondentRow(Base):
    """One person named for some areas of an interview; they answer in a session of their own."""

    __tablename__ = "respondents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # the id the API and the CLI use (random; see bot/store/public_ids.py); NULL never after 0008
    public_id: Mapped[str] = mapped_column(String(32), nullable=True, unique=True, index=True, default=new_public_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)  # the lead's
    owner: Mapped[str] = mapped_column(String(200), index=True)  # the lead's API key or workspace
    part_session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(320))  # no longer written (see Respondents._checked)
    slack_user: Mapped[str | None] = mapped_column(String(100))  # slack:TEAM:USER
    areas: Mapped[list[Any]] = mapped_column(JSONType, default=_empty_list)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the link's token
    status: Mapped[str] = mapped_column(String(16), default="invited")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    linked_at: Mapped[datetime | None]  # when the lead last replaced the link (else it dates from created_at)
