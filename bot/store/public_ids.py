"""Public ids: what the API, Slack, the CLI and the pages call a pilot, an assessment or a gap.

Integer primary keys are sequential (1, 2, 3...), so anyone could count them or guess another
tenant's. Every record that leaves the service is named by a random `public_id` instead (uuid4
hex, 32 characters, its own unique column); integer keys stay inside the store and the services.

A service method that takes a record takes a `Ref`: a `str` is a public id (anything that is not
one is simply not found), an `int` an internal key. Adapters only ever pass the strings they got.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.limits import is_public_id, valid_id

__all__ = ["Ref", "is_public_id", "new_public_id", "row_by_ref", "shown"]
Ref = int | str  # str: a public id (from outside); int: an internal key (from the services themselves)

RowT = TypeVar("RowT")


def new_public_id() -> str:
    """A fresh, non-guessable public id (122 random bits, uuid4 hex)."""
    return uuid.uuid4().hex


def row_by_ref(db: Session, row_type: type[RowT], ref: Ref) -> RowT | None:
    """The row a ref names, or None: an unknown or malformed public id, or a key out of range.

    Nothing malformed reaches the database (a NUL or an over-long value is an error on PostgreSQL)."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return db.get(row_type, ref) if valid_id(ref) else None
    if not is_public_id(ref):
        return None
    column: Any = row_type.public_id  # type: ignore[attr-defined]
    return db.scalars(select(row_type).where(column == ref)).first()


def shown(ref: Ref) -> str:
    """A ref as an error message may quote it: short, and nothing but id characters."""
    text = str(ref)
    return text if is_public_id(text) or (text.isdigit() and len(text) <= 20) else repr(text[:40])
