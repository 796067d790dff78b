"""Start-up: `coach --help` and light commands load no heavy library (checked in a fresh process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.config import PROJECT_ROOT

HEAVY = ("chromadb", "onnxruntime", "openai", "langchain_core", "langchain_openai", "sqlalchemy", "tokenizers")

PROBE = """
import json, sys
sys.argv = ["coach", *sys.argv[1:]]
from bot.cli import main
try:
    main()
except SystemExit:
    pass
print("\\nLOADED=" + json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in %r)))
"""


def loaded_after(*args: str, data_dir: str | None = None, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The heavy modules a fresh `coach ARGS` process has imported by the time it exits."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "COLUMNS": "100"}
    if data_dir is not None:
        env["COACH_DATA_DIR"] = data_dir
    done = subprocess.run(
        [sys.executable, "-c", PROBE % (heavy,), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("LOADED=")), None)
    assert line is not None, done.stderr
    return [m for m in json.loads(line.removeprefix("LOADED=")) if "." not in m]


def test_help_imports_no_heavy_library() -> None:
    assert loaded_after("--help") == []


def test_help_does_not_even_build_the_rubric_models() -> None:
    """`coach --help` lists commands: no pydantic, no rubric or chunker (bot.indexing pulled them in)."""
    assert loaded_after("--help", heavy=(*HEAVY, "pydantic", "pydantic_settings", "yaml", "numpy")) == []


def test_each_command_help_imports_no_heavy_library() -> None:
    for command in ("assess", "index", "search", "serve", "eval", "pilots"):
        assert loaded_after(command, "--help") == [], command


def test_the_probe_sees_a_command_that_does_load_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The check can fail: `coach search` on an empty data dir opens the index, so chromadb loads."""
    assert "chromadb" in loaded_after("search", "anything", data_dir=str(tmp_path / "data"))
