"""Reading answers: numbered lines, keyword lines, status cues, 'no change'."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.checkins.parse import cue_status, parse_answer
from bot.config import PROJECT_ROOT
from bot.knowledge import Dimension, load_rubric


@pytest.fixture(scope="module")
def order() -> list[Dimension]:
    rubric = load_rubric(Path(PROJECT_ROOT) / "knowledge" / "rubric.yaml")
    return [rubric.dimension(d) for d in ("data_pipeline", "governance", "roi_ownership")]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("resolved, the feed is live", "resolved"),
        ("not resolved yet", "unchanged"),
        ("no progress this week", "unchanged"),
        ("blocked: waiting on legal", "blocked"),
        ("risk review booked for Thursday", "in_progress"),
        ("we talked about it", None),
    ],
)
def test_cue_status(text: str, status: str | None) -> None:
    assert cue_status(text) == status


def test_numbered_and_keyword_lines(order: list[Dimension]) -> None:
    text = "1 resolved: nightly ingestion live\n2. blocked: waiting on compliance\nROI: in progress"
    lines = {p.dimension: p.status for p in parse_answer(text, order)}
    assert lines == {
        "data_pipeline": "resolved",
        "governance": "blocked",
        "roi_ownership": "in_progress",
    }


def test_no_change_applies_to_every_gap(order: list[Dimension]) -> None:
    parsed = parse_answer("No change.", order)
    assert [(p.dimension, p.status) for p in parsed] == [(d.id, "unchanged") for d in order]


def test_unrelated_lines_are_ignored(order: list[Dimension]) -> None:
    assert parse_answer("Thanks, see you next week!", order) == []
