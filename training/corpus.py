"""The reader's labelled corpus: label sets, loading, and the fixed train/dev split."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from bot.knowledge import DIMENSION_IDS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "training" / "data"
AREAS = [*DIMENSION_IDS, "agentic", "none"]  # the order the shipped reader.json records
STATUSES = ["in_place", "gap", "partial", "planned", "unsure", "off_pilot"]
AUTONOMY = ["acts_alone", "person_approves", "no_action"]
HEADS = {"area": AREAS, "status": STATUSES, "autonomy": AUTONOMY}
SEED = 13


def load_jsonl(paths: list[Path]) -> list[dict]:
    """Every labelled clause in the files, checked against the label sets."""
    rows = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            for head, labels in HEADS.items():
                if row.get(head) not in labels:
                    sys.exit(f"{path.name}:{n}: {head}={row.get(head)!r} is not one of {labels}")
            rows.append(row)
    return rows


def split(rows: list[dict], frozen: set[str]) -> tuple[list[dict], list[dict]]:
    """Drop duplicates and anything in the frozen split; a fixed 10% of the rest is dev."""
    seen: set[str] = set()
    kept = []
    for row in rows:
        key = " ".join(row["text"].lower().split())
        if key in seen or key in frozen:
            continue
        seen.add(key)
        kept.append(row)
    rng = random.Random(SEED)
    rng.shuffle(kept)
    cut = len(kept) // 10
    return kept[cut:], kept[:cut]
