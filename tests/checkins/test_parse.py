"""Reading answers: the reply format (numbers, offered status words) is policy; free lines go to the
gap the trained reader says they are about, and their words are judged, not matched to phrases."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.checkins.messages import REPLY_HINT
from bot.checkins.parse import REPLY_STATUSES, parse_answer, stated_status
from bot.config import PROJECT_ROOT
from bot.knowledge import Dimension, load_rubric
from bot.reading.reader import get_reader


@pytest.fixture(scope="module")
def order() -> list[Dimension]:
    rubric = load_rubric(Path(PROJECT_ROOT) / "knowledge" / "rubric.yaml")
    return [rubric.dimension(d) for d in ("data_pipeline", "governance", "roi_ownership")]


def read_areas(lines: list[str]) -> list[dict[str, float]]:
    return [r.area for r in get_reader().read(lines)]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("resolved, the feed is live", "resolved"),
        ("In progress: drafted", "in_progress"),
        ("blocked: waiting on legal", "blocked"),
        ("Governance: blocked, waiting on legal", "blocked"),
        ("no change", "unchanged"),
        # free words state no status: the engine judges them
        ("not resolved yet", None),
        ("resolvedness is a word", None),
        ("risk review booked for Thursday", None),
        ("A very long label that is not a label at all, really: resolved", None),
    ],
)
def test_stated_status_is_the_reply_format_only(text: str, status: str | None) -> None:
    assert stated_status(text) == status


def test_the_check_in_shows_every_offered_status_word() -> None:
    assert all(word in REPLY_HINT for word in REPLY_STATUSES)


def test_numbered_and_reader_lines(order: list[Dimension]) -> None:
    text = "1 resolved: nightly ingestion live\n2. blocked: waiting on compliance\nROI: in progress"
    lines = {p.dimension: p.status for p in parse_answer(text, order, read_areas)}
    assert lines == {"data_pipeline": "resolved", "governance": "blocked", "roi_ownership": "in_progress"}


def test_a_free_line_goes_to_the_gap_it_is_about_and_is_left_to_the_judge(order: list[Dimension]) -> None:
    [line] = parse_answer("compliance signed off the model last week", order, read_areas)
    assert (line.dimension, line.status) == ("governance", None)


def test_without_a_reader_only_numbered_lines_count(order: list[Dimension]) -> None:
    nothing = lambda lines: [{} for _ in lines]  # noqa: E731
    parsed = parse_answer("3 in progress: CFO agreed\ncompliance signed off", order, nothing)
    assert [(p.dimension, p.status) for p in parsed] == [("roi_ownership", "in_progress")]


def test_no_change_applies_to_every_gap(order: list[Dimension]) -> None:
    parsed = parse_answer("No change.", order, read_areas)
    assert [(p.dimension, p.status) for p in parsed] == [(d.id, "unchanged") for d in order]


def test_unrelated_lines_are_ignored(order: list[Dimension]) -> None:
    assert parse_answer("Thanks, see you next week!", order, read_areas) == []
