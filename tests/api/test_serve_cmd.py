"""`coach serve`: loopback only without keys, and a real server that answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.cli.serve_cmds import is_loopback, url_for
from bot.config import Settings
from tests.api.server import free_port

COACH = [sys.executable, "-c", "from bot.cli import main; main()", "serve"]


def coach_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a `coach` process using the test data dir (no keys unless given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
    return env | {"COACH_DATA_DIR": str(settings.data_dir), **extra}


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.0.0.9", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.1.2.3", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_url_for_brackets_ipv6() -> None:
    assert url_for("::1", 8000) == "http://[::1]:8000"
    assert url_for("127.0.0.1", 80) == "http://127.0.0.1:80"


def test_refuses_a_public_address_without_keys(api_settings: Settings, tmp_path: Path) -> None:
    done = subprocess.run(
        [*COACH, "--host", "0.0.0.0"],
        env=coach_env(api_settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "COACH_API_KEYS" in done.stderr and "Traceback" not in done.stderr


def test_refuses_short_api_keys_in_one_sentence(api_settings: Settings, tmp_path: Path) -> None:
    done = subprocess.run(
        COACH,
        env=coach_env(api_settings, COACH_API_KEYS="long-enough-key-0123,tiny-key"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = " ".join(done.stderr.split())
    assert done.returncode == 2 and "Traceback" not in said
    assert "COACH_API_KEYS: every key must be at least 16 characters long" in said
    assert "tiny-key" not in said and "long-enough-key" not in said


def test_serves_the_api_and_the_page(api_settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [*COACH, "--port", str(port)],
        env=coach_env(api_settings),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert httpx.get(url).text.startswith("<!doctype html>")
        assert httpx.post(f"{url}/v1/sessions").status_code == 201
        rebound = httpx.post(f"{url}/v1/sessions", headers={"Host": "attacker.example"})  # DNS rebinding
        assert rebound.status_code == 400 and rebound.json()["error"]["code"] == "invalid_host"
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert f"http://127.0.0.1:{port}" in output


def test_serve_on_a_fresh_data_dir_indexes_then_answers_from_the_new_index(tmp_path: Path) -> None:
    """The first `coach serve` indexes in a child process; the server's own Chroma client must see
    what the child wrote (one opened before the child ran never did: "Nothing found on disk")."""
    from bot.cli.serve_cmds import _ensure_index
    from bot.factory import build_coach
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "fresh")
    _ensure_index(settings)
    answer = build_coach(settings).ask("what is a steering committee?")
    assert answer.in_scope and answer.citations, answer.answer
