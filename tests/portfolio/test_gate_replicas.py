"""Two replicas (their own connection pools) open a review of the same pilot at the same instant:
exactly one review is opened, the other gets a Conflict (the pilot row is locked while opening)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.errors import Conflict
from bot.factory import build_gates
from bot.store import open_store
from tests.portfolio.conftest import A, Rig


def test_two_replicas_open_one_review(rig: Rig) -> None:
    pid = rig.pilot(A, "Claims triage")
    owner = rig.ids["a"]
    signers = {role: ("Dana", owner) for role in ("business_owner", "risk", "engineering", "operations")}
    stores = [open_store(rig.coach.settings) for _ in range(2)]
    replicas = [build_gates(store, rig.coach.settings, rig.clock) for store in stores]
    barrier = threading.Barrier(2)

    def attempt(gates: Any) -> str:
        barrier.wait()
        try:
            return f"opened {gates.open(pid, signers, owner, owner).id}"
        except Conflict:
            return "conflict"

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = sorted(pool.map(attempt, replicas))
    finally:
        for store in stores:
            store.close()
    assert outcomes[0] == "conflict" and outcomes[1].startswith("opened"), outcomes
    gate = rig.client.get(f"/v1/pilots/{pid}/gate", headers=A).json()
    assert outcomes[1] == f"opened {gate['id']}"
