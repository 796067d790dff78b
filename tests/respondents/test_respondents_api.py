"""A three-person interview over the API: each answers only their areas through a token link; one
report with attributed evidence and one disagreement; tokens stored hashed; other keys see nothing."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.models import utcnow
from bot.respondents.records import LINK_DAYS
from bot.respondents.tables import RespondentRow
from bot.store.tables import AuditRow
from tests.respondents.conftest import (
    LEAD,
    OTHER,
    PEOPLE,
    SAID,
    Rig,
    answer_all,
    finish_intro,
    invite,
    lead_session,
    own,
)


def _report(rig: Rig, session_id: str) -> dict:
    resp = rig.client.get(f"/v1/sessions/{session_id}/report", headers=LEAD)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def test_three_people_one_report_attributed_with_a_disagreement(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    lead = lead_session(rig.client)
    sam, ana, priya = invite(rig.client, lead)
    assert [p["status"] for p in (sam, ana, priya)] == ["invited"] * 3
    assert ana["name"] == "ana.analyst" and ana["link"] == f"/respond#{ana['token']}"
    assert finish_intro(rig.client, lead)["reply"].startswith("That's all for your part")

    for person, key in ((sam, "Sam"), (priya, "Priya")):
        turns = answer_all(rig.client, person["token"], SAID[key])
        assert {t["topic"] for t in turns} <= {*person["areas"], "done"}  # only their areas are asked
        assert turns[-1]["done"] and turns[-1]["assessment_id"] is None  # no report for a respondent
    listed = rig.client.get(f"/v1/sessions/{lead}/respondents", headers=LEAD).json()["respondents"]
    assert [p["status"] for p in listed] == ["done", "invited", "done"]
    assert "token" not in listed[0]
    assert rig.coach.store.latest_assessment(lead) is None  # not all areas are in yet

    answer_all(rig.client, ana["token"], SAID["Ana"])
    report = rig.coach.store.latest_assessment(lead)
    assert report is not None  # made as the last person finished
    assert _report(rig, lead)["assessment_id"] == report.assessment_id
    authors = {e.author for g in report.gaps for e in g.evidence}
    assert {"Priya Patel, data engineer", "ana.analyst, analyst"} <= authors
    [split] = report.disagreements
    assert split.dimension == "roi_ownership"
    said = {e.author: e.quote for e in split.in_place + split.gap}  # the lead's own words may take a side too
    assert "Sam Sponsor, sponsor" in {e.author for e in split.in_place}
    assert "ana.analyst, analyst" in {e.author for e in split.gap}
    assert "measured a baseline" in said["Sam Sponsor, sponsor"] and "no baseline" in said["ana.analyst, analyst"]
    exported = rig.client.get(f"/v1/sessions/{lead}/report?format=md", headers=LEAD)
    assert "## Disagreements" in exported.text and "(Sam Sponsor, sponsor)" in exported.text
    assert not [r for r in caplog.records if "Priya" in r.getMessage() or "ana.analyst" in r.getMessage()]


def test_the_lead_asks_for_the_report_before_everyone_is_in(rig: Rig) -> None:
    lead = lead_session(rig.client)
    _, _, priya = invite(rig.client, lead)
    answer_all(rig.client, priya["token"], SAID["Priya"])
    turn = rig.client.post(f"/v1/sessions/{lead}/messages", json={"text": "report"}, headers=LEAD).json()
    assert turn["assessment_id"] is not None
    report = rig.coach.store.latest_assessment(lead)
    assert report is not None
    gaps = {g.dimension: g for g in report.gaps}
    assert gaps["data_pipeline"].evidence[0].author == "Priya Patel, data engineer"
    assert "roi_ownership" in {q.dimension for q in report.open_questions}  # Sam and Ana have not answered


def test_tokens_are_hashed_scoped_and_refused_when_wrong(rig: Rig) -> None:
    lead = lead_session(rig.client)
    invited = invite(rig.client, lead, PEOPLE[:1])
    token = invited[0]["token"]
    with rig.coach.store._read_tx() as db:
        row = db.scalars(select(RespondentRow)).one()
        stored = [str(v) for v in vars(row).values()]
        audits = [a.detail for a in db.scalars(select(AuditRow).filter_by(kind="respondents.invited"))]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in v for v in stored)
    assert "Sam" not in str(audits)  # ids only in the audit log
    shown = own(rig.client, token)
    assert [a["id"] for a in shown["areas"]] == ["roi_ownership"] and shown["topic"] == "roi_ownership"
    assert shown["name"] == "Sam Sponsor" and shown["messages"][0]["role"] == "coach"
    wrong = rig.client.get("/v1/respond", headers={"X-Respondent-Token": token[:-2] + "xx"})
    assert wrong.status_code == 404 and "not valid" in wrong.json()["error"]["message"]
    assert rig.client.get("/v1/respond").status_code == 404
    # the link's holder cannot use it on the lead's interview, and another key sees no respondents
    assert rig.client.post(f"/v1/sessions/{lead}/messages", json={"text": "x"},
                           headers={"X-Respondent-Token": token}).status_code == 401  # fmt: skip
    assert rig.client.get(f"/v1/sessions/{lead}/respondents", headers=OTHER).status_code == 404
    other = rig.client.post(f"/v1/sessions/{lead}/respondents", json={"respondents": PEOPLE}, headers=OTHER)
    assert other.status_code == 404


def test_bad_invitations_say_what_is_wrong(rig: Rig) -> None:
    lead = lead_session(rig.client)
    url = f"/v1/sessions/{lead}/respondents"
    unknown = rig.client.post(url, json={"respondents": [{"name": "X", "areas": ["vibes"]}]}, headers=LEAD)
    assert unknown.status_code == 422 and "Unknown area 'vibes'" in unknown.json()["error"]["message"]
    nameless = rig.client.post(url, json={"respondents": [{"areas": ["governance"]}]}, headers=LEAD)
    assert nameless.status_code == 422


def test_reminders_name_whoever_is_still_open(rig: Rig) -> None:
    lead = lead_session(rig.client)
    sam, ana, _ = invite(rig.client, lead)
    answer_all(rig.client, sam["token"], SAID["Sam"])
    reminded = rig.client.post(f"/v1/sessions/{lead}/respondents/remind", headers=LEAD).json()["reminded"]
    assert [p["name"] for p in reminded] == ["ana.analyst", "Priya Patel"]


def test_the_link_page_is_served_without_a_key(rig: Rig) -> None:
    page = rig.client.get("/respond")
    assert page.status_code == 200 and "/static/respond.js" in page.text and "/static/choices.js" in page.text
    assert "X-Respondent-Token" in rig.client.get("/static/respond.js").text


def test_a_link_stops_working_once_its_days_are_over(rig: Rig) -> None:
    lead = lead_session(rig.client)
    [sam] = invite(rig.client, lead, PEOPLE[:1])
    assert own(rig.client, sam["token"])["name"] == "Sam Sponsor"
    with rig.coach.store._tx() as db:  # the invitation was made LINK_DAYS and a minute ago
        row = db.scalars(select(RespondentRow)).one()
        row.created_at = utcnow() - timedelta(days=LINK_DAYS, minutes=1)
    header = {"X-Respondent-Token": sam["token"]}
    seen = rig.client.get("/v1/respond", headers=header)
    said = rig.client.post("/v1/respond/messages", json={"text": "We own the budget."}, headers=header)
    assert (seen.status_code, said.status_code) == (404, 404)
    assert "no longer is" in seen.json()["error"]["message"]
    again = invite(rig.client, lead, PEOPLE[:1])[0]  # a new invitation is the way back in
    assert own(rig.client, again["token"])["name"] == "Sam Sponsor"
