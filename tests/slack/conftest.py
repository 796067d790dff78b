"""Fixtures: one indexed coach per session, a fresh fake Slack and a FastAPI app per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.checkins.pilots import Checkins
from bot.config import Settings
from bot.factory import build_bolt, build_checkins, build_coach
from bot.index import index_knowledge
from bot.service import Coach
from bot.slack.http import mount_slack
from bot.store import Store, open_store
from tests.conftest import make_settings
from tests.slack.fake_slack import FakeSlack
from tests.slack.payloads import SlackSender
from tests.store.conftest import pg_schema_url, store_settings  # noqa: F401  (pg_schema_url: a fixture)

SECRET = "test-signing-secret"


@dataclass
class SlackRig:
    """Everything a Slack test drives: the app, a signing sender, the fake API, the coach."""

    fake: FakeSlack
    sender: SlackSender
    coach: Coach
    settings: Settings
    app: FastAPI
    checkins: Checkins


@pytest.fixture(scope="session")
def slack_coach(tmp_path_factory: pytest.TempPathFactory) -> Coach:
    """A coach over the real playbook, indexed once for the Slack tests."""
    settings = make_settings(tmp_path_factory.mktemp("slack") / "data")
    index_knowledge(settings)
    coach = build_coach(settings)
    coach.assess_text("We export a sample to a spreadsheet.")  # warm the embedder and engine
    return coach


def slack_settings(data_dir: Path, fake: FakeSlack) -> Settings:
    """Settings with Slack on, pointed at the fake Web API."""
    return make_settings(
        data_dir, slack_bot_token="xoxb-test-token", slack_signing_secret=SECRET,
        slack_app_token=None, slack_api_url=fake.api_url,
        scheduler_enabled=False,  # no background sweeps: a test starts the inbox itself
    )  # fmt: skip


def make_rig(coach: Coach, fake: FakeSlack, data_dir: Path) -> SlackRig:
    """A FastAPI app with Bolt mounted exactly as `create_app` does it."""
    settings = slack_settings(data_dir, fake)
    app = FastAPI()
    checkins = build_checkins(coach)
    mount_slack(app, settings, build_bolt(settings, coach, checkins))
    return SlackRig(fake, SlackSender(TestClient(app), SECRET), coach, settings, app, checkins)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API on 127.0.0.1."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def slack(slack_coach: Coach, fake_slack: FakeSlack, tmp_path: Path) -> SlackRig:
    """The Slack app mounted in FastAPI, talking to the fake Slack."""
    return make_rig(slack_coach, fake_slack, tmp_path / "data")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def replicas(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two stores with their own connection pools on one database, as two replicas have."""
    if request.param == "postgres":
        settings = store_settings(tmp_path / "data", database_url=request.getfixturevalue("pg_schema_url"))
    else:
        settings = make_settings(tmp_path / "data")
    first, second = open_store(settings), open_store(settings)  # each upgrades the schema (a no-op once done)
    yield first, second
    first.close()
    second.close()
