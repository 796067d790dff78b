"""training/fit_reading.py: grids over the reading policy, and a policy that really changes judgements."""

from __future__ import annotations

from bot.knowledge import ReadingPolicy
from bot.models import Statement
from bot.service import Coach
from training.fit_reading import flat, grid, misses, set_policy

GAP = "We trained it on a hand-cleaned CSV export; there is no production feed."


def test_a_grid_is_every_combination_over_the_base_policy() -> None:
    base = ReadingPolicy(topic_prior=8.0)
    policies = grid(["gap_min=0.4,0.5", "gap_share=0.7,1.0,1.2"], base)
    assert len(policies) == 6
    assert {(p.gap_min, p.gap_share) for p in policies} == {(a, b) for a in (0.4, 0.5) for b in (0.7, 1.0, 1.2)}
    assert all(p.topic_prior == 8.0 for p in policies)
    assert grid([], base) == [base]  # no grid: the policy as it is


def test_a_new_policy_is_used_for_the_next_judgement_not_a_remembered_one(coach: Coach) -> None:
    dim = coach.rubric.dimension("data_pipeline")
    kept = coach.rubric.reading
    try:
        assert coach.engine.judge(dim, [Statement(text=GAP, topic=dim.id)]).status == "gap"
        set_policy(coach, kept.model_copy(update={"gap_min": 1.01, "ready_min": 1.01}))
        assert coach.engine.judge(dim, [Statement(text=GAP, topic=dim.id)]).status == "unknown"
    finally:
        set_policy(coach, kept)
    assert coach.engine.judge(dim, [Statement(text=GAP, topic=dim.id)]).status == "gap"


def test_figures_take_the_gates_names_and_only_in_sample_bounds_are_checked() -> None:
    row = flat("answers.coach", {"overall": {"f1": 0.7, "recall": 0.9}, "false_critical_on_healthy": 1})
    assert row == {
        "answers.coach.overall.f1": 0.7,
        "answers.coach.overall.recall": 0.9,
        "answers.coach.false_critical_on_healthy": 1,
    }
    bounds = {
        "min": {"answers.coach.overall.f1": 0.75, "answers.coach.overall.recall": 0.8, "frozen.gap_recall": 0.9},
        "max": {"answers.coach.false_critical_on_healthy": 0},
    }
    assert misses(row, bounds) == ["answers.coach.overall.f1", "answers.coach.false_critical_on_healthy"]
