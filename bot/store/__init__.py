"""Persistence for the coach core: one declarative `Base`, the tables, and the `Store`."""

from bot.store.db import Base, JSONType, UTCDateTime, new_id, safe_url, utcnow
from bot.store.records import (
    AssessmentRecord,
    AuditRecord,
    GapRecord,
    MessageRecord,
    SessionRecord,
)
from bot.store.store import Store, open_store

__all__ = [
    "AssessmentRecord",
    "AuditRecord",
    "Base",
    "GapRecord",
    "JSONType",
    "MessageRecord",
    "SessionRecord",
    "Store",
    "UTCDateTime",
    "new_id",
    "open_store",
    "safe_url",
    "utcnow",
]
