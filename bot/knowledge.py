"""The playbook as data: markdown documents with front matter and the structured rubric."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from bot.errors import ConfigError
from bot.models import Choice

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DIMENSION_IDS = (
    "data_pipeline",
    "roi_ownership",
    "governance",
    "workflow_adoption",
    "legacy_integration",
    "mlops_observability",
)
Severity = Literal["critical", "high", "medium"]
DOC_SUFFIXES = (".md", ".markdown", ".txt")


class KnowledgeError(ConfigError):
    """A playbook file is broken; the message names the file and the field."""

    code = "knowledge_error"


class Action(BaseModel):
    """A this-week action with the playbook passage it comes from."""

    text: str
    ref: str = Field(description="source path, optionally '#section', e.g. this_week.md#...")
    fill: list[str] = Field(
        default_factory=list,
        description="the action with slots ({who}, {groups}, {systems}, {when}) for the team's named things; "
        "the first whose slots the team's words fill is used, else `text`",
    )


class Question(BaseModel):
    """An interview question with its follow-ups for vague answers and its quick replies."""

    id: str
    ask: str
    follow_ups: list[str] = Field(min_length=1)
    why: str = ""
    choices: list[Choice] = Field(default_factory=list, max_length=4, description="2-4 answer options")
    covered_by: list[str] = Field(
        default_factory=list, description="opening questions that already ask this: not asked again once answered"
    )
    in_place_settles: bool = Field(
        default=False,
        description="an in-place answer to this question covers the whole area (its later questions ask how to get "
        "there, or harden what exists): one confident in-place line settles the area, however short",
    )


class Signals(BaseModel):
    """Example statements of a gap and of readiness, used to read free text."""

    gap: list[str] = Field(min_length=3)
    ready: list[str] = Field(min_length=3)
    keywords: list[str] = Field(default_factory=list)


class Dimension(BaseModel):
    """One failure mode of the playbook, as the coach runs on it."""

    id: str
    title: str
    ready_title: str
    base_severity: Severity
    rank: int
    surfaces: str
    surfaces_after_days: int
    summary: str
    move: int | None = Field(default=None, description="the playbook's this-week move (1-4) for this gap, if any")
    stakes: str = Field(default="", description="why it matters, without asserting the team's facts")
    surfaced: str = Field(default="", description="where it surfaced, in the past tense, when it already has")
    doc: str
    questions: list[Question] = Field(min_length=1)
    signals: Signals
    actions: list[Action] = Field(min_length=1)
    good_looks_like: list[str] = Field(default_factory=list)
    labels: list[str] = Field(
        default_factory=list, description="section labels in a pasted document ('Data:', 'People:') that mean this area"
    )
    involve: str = Field(default="", description="who to bring in first when this area is the top gap")

    @field_validator("id")
    @classmethod
    def _known_id(cls, value: str) -> str:
        if value not in DIMENSION_IDS:
            raise ValueError(f"unknown dimension id {value!r}; expected one of {DIMENSION_IDS}")
        return value


class IntroQuestion(BaseModel):
    """An opening question (what the pilot does, sponsor, stage, autonomy)."""

    id: str
    ask: str
    follow_ups: list[str] = Field(default_factory=list)
    feeds: str | None = Field(default=None, description="dimension this answer is evidence for")
    choices: list[Choice] = Field(default_factory=list, max_length=4, description="answer options, if any")
    names_pilot: bool = Field(default=False, description="the answer is the pilot's name, not evidence")


class Agentic(BaseModel):
    """The agentic modifier: systems that act raise governance and observability stakes."""

    signals: list[str] = Field(min_length=3)
    negative_signals: list[str] = Field(default_factory=list)
    escalate: list[str]
    severity: Severity = "critical"
    requirement: str
    ref: str


class ReadingPolicy(BaseModel):
    """How the trained reader's clause probabilities become a judgement per area (policy, as data)."""

    gap_min: float = Field(default=0.5, description="a clause this sure of a gap makes the area a gap")
    gap_min_alone: float | None = Field(
        default=None,
        description="the same for a clause read with no question (a write-up's or document's); None: gap_min. "
        "A reader trained on question pairs is less sure of a lone clause's area",
    )
    ready_min: float = Field(default=0.5, description="a clause this sure the thing is in place makes the area ready")
    gap_share: float = Field(default=1.0, description="gap evidence must be at least this share of in-place evidence")
    medium_share: float = Field(default=0.6, description="in-place evidence at this share of the gap's: medium")
    evidence_min: float = Field(default=0.3, description="weakest clause quoted as evidence")
    agentic_min: float = Field(default=0.5, description="how sure a clause must be that the system acts alone")
    topic_prior: float = Field(default=32.0, description="weight of the asked area in an answer to its question")
    unsure_share: float = Field(
        default=1.0, description="a clause read as 'not sure yet' at least this many times its gap reading is no gap"
    )
    off_pilot_min: float = Field(
        default=0.5, description="a clause read 'not about the pilot' this surely is no gap, not ready, no evidence"
    )

    def gap_floor(self, alone: bool) -> float:
        """How sure of a gap a clause must be to make its area a gap: `gap_min_alone` for a clause read
        with no question, when set; else `gap_min`."""
        return self.gap_min_alone if alone and self.gap_min_alone is not None else self.gap_min


