"""The data model that flows through the pipeline.

Every stage is a pure function from these objects to these objects; character offsets always point
into ``Article.text`` so any span shown to a user can be traced back to the text it came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

T = TypeVar("T")

Span = tuple[int, int]


@dataclass(frozen=True)
class Article:
    """One news text as read from its source, before any analysis."""

    text: str
    title: str | None = None
    published: date | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    language: str | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            digest = hashlib.sha1(self.text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            object.__setattr__(self, "id", digest)


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a boilerplate line) with offsets into the article text."""

    i: int
    start: int
    end: int
    text: str
    kind: str = "body"  # body | headline | boilerplate
    reason: str | None = None  # why a line is boilerplate


@dataclass(frozen=True)
class Mention:
    """A fact found in a sentence: its span (article offsets), surface text and a normalised value."""

    kind: str  # number | date | entity | quote | attribution | hedge | intensifier | negation
    start: int
    end: int
    text: str
    value: object = None
    detail: str = ""


@dataclass(frozen=True)
class Facts:
    """Checkable facts of one sentence, grouped by kind."""

    numbers: tuple[Mention, ...] = ()
    dates: tuple[Mention, ...] = ()
    entities: tuple[Mention, ...] = ()
    quotes: tuple[Mention, ...] = ()
    attributions: tuple[Mention, ...] = ()
    hedges: tuple[Mention, ...] = ()
    intensifiers: tuple[Mention, ...] = ()
    negations: tuple[Mention, ...] = ()
    lists: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Document:
    """An article after clean, segment and facts: what the comparison stages read."""

    article: Article
    sentences: tuple[Sentence, ...]
    facts: tuple[Facts, ...]
    credits: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]  # content-word stems per sentence
    language: str = "en"
    republished_from: tuple[str, ...] = ()  # outlets its syndication notices name as first publisher
    attributions: tuple[str, ...] = ()  # wires its story sentences name as a claim's source (not credits)
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    def body(self) -> list[Sentence]:
        return [s for s in self.sentences if s.kind == "body"]

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Document-level aggregates (vocabulary, word vectors) computed once, not once per sentence."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


@dataclass(frozen=True)
class Flag:
    type: str
    detail: str
    a_span: Span | None = None
    b_span: Span | None = None
    strong: bool = True  # contradicts the source outright (vs. a change of wording or emphasis)


@dataclass
class SentenceResult:
    """The verdict on one sentence of one side of a comparison."""

    sentence: Sentence
    label: str
    matches: list[int] = field(default_factory=list)
    similarity: float | None = None
    flags: list[Flag] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    support: float | None = None  # classifier probability that the sentence is supported


@dataclass(frozen=True)
class Relation:
    type: str  # copy | rewrite | same_event | unrelated
    score: float
    detail: str = ""


@dataclass(frozen=True)
class Direction:
    original: str  # a | b | unknown
    confidence: float
    evidence: tuple[str, ...] = ()
