"""Small fixture playbooks for retrieval tests (the real one is in `knowledge/`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

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


@pytest.fixture
def playbook_dir(docs_dir: Path) -> Path:
    """The small documents plus the real rubric, so `load_knowledge` accepts the folder."""
    shutil.copy(PROJECT_ROOT / "knowledge" / "rubric.yaml", docs_dir / "rubric.yaml")
    return docs_dir
