"""The scope stack (head logit + best passage match) decides at its balanced point, not at a threshold
picked from a grid by one k-fold, so a few new training rows can't swing it."""

from __future__ import annotations

import numpy as np

from training.train_scope import STACK_THRESHOLD, stack


def test_the_stack_threshold_is_the_balanced_point_whatever_the_folds_prefer() -> None:
    rng = np.random.default_rng(7)
    n = 200
    y = (rng.random(n) < 0.3).astype(np.float64)  # unbalanced, noisy: a grid would move the threshold
    logits = np.where(y == 1, 1.0, -1.0) + rng.normal(0, 1.5, n)
    match = np.where(y == 1, 0.5, 0.35) + rng.normal(0, 0.1, n)
    fitted = stack(logits, match, y)
    assert STACK_THRESHOLD == 0.5 and fitted["threshold"] == STACK_THRESHOLD
    assert 0.5 < fitted["cv_accuracy"] <= 1.0 and fitted["w_logit"] > 0 and fitted["w_match"] > 0
