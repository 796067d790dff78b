"""The gap list in the page reads as words: labels, titles and versions, never the report's ids."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.turns import FINISHED, finish_interview

pytestmark = pytest.mark.browser
IDS = re.compile(
    r"data_pipeline|roi_ownership|workflow_adoption|legacy_integration|mlops_observability|\.md#|prompts-|not_ready"
)


def test_the_gap_list_shows_no_raw_ids(page: Any, base_url: str) -> None:
    page.goto(base_url)
    page.locator(FINISHED).first.wait_for()
    finish_interview(page)
    shown = page.inner_text("#report")
    assert not IDS.search(shown), IDS.search(shown)
    assert "Why it matters for this pilot:" in shown
    assert "This week" in shown and "Playbook: " in shown
    assert re.search(r"Playbook: [A-Z][^;\n]+: [A-Z]", shown)  # "No production data pipeline: What goes wrong"
    assert "Made by the offline engine" in page.inner_text("#report-meta")
