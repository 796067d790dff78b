"""Index and search through a real Chroma server (the one shipped in the chromadb package)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from bot.cli import index_cmds
from bot.config import Settings
from bot.index import open_index
from bot.knowledge import iter_documents

pytestmark = pytest.mark.chroma_server


def _chroma_executable() -> str | None:
    beside_python = Path(sys.executable).parent / "chroma"
    return str(beside_python) if beside_python.exists() else shutil.which("chroma")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_heartbeat(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise TimeoutError(f"chroma did not answer at {url} within {seconds} s")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `chroma run` on a free loopback port once for this module; stop it afterwards."""
    exe = _chroma_executable()
    if exe is None:
        pytest.skip("the `chroma` executable is not installed (it ships with the chromadb package)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    args = [
        exe,
        "run",
        "--path",
        str(tmp_path_factory.mktemp("chroma-server")),
        "--host",
        "127.0.0.1",
    ]
    process = subprocess.Popen([*args, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_heartbeat(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_index_and_search_through_a_chroma_server(chroma_url: str, tmp_path: Path, docs_dir: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", chroma_url=chroma_url, knowledge_dirs=[], collection="direct")
    index = open_index(settings)
    index.ping()
    first = index.sync(iter_documents(docs_dir))
    assert first.added == first.chunks > 0
    again = open_index(settings).sync(iter_documents(docs_dir))
    assert again.added == 0 and again.unchanged == first.chunks
    for mode in ("dense", "lexical", "hybrid"):
        top = index.search("Is there an audit trail?", k=2, mode=mode)  # type: ignore[arg-type]
        assert top[0].source == "governance.md"
    assert not (settings.data_dir / "chroma").exists()  # nothing went to the embedded store


def test_cli_search_uses_coach_chroma_url(chroma_url: str, tmp_path: Path, playbook_dir: Path) -> None:
    app = typer.Typer()
    index_cmds.register(app)
    env = {
        "COACH_CHROMA_URL": chroma_url,
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_KNOWLEDGE_DIR": str(playbook_dir),
        "COACH_KNOWLEDGE_DIRS": "",
        "COACH_COLLECTION": "via-cli",
    }
    runner = CliRunner()
    indexed = runner.invoke(app, ["index"], env=env)
    assert indexed.exit_code == 0, indexed.output
    assert not (tmp_path / "data" / "chroma").exists()  # went to the server, not embedded
    result = runner.invoke(app, ["search", "pilot data sample", "--json", "-k", "1"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["source"] == "pipeline.md"
