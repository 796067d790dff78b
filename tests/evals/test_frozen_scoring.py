"""How the frozen and probe write-up scorers match a lead quote to its labelled snippets."""

from __future__ import annotations

from evals.frozen import _lead_ok


def test_a_lead_quote_cut_at_its_full_stop_matches_its_snippet() -> None:
    # the quote sits inside the labelled sentence, but ends on punctuation the snippet doesn't have
    snippet = "nobody has signed off on the budget yet, finance says"
    assert _lead_ok("Nobody has signed off on the budget yet.", [snippet])
    assert _lead_ok('"the export is refreshed by hand"', ["The export is refreshed by hand every Monday"])


def test_a_quote_from_elsewhere_does_not_match() -> None:
    assert not _lead_ok("The CFO sponsors the pilot.", ["the export is refreshed by hand every Monday"])
    assert not _lead_ok("by hand.", ["the export is refreshed by hand every Monday"])  # too short to sit inside
