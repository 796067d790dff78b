"""A three-person interview over the API: each answers only their areas through a token link; one
report with attributed evidence and one disagreement; tokens stored hashed; people named by public
ids; a link replaced by a new one; other keys see nothing."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.models import utcnow
from bot.respondents.records import LINK_DAYS
from bot.respondents.tables import RespondentRow
from bot.store.public_ids import is_public_id
from bot.store.tables import AuditRow
from tests.api.tenants import dump_tables, integer_ids
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


def _audited(rig: Rig, kind: str) -> list[dict]:
    """The audit details of one kind, oldest first."""
    with rig.coach.store._read_tx() as db:
        return [a.detail for a in db.scalars(select(AuditRow).filter_by(kind=kind).order_by(AuditRow.id))]


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
    assert "no longer is" in seen.json()["error"]["message"]  # a new link is the way back in (below)


def test_respondents_are_named_by_public_ids_never_by_integers(rig: Rig) -> None:
    lead = lead_session(rig.client)
    invited = invite(rig.client, lead)
    listed = rig.client.get(f"/v1/sessions/{lead}/respondents", headers=LEAD).json()
    reminded = rig.client.post(f"/v1/sessions/{lead}/respondents/remind", headers=LEAD).json()
    ids = [p["id"] for p in invited]
    assert all(is_public_id(i) for i in ids) and len(set(ids)) == 3
    assert [p["id"] for p in listed["respondents"]] == [p["id"] for p in reminded["reminded"]] == ids
    assert integer_ids({"invited": invited, "listed": listed, "reminded": reminded}) == []
    with rig.coach.store._read_tx() as db:
        stored = {r.public_id for r in db.scalars(select(RespondentRow))}
    assert stored == set(ids)
    areas = [a for p in PEOPLE for a in p["areas"]]
    assert _audited(rig, "respondents.invited") == [{"respondents": ids, "areas": areas}]
    assert _audited(rig, "respondents.reminded") == [{"respondents": ids}]


def test_a_new_link_replaces_a_leaked_or_expired_one(rig: Rig) -> None:
    lead = lead_session(rig.client)
    sam, ana = invite(rig.client, lead, PEOPLE[:2])
    leaked = rig.client.post(f"/v1/sessions/{lead}/respondents/{sam['id']}/link", headers=LEAD)
    assert leaked.status_code == 200, leaked.text
    new = leaked.json()
    assert (new["id"], new["name"], new["link"]) == (sam["id"], "Sam Sponsor", f"/respond#{new['token']}")
    old = rig.client.get("/v1/respond", headers={"X-Respondent-Token": sam["token"]})
    assert old.status_code == 404  # the leaked link stops working at once
    assert own(rig.client, new["token"])["name"] == "Sam Sponsor" and own(rig.client, ana["token"])["name"]
    with rig.coach.store._tx() as db:  # both invited LINK_DAYS and a minute ago
        for row in db.scalars(select(RespondentRow)):
            row.created_at = utcnow() - timedelta(days=LINK_DAYS, minutes=1)
    assert own(rig.client, new["token"])["name"] == "Sam Sponsor"  # a new link's days count from when it was made
    assert rig.client.get("/v1/respond", headers={"X-Respondent-Token": ana["token"]}).status_code == 404
    again = rig.client.post(f"/v1/sessions/{lead}/respondents/{ana['id']}/link", headers=LEAD).json()
    answer_all(rig.client, again["token"], SAID["Ana"])  # the same person, their interview carries on
    listed = rig.client.get(f"/v1/sessions/{lead}/respondents", headers=LEAD).json()["respondents"]
    assert [(p["id"], p["status"]) for p in listed] == [(sam["id"], "invited"), (ana["id"], "done")]
    assert _audited(rig, "respondents.relinked") == [{"respondents": [sam["id"]]}, {"respondents": [ana["id"]]}]


def test_respondent_ids_walked_from_outside_name_nobody(rig: Rig) -> None:
    lead, other_lead = lead_session(rig.client), lead_session(rig.client)
    [sam] = invite(rig.client, lead, PEOPLE[:1])
    [priya] = invite(rig.client, other_lead, PEOPLE[2:])  # the same key's other interview
    theirs = rig.client.post("/v1/sessions", json={"pilot_name": "Other"}, headers=OTHER).json()["session_id"]
    with rig.coach.store._read_tx() as db:
        keys = [r.id for r in db.scalars(select(RespondentRow))]
    walked: list[object] = [*range(1, 11), *keys, 2**31, 2**53, -1, 0, "f" * 31, "x" * 5000, priya["id"]]
    for ident in walked:  # the lead's own interview: the integer keys, odd sizes, another interview's person
        resp = rig.client.post(f"/v1/sessions/{lead}/respondents/{ident}/link", headers=LEAD)
        assert (resp.status_code, resp.json()["error"]["code"]) == (404, "not_found"), (ident, resp.text)
    for session, ident in [(lead, sam["id"]), (theirs, sam["id"]), *[(theirs, k) for k in keys]]:  # another key
        resp = rig.client.post(f"/v1/sessions/{session}/respondents/{ident}/link", headers=OTHER)
        assert resp.status_code == 404, (session, ident, resp.text)
    assert own(rig.client, sam["token"])["name"] == "Sam Sponsor"  # nothing was replaced
    assert own(rig.client, priya["token"])["name"] == "Priya Patel"
    assert _audited(rig, "respondents.relinked") == []


def test_a_person_is_kept_without_secrets_or_their_email(rig: Rig) -> None:
    lead = lead_session(rig.client)
    people = [{"name": "Sam sk_live_4eC39HqLyjWDarjtT1zdp7dc", "role": "owner AKIA2PLANTEDKEY7QXZW",
               "email": "sam.sponsor@example.com", "areas": ["roi_ownership"]}, *PEOPLE[1:2]]  # fmt: skip
    sam, ana = invite(rig.client, lead, people)
    assert (sam["name"], sam["role"], ana["name"]) == ("Sam sk_live_[SECRET]", "owner [SECRET]", "ana.analyst")
    stored = dump_tables(rig.engine)["respondents"]
    assert not [raw for raw in ("4eC39HqLyjWDarjtT1zdp7dc", "AKIA2PLANTEDKEY7QXZW", "@example.com") if raw in stored]


def test_hostile_people_are_refused_in_words_never_with_a_500(rig: Rig) -> None:
    lead = lead_session(rig.client)
    url = f"/v1/sessions/{lead}/respondents"
    area = ["governance"]
    for person, status in [
        ({"name": "Sam\x00", "areas": area}, 422),
        ({"name": "Sam", "role": "\x00", "areas": area}, 422),
        ({"email": "\x00@example.com", "areas": area}, 422),
        ({"name": "S" * 250, "areas": area}, 413),  # fits the request, not the column
        ({"name": "S" * 186 + " password: abc", "areas": area}, 413),  # fits until the secret is masked
        ({"name": "Sam", "areas": ["\x00"]}, 422),
        ({"name": "S" * 321, "areas": area}, 422),
    ]:
        resp = rig.client.post(url, json={"respondents": [person]}, headers=LEAD)
        assert resp.status_code == status and resp.json()["error"]["message"], (person, resp.text)
    weird = rig.client.post(f"{url}/a%00b/link", headers=LEAD)
    assert weird.status_code == 404 and "a\\x00b" in weird.json()["error"]["message"]
    assert rig.client.get(url, headers=LEAD).json() == {"respondents": []}
