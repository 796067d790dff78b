"""The go/no-go gate over HTTP: opened by the pilot's key, signed by two named people, refused (and
audited) for anyone else, decided under the policy's rules, exported as Markdown, shown in the portfolio."""

from __future__ import annotations

from typing import Any

from tests.portfolio.conftest import A, B, C, Rig


def _signers(rig: Rig) -> dict[str, Any]:
    """a signs as business owner and engineering, b as risk and operations."""
    a, b = rig.ids["a"], rig.ids["b"]
    return {
        "business_owner": {"name": "Dana Lee", "identity": a},
        "engineering": {"name": "Dana Lee", "identity": a},
        "risk": {"name": "Rita Risk", "identity": b},
        "operations": {"name": "Omar Ops", "identity": b},
    }


def _open(rig: Rig, pid: str) -> dict[str, Any]:
    resp = rig.client.post(f"/v1/pilots/{pid}/gate", json={"signers": _signers(rig)}, headers=A)
    assert resp.status_code == 201, resp.text
    return resp.json()


def _sign(rig: Rig, pid: str, headers: dict[str, str], role: str, signoff: str = "approve", comment: str = "") -> Any:
    return rig.client.post(f"/v1/pilots/{pid}/gate/signoffs", json={"role": role, "signoff": signoff,
                           "comment": comment}, headers=headers)  # fmt: skip


def _refusals(rig: Rig, pid: str) -> list[Any]:
    return rig.coach.store.list_audit(subject=f"pilot:{pid}", kind="gate.signoff_refused")


def test_a_review_holds_an_item_per_good_criterion_of_each_open_gap(rig: Rig) -> None:
    pid = rig.pilot(A, "Claims triage")
    gate = _open(rig, pid)
    gaps = rig.client.get(f"/v1/pilots/{pid}", headers=A).json()["gaps"]
    good = {d.id: d.good_looks_like for d in rig.coach.knowledge.rubric.dimensions}
    expected = sorted((g["dimension"], line) for g in gaps for line in good[g["dimension"]])
    assert sorted((i["dimension"], i["criterion"]) for i in gate["items"]) == expected
    owners = {i["dimension"]: i["owner"] for i in gate["items"]}
    assert owners.get("governance", "Rita Risk") == "Rita Risk"  # risk owns governance items by policy
    assert all(i["status"] == "open" and i["due_at"] > gate["created_at"] for i in gate["items"])
    again = rig.client.post(f"/v1/pilots/{pid}/gate", json={"signers": _signers(rig)}, headers=A)
    assert again.status_code == 409  # one open review at a time


def test_opened_signed_by_two_refused_for_a_third_decided_and_exported(rig: Rig) -> None:
    pid = rig.pilot(A, "Claims triage")
    gate = _open(rig, pid)
    # b is named (risk, operations), so b may read the review of a's pilot and sign its own roles
    assert rig.client.get(f"/v1/pilots/{pid}/gate", headers=B).json()["id"] == gate["id"]
    assert _sign(rig, pid, B, "risk", "approve_with_conditions", "Only after the DPIA").status_code == 200
    # c is nobody here: refused exactly like a missing pilot, and the attempt is audited
    stranger = _sign(rig, pid, C, "risk")
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "not_found"
    assert rig.client.get(f"/v1/pilots/{pid}/gate", headers=C).status_code == 404
    # b signing a's role is refused (403) and audited too; the pilot's owner cannot sign b's role either
    assert _sign(rig, pid, B, "business_owner").status_code == 403
    wrong = _sign(rig, pid, A, "operations")
    assert wrong.status_code == 403 and "Omar Ops" in wrong.json()["error"]["message"]
    refused = _refusals(rig, pid)
    assert [(r.actor, r.detail["role"]) for r in refused] == [
        (rig.ids["c"], "risk"),
        (rig.ids["b"], "business_owner"),
        (rig.ids["a"], "operations"),
    ]
    for headers, role in ((A, "business_owner"), (A, "engineering"), (B, "operations")):
        assert _sign(rig, pid, headers, role).status_code == 200
    signed = rig.client.get(f"/v1/pilots/{pid}/gate", headers=A).json()
    by_role = {s["role"]: s for s in signed["signers"]}
    assert by_role["risk"]["signed_by"] == rig.ids["b"] and by_role["risk"]["signed_at"]
    assert by_role["business_owner"]["signed_by"] == rig.ids["a"]
    assert _sign(rig, pid, B, "risk", "reject").status_code == 409  # a sign-off is final
    # go needs every item closed and plain approvals; go_with_conditions carries the open items
    go = rig.client.post(f"/v1/pilots/{pid}/gate/decision", json={"decision": "go", "rationale": "x"}, headers=A)
    assert go.status_code == 409
    by_b = rig.client.post(f"/v1/pilots/{pid}/gate/decision", json={"decision": "no_go", "rationale": "x"}, headers=B)
    assert by_b.status_code == 404  # a signer is not the pilot's owner: b cannot decide
    body = {"decision": "go_with_conditions", "rationale": "Value is proven; the DPIA must land first."}
    decided = rig.client.post(f"/v1/pilots/{pid}/gate/decision", json=body, headers=A)
    assert decided.status_code == 200, decided.text
    record = decided.json()
    assert record["decision"] == "go_with_conditions" and record["decided_by"] == rig.ids["a"]
    assert len(record["conditions"]) == len(signed["items"]) > 0
    export = rig.client.get(f"/v1/pilots/{pid}/gate/export", headers=A)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/markdown")
    md = export.text
    assert "**Go with conditions**" in md and body["rationale"] in md
    assert "| Risk and compliance | Rita Risk | approve_with_conditions (Only after the DPIA) |" in md
    assert md.count("| approve |") == 3 and "not signed" not in md
    assert rig.client.get(f"/v1/pilots/{pid}/gate/export", headers=C).status_code == 404
    [line] = rig.client.get("/v1/portfolio", headers=A).json()["pilots"]
    assert line["stage"] == "go_with_conditions" and line["gate"]["rationale"] == body["rationale"]
    assert (line["gate"]["signed"], line["gate"]["signers"]) == (4, 4)
    assert rig.client.get("/v1/portfolio", headers=B).json()["pilots"] == []  # signing is not owning


