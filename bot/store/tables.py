"""The coach core's tables: sessions, messages, assessments, gaps, audit log, LLM calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base, new_id, utcnow
from bot.store.public_ids import new_public_id

CHANNELS = ("api", "web", "slack", "cli")
ROLES = ("user", "coach")
SESSION_STATUSES = ("active", "done")
GAP_STATUSES = ("open", "in_progress", "resolved", "accepted_risk")
LLM_OUTCOMES = ("ok", "retry", "fallback", "error")


def _empty_dict() -> dict[str, Any]:
    return {}


def _empty_list() -> list[Any]:
    return []


class SessionRow(Base):
    """One interview: who owns it, where it happens, and its opaque state."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    pilot_name: Mapped[str | None] = mapped_column(String(300))
    # the browser that started it (a random id the web page keeps): scopes the list without API keys
    client: Mapped[str | None] = mapped_column(String(64), index=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=_empty_dict)
    status: Mapped[str] = mapped_column(String(16), default="active")
    version: Mapped[int] = mapped_column(default=0)  # bumped on every state save (optimistic lock)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class MessageRow(Base):
    """One turn of a session; `text` is the original only when the settings keep it."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    redacted_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    meta: Mapped[dict[str, Any]] = mapped_column(default=_empty_dict)


class TurnKeyRow(Base):
    """A turn sent with an idempotency key: a retry with the same key gets this turn back.

    Written in the turn's own transaction, so a key is stored exactly when its turn is."""

    __tablename__ = "turn_keys"
    __table_args__ = (UniqueConstraint("session_id", "key", name="uq_turn_keys_session_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    text_hash: Mapped[str] = mapped_column(String(64))  # the message sent with the key (sha256)
    coach_message_id: Mapped[int] = mapped_column(Integer)
    assessment_id: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any]] = mapped_column(default=_empty_dict)  # topic, question id, options...
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssessmentRow(Base):
    """A stored report (schema v1 JSON) with the versions that produced it."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # the id the API, Slack and the CLI use (random; see bot/store/public_ids.py); NULL never after 0007
    public_id: Mapped[str] = mapped_column(String(32), nullable=True, unique=True, index=True, default=new_public_id)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"), index=True)
    # who may see it: the API key's or Slack workspace's owner id, as on sessions and pilots
    # (NULL only on rows older than the column whose session was unknown: nobody's)
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    report: Mapped[dict[str, Any]]
    verdict: Mapped[str] = mapped_column(String(32))
    engine: Mapped[str] = mapped_column(String(64))
    rubric_version: Mapped[str] = mapped_column(String(64))
    prompt_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class GapRow(Base):
    """One gap from an assessment, tracked until someone resolves it."""

    __tablename__ = "gaps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # the id the API, Slack and the CLI use (random; see bot/store/public_ids.py); NULL never after 0007
    public_id: Mapped[str] = mapped_column(String(32), nullable=True, unique=True, index=True, default=new_public_id)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32), default="open")
    title: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(default=_empty_list)
    owner: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditRow(Base):
    """Append-only record of decisions and changes; the Store never updates or deletes it."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_subject_kind", "subject", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(default=_empty_dict)


class LLMCallRow(Base):
    """One model call: tokens, latency, cost and how it ended."""

    __tablename__ = "llm_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    session_id: Mapped[str | None] = mapped_column(String(32), index=True)
    engine: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(64))
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    latency_ms: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
