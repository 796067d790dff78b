"""An empty report over HTTP claims no readiness: `insufficient_evidence`, and no ids in its Markdown."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from bot.models import Report

IDS = re.compile(r"data_pipeline|roi_ownership|legacy_integration|workflow_adoption|mlops_observability|\.md#")


def test_report_of_a_new_session_says_there_is_not_enough_to_judge(client: TestClient) -> None:
    session_id = client.post("/v1/sessions", json={"pilot_name": "Claims bot"}).json()["session_id"]
    resp = client.get(f"/v1/sessions/{session_id}/report")
    assert resp.status_code == 200
    report = Report.model_validate(resp.json())
    assert report.verdict == "insufficient_evidence"
    assert report.schema_version == "1.2"
    assert not report.gaps and not report.in_place
    assert len(report.open_questions) == 6 and all(q.title for q in report.open_questions)
    assert "6 of 6 areas are still open" in report.summary
    md = client.get(f"/v1/sessions/{session_id}/report", params={"format": "md"}).text
    assert "Not enough to judge yet" in md and "ready with conditions" not in md.lower()
    assert not IDS.search(md), IDS.search(md)


def test_report_typed_first_gets_the_same_verdict(client: TestClient) -> None:
    session_id = client.post("/v1/sessions", json={}).json()["session_id"]
    turn = client.post(f"/v1/sessions/{session_id}/messages", json={"text": "report"}).json()
    assert "Not enough to judge yet" in turn["reply"]
    assert "ready with conditions" not in turn["reply"].lower()


OPEN_COUNT = re.compile(r"(\d+) of (?:the )?(\d+) areas (?:is|are) still open")


def test_an_early_reports_chat_text_and_report_count_the_same_open_areas(client: TestClient) -> None:
    """The chat's opening and the report agree: an area is open when the report cannot judge it yet
    (the sponsor answer already decides the owner area, and the purpose the data, before either is asked)."""
    session_id = client.post("/v1/sessions", json={"pilot_name": "Claims bot"}).json()["session_id"]
    said = {
        "purpose": "It drafts claim replies for the claims handlers. We trained it on a one-off CSV export "
        "that someone cleaned by hand; there is no pipeline from the claims system.",
        "sponsor": "Nobody on the business side owns it; the innovation lab pays for it and no metric is agreed.",
    }
    for text in said.values():
        client.post(f"/v1/sessions/{session_id}/messages", json={"text": text})
    early = client.post(f"/v1/sessions/{session_id}/messages", json={"text": "report"}).json()
    report = Report.model_validate(client.get(f"/v1/sessions/{session_id}/report").json())
    assert report.gaps and 0 < len(report.open_questions) < 6, "the opening answers already decide an area"
    counts = OPEN_COUNT.findall(early["reply"])
    assert counts == [(str(len(report.open_questions)), "6")], early["reply"]  # said once, as the report counts
    assert OPEN_COUNT.findall(report.summary) == counts
    assert "partial" in early["reply"] and not early["done"] and early["assessment_id"]
