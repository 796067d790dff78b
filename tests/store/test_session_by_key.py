"""A channel's own interview is found by one query on its key, however many newer sessions exist."""

from __future__ import annotations

import time

from bot.store import Store


def test_the_channels_session_is_found_behind_more_than_a_hundred_newer_ones(store: Store) -> None:
    mine = store.create_session(owner="slack:T1", channel="slack", external_key="slack:T1:C1:171.1")
    time.sleep(0.01)
    for n in range(120):  # the old lookup read only the 100 most recent sessions
        store.create_session(owner="slack:T1", channel="slack", external_key=f"slack:T1:C{n + 2}:171.{n}")
    found = store.latest_session_with_key("slack:T1", "slack:T1:C1:")
    assert found is not None and found.id == mine.id
    assert store.latest_session_with_key("slack:T2", "slack:T1:C1:") is None  # another workspace's


def test_the_most_recently_active_session_of_the_channel_wins(store: Store) -> None:
    old = store.create_session(owner="slack:T1", channel="slack", external_key="slack:T1:C1:1.1")
    new = store.create_session(owner="slack:T1", channel="slack", external_key="slack:T1:C1:2.2")
    store.add_message(old.id, "user", "still talking here")  # activity moves it to the front
    assert store.latest_session_with_key("slack:T1", "slack:T1:C1:").id == old.id  # type: ignore[union-attr]
    assert new.id != old.id


def test_like_wildcards_in_the_key_are_literal(store: Store) -> None:
    store.create_session(owner="o", channel="slack", external_key="slack:T1:CXAB:1.1")
    assert store.latest_session_with_key("o", "slack:T1:C_AB:") is None
    assert store.latest_session_with_key("o", "slack:T1:C%") is None
    assert store.latest_session_with_key("o", "slack:T1:CXAB:") is not None
