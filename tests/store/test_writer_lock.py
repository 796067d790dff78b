"""SQLite writers in one process queue on one lock per database file, before SQLite's own lock."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.store import open_store
from bot.store.base import writer_lock
from tests.store.conftest import store_settings


def test_stores_over_one_file_share_its_writer_lock(tmp_path: Path) -> None:
    first = open_store(store_settings(tmp_path / "a"))
    second = open_store(store_settings(tmp_path / "a"))
    other = open_store(store_settings(tmp_path / "b"))
    assert writer_lock(first.engine) is writer_lock(second.engine)
    assert writer_lock(other.engine) is not writer_lock(first.engine)


def test_a_write_waits_for_the_lock_and_then_commits(tmp_path: Path) -> None:
    store = open_store(store_settings(tmp_path))
    done: list[str] = []
    writer = threading.Thread(target=lambda: done.append(store.create_session("local", "api").id))
    with writer_lock(store.engine):  # as another thread's transaction would hold it
        writer.start()
        writer.join(0.5)
        assert writer.is_alive() and not done  # queued behind the holder, not failed
    writer.join(10)
    assert len(done) == 1 and store.get_session(done[0]).id == done[0]


def test_reads_do_not_wait_for_the_writer_lock(tmp_path: Path) -> None:
    store = open_store(store_settings(tmp_path))
    sid = store.create_session("local", "api").id
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.append(store.get_session(sid).id))
    with writer_lock(store.engine):
        reader.start()
        reader.join(10)
    assert seen == [sid]
