"""Heading-aware chunking of playbook and user documents into passages (with page/slide) for the index."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.documents.locations import read_marker
from bot.knowledge import Document

MAX_CHARS = 1200
OVERLAP_CHARS = 200
_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Chunk:
    """One passage: raw text, the text embedded (title and heading first), and metadata."""

    id: str
    text: str
    embed_text: str
    source: str
    section: str
    section_title: str
    title: str
    dimension: str
    doc_sha256: str
    ordinal: int
    location: str = ""  # 'p.3' or 'slide 7' for PDFs and decks

    @property
    def embed_sha(self) -> str:
        """Hash of the embedded text: a chunk with the same text reuses the vector already computed."""
        return hashlib.sha256(self.embed_text.encode()).hexdigest()[:32]

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata as Chroma stores it."""
        return {
            "source": self.source,
            "section": self.section,
            "section_title": self.section_title,
            "title": self.title,
            "dimension": self.dimension,
            "doc_sha256": self.doc_sha256,
            "ordinal": self.ordinal,
            "location": self.location,
            "embed_sha": self.embed_sha,
        }


def slugify(heading: str) -> str:
    """Lowercase, non-alphanumerics to '-', stripped: 'Why it fails?' -> 'why-it-fails'."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def split_sections(body: str) -> list[tuple[str, str, str]]:
    """Split markdown on #, ##, ### headings into (slug, heading path, text) triples."""
    return [(slug, heading, text) for slug, heading, text, _ in split_located_sections(body)]


def split_located_sections(body: str) -> list[tuple[str, str, str, str]]:
    """(slug, heading path, text, location) per section; a page or slide marker
    (`<!-- page 3 -->`) starts a new section under the same heading, located 'p.3'."""
    sections: list[tuple[str, str, str, list[str]]] = [("", "", "", [])]
    path: list[tuple[int, str]] = []
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        where = None if in_fence else read_marker(line)
        if where is not None:
            sections.append((*sections[-1][:2], where, []))
            continue
        match = None if in_fence else _HEADING.match(line)
        if match is None:
            sections[-1][3].append(line)
            continue
        level, title = len(match.group(1)), match.group(2).strip()
        path = [p for p in path if p[0] < level] + [(level, title)]
        sections.append((slugify(title), " > ".join(t for _, t in path), sections[-1][2], []))
    quads = [(slug, heading, "\n".join(lines).strip(), where) for slug, heading, where, lines in sections]
    return [q for q in quads if q[2]]


def split_long(text: str, max_chars: int = MAX_CHARS, overlap: int = OVERLAP_CHARS) -> list[str]:
    """Split text on paragraph boundaries into pieces of about max_chars, with overlap."""
    if len(text) <= max_chars:
        return [text]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    pieces: list[str] = []
    current: list[str] = []
    for para in _hard_wrap(paragraphs, max_chars):
        if current and len("\n\n".join([*current, para])) > max_chars:
            pieces.append("\n\n".join(current))
            tail = current[-1]
            current = [tail] if len(tail) <= overlap else [tail[-overlap:].split(" ", 1)[-1]]
        current.append(para)
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def _hard_wrap(paragraphs: list[str], max_chars: int) -> list[str]:
    """Break a paragraph longer than max_chars on sentence, then word, boundaries."""
    out: list[str] = []
    for para in paragraphs:
        if len(para) <= max_chars:
            out.append(para)
            continue
        units = [
            word
            for sentence in re.split(r"(?<=[.!?])\s+", para)
            for word in ([sentence] if len(sentence) <= max_chars else sentence.split())
        ]
        buf = ""
        for unit in units:
            if buf and len(buf) + len(unit) + 1 > max_chars:
                out.append(buf)
                buf = ""
            buf = f"{buf} {unit}".strip()
        if buf:
            out.append(buf)
    return out


def chunk_id(source: str, section: str, ordinal: int, text: str) -> str:
    """Stable id: sha256 of source, section, ordinal and text, shortened."""
    digest = hashlib.sha256(f"{source}\x00{section}\x00{ordinal}\x00{text}".encode())
    return digest.hexdigest()[:32]


def chunk_document(doc: Document) -> list[Chunk]:
    """All chunks of a document, in order, with heading-prefixed embedding text."""
    chunks: list[Chunk] = []
    title = doc.meta.title
    for slug, heading, text, where in split_located_sections(doc.body):
        for piece in split_long(text):
            ordinal = len(chunks)
            prefix = f"{title} > {heading}" if heading else title
            chunks.append(
                Chunk(
                    id=chunk_id(doc.source, slug, ordinal, piece),
                    text=piece,
                    embed_text=f"{prefix}\n\n{piece}",
                    source=doc.source,
                    section=slug,
                    section_title=heading.rsplit(" > ", 1)[-1],
                    title=title,
                    dimension=doc.meta.dimension or "",
                    doc_sha256=doc.sha256,
                    ordinal=ordinal,
                    location=where,
                )
            )
    return chunks
