"""The gate's policy and rules, and the portfolio's CSV, without a database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.checkins.records import PilotGap
from bot.config import PROJECT_ROOT
from bot.errors import Conflict
from bot.gate.policy import load_gate_policy
from bot.gate.records import Item, Signer
from bot.gate.rules import check_decision, review_items
from bot.knowledge import KnowledgeError, load_rubric
from bot.portfolio.lines import PilotLine, matches, to_csv

KNOWLEDGE = PROJECT_ROOT / "knowledge"
NOW = datetime(2026, 3, 2, tzinfo=UTC)
POLICY = load_gate_policy(KNOWLEDGE)
RUBRIC = load_rubric(KNOWLEDGE / "rubric.yaml")
NAMES = {"business_owner": "Bea", "risk": "Rita", "engineering": "Eli", "operations": "Omar"}


def _gap(dimension: str, severity: str, status: str = "open") -> PilotGap:
    return PilotGap(1, dimension, f"gap in {dimension}", severity, status, [], NOW, None)


def _signers(*answers: str | None) -> list[Signer]:
    return [Signer(r, POLICY.roles[r], n, "local", a, None, None, None) for (r, n), a in zip(NAMES.items(), answers,
            strict=True)]  # fmt: skip


def _item(status: str = "open") -> Item:
    return Item(1, "governance", "critical", "g", "criterion", "risk", "Rita", NOW, status)


def test_items_come_from_open_gaps_with_owner_and_due_date_by_policy() -> None:
    gaps = [
        _gap("mlops_observability", "medium"),
        _gap("governance", "critical"),
        _gap("data_pipeline", "high", "resolved"),
    ]
    items = review_items(gaps, RUBRIC, POLICY, NAMES, {"mlops_observability": "Mo"}, NOW)
    good = {d.id: d.good_looks_like for d in RUBRIC.dimensions}
    assert [i.criterion for i in items] == good["governance"] + good["mlops_observability"]  # severest first
    gov = [i for i in items if i.dimension == "governance"]
    assert {(i.owner, i.role, i.due_at) for i in gov} == {("Rita", "risk", NOW + timedelta(days=14))}
    ops = [i for i in items if i.dimension == "mlops_observability"]
    assert {(i.owner, i.due_at) for i in ops} == {("Mo", NOW + timedelta(days=60))}


def test_decisions_follow_the_policy() -> None:
    approved = _signers("approve", "approve", "approve", "approve")
    check_decision(POLICY, "go", approved, [])
    with pytest.raises(Conflict, match="1 still open"):
        check_decision(POLICY, "go", approved, [_item()])
    check_decision(POLICY, "go_with_conditions", _signers("approve", "approve_with_conditions", "approve", "approve"),
                   [_item()])  # fmt: skip
    with pytest.raises(Conflict, match="still waiting for Operations"):
        check_decision(POLICY, "go_with_conditions", _signers("approve", "approve", "approve", None), [])
    with pytest.raises(Conflict, match=r"Risk and compliance \(reject\)"):
        check_decision(POLICY, "go_with_conditions", _signers("approve", "reject", "approve", "approve"), [])
    check_decision(POLICY, "no_go", _signers(None, None, None, None), [_item()])


def test_a_broken_policy_names_its_file(tmp_path: Path) -> None:
    data = yaml.safe_load((KNOWLEDGE / "gate.yaml").read_text(encoding="utf-8"))
    data["item_roles"]["governance"] = "legal"
    (tmp_path / "gate.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    unknown = r"gate\.yaml: the file: Value error, unknown role or sign-off \['legal'\]$"
    with pytest.raises(KnowledgeError, match=unknown):
        load_gate_policy(tmp_path)
    with pytest.raises(KnowledgeError, match="not found"):
        load_gate_policy(tmp_path / "missing")
    (tmp_path / "older").mkdir()  # a playbook from before the gate: the project's policy
    assert load_gate_policy(tmp_path / "older") == POLICY


def _line(name: str, owner: str, verdict: str, stalled: bool) -> PilotLine:
    return PilotLine(1, name, owner, "Sam", "following", "active", verdict, False, {"governance": 2},
                     {"critical": 1, "high": 0, "medium": 0}, stalled, [], None, {"direction": "new"},
                     None)  # fmt: skip


def test_csv_rows_are_safe_to_open_in_a_spreadsheet_and_filters_match() -> None:
    line = _line('=HYPERLINK("http://x")', "@Dana", "not_ready", True)
    [row] = list(csv.DictReader(io.StringIO(to_csv([line], ["governance", "roi_ownership"]))))
    assert row["name"].startswith("'=") and row["business_owner"] == "'@Dana"
    assert (row["level_governance"], row["level_roi_ownership"], row["open_critical"]) == ("2", "", "1")
    assert row["weeks_since_close"] == ""  # none closed yet: an empty cell, not 0
    assert matches(line, "dana", "not_ready", True) and matches(line, "SAM", None, None)
    assert not matches(line, "priya", None, None) and not matches(line, None, "ready", None)
    assert not matches(line, None, None, False)
