"""Heading-aware chunking: sections, slugs, long sections, ids and metadata."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.chunking import MAX_CHARS, chunk_document, slugify, split_long, split_sections
from bot.knowledge import Document, FrontMatter


def _doc(body: str, dimension: str | None = "governance") -> Document:
    meta = FrontMatter(id="g", title="Governance", dimension=dimension)
    return Document(path=Path("g.md"), source="g.md", meta=meta, body=body, sha256="abc")


def test_slugify() -> None:
    assert slugify("What to do *this* week?") == "what-to-do-this-week"
    assert slugify("  ROI & P&L ownership (2026) ") == "roi-p-l-ownership-2026"


def test_sections_follow_headings_and_keep_the_path() -> None:
    body = "Intro text.\n\n# Top\n\nA.\n\n## Middle part\n\nB.\n\n### Deep\n\nC.\n\n## Next\n\nD."
    sections = split_sections(body)
    assert [s[0] for s in sections] == ["", "top", "middle-part", "deep", "next"]
    assert sections[3][1] == "Top > Middle part > Deep"
    assert sections[4][1] == "Top > Next"
    assert [s[2] for s in sections] == ["Intro text.", "A.", "B.", "C.", "D."]


def test_headings_inside_code_fences_are_text() -> None:
    body = "## Real\n\n```\n# not a heading\n```\n"
    assert [s[0] for s in split_sections(body)] == ["real"]


def test_empty_sections_are_dropped() -> None:
    assert [s[0] for s in split_sections("# A\n\n# B\n\ntext")] == ["b"]


def test_long_sections_split_on_paragraphs_with_overlap() -> None:
    paragraphs = [f"Paragraph {i} " + "word " * 60 for i in range(12)]
    pieces = split_long("\n\n".join(p.strip() for p in paragraphs))
    assert len(pieces) > 2
    assert all(len(p) <= MAX_CHARS + 400 for p in pieces)
    assert pieces[0].startswith("Paragraph 0 ")
    for before, after in zip(pieces, pieces[1:], strict=False):
        overlap = after.split("\n\n")[0]  # the tail of the previous piece, <= ~200 chars
        assert before.endswith(overlap) and 0 < len(overlap) <= 200
    assert "Paragraph 11" in pieces[-1]


def test_a_single_huge_paragraph_is_split_too() -> None:
    text = "This is one sentence about drift. " * 200
    pieces = split_long(text)
    assert len(pieces) > 4
    assert all(len(p) <= MAX_CHARS + 400 for p in pieces)


def test_chunks_carry_metadata_and_heading_prefixed_text() -> None:
    chunks = chunk_document(_doc("## Audit trail\n\nLog every prompt.\n\n## Escalation\n\nHand over."))
    assert [c.section for c in chunks] == ["audit-trail", "escalation"]
    first = chunks[0]
    assert first.text == "Log every prompt."
    assert first.embed_text.startswith("Governance > Audit trail\n\n")
    assert first.metadata() == {
        "source": "g.md",
        "section": "audit-trail",
        "section_title": "Audit trail",
        "title": "Governance",
        "dimension": "governance",
        "doc_sha256": "abc",
        "ordinal": 0,
        "location": "",
        "embed_sha": hashlib.sha256(first.embed_text.encode()).hexdigest()[:32],
    }
    assert chunks[1].embed_sha != first.embed_sha


def test_chunk_ids_are_stable_and_unique() -> None:
    body = "## A\n\n" + "\n\n".join("Same paragraph text again. " * 20 for _ in range(8))
    first, second = chunk_document(_doc(body)), chunk_document(_doc(body))
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first) > 1
    changed = chunk_document(_doc(body.replace("## A", "## B")))
    assert {c.id for c in changed}.isdisjoint(c.id for c in first)


def test_missing_dimension_is_empty_string() -> None:
    assert chunk_document(_doc("Text.", dimension=None))[0].dimension == ""
