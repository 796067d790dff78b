"""The reranker's training data: playbook units with stable ids, and question files that name them.

A unit is what the offline composer answers from (bot/engine/compose.py `units`): a paragraph, or a
list with its lead-in, of one playbook section. Its id is `source#section#first-words`, the slug of
its first six words, so a question file survives edits elsewhere in the playbook; an id that no
longer resolves is reported, never silently dropped.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.chunking import slugify, split_sections
from bot.engine.compose import units
from bot.knowledge import iter_documents

ROOT = Path(__file__).resolve().parent.parent
PLAYBOOK = ROOT / "knowledge"
DATA = ROOT / "training" / "data" / "rerank"
LEAD_WORDS = 6
RUN = 5  # a question sharing this many words in a row with a held-out text is reported
# wording nobody may train on: the answer probes, every eval case (the frozen split included)
HELD_OUT = [ROOT / "training" / "data" / "probes", ROOT / "evals" / "cases", ROOT / "training" / "data" / "frozen"]


@dataclass(frozen=True)
class PlaybookUnit:
    """One unit of the playbook, as the composer would quote it."""

    id: str
    source: str
    section: str
    text: str


def unit_id(source: str, section: str, text: str) -> str:
    """`source#section#first-six-words` (slugged)."""
    lead = slugify(" ".join(re.sub(r"^- ", "", text).split()[:LEAD_WORDS]))
    return f"{source}#{section}#{lead}"


def playbook_units(folder: Path = PLAYBOOK) -> dict[str, PlaybookUnit]:
    """Every unit of every playbook document, by id (the first of two units sharing an id wins)."""
    out: dict[str, PlaybookUnit] = {}
    for doc in iter_documents(folder):
        for slug, _heading, text in split_sections(doc.body):
            for unit in units(text, 0):
                uid = unit_id(doc.source, slug, unit.text)
                out.setdefault(uid, PlaybookUnit(uid, doc.source, slug, unit.text))
    return out


def resolve(ref: str, known: dict[str, PlaybookUnit]) -> list[str]:
    """The unit ids a reference names: a full id, or `source#section` for every unit of that section."""
    if ref in known:
        return [ref]
    return [uid for uid in known if uid.startswith(f"{ref}#")]


def load_groups(folder: Path = DATA) -> list[dict]:
    """Every line of the data folder's .jsonl files (`pos`: unit references, `questions`), with where it is."""
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                rows.append({**json.loads(line), "file": path.name, "line": n})
    return rows


def unresolved(groups: list[dict], known: dict[str, PlaybookUnit]) -> list[str]:
    """`file:line reference` for every unit reference that names no unit of the playbook."""
    return [f"{g['file']}:{g['line']} {ref}" for g in groups for ref in g["pos"] if not resolve(ref, known)]


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def held_out_runs(folders: list[Path] = HELD_OUT, n: int = RUN) -> set[tuple[str, ...]]:
    """Every run of `n` words in the held-out texts (yaml, jsonl, txt under `folders`)."""
    runs: set[tuple[str, ...]] = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in {".yaml", ".yml"}:
                texts = list(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
            elif path.suffix in {".jsonl", ".txt", ".md"}:
                texts = [path.read_text(encoding="utf-8")]
            else:
                continue
            for text in texts:
                runs |= _runs(text, n)
    return runs


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def leaks(groups: list[dict], runs: set[tuple[str, ...]], n: int = RUN) -> list[str]:
    """`file:line question` for every training question that shares a run of `n` words with held-out text."""
    return [f"{g['file']}:{g['line']} {q}" for g in groups for q in g["questions"] if _runs(q, n) & runs]


def main() -> None:
    """Check the data: every reference resolves, no question shares 5 words in a row with held-out text."""
    groups, known = load_groups(), playbook_units()
    problems = [f"unresolved: {x}" for x in unresolved(groups, known)]
    problems += [f"shares {RUN} words with held-out text: {x}" for x in leaks(groups, held_out_runs())]
    count = sum(len(g["questions"]) for g in groups)
    print(f"{count} questions in {len(groups)} groups over {len(known)} playbook units")
    print("\n".join(problems) or "no problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
