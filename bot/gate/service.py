"""The gate service: open a review, sign for a named role, change items, decide, export.

Who may do what: the pilot's owner (its API key or Slack workspace; `scope` None is the local
operator) opens, changes items and decides; only the person named for a role signs for it, and a
named signer may read the review of a pilot they don't own. Refused sign-offs are audited."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.checkins import queries as pilots
from bot.checkins.clock import Clock, SystemClock
from bot.checkins.records import PilotGap
from bot.checkins.tables import PilotRow
from bot.config import Settings
from bot.errors import Conflict, InvalidInput, NotFound
from bot.gate import queries as q
from bot.gate.markdown import gate_markdown
from bot.gate.policy import GatePolicy
from bot.gate.records import Gate, Refused, check_identity
from bot.gate.rules import ItemSpec, check_decision, conditions, review_items
from bot.gate.tables import ITEM_STATUSES, GateItemRow, GateRow, GateSignerRow
from bot.knowledge import Rubric
from bot.limits import clean_text
from bot.redact import scrub
from bot.store.base import StoreBase, check_choice
from bot.store.public_ids import Ref, row_by_ref, shown

log = logging.getLogger(__name__)
Audit = Callable[[str, str, dict[str, Any], str | None], int]
NAME_CHARS, TEXT_CHARS = 200, 4000


def _text(raw: str, chars: int, what: str) -> str:
    """Cleaned like any input and redacted before storage (names, emails and phones masked)."""
    return scrub(clean_text(raw, chars, what))[:chars]


def _item_row(gate_id: int, spec: ItemSpec, now: datetime) -> GateItemRow:
    return GateItemRow(gate_id=gate_id, dimension=spec.dimension, severity=spec.severity, gap_title=spec.gap_title,
                       criterion=spec.criterion, role=spec.role, owner_name=spec.owner, due_at=spec.due_at,
                       status="open", updated_at=now)  # fmt: skip


def _no_review(pilot: PilotRow) -> NotFound:
    ref = pilot.public_id
    return NotFound(f"Pilot {ref} has no go/no-go review yet: open one with `coach gate open {ref}`.")


class Gates(StoreBase):
    """Production-readiness reviews of registered pilots; every public method is one transaction."""

    def __init__(self, engine: Engine, settings: Settings, rubric: Rubric, policy: GatePolicy,
                 audit: Audit, clock: Clock | None = None) -> None:  # fmt: skip
        super().__init__(engine, settings)
        self.rubric, self.policy, self.audit = rubric, policy, audit
        self.clock: Clock = clock or SystemClock()
        self.on_open: dict[str, Callable[[Gate], object]] = {}  # told of each new review (Slack DMs its signers)

    # --- opening ---------------------------------------------------------------------

    def open(self, pilot_id: Ref, signers: Mapping[str, tuple[str, str]], caller: str, scope: str | None,
             owners: Mapping[str, str] | None = None) -> Gate:  # fmt: skip
        """Open a review from the pilot's open gaps; `signers` maps every role to (name, identity)."""
        named = self._signers(signers)
        owners = {dim: _text(name, NAME_CHARS, "item owner") for dim, name in (owners or {}).items()}
        now = self.clock.now()
        with self._tx() as db:
            pilot = self._owned(db, pilot_id, scope)
            latest = q.latest_gate(db, pilot.id)
            if latest is not None and latest.status == "open":
                raise Conflict(
                    f"Pilot {pilot.public_id} already has an open review ({latest.public_id}): decide it first."
                )
            gate = GateRow(pilot_id=pilot.id, owner=pilot.owner, opened_by=caller, status="open", created_at=now)
            db.add(gate)
            db.flush()
            for role, (name, identity) in named.items():
                db.add(GateSignerRow(gate_id=gate.id, role=role, name=name, identity=identity))
            gaps = [PilotGap.of(r) for r in pilots.gap_rows(db, pilot.id)]
            names = {role: name for role, (name, _) in named.items()}
            for spec in review_items(gaps, self.rubric, self.policy, names, owners, now):
                db.add(_item_row(gate.id, spec, now))
            db.flush()
            view = self._view(db, gate, pilot)
        self.audit("gate.opened", f"pilot:{view.pilot_id}", {"gate_id": view.id, "items": len(view.items)}, caller)
        for notify in list(self.on_open.values()):
            try:
                notify(view)
            except Exception as exc:  # the review is open; the signers can still sign through the API
                log.warning("gate: could not send the sign-off requests: %s", type(exc).__name__)
        return view

    def _signers(self, signers: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
        for role in signers:
            self.policy.check_role(role)
        missing = [title for role, title in self.policy.roles.items() if role not in signers]
        if missing:
            raise InvalidInput(f"Name a person for every role: missing {', '.join(missing)}.")
        return {
            role: (_text(signers[role][0], NAME_CHARS, "signer name"), check_identity(signers[role][1]))
            for role in self.policy.roles
        }

    # --- reading ---------------------------------------------------------------------

    def show(self, pilot_id: Ref, caller: str, scope: str | None) -> Gate:
        """The pilot's latest review: for its owner, or for a person named to sign it."""
        with self._tx() as db:
            pilot, gate = self._visible(db, pilot_id, caller, scope)
            return self._view(db, gate, pilot)

    def markdown(self, pilot_id: Ref, caller: str, scope: str | None) -> str:
        """The latest review and its decision record as Markdown."""
        return gate_markdown(self.show(pilot_id, caller, scope))

    # --- signing ---------------------------------------------------------------------

    def sign(self, pilot_id: Ref, role: str, signoff: str, caller: str, scope: str | None,
             comment: str = "") -> Gate:  # fmt: skip
        """Record the caller's sign-off for `role`; anyone but the person named is refused and audited."""
        self.policy.check_role(role)
        self.policy.check_signoff(signoff)
        comment = _text(comment, TEXT_CHARS, "comment") if comment.strip() else ""
        refusal: Exception | None = None
        subject = f"pilot:{shown(pilot_id)}"  # by public id (a pilot the caller cannot see: what was asked for)
        with self._tx() as db:
            try:
                pilot, gate = self._visible(db, pilot_id, caller, scope)
            except NotFound as exc:
                refusal = exc
            else:
                subject = f"pilot:{pilot.public_id}"
                refusal = self._sign(db, gate, role, signoff, comment, caller)
                view = self._view(db, gate, pilot)
        if refusal is not None:
            detail = {"role": role, "signoff": signoff, "reason": refusal.__class__.__name__}
            self.audit("gate.signoff_refused", subject, detail, caller)
            raise refusal
        self.audit("gate.signed", subject, {"gate_id": view.id, "role": role, "signoff": signoff}, caller)
        return view

    def _sign(self, db: Session, gate: GateRow, role: str, signoff: str, comment: str, caller: str) -> Exception | None:
        """Sign, or the refusal to raise (after the attempt is audited)."""
        if gate.status != "open":
            raise Conflict(
                f"Review {gate.public_id} is already decided ({gate.decision}): open a new one to sign again."
            )
        row = db.scalars(select(GateSignerRow).filter_by(gate_id=gate.id, role=role).with_for_update()).one()
        title = self.policy.roles[role]
        if row.identity != caller:
            return Refused(f"Only {row.name}, named for {title}, can sign for that role; you signed in as {caller}.")
        if row.signoff is not None:
            if (row.signoff, row.comment or "") == (signoff, comment):
                return None  # the same click twice
            raise Conflict(f"{title} already signed ({row.signoff}) on {row.signed_at:%Y-%m-%d}; a sign-off is final.")
        row.signoff, row.comment, row.signed_by, row.signed_at = signoff, comment or None, caller, self.clock.now()
        return None

    # --- items and the decision ------------------------------------------------------

    def update_item(self, pilot_id: Ref, item_id: Ref, caller: str, scope: str | None, status: str | None = None,
                    owner: str | None = None, due_at: datetime | None = None) -> Gate:  # fmt: skip
        """Change an item's status, owner or due date (the pilot's owner only, while the review is open)."""
        if status is not None:
            check_choice(status, ITEM_STATUSES, "item status")
        with self._tx() as db:
            pilot, gate = self._open_gate(db, pilot_id, scope)
            row = row_by_ref(db, GateItemRow, item_id)
            if row is None or row.gate_id != gate.id:
                raise NotFound(f"No item {shown(item_id)} in the pilot's review: see its items with GET.")
            row.status = status or row.status
            row.owner_name = _text(owner, NAME_CHARS, "item owner") if owner else row.owner_name
            row.due_at = (due_at if due_at.tzinfo else due_at.replace(tzinfo=UTC)) if due_at else row.due_at
            row.updated_at = self.clock.now()
            view, item = self._view(db, gate, pilot), row.public_id
        self.audit("gate.item_changed", f"pilot:{view.pilot_id}", {"item_id": item, "status": row.status}, caller)
        return view

    def decide(self, pilot_id: Ref, decision: str, rationale: str, caller: str, scope: str | None) -> Gate:
        """Record go, go_with_conditions or no_go with its rationale, when the policy's rule is met."""
        self.policy.rule(decision)
        rationale = _text(rationale, TEXT_CHARS, "rationale")
        with self._tx() as db:
            pilot, gate = self._open_gate(db, pilot_id, scope)
            view = self._view(db, gate, pilot)
            check_decision(self.policy, decision, view.signers, view.open_items)
            gate.status, gate.decision, gate.rationale = "decided", decision, rationale
            gate.conditions = conditions(view.open_items) if decision != "no_go" else []
            gate.decided_by, gate.decided_at = caller, self.clock.now()
            view = self._view(db, gate, pilot)
        self.audit("gate.decided", f"pilot:{view.pilot_id}", {"gate_id": view.id, "decision": decision}, caller)
        return view

    # --- access ----------------------------------------------------------------------

    def _owned(self, db: Session, pilot_id: Ref, scope: str | None) -> PilotRow:
        """The pilot, locked for this transaction; NotFound when missing or someone else's."""
        pilot = pilots.pilot_row(db, pilot_id, scope)
        db.execute(select(PilotRow.id).where(PilotRow.id == pilot.id).with_for_update())
        return pilot

    def _open_gate(self, db: Session, pilot_id: Ref, scope: str | None) -> tuple[PilotRow, GateRow]:
        pilot = self._owned(db, pilot_id, scope)
        gate = q.latest_gate(db, pilot.id)
        if gate is None:
            raise _no_review(pilot)
        if gate.status != "open":
            raise Conflict(
                f"Review {gate.public_id} is already decided ({gate.decision}): open a new one to change it."
            )
        return pilot, gate

    def _visible(self, db: Session, pilot_id: Ref, caller: str, scope: str | None) -> tuple[PilotRow, GateRow]:
        """The pilot and its latest review, if the caller owns the pilot or is named to sign that review."""
        pilot = pilots.pilot_row(db, pilot_id, None)
        gate = q.latest_gate(db, pilot.id)
        owner = scope is None or pilot.owner == scope
        named = gate is not None and any(s.identity == caller for s in q.signer_rows(db, gate.id))
        if not (owner or named):
            raise pilots.no_pilot(pilot_id)  # exactly like a missing pilot
        if gate is None:
            raise _no_review(pilot)
        return pilot, gate

    def _view(self, db: Session, gate: GateRow, pilot: PilotRow) -> Gate:
        return q.load_gate(db, gate, pilot, self.policy.roles)
