"""Plain records the gate service returns (detached from the database), and its refusal error."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot.checkins.tables import PilotRow
from bot.errors import CoachError, InvalidInput
from bot.gate.tables import CLOSED_ITEMS, GateItemRow, GateRow, GateSignerRow

# Who a signer is: an API key's identity (GET /v1/whoami), a Slack user (slack:TEAM:USER), or the
# local operator (the CLI, or an API without keys). A fixed vocabulary of identifiers, not language.
IDENTITY = re.compile(r"local|key-[0-9a-f]{16}|slack:[A-Z0-9]{1,40}:[A-Z0-9]{1,40}")


class Refused(CoachError):
    """Someone tried to do what only another named person may do (the attempt is audited)."""

    code = "forbidden"
    status = 403


def check_identity(identity: str) -> str:
    """The identity, trimmed, or InvalidInput saying what one looks like."""
    value = identity.strip()
    if not IDENTITY.fullmatch(value):
        raise InvalidInput(
            f"Unknown identity {value[:60]!r}: use the signer's API key identity (key-..., from GET /v1/whoami), "
            "their Slack user as slack:TEAM:USER, or local."
        )
    return value


@dataclass(frozen=True)
class Item:
    """One review item, named by its public id (PATCH .../gate/items/{id} takes it)."""

    id: str
    dimension: str
    severity: str
    gap_title: str
    criterion: str
    role: str
    owner: str
    due_at: datetime
    status: str

    @property
    def is_open(self) -> bool:
        """Not done and not waived."""
        return self.status not in CLOSED_ITEMS

    @classmethod
    def of(cls, row: GateItemRow) -> Item:
        """Copy a row into a record."""
        return cls(row.public_id, row.dimension, row.severity, row.gap_title, row.criterion, row.role,
                   row.owner_name, row.due_at, row.status)  # fmt: skip


@dataclass(frozen=True)
class Signer:
    """The person named for a role and their sign-off, if given."""

    role: str
    title: str
    name: str
    identity: str
    signoff: str | None
    comment: str | None
    signed_by: str | None
    signed_at: datetime | None

    @classmethod
    def of(cls, row: GateSignerRow, title: str) -> Signer:
        """Copy a row into a record."""
        return cls(row.role, title, row.name, row.identity, row.signoff, row.comment, row.signed_by, row.signed_at)


@dataclass(frozen=True)
class Gate:
    """A review of one pilot: items, signers, and the decision once made (named by public ids:
    the review's own and its pilot's)."""

    id: str
    pilot_id: str
    pilot_name: str
    status: str
    opened_by: str
    created_at: datetime
    items: list[Item]
    signers: list[Signer]
    decision: str | None = None
    rationale: str | None = None
    conditions: list[dict[str, Any]] = field(default_factory=list)
    decided_by: str | None = None
    decided_at: datetime | None = None

    @classmethod
    def of(cls, row: GateRow, pilot: PilotRow, items: list[Item], signers: list[Signer]) -> Gate:
        """Copy a row (with its pilot, items and signers) into a record."""
        return cls(row.public_id, pilot.public_id, pilot.name, row.status, row.opened_by, row.created_at,
                   items, signers, row.decision, row.rationale, list(row.conditions or []), row.decided_by,
                   row.decided_at)  # fmt: skip

    @property
    def open_items(self) -> list[Item]:
        """Items neither done nor waived."""
        return [i for i in self.items if i.is_open]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API and `--json`."""
        out = _iso(asdict(self))
        out["signed"] = sum(1 for s in self.signers if s.signoff)
        out["open_items"] = len(self.open_items)
        return out


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value
