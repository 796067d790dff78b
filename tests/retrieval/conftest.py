"""Small fixture playbooks for retrieval tests (the real one is in `knowledge/`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.knowledge import DIMENSION_IDS, load_rubric

DOCS = {
    "pipeline.md": (
        "data_pipeline",
        "Production data pipeline",
        "## What goes wrong\n\nThe pilot ran on a hand-cleaned sample exported to a spreadsheet."
        " Production records are fragmented across legacy warehouses with inconsistent schemas."
        "\n\n## What to do\n\nCompare every pilot source with the production source at full"
        " volume and the real refresh cadence; each gap is a launch blocker.",
    ),
    "governance.md": (
        "governance",
        "Governance and guardrails",
        "## What goes wrong\n\nCompliance and security reviewers arrive a week before launch and"
        " find no audit trail of prompts and answers and no escalation path for sensitive data."
        "\n\n## What to do\n\nBook a 90-minute conversation with risk and compliance in week one.",
    ),
    "owner.md": (
        "roi_ownership",
        "Business owner and ROI",
        "## Who pays\n\nThe pilot is sponsored by the innovation lab. No executive who owns a P&L"
        " line has committed to the outcome, so the budget disappears at the next planning cycle.",
    ),
    "overview.md": (
        None,
        "Overview",
        "# Why pilots stall\n\nA pilot proves that the model works; production proves that the"
        " organisation can operate it.",
    ),
}


def write_doc(folder: Path, name: str, dimension: str | None, title: str, body: str) -> Path:
    """Write one markdown document with front matter."""
    dim = f"dimension: {dimension}\n" if dimension else ""
    path = folder / name
    path.write_text(f"---\nid: {path.stem}\ntitle: {title}\n{dim}---\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    """A folder of four small playbook documents (no rubric)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, (dim, title, body) in DOCS.items():
        write_doc(folder, name, dim, title, body)
    return folder


def _dimension(rank: int, dim_id: str) -> dict[str, object]:
    three = ["one", "two", "three"]
    return {
        "id": dim_id,
        "title": dim_id,
        "ready_title": dim_id,
        "base_severity": "high",
        "rank": rank,
        "surfaces": "later",
        "surfaces_after_days": 30,
        "summary": "summary",
        "doc": "overview.md",
        "questions": [{"id": f"{dim_id}_q", "ask": "Why?", "follow_ups": ["Really?"]}],
        "signals": {"gap": three, "ready": three},
        "actions": [{"text": "Act.", "ref": "overview.md"}],
    }


def minimal_rubric() -> dict[str, object]:
    """The smallest rubric the schema accepts (independent of the real playbook)."""
    return {
        "version": "test",
        "levels": {0: "none", 1: "some"},
        "intro": [{"id": "what", "ask": "What does the pilot do?"}],
        "dimensions": [_dimension(n, d) for n, d in enumerate(DIMENSION_IDS, start=1)],
        "agentic": {
            "signals": ["acts", "issues refunds", "updates records"],
            "escalate": ["governance"],
            "requirement": "A human approves actions.",
            "ref": "overview.md",
        },
    }


@pytest.fixture
def playbook_dir(docs_dir: Path) -> Path:
    """The small documents plus a minimal valid rubric, so `load_knowledge` accepts them."""
    rubric = docs_dir / "rubric.yaml"
    rubric.write_text(yaml.safe_dump(minimal_rubric()), encoding="utf-8")
    load_rubric(rubric)  # fail here, clearly, if the rubric schema moves on
    return docs_dir
