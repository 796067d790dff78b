"""Indexing and querying never open a network connection (no model hub, no telemetry)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.config import Settings
from bot.embeddings import MiniLMEmbedder
from bot.index import open_index
from bot.knowledge import iter_documents


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record and refuse every outbound connection and DNS lookup at the socket boundary."""
    seen: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        seen.append(address)
        raise OSError(f"network disabled in this test: {address!r}")

    def refuse_dns(host: object, *args: object, **kwargs: object) -> list[object]:
        seen.append(host)
        raise socket.gaierror(f"DNS disabled in this test: {host!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_dns)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))  # type: ignore[arg-type]
    return seen


def test_index_and_search_make_no_network_connection(
    attempts: list[object], settings: Settings, docs_dir: Path
) -> None:
    fresh = MiniLMEmbedder()  # loading the model from disk needs no download
    assert fresh.embed(["offline"]).shape == (1, 384)
    index = open_index(settings)  # a new embedded Chroma client (telemetry must stay off)
    summary = index.sync(iter_documents(docs_dir))
    assert summary.added > 0
    for mode in ("dense", "lexical", "hybrid"):
        assert index.search("audit trail", k=2, mode=mode)[0].source == "governance.md"  # type: ignore[arg-type]
    assert attempts == []
