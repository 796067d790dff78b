"""Offline processes never load the OpenAI client stack (about 0.4 s of imports in every process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings

MODEL_STACK = ("openai", "langchain_openai")

# Runs the real `coach` entry point, then writes which of MODEL_STACK got imported.
SCRIPT = (
    f"MODEL_STACK = {MODEL_STACK!r}\n"
    + """
import json, sys
out, args = sys.argv[1], sys.argv[2:]
sys.argv = ["coach", *args]
from bot.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
loaded = [m for m in MODEL_STACK if m in sys.modules]
with open(out, "w") as fh:
    json.dump({"code": code, "loaded": loaded}, fh)
"""
)


def _run(tmp_path: Path, data_dir: Path, *args: str) -> dict[str, object]:
    out = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(PYTHONPATH=str(PROJECT_ROOT), COACH_DATA_DIR=str(data_dir), COACH_ENGINE="offline")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(out), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.exists(), proc.stderr[-2000:]
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def test_help_imports_no_model_client(tmp_path: Path) -> None:
    result = _run(tmp_path, tmp_path / "data", "--help")
    assert result == {"code": 0, "loaded": []}


@pytest.mark.timeout(240)
def test_offline_assess_imports_no_model_client(tmp_path: Path, indexed_settings: Settings) -> None:
    doc = tmp_path / "pilot.md"
    doc.write_text("The pilot routes support emails. Nobody owns it after launch and we have no monitoring.\n")
    result = _run(tmp_path, indexed_settings.data_dir, "assess", "--json", str(doc))
    assert result == {"code": 0, "loaded": []}
