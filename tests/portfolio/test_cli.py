"""`coach portfolio` and `coach gate ...` on the database the API wrote: the operator sees every pilot
(or one key's with --of), and signs only as `local`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import cli_on
from tests.portfolio.conftest import A, B, Rig


@pytest.fixture
def cli(rig: Rig, database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI on the rig's database and playbook index."""
    return cli_on(rig.coach.settings.data_dir, database_url, monkeypatch)


def test_portfolio_lists_every_pilot_or_one_keys(rig: Rig, cli: CliRunner) -> None:
    a, b = rig.pilot(A, "Claims triage"), rig.pilot(B, "Fraud scoring")
    every = cli.invoke(app, ["portfolio", "--json"])
    assert every.exit_code == 0, every.output
    assert [p["id"] for p in json.loads(every.output)["pilots"]] == [a, b]
    only_a = json.loads(cli.invoke(app, ["portfolio", "--json", "--of", rig.ids["a"]]).output)
    assert [p["name"] for p in only_a["pilots"]] == ["Claims triage"]
    table = cli.invoke(app, ["portfolio"])
    assert table.exit_code == 0 and "Claims triage" in table.output and "2 pilot(s)" in table.output
    # the CLI runs on the real clock: pilots registered on the rig's March clock have stalled since
    rows = list(csv.DictReader(io.StringIO(cli.invoke(app, ["portfolio", "--csv", "--stalled"]).output)))
    assert sorted(r["name"] for r in rows) == ["Claims triage", "Fraud scoring"]
    assert all(r["stalled"] == "True" and "no gap has closed in the" in r["stall_reasons"] for r in rows)
    assert all(r["weeks_since_close"] == "" and r["since_close"].startswith("none closed yet") for r in rows)
    assert cli.invoke(app, ["portfolio", "--csv", "--moving"]).output.count("\n") == 1  # the header only


def test_gate_from_the_terminal(rig: Rig, cli: CliRunner, tmp_path: Path) -> None:
    pid = rig.pilot(A, "Claims triage")
    signers = ["business_owner=Dana Lee=local", f"risk=Rita Risk={rig.ids['b']}",
               "engineering=Eli Eng=local", f"operations=Omar Ops={rig.ids['b']}"]  # fmt: skip
    args = ["gate", "open", str(pid), *[x for s in signers for x in ("--signer", s)]]
    opened = cli.invoke(app, args)
    assert opened.exit_code == 0, opened.output
    assert "# Go/no-go review: Claims triage" in opened.output
    signed = cli.invoke(app, ["gate", "sign", str(pid), "--role", "business_owner", "--signoff", "approve"])
    assert signed.exit_code == 0, signed.output
    refused = cli.invoke(app, ["gate", "sign", str(pid), "--role", "risk", "--signoff", "approve"])
    assert refused.exit_code == 1 and "Only Rita Risk" in refused.output and "Traceback" not in refused.output
    assert [r.actor for r in rig.coach.store.list_audit(subject=f"pilot:{pid}", kind="gate.signoff_refused")] == [
        "local"
    ]
    shown = json.loads(cli.invoke(app, ["gate", "show", str(pid), "--json"]).output)
    assert shown["signed"] == 1
    no_go = cli.invoke(app, ["gate", "decide", str(pid), "--decision", "no_go", "--rationale", "Not yet."])
    assert no_go.exit_code == 0, no_go.output
    out = tmp_path / "gate.md"
    assert cli.invoke(app, ["gate", "export", str(pid), "--out", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "**No-go**" in text and "Rationale: Not yet." in text
    bad = cli.invoke(app, ["gate", "open", str(pid), "--signer", "risk=Rita"])
    assert bad.exit_code != 0 and "ROLE=NAME=IDENTITY" in bad.output
