"""The reader's labelled corpus: label sets, loading, and the fixed train/dev split."""

from __future__ import annotations

import json
import random
import re
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


NAMES = DATA / "names" / "first_names.txt"
# An owner named by role ("the claims director") is also trained named by a person ("Amara (claims
# director)", or just "Amara" where the role says nothing about business or IT), so a named owner
# reads like a titled one. Technology roles keep their title: "the CIO backs it" is a gap because
# of who the CIO is.
ROLE = re.compile(
    r"\b(?:[Tt]he|[Oo]ur) (CFO|COO|CEO|CIO|CTO|CISO|CRO|CMO|CDO|CHRO|VP(?: of)? [A-Z][a-z]+"
    r"|[Hh]ead of [A-Za-z]+|[a-z]+ director|[A-Z][a-z]+ [Dd]irector)\b"
)
TECH_ROLE = re.compile(r"\b(?:CIO|CTO|CISO|CDO|IT|[Tt]echnology|[Ii]nnovation|[Dd]igital|[Dd]ata)\b")


def first_names(path: Path = NAMES) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def name_swaps(rows: list[dict], names: list[str], rng: random.Random, per_row: int = 2) -> list[dict]:
    """Variants of clauses that name a person, with other names (and of clauses that name an owner by
    role, with a person); each shares its original's family, so the consistency loss reads them alike."""
    named = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    extra = []
    for n, row in enumerate(rows):
        text = row["text"]
        texts = []
        for _ in range(per_row if named.search(text) else 0):
            swap: dict[str, str] = {}
            texts.append(named.sub(lambda m, swap=swap: swap.setdefault(m.group(1), rng.choice(names)), text))
        role = ROLE.search(text)
        if role:
            name = rng.choice(names)
            texts.append(f"{text[: role.start()]}{name} ({role.group(1)}){text[role.end() :]}")
            if not TECH_ROLE.search(role.group(1)):
                texts.append(f"{text[: role.start()]}{name}{text[role.end() :]}")
        for new in dict.fromkeys(texts):
            if new != text:
                row.setdefault("pair", f"name-{n}")
                extra.append({**row, "text": new})
    return rows + extra
