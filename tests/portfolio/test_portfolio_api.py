"""GET /v1/portfolio and its CSV across two keys: each key sees only its own pilots, with the
check-ins' own stall judgement, levels per area, verdicts and aggregates."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.portfolio.conftest import HEALTHY, A, B, Rig


def _portfolio(rig: Rig, headers: dict[str, str], **params: str) -> dict:
    resp = rig.client.get("/v1/portfolio", headers=headers, params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_each_key_sees_only_its_own_pilots(rig: Rig) -> None:
    mine = [rig.pilot(A, "Claims triage"), rig.pilot(A, "Meter agent", HEALTHY, business_owner="Priya")]
    theirs = rig.pilot(B, "Fraud scoring")
    a, b = _portfolio(rig, A), _portfolio(rig, B)
    assert [p["id"] for p in a["pilots"]] == mine
    assert [p["id"] for p in b["pilots"]] == [theirs]
    assert a["aggregates"]["pilots"] == 2 and b["aggregates"]["pilots"] == 1
    csv_b = rig.client.get("/v1/portfolio.csv", headers=B)
    assert csv_b.status_code == 200 and csv_b.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_b.text)))
    assert [r["name"] for r in rows] == ["Fraud scoring"]
    assert "Claims triage" not in csv_b.text and "Meter agent" not in csv_b.text


def test_a_line_agrees_with_the_pilot_and_its_report(rig: Rig) -> None:
    pid = rig.pilot(A, "Claims triage")
    [line] = _portfolio(rig, A)["pilots"]
    detail = rig.client.get(f"/v1/pilots/{pid}", headers=A).json()
    report = rig.coach.stored_report(detail["pilot"]["assessment_id"])
    assert line["verdict"] == report.verdict and line["agentic"] == report.agentic
    assert line["levels"] == {d.id: d.level for d in report.dimensions}
    assert line["open_by_severity"] == detail["summary"]["open_by_severity"]
    assert {g["title"] for g in line["open_gaps"]} == {g.title for g in report.gaps}
    assert (line["stage"], line["status"], line["stalled"]) == ("following", "active", False)
    assert line["business_owner"] == "Dana" and line["trend"]["direction"] == "new"


def test_stalls_match_the_checkins_and_show_in_the_aggregates(rig: Rig) -> None:
    # nothing closed; a close; readiness rising (work started) but past the target date it gave; no gaps at all
    names = ("Claims triage", "Meter agent", "Routing bot")
    pids = [*(rig.pilot(A, n) for n in names), rig.pilot(A, "Healthy one", HEALTHY)]
    rig.clock.advance(timedelta(days=1))  # the answers come after registration: a rise is a later point
    rig.client.post(f"/v1/pilots/{pids[1]}/checkins", json={"text": "1 resolved: the data contract is signed"},
                    headers=A)  # fmt: skip
    rig.client.post(f"/v1/pilots/{pids[2]}/checkins", json={"text": "1 in progress: done by 2026-03-13"}, headers=A)
    rig.clock.advance(timedelta(weeks=4))
    view = _portfolio(rig, A)
    listed = {p["pilot"]["id"]: p for p in rig.client.get("/v1/pilots", headers=A).json()["pilots"]}
    assert [p["id"] for p in view["pilots"]] == pids
    for line in view["pilots"]:
        summary = listed[line["id"]]
        for field in ("status", "stall_reasons", "weeks_since_close", "since_close", "headline", "open_by_severity",
                      "open_questions"):  # fmt: skip
            assert line[field] == summary[field], field
        assert line["stalled"] == bool(summary["stall_reasons"]) and line["trend"]["direction"] == summary["trend"]
    first, moved, rising, healthy = view["pilots"]
    assert first["stalled"] and first["weeks_since_close"] is None
    assert first["since_close"] == "none closed yet (followed for 4 weeks)"
    nothing = "no gap has closed in the 4 weeks since check-ins began and readiness has not risen"
    assert nothing in first["stall_reasons"]
    assert first["headline"].startswith("Stalled: ")
    assert (moved["weeks_since_close"], moved["since_close"]) == (4, "4 weeks ago")
    # readiness rose since registration, so "no gap closed" is not a reason; the passed target date is
    assert rising["stalled"] and rising["weeks_since_close"] is None
    assert not any("no gap has closed" in r for r in rising["stall_reasons"])
    assert any("still in progress after its target date 2026-03-13" in r for r in rising["stall_reasons"])
    assert (healthy["status"], healthy["stage"], healthy["stalled"]) == ("done", "ready_for_review", False)
    agg = view["aggregates"]
    assert agg["stalled"] == sum(1 for p in view["pilots"] if p["stalled"]) >= 2
    assert sum(agg["per_verdict"].values()) == 4
    oldest = agg["oldest_critical"]
    assert oldest and all(o["weeks_open"] == 4 for o in oldest)
    assert {o["pilot_id"] for o in oldest} <= set(pids)
    top = agg["common_gaps"][0]
    assert top["pilots"] == max(g["pilots"] for g in agg["common_gaps"])
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(rig.client.get("/v1/portfolio.csv", headers=A).text))}
    assert (rows["Claims triage"]["weeks_since_close"], rows["Meter agent"]["weeks_since_close"]) == ("", "4")
    assert rows["Claims triage"]["headline"] == first["headline"]


def test_a_pilot_without_a_business_owner_shows_it_as_its_first_gap(rig: Rig) -> None:
    pid = rig.pilot(A, "Claims triage", business_owner=None)
    [line] = _portfolio(rig, A)["pilots"]
    [summary] = rig.client.get("/v1/pilots", headers=A).json()["pilots"]
    assert line["business_owner"] == "" and line["open_gaps"][0]["title"] == "No named business owner"
    assert line["open_by_severity"] == summary["open_by_severity"] and line["headline"] == summary["headline"]
    named = rig.client.post(f"/v1/pilots/{pid}/business-owner", json={"business_owner": "Dana"}, headers=A)
    assert named.status_code == 200, named.text
    [line] = _portfolio(rig, A)["pilots"]
    assert line["business_owner"] == "Dana" and line["weeks_since_close"] == 0 and line["since_close"] == "this week"
    assert "No named business owner" not in {g["title"] for g in line["open_gaps"]}


def test_filters_by_owner_verdict_and_stalled(rig: Rig) -> None:
    rig.pilot(A, "Claims triage", business_owner="Dana Lee")
    rig.pilot(A, "Meter agent", HEALTHY, business_owner="Priya")
    everyone = _portfolio(rig, A)["pilots"]
    assert [p["name"] for p in _portfolio(rig, A, owner="priya")["pilots"]] == ["Meter agent"]
    verdict = everyone[0]["verdict"]
    same = [p["name"] for p in everyone if p["verdict"] == verdict]
    assert [p["name"] for p in _portfolio(rig, A, verdict=verdict)["pilots"]] == same
    assert _portfolio(rig, A, stalled="true")["pilots"] == []
    assert len(_portfolio(rig, A, stalled="false")["pilots"]) == 2
    filtered = rig.client.get("/v1/portfolio.csv", headers=A, params={"owner": "dana"}).text
    assert [r["name"] for r in csv.DictReader(io.StringIO(filtered))] == ["Claims triage"]


def test_the_page_is_served_with_its_script(rig: Rig) -> None:
    page = rig.client.get("/portfolio")
    assert page.status_code == 200 and "/static/portfolio.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert rig.client.get("/static/portfolio.js").status_code == 200