class InterviewPolicy(BaseModel):
    """When the interview stops asking about an area (policy, as data): the reader's confidence."""

    settle_gap: float = Field(default=0.5, description="a gap read this surely settles the area")
    settle_ready: float = Field(default=0.72, description="an area read in place this surely is settled")
    confirm: float = Field(default=0.85, description="an area read this surely before it opens is confirmed")
    ready_quotes: int = Field(default=2, description="in-place clauses that settle (or confirm) an area on their own")
    ready_words: int = Field(default=12, description="or this many words of them: one short reassurance is tested")


class Rubric(BaseModel):
    """The structured rubric the coach runs on."""

    version: str
    reading: ReadingPolicy = ReadingPolicy()
    interview: InterviewPolicy = InterviewPolicy()
    aliases: dict[str, str] = Field(
        default_factory=dict, description="jargon and abbreviations -> plain words, added to questions before retrieval"
    )
    levels: dict[int, str]
    intro: list[IntroQuestion] = Field(min_length=1)
    dimensions: list[Dimension]
    agentic: Agentic

    @field_validator("dimensions")
    @classmethod
    def _all_dimensions(cls, value: list[Dimension]) -> list[Dimension]:
        ids = [d.id for d in value]
        missing = [d for d in DIMENSION_IDS if d not in ids]
        if missing or len(set(ids)) != len(ids):
            raise ValueError(f"dimensions must list each of {DIMENSION_IDS} once; missing {missing}")
        return value

    def dimension(self, dim_id: str) -> Dimension:
        """The dimension with this id."""
        for dim in self.dimensions:
            if dim.id == dim_id:
                return dim
        raise KeyError(dim_id)


class FrontMatter(BaseModel):
    """Front matter every playbook document carries."""

    id: str
    title: str
    dimension: str | None = None


@dataclass(frozen=True)
class Document:
    """A markdown document: its front matter, body and content hash."""

    path: Path
    source: str
    meta: FrontMatter
    body: str
    sha256: str = field(default="")


def _field_path(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"field '{where}': {first['msg']}"


def safe_load(text: str) -> Any:
    """`yaml.safe_load` with libyaml's parser when PyYAML has it (about 10x faster: the rubric is
    read at every start-up); same tags and types either way."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, C or pure Python


def load_rubric(path: Path) -> Rubric:
    """Load and validate the rubric YAML; errors name the file and the field."""
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KnowledgeError(f"{path}: rubric file not found") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML ({exc})") from exc
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError(f"{path}: {_field_path(exc)}") from exc


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str]:
    """Split `---` YAML front matter from a markdown body."""
    if not text.startswith("---"):
        raise KnowledgeError(f"{path}: no front matter; start the file with '---' and id/title")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise KnowledgeError(f"{path}: front matter is not closed with '---'")
    try:
        meta = safe_load(parts[0].lstrip("-\n")) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: front matter is not valid YAML ({exc})") from exc
    if not isinstance(meta, dict):
        raise KnowledgeError(f"{path}: front matter must be a mapping of fields")
    return meta, parts[1].lstrip("-").lstrip("\n")


def load_document(path: Path, root: Path, require_front_matter: bool = True, prefix: str = "") -> Document:
    """Read one document; the playbook requires front matter, user folders do not."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"{path}: not UTF-8 text; convert it or remove it") from exc
    source = prefix + path.relative_to(root).as_posix()
    if require_front_matter or text.startswith("---"):
        meta_raw, body = split_front_matter(text, path)
    else:
        meta_raw, body = {"id": path.stem, "title": path.stem.replace("_", " ")}, text
    try:
        meta = FrontMatter.model_validate(meta_raw)
    except ValidationError as exc:
        raise KnowledgeError(f"{path}: front matter {_field_path(exc)}") from exc
    digest = hashlib.sha256(raw).hexdigest()
    return Document(path=path, source=source, meta=meta, body=body, sha256=digest)


def iter_documents(folder: Path, require_front_matter: bool = True, prefix: str = "") -> list[Document]:
    """All documents under a folder, sorted by path (the rubric file is not a document)."""
    if not folder.is_dir():
        raise KnowledgeError(f"{folder}: knowledge folder not found; check COACH_KNOWLEDGE_DIRS")
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in DOC_SUFFIXES)
    return [load_document(p, folder, require_front_matter, prefix) for p in files if p.is_file()]


@dataclass
class Knowledge:
    """The playbook loaded: rubric plus documents from every knowledge folder."""

    rubric: Rubric
    documents: list[Document]


def load_knowledge(playbook_dir: Path, extra_dirs: list[Path] | None = None) -> Knowledge:
    """Load the rubric and all documents; the playbook needs front matter, user docs don't."""
    rubric = load_rubric(playbook_dir / "rubric.yaml")
    docs = iter_documents(playbook_dir, require_front_matter=True)
    for extra in extra_dirs or []:
        docs.extend(iter_documents(extra, require_front_matter=False, prefix=f"{extra.name}/"))
    return Knowledge(rubric=rubric, documents=docs)
