"""The gate's rules, pure: which items a review holds, and whether a decision may be recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.checkins.records import SEVERITY_ORDER, PilotGap
from bot.errors import Conflict
from bot.gate.policy import GatePolicy
from bot.gate.records import Item, Signer
from bot.knowledge import Rubric

DEFAULT_DUE_DAYS = 30


@dataclass(frozen=True)
class ItemSpec:
    """A review item before it is stored."""

    dimension: str
    severity: str
    gap_title: str
    criterion: str
    role: str
    owner: str
    due_at: datetime


def review_items(
    gaps: list[PilotGap],
    rubric: Rubric,
    policy: GatePolicy,
    names: dict[str, str],
    owners: dict[str, str],
    now: datetime,
) -> list[ItemSpec]:
    """One item per "what good looks like" line of each open gap's area, most severe first.

    Each item's owner is the person named for its area (`owners`), else the signer of the role
    that owns the area by policy (`names`)."""
    good = {d.id: d.good_looks_like or [d.ready_title] for d in rubric.dimensions}
    items = []
    for gap in sorted((g for g in gaps if g.is_open), key=lambda g: SEVERITY_ORDER.get(g.severity, 9)):
        role = policy.item_roles.get(gap.dimension, next(iter(policy.roles)))
        owner = owners.get(gap.dimension) or names[role]
        due = now + timedelta(days=policy.due_days.get(gap.severity, DEFAULT_DUE_DAYS))
        for line in good.get(gap.dimension, [gap.title]):
            items.append(ItemSpec(gap.dimension, gap.severity, gap.title, line, role, owner, due))
    return items


def check_decision(policy: GatePolicy, decision: str, signers: list[Signer], open_items: list[Item]) -> None:
    """Conflict (saying what is missing) when the decision's rule is not met yet."""
    rule = policy.rule(decision)
    if rule.signoffs is not None:
        missing = [s.title for s in signers if s.signoff is None]
        if missing:
            raise Conflict(f"A {decision} decision needs every sign-off: still waiting for {', '.join(missing)}.")
        other = [f"{s.title} ({s.signoff})" for s in signers if s.signoff not in rule.signoffs]
        if other:
            raise Conflict(
                f"A {decision} decision needs sign-offs of {' or '.join(rule.signoffs)}; "
                f"{', '.join(other)} did not: record no_go or another decision."
            )
    if not rule.open_items and open_items:
        raise Conflict(
            f"A {decision} decision needs every item done or waived; {len(open_items)} still open: "
            "close them or decide go_with_conditions."
        )


def conditions(open_items: list[Item]) -> list[dict[str, str]]:
    """The open items a decision carries as its conditions: what, who, by when."""
    return [
        {"criterion": i.criterion, "dimension": i.dimension, "owner": i.owner, "due_at": i.due_at.isoformat()}
        for i in open_items
    ]
