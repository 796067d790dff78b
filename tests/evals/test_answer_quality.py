"""The answer-quality judgements on hand-written answers: key ideas on word boundaries, whether an
answer stands on its own, and the per-split tallies and misses."""

from __future__ import annotations

import pytest

from bot.models import Citation, GroundedAnswer
from evals.answer_quality import (
    answer_words,
    case_misses,
    key_found,
    opening,
    question_row,
    split_metrics,
    split_tallies,
)
from evals.readability import listed_items, points_back_to_nothing, readability_problems


@pytest.mark.parametrize("text", ["We do not know yet.", "Start now.", "Nobody owns it.", "I know the data."])
def test_a_short_key_is_not_found_inside_other_words(text: str) -> None:
    assert not key_found(text, ["no"])


@pytest.mark.parametrize("text", ["No, not on synthetic data.", "The answer is no[1].", "Say no: it fails."])
def test_a_short_key_is_found_as_a_word(text: str) -> None:
    assert key_found(text, ["no"])


def test_short_keys_allow_a_plural_and_nothing_else() -> None:
    assert key_found("Keep the logs for a year.", ["log"])
    assert key_found("Two ERPs feed it.", ["erp"])
    assert not key_found("The catalog is stale.", ["log"])
    assert not key_found("Staff interpret the score.", ["erp"])
    assert not key_found("It acts on its ownership data.", ["on its own"])


def test_long_keys_work_as_stems_from_a_word_start() -> None:
    assert key_found("Approvals wait a week.", ["approv"])
    assert key_found("It was approved.", ["approv"])
    assert key_found("Monitoring catches drift.", ["monitor"])
    assert not key_found("They disapprove of it.", ["approv"])


def test_multi_word_and_punctuated_keys() -> None:
    assert key_found("Ask the business\nowner first.", ["business owner"])
    assert key_found("Which line of the P&L improves?", ["p&l"])
    assert key_found("Put an on-call rota in place.", ["on-call"])
    assert key_found("It acts on its own.", ["on its own"])
    assert not key_found("Ask the business.", ["business owner"])
    assert key_found("Nothing here, but a budget.", ["owner", "budget"])  # any one key


LONG = "and the team keeps the measure, the owner and the budget in one place for the steering group"


def test_a_whole_answer_reads_on_its_own() -> None:
    text = f"The business owner signs off the outcome and its running costs, {LONG}. [1]"
    assert readability_problems(text) == []


def test_a_distributive_opener_needs_its_set_in_the_answer() -> None:
    lone = "Each step needs a named owner and a date, and each one is reviewed at the weekly stand-up by the sponsor."
    assert any(p.startswith("dangling opener") for p in readability_problems(lone))
    whole = f"Each release goes through the evaluation harness first. A release that fails is rolled back, {LONG}."
    assert readability_problems(whole) == []


def test_a_named_set_need_not_be_listed() -> None:
    # "the six failure modes" is a name the playbook gives; referring to it is not leaning on missing text
    text = f"The coach reads a pilot against the six failure modes, {LONG}. [1]"
    assert readability_problems(text) == []


def test_a_reference_opener_is_fine_when_its_list_follows() -> None:
    text = "These are the steps that matter before launch:\n- a named owner\n- a live data feed\n- a rollback path"
    assert readability_problems(text) == []
    assert any(p.startswith("dangling opener") for p in readability_problems(f"This is why it matters, {LONG}."))


def test_an_opening_that_points_back_to_nothing_is_reported() -> None:
    dangling = f"Time saved only counts when it turns into that number, {LONG}. [1]"
    assert points_back_to_nothing(dangling) == "into that number"
    # the same pointer is fine once the opening sentence has named the thing
    named = f"Pick one business number; time saved only counts when it turns into that number, {LONG}. [1]"
    assert points_back_to_nothing(named) is None
    # "that" as a conjunction is no pointer, and a later sentence may point back in other words
    conjunction = f"The review shows that teams skip the owner, {LONG}. Those teams stall. [1]"
    assert points_back_to_nothing(conjunction) is None
    # each part comes from its own passage: its opening sentence can't lean on the part before
    parts = f"Name an owner for the pilot, {LONG}. [1]\n\nNone of those controls can wait until launch day. [2]"
    assert points_back_to_nothing(parts) == "those controls"
    # reported apart from readability (not yet validated as a gate), so it does not make the answer unreadable
    assert readability_problems(dangling) == []


