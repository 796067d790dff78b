"""Evaluation suites: cases in `evals/cases/`, deterministic metrics, run by `coach eval`."""