def test_a_rejection_allows_only_no_go_and_items_can_be_closed(rig: Rig) -> None:
    pid = rig.pilot(A, "Claims triage")
    gate = _open(rig, pid)
    item = gate["items"][0]["id"]
    changed = rig.client.patch(f"/v1/pilots/{pid}/gate/items/{item}", json={"status": "done", "owner": "Kim"},
                               headers=A)  # fmt: skip
    assert changed.status_code == 200
    first = changed.json()["items"][0]
    assert (first["status"], first["owner"]) == ("done", "Kim")
    path = f"/v1/pilots/{pid}/gate/items/{item}"
    due = rig.client.patch(path, json={"due_at": "2026-04-01"}, headers=A).json()["items"][0]
    assert (due["due_at"], due["status"], due["owner"]) == ("2026-04-01T00:00:00+00:00", "done", "Kim")
    assert rig.client.patch(path, json={"status": "x"}, headers=A).status_code == 422
    assert rig.client.patch(path, json={"status": "open"}, headers=B).status_code == 404  # b signs, b does not own
    for headers, role in ((A, "business_owner"), (A, "engineering"), (B, "operations")):
        _sign(rig, pid, headers, role)
    _sign(rig, pid, B, "risk", "reject", "No DPIA")
    cond = {"decision": "go_with_conditions", "rationale": "try"}
    refused = rig.client.post(f"/v1/pilots/{pid}/gate/decision", json=cond, headers=A)
    assert refused.status_code == 409 and "Risk and compliance (reject)" in refused.json()["error"]["message"]
    no_go = {"decision": "no_go", "rationale": "Risk rejected it: no DPIA."}
    assert rig.client.post(f"/v1/pilots/{pid}/gate/decision", json=no_go, headers=A).json()["conditions"] == []
    assert _sign(rig, pid, A, "business_owner", "reject").status_code == 409  # decided: closed
    assert "**No-go**" in rig.client.get(f"/v1/pilots/{pid}/gate/export", headers=A).text
    assert _open(rig, pid)["id"] != gate["id"]  # a decided review makes room for a new one


def test_bad_requests_say_what_to_send(rig: Rig) -> None:
    pid = rig.pilot(A, "Claims triage")
    partial = {"signers": {"risk": {"name": "Rita", "identity": rig.ids["b"]}}}
    missing = rig.client.post(f"/v1/pilots/{pid}/gate", json=partial, headers=A)
    assert missing.status_code == 422 and "Business owner" in missing.json()["error"]["message"]
    bad_id = {"signers": {**_signers(rig), "risk": {"name": "Rita", "identity": "rita@example.com"}}}
    assert rig.client.post(f"/v1/pilots/{pid}/gate", json=bad_id, headers=A).status_code == 422
    assert rig.client.get(f"/v1/pilots/{pid}/gate", headers=A).status_code == 404  # none opened
    assert rig.client.post(f"/v1/pilots/{pid}/gate", json={"signers": _signers(rig)}, headers=B).status_code == 404
    _open(rig, pid)
    assert _sign(rig, pid, A, "ceo").status_code == 422
    assert _sign(rig, pid, A, "business_owner", "maybe").status_code == 422


def test_a_stranger_walking_ids_finds_no_review_and_changes_nothing(rig: Rig) -> None:
    pids = [rig.pilot(A, "Claims triage"), rig.pilot(A, "Meter agent")]
    items = [i["id"] for i in _open(rig, pids[0])["items"]]
    before = rig.client.get(f"/v1/pilots/{pids[0]}/gate", headers=A).json()
    decision = {"decision": "no_go", "rationale": "x"}
    for pid in [*map(str, range(1, 11)), *pids]:  # the old sequential ids, and a's real ones
        base = f"/v1/pilots/{pid}/gate"
        for resp in (
            rig.client.get(base, headers=C),
            rig.client.get(f"{base}/export", headers=C),
            rig.client.post(base, json={"signers": _signers(rig)}, headers=C),
            _sign(rig, pid, C, "risk"),
            rig.client.post(f"{base}/decision", json=decision, headers=C),
            *(rig.client.patch(f"{base}/items/{i}", json={"status": "done"}, headers=C) for i in ["1", *items]),
        ):
            assert resp.status_code == 404, (pid, resp.request.method, resp.request.url, resp.text)
    assert rig.client.get(f"/v1/pilots/{pids[0]}/gate", headers=A).json() == before
    assert [r.actor for r in _refusals(rig, pids[0])] == [rig.ids["c"]]
    assert rig.client.get("/v1/portfolio", headers=C).json()["pilots"] == []
