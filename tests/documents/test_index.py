"""The user's own PDF, DOCX, PPTX and HTML files in the index: page and slide citations, incremental
re-indexing by content hash, and a file that cannot be read skipped without losing what it gave before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import _register_all, app
from bot.config import Settings
from bot.index import index_knowledge, open_index
from tests.documents import fixtures as fx

POLICY_PAGE = (
    "Escalation policy",
    ["Escalation: the on-call finance lead reviews flagged invoices within four hours.", fx.FACT],
)
ROLLOUT = "The steering committee approved a rollout to the Lisbon shared-service centre in March."


@pytest.fixture
def team(tmp_path: Path, indexed_settings: Settings) -> Settings:
    """A copy of the indexed playbook plus a folder of the team's documents (one of them locked)."""
    shutil.copytree(indexed_settings.data_dir, tmp_path / "data")
    docs = tmp_path / "teamdocs"
    docs.mkdir()
    (docs / "acme-policy.pdf").write_bytes(fx.make_pdf([*fx.SECTIONS, POLICY_PAGE]))
    (docs / "steerco.pptx").write_bytes(fx.make_pptx(extra_slides=[("Rollout decision", [ROLLOUT])]))
    (docs / "brief.docx").write_bytes(fx.make_docx())
    (docs / "pilot-page.html").write_bytes(fx.make_html())
    (docs / "locked.pdf").write_bytes(fx.make_pdf(password="pw"))
    return indexed_settings.model_copy(update={"data_dir": tmp_path / "data", "knowledge_dirs": [docs]})


@pytest.fixture
def cli(team: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COACH_DATA_DIR", str(team.data_dir))
    monkeypatch.setenv("COACH_KNOWLEDGE_DIRS", str(team.knowledge_dirs[0]))
    monkeypatch.delenv("COACH_ENGINE", raising=False)
    _register_all()
    return CliRunner()


def _ask(cli: CliRunner, question: str) -> dict[str, object]:
    result = cli.invoke(app, ["ask", question, "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def test_coach_index_reads_every_type_and_ask_cites_the_page_and_slide(cli: CliRunner) -> None:
    result = cli.invoke(app, ["index"])
    assert result.exit_code == 0, result.output
    assert "Skipped teamdocs/locked.pdf: locked.pdf is encrypted" in " ".join(result.output.split())
    answer = _ask(cli, "What is the vendor escrow threshold for invoice triage?")
    assert answer["in_scope"] and "4,250 euros" in str(answer["answer"])
    first = answer["citations"][0]  # type: ignore[index]
    assert (first["source"], first["location"]) == ("teamdocs/acme-policy.pdf", "p.4")
    deck = _ask(cli, "Where did the steering committee approve the rollout?")
    assert {"source": "teamdocs/steerco.pptx", "location": "slide 5"}.items() <= deck["citations"][0].items()  # type: ignore[index]
    shown = cli.invoke(app, ["ask", "What is the vendor escrow threshold for invoice triage?"])
    assert "teamdocs/acme-policy.pdf p.4" in shown.output


def test_search_finds_word_and_html_sections(team: Settings) -> None:
    index_knowledge(team)
    hits = open_index(team).search("Name an owner for the data refresh", k=10, mode="lexical")
    sources = {(p.source, p.section) for p in hits}
    assert {("teamdocs/brief.docx", "next-steps"), ("teamdocs/pilot-page.html", "next-steps")} <= sources


def test_reindexing_is_incremental_and_reports_reading_progress(team: Settings) -> None:
    seen: list[tuple[int, int]] = []
    first = index_knowledge(team, reading=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5, 5) and [d for d, _ in seen] == [1, 2, 3, 4, 5]
    assert first.added > 0 and first.skipped == [("teamdocs/locked.pdf", first.skipped[0][1])]
    again = index_knowledge(team)
    assert (again.added, again.removed, again.unchanged) == (0, 0, first.chunks)
    deck = team.knowledge_dirs[0] / "steerco.pptx"
    deck.write_bytes(fx.make_pptx(extra_slides=[("Rollout decision", [ROLLOUT.replace("March", "June")])]))
    changed = index_knowledge(team)
    # the deck's chunks are replaced, nothing else is touched
    assert changed.added == changed.removed > 0 and changed.unchanged == first.chunks - changed.removed
    assert "June" in open_index(team).search("Lisbon rollout", k=1, mode="lexical")[0].text


def test_a_file_that_turns_unreadable_keeps_what_it_gave_before(team: Settings) -> None:
    first = index_knowledge(team)
    policy = team.knowledge_dirs[0] / "acme-policy.pdf"
    policy.write_bytes(policy.read_bytes()[:300])  # damaged by a bad sync
    broken = index_knowledge(team)
    assert (
        "teamdocs/acme-policy.pdf",
        "acme-policy.pdf cannot be read as a PDF: the file looks damaged; re-export it and try again.",
    ) in broken.skipped
    assert (broken.removed, broken.chunks) == (0, first.chunks)
    hit = open_index(team).search("vendor escrow threshold", k=1, mode="lexical")[0]
    assert (hit.source, hit.location) == ("teamdocs/acme-policy.pdf", "p.4")
    policy.unlink()  # gone for good: its chunks go too
    gone = index_knowledge(team)
    assert gone.removed > 0 and all(
        p.source != "teamdocs/acme-policy.pdf" for p in open_index(team).search("escrow", k=5)
    )
