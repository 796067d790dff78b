"""Personal data: redaction recall, and proof that none of it reaches an LLM server."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import SecretStr

from bot.config import PROJECT_ROOT, Settings
from bot.engine.fallback import build_engine
from bot.models import Statement
from bot.prompts import load_prompts
from bot.redact import redact
from bot.service import Coach
from evals.metrics import rate

FAKE_SERVER = PROJECT_ROOT / "tests" / "openai" / "fake_openai.py"
_JUDGEMENT: dict[str, Any] = {
    "status": "unknown",
    "severity": None,
    "evidence": [],
    "confidence": 0.1,
    "rationale": "fake",
}


def _items(case: dict[str, Any]) -> list[tuple[str, str]]:
    return [(kind, value) for kind, values in case["pii"].items() for value in values]


def redaction_rows(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per case: which PII values survived redaction and which ordinary facts were lost."""
    rows = []
    for case in cases:
        text = redact(case["text"]).text
        rows.append(
            {
                "case": case["id"],
                "items": _items(case),
                "redacted": text,
                "survived": [v for _, v in _items(case) if v in text],
                "lost": [k for k in case.get("keep", []) if k not in text],
            }
        )
    return rows


def redaction_metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall overall and per kind, plus the share of cases that kept their ordinary facts."""
    per: dict[str, list[bool]] = {}
    for row in rows:
        for kind, value in row["items"]:
            per.setdefault(kind, []).append(value not in row["survived"])
    total = [ok for oks in per.values() for ok in oks]
    return {
        "cases": len(rows),
        "items": len(total),
        "redaction_recall": rate(sum(total), len(total)),
        "per_kind": {k: rate(sum(v), len(v)) for k, v in sorted(per.items())},
        "keep_rate": rate(sum(not r["lost"] for r in rows), len(rows)),
    }


def load_fake_server() -> ModuleType | None:
    """The project's fake OpenAI server module (tests/openai/fake_openai.py), if present."""
    if not FAKE_SERVER.is_file():
        return None
    name = "_coach_eval_fake_openai"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, FAKE_SERVER)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except ImportError:  # pytest (a test extra) is not installed
        del sys.modules[name]
        return None
    return module


def _leak_settings(settings: Settings, url: str, data_dir: Path) -> Settings:
    return settings.model_copy(
        update={
            "engine": "openai",
            "openai_base_url": url,
            "data_dir": data_dir,
            "openai_api_key": SecretStr("sk-eval-fake-key"),  # never a real key
            "llm_max_retries": 0,
            "llm_timeout": 5.0,
        }
    )


def leak_rows(coach: Coach, cases: list[dict[str, Any]], data_dir: Path) -> list[dict[str, Any]] | None:
    """Send each text to an OpenAI engine on a local fake server (judge + answer); list leaks."""
    fake = load_fake_server()
    if fake is None:
        return None
    rows = []
    with fake.FakeOpenAI(default=fake.JSONReply(_JUDGEMENT)) as server:
        cfg = _leak_settings(coach.settings, server.url, data_dir)
        engine = build_engine(cfg, coach.engine, load_prompts(cfg.prompts_dir))
        dim = coach.rubric.dimensions[0]
        for case in cases:
            before = len(server.requests)
            engine.judge(dim, [Statement(text=case["text"], topic=dim.id)])
            engine.answer(case["text"], coach.index.search(case["text"], k=3))
            sent = "\n".join(
                str(m.get("content", "")) for body in server.requests[before:] for m in body.get("messages", [])
            )
            leaked = [v for _, v in _items(case) if v in sent]
            rows.append({"case": case["id"], "requests": len(server.requests) - before, "leaked": leaked})
    return rows


def leak_metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of cases whose PII never reached the server, and that requests were made at all."""
    return {
        "leak_free_rate": rate(sum(not r["leaked"] for r in rows), len(rows)),
        "requests": sum(r["requests"] for r in rows),
    }
