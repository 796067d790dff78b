"""`coach respondents invite|list|remind` on the database the API wrote: the operator names people for
an interview's areas, gets each one's link once, sees how far each is, and reminds the open ones."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.api.tenants import Rig
from tests.conftest import cli_on
from tests.respondents.conftest import LEAD, lead_session, own


@pytest.fixture
def cli(rig: Rig, database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI on the rig's database and playbook index."""
    return cli_on(rig.coach.settings.data_dir, database_url, monkeypatch)


def test_respondents_from_the_terminal(rig: Rig, cli: CliRunner) -> None:
    lead = lead_session(rig.client)
    people = ["--person", "Priya Patel=data pipeline, governance=data engineer", "--person", "Sam=roi ownership"]
    made = cli.invoke(app, ["respondents", "invite", lead, *people, "--json"])
    assert made.exit_code == 0, made.output
    priya, sam = json.loads(made.output)
    assert (priya["areas"], priya["role"], sam["areas"]) == (["data_pipeline", "governance"], "data engineer",
                                                             ["roi_ownership"])  # fmt: skip
    mine = own(rig.client, priya["token"])  # the printed link opens Priya's own interview
    assert mine["name"] == "Priya Patel" and [a["id"] for a in mine["areas"]] == ["data_pipeline", "governance"]
    api = rig.client.get(f"/v1/sessions/{lead}/respondents", headers=LEAD).json()["respondents"]
    assert [p["name"] for p in api] == ["Priya Patel", "Sam"]
    listed = cli.invoke(app, ["respondents", "list", lead])
    assert listed.exit_code == 0 and "Priya Patel, data engineer (invited)" in listed.output
    assert "token" not in listed.output and priya["token"] not in listed.output
    reminded = cli.invoke(app, ["respondents", "remind", lead])
    assert reminded.exit_code == 0 and "Priya Patel, data engineer" in reminded.output and "Sam" in reminded.output
    bad = cli.invoke(app, ["respondents", "invite", lead, "--person", "X=vibes"])
    assert bad.exit_code == 1 and "Which area is 'vibes'?" in bad.output
    missing = cli.invoke(app, ["respondents", "list", "no-such-session"])
    assert missing.exit_code == 1 and "No session no-such-session" in missing.output