def test_earlier_checks_still_hold() -> None:
    assert readability_problems("Too short. [1]") == ["fewer than 15 words"]
    assert "a promised list does not follow" in readability_problems(f"Here is what to do, {LONG}:")
    assert "'Second,' with no 'First,'" in readability_problems(f"Plan it. Second, audit the data path, {LONG}.")


def test_listed_items_counts_lines_ordinals_and_series() -> None:
    assert listed_items("Do this:\n- a\n- b\n- c") == 3
    assert listed_items("First, name him. Second, audit it. Finally, ship.") == 3
    assert listed_items("Four areas: owner, data, compliance and monitoring.") == 4
    assert listed_items("Owner, data, compliance and monitoring.") == 0  # prose commas are no list


def _row(case: str, pointer: str | None = None, **checks: bool) -> dict[str, object]:
    row: dict[str, object] = {
        "case": case,
        "problems": [] if checks.get("readable", True) else ["too short"],
        "points_back": pointer,
        "answer": "Name an owner this week. [1]",
    }
    keys = ("answered", "key_idea", "key_early", "right_area", "cited", "readable")
    return row | {k: checks.get(k, True) for k in keys}


def test_tallies_rates_and_misses_agree() -> None:
    rows = [
        _row("q1"),
        _row("q2", pointer="those moves", key_idea=False, key_early=False),
        _row("q3", answered=False, key_idea=False, key_early=False, right_area=False, readable=False),
    ]
    off = [
        {"id": "o1", "kind": "near-miss", "question": "choir?", "declined": True},
        {"id": "o2", "kind": "other", "question": "capital?", "declined": False},
    ]
    t = split_tallies(rows, off)
    assert (t["key_idea"].hits, t["key_idea"].n, t["key_idea"].misses) == (1, 3, ["q2", "q3"])
    assert (t["readable"].hits, t["readable"].n) == (2, 2)  # readability counts answered questions only
    assert (t["on_target"].hits, t["on_target"].misses) == (1, ["q2", "q3"])
    metrics = split_metrics(rows, off)
    assert metrics["key_idea_rate"] == 0.333 and metrics["answered_rate"] == 0.667
    assert metrics["decline_rate"] == 0.5 and metrics["near_miss_decline_rate"] == 1.0
    assert metrics["no_pointer_rate"] == 0.5 and metrics["readable_rate"] == 1.0  # of answered; reported apart
    assert metrics["key_early_rate"] == 0.333 and metrics["median_words"] == 5.0  # markers are not words
    problems = {m["case"]: m["problem"] for m in case_misses(rows, off)}
    assert problems == {
        "q2": "missing: key_idea",
        "q3": "missing: answered, key_idea, right_area, readable",
        "o2": "answered (other)",
    }


def test_the_opening_sentence_is_the_first_one_past_a_verdict_and_holds_the_key_early_or_not() -> None:
    answer = "Yes. Bring the privacy officer in before real records flow. Budget for a review later. [1]"
    assert opening(answer) == "Bring the privacy officer in before real records flow."
    assert key_found(opening(answer), ["privacy"]) and not key_found(opening(answer), ["budget"])
    assert answer_words(answer) == 15 and opening("") == ""


def test_a_question_row_marks_a_key_idea_only_in_a_later_sentence_as_not_early() -> None:
    reply = GroundedAnswer(
        answer="No. A demo sample hides the real work. Automate the data pipeline first. [1]",
        citations=[Citation(source="data_pipeline.md", section="s", title="t", text="x")],
        in_scope=True,
    )
    row = question_row(
        lambda _q: reply, {"id": "x", "question": "q?", "key": ["pipeline"], "areas": ["data_pipeline.md"]}
    )
    assert row["key_idea"] and not row["key_early"]
