"""A team's answers for a whole interview, shared by the API, browser and benchmark runs."""

from __future__ import annotations

ANSWERS = [
    "A support triage assistant that drafts replies for our 40 support agents.",
    "The VP of Support sponsors it; average handle time should drop.",
    "A limited rollout to 10 agents.",
    "No, a person reviews every draft before anything is sent.",
    "We use a CSV export from Zendesk that Priya refreshes by hand every week.",
    "Nobody owns the budget after the pilot ends and we have no baseline.",
    "There has been no review by legal or security yet.",
    "Agents copy and paste from a separate tab, and usage is falling.",
    "It is not integrated with Zendesk or Salesforce; it is read only.",
    "We do not monitor it; no one is on call and we have no evals.",
]
FILLER = "We have not worked that out yet."
MAX_TURNS = 40


def answer(turn: int) -> str:
    """The answer for the n-th message (0-based); a vague filler once the script runs out."""
    return ANSWERS[turn] if turn < len(ANSWERS) else FILLER
