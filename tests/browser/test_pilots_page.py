"""The pilots page at a desktop and a 375 px phone: a styled table with a drawn sparkline, one lane
per area with a keyed legend, check-in summaries rendered (not raw Slack markup), numbered gaps."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.browser.layout import contrast, page_at

pytestmark = pytest.mark.browser
WRITE_UP = (
    "We trained and tested it on an extract someone pulled from the warehouse last spring. "
    "Priya cleaned the data by hand in a notebook before the demo.\n\n"
    "Nobody from the business has signed up to the numbers; IT sponsors it and there is no "
    "budget for running costs.\n\nWe haven't talked to risk or compliance yet.\n\n"
    "End users haven't been trained and nobody mapped their workflow.\n\n"
    "We have no monitoring, no evaluation set, no rollback plan."
)
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2}


def registered(page: Any, base_url: str, name: str) -> dict[str, Any]:
    """A pilot followed from a fresh assessment, with one answered check-in (two trend points)."""
    api = page.request
    report = api.post(f"{base_url}/v1/assessments", data={"text": WRITE_UP, "pilot_name": name}).json()
    body = {"assessment_id": report["assessment_id"], "name": name, "business_owner": "Dana", "sponsor": "Sam"}
    created = api.post(f"{base_url}/v1/pilots", data=body)
    assert created.status == 201, created.text()
    pilot = created.json()
    answered = api.post(f"{base_url}/v1/pilots/{pilot['pilot']['id']}/checkins", data={"text": "no change"})
    assert answered.status == 200, answered.text()
    return dict(pilot)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_pilots_page(browser: Any, base_url: str, viewport: str) -> None:
    with page_at(browser, viewport) as page:
        name = f"Claims <b>{uuid.uuid4().hex[:6]}</b> & co"  # markup in a name stays text
        pilot = registered(page, base_url, name)
        page.goto(f"{base_url}/pilots.html")
        row = page.locator("#pilots tbody tr", has_text=name)
        row.wait_for()

        # a styled table
        assert page.eval_on_selector(".pilots-table", "t => getComputedStyle(t).borderCollapse") == "collapse"
        head_bg = page.eval_on_selector(".pilots-table thead th", "th => getComputedStyle(th).backgroundColor")
        assert head_bg not in ("rgba(0, 0, 0, 0)", "transparent")
        # a real sparkline: a line through one point per check-in, labelled for screen readers
        spark = row.locator("svg.spark")
        points = spark.locator("polyline").get_attribute("points") or ""
        assert len(points.split()) == 2
        assert "Average readiness" in (spark.get_attribute("aria-label") or "")
        assert "▁" not in row.inner_text()

        row.locator("a").click()
        page.locator("#detail").wait_for()
        page.wait_for_function("() => document.activeElement.id === 'detail-title'")

        # one lane per area: each line inside its own lane, lanes apart, every lane labelled
        lanes = page.evaluate(
            """() => [...document.querySelectorAll('svg.trend g.lane')].map((g) => {
                 const lane = g.querySelector('rect').getBBox(), line = g.querySelector('polyline').getBBox();
                 return { dim: g.dataset.dimension, top: lane.y, bottom: lane.y + lane.height,
                          lineTop: line.y, lineBottom: line.y + line.height,
                          stroke: g.querySelector('polyline').getAttribute('stroke'),
                          label: g.querySelector('.lane-label').textContent }; })"""
        )
        assert len(lanes) == 6
        for lane in lanes:
            assert lane["top"] <= lane["lineTop"] <= lane["lineBottom"] <= lane["bottom"], lane
        for upper, lower in zip(lanes, lanes[1:], strict=False):
            assert upper["bottom"] < lower["top"]
        assert len({lane["stroke"] for lane in lanes}) == 6
        # a real legend: a swatch of each line's colour next to its area's name
        legend = page.evaluate(
            """() => [...document.querySelectorAll('#legend li')].map((li) => ({
                 colour: getComputedStyle(li.querySelector('.swatch')).backgroundColor, text: li.textContent }))"""
        )
        assert len(legend) == 6
        for lane, key in zip(lanes, legend, strict=True):
            assert key["colour"] == rgb(lane["stroke"]) and key["text"].startswith(lane["label"])

        # the gaps numbered as the check-in numbers them: open ones, most severe first
        assert page.eval_on_selector("#gaps", "e => e.tagName") == "OL"
        open_gaps = [g for g in pilot["gaps"] if g["status"] != "resolved"]
        expected = sorted(open_gaps, key=lambda g: SEVERITY_RANK[g["severity"]])
        shown = page.locator("#gaps > li").all_inner_texts()
        assert [t.split(":")[0].split(maxsplit=1)[1] for t in shown] == [g["title"] for g in expected]

        # answering renders the Slack-marked summary as text with emphasis, never raw markup
        page.fill("#answer", "1 resolved: nightly ingestion is live")
        page.click("#answer-form button[type=submit]")
        page.locator("#summary strong").wait_for()
        summary = page.inner_text("#summary")
        # still an answer to the first (ad-hoc) check-in `registered` opened, so it is the baseline
        assert page.inner_text("#summary strong") == f"Baseline recorded: {name}"
        assert "*" not in summary and "&lt;" not in summary and "&amp;" not in summary
        assert page.locator("#summary b").count() == 0
        assert page.locator("#summary li").count() >= 1
        page.locator("#closed-box").wait_for()
        assert expected[0]["title"] in page.inner_text("#closed")
        assert page.locator("#gaps > li").count() == len(expected) - 1

        result = contrast(page)
        assert result["failures"] == [], result["failures"]
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert page.console_errors == []


def rgb(hex_colour: str) -> str:
    """#rrggbb as the browser writes a computed colour."""
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))
