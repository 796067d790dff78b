"""`coach respondents invite|list|link|remind` on the database the API wrote: the operator names people
for an interview's areas, gets each one's link once, sees how far each is (by id), replaces a link,
and reminds the open ones."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.store.public_ids import is_public_id
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
    assert is_public_id(priya["id"]) and [p["id"] for p in api] == [priya["id"], sam["id"]]
    listed = cli.invoke(app, ["respondents", "list", lead])
    assert listed.exit_code == 0 and f"{priya['id']}  Priya Patel, data engineer (invited)" in listed.output
    assert "token" not in listed.output and priya["token"] not in listed.output
    reminded = cli.invoke(app, ["respondents", "remind", lead])
    assert reminded.exit_code == 0 and "Priya Patel, data engineer" in reminded.output and "Sam" in reminded.output
    relinked = cli.invoke(app, ["respondents", "link", lead, priya["id"]])
    assert relinked.exit_code == 0 and "Priya Patel, data engineer\n  /respond#" in relinked.output
    token = relinked.output.rpartition("#")[2].strip()
    assert own(rig.client, token)["name"] == "Priya Patel"  # the new link opens her interview; the old one is gone
    assert rig.client.get("/v1/respond", headers={"X-Respondent-Token": priya["token"]}).status_code == 404
    key = cli.invoke(app, ["respondents", "link", lead, "1"])  # an integer key, from outside, names nobody
    assert key.exit_code == 1 and "No respondent 1 in this interview" in key.output
    bad = cli.invoke(app, ["respondents", "invite", lead, "--person", "X=vibes"])
    assert bad.exit_code == 1 and "Which area is 'vibes'?" in bad.output
    missing = cli.invoke(app, ["respondents", "list", "no-such-session"])
    assert missing.exit_code == 1 and "No session no-such-session" in missing.output
