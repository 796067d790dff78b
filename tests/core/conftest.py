"""A real coach (SQLite, embedded Chroma, offline engine) over the real playbook."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.factory import build_coach
from bot.service import Coach


@pytest.fixture(scope="session")
def coach(indexed_settings: Settings) -> Coach:
    """One coach per test session; tests open their own sessions."""
    return build_coach(indexed_settings)
