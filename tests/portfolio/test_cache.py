"""The portfolio keeps each pilot's line and trend between views (bot.portfolio.cache, .trends):
what it serves must always equal a view built from nothing, whoever wrote the change (another API
replica, the check-ins) and however far the clock moved without a write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.factory import build_checkins, build_portfolio
from bot.portfolio.service import Portfolio
from tests.portfolio.conftest import HEALTHY, A, Rig


def _replica(rig: Rig) -> Portfolio:
    """A portfolio service of its own over the same database: another API replica's."""
    return build_portfolio(rig.coach.store, rig.coach.settings, rig.clock)


def _view(service: Portfolio, owner: str) -> dict[str, Any]:
    view = service.view(owner).to_dict()
    view.pop("generated_at")
    return view


def _answer(rig: Rig, pid: str, text: str) -> None:
    resp = rig.client.post(f"/v1/pilots/{pid}/checkins", json={"text": text}, headers=A)
    assert resp.status_code == 200, resp.text


def test_a_replica_sees_every_change_made_through_another(rig: Rig) -> None:
    owner = rig.ids["a"]
    pids = [rig.pilot(A, "Claims triage"), rig.pilot(A, "Meter agent", business_owner=None), rig.pilot(A, "Bot")]
    replica, checkins = _replica(rig), build_checkins(rig.coach, rig.clock)
    before = _view(replica, owner)  # kept in the replica's caches from here on
    rig.clock.advance(timedelta(days=1))
    steps = [
        lambda: _answer(rig, pids[0], "1 resolved: the data contract is signed"),
        lambda: _answer(rig, pids[0], "2 in progress: done by 2026-03-20"),  # the same check-in, answered again
        lambda: rig.client.post(f"/v1/pilots/{pids[1]}/business-owner", json={"business_owner": "Priya"}, headers=A),
        lambda: checkins.pause(pids[2]),
        lambda: checkins.resume(pids[2]),
        lambda: checkins.snooze(pids[2]),
        lambda: rig.pilot(A, "Healthy one", HEALTHY),
    ]
    for step in steps:
        step()
        after = _view(replica, owner)
        assert after == _view(_replica(rig), owner)  # a new service: nothing kept
        assert after != before  # the step changed what the portfolio shows
        before = after
    assert replica.lines.built < len(steps) * 3  # unchanged pilots were not rebuilt


def test_a_check_in_answered_again_at_the_same_instant_shows_its_new_levels(rig: Rig) -> None:
    # a replaced check-in's level rows can take the deleted rows' ids on SQLite: the trend must still move
    owner, pid = rig.ids["a"], rig.pilot(A, "Claims triage")
    replica = _replica(rig)
    rig.clock.advance(timedelta(days=1))
    _answer(rig, pid, "1 in progress: started")
    first = _view(replica, owner)
    _answer(rig, pid, "1 resolved: done")  # no clock move
    again = _view(replica, owner)
    assert again == _view(_replica(rig), owner)
    assert again["pilots"][0]["levels"] != first["pilots"][0]["levels"]


def test_lines_follow_the_clock_without_any_write(rig: Rig) -> None:
    owner = rig.ids["a"]
    pids = [rig.pilot(A, "Claims triage"), rig.pilot(A, "Meter agent"), rig.pilot(A, "Routing bot")]
    rig.clock.advance(timedelta(days=1))
    _answer(rig, pids[1], "1 resolved: the data contract is signed")
    _answer(rig, pids[2], "1 in progress: done by 2026-03-13")  # a target date that will pass
    build_checkins(rig.coach, rig.clock).snooze(pids[0])  # a snooze that will run out
    replica = _replica(rig)
    seen: set[tuple[str, bool, str]] = set()
    for _ in range(50):  # seven weeks, a day at a time, nothing written
        rig.clock.advance(timedelta(days=1))
        view = _view(replica, owner)
        assert view == _view(_replica(rig), owner), rig.clock.now()
        seen |= {(p["name"], p["stalled"], p["status"]) for p in view["pilots"]}
    # not vacuous: the days passed did change lines (a snooze ran out, a target date passed, weeks went by)
    assert {("Claims triage", False, "snoozed"), ("Claims triage", True, "stalled")} <= seen
    assert {("Routing bot", False, "active"), ("Routing bot", True, "stalled")} <= seen
    assert replica.trends.rebuilt == 3  # the level rows never changed: each trend built once


def test_an_unchanged_portfolio_is_served_without_rebuilding(rig: Rig) -> None:
    owner = rig.ids["a"]
    for name in ("Claims triage", "Meter agent"):
        rig.pilot(A, name)
    replica = _replica(rig)
    first = _view(replica, owner)
    built, rebuilt = replica.lines.built, replica.trends.rebuilt
    assert (built, rebuilt) == (2, 2)
    assert _view(replica, owner) == first
    assert (replica.lines.built, replica.trends.rebuilt) == (built, rebuilt)
