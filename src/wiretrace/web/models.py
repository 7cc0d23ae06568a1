"""Request and response shapes of the JSON API (they document the API in /openapi.json).

Responses are produced as plain dicts with the CLI's field names; these models describe them (extra
fields are allowed: the API may add fields, never rename them). Requests are validated by them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_TEXT = 100_000  # characters of one submitted article (a compare of two such texts takes seconds)


class Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Health(Open):
    status: Literal["ok"]
    version: str
    schema_: str = Field(alias="schema", description="the compare JSON contract this server speaks")
    corpus: str = Field(description="file name of the corpus (no folder)")
    demo: bool
    read_only: bool
    articles: int
    stories: int
    pairs: int
    workers: int = Field(description="compare worker processes (0: in the server's threads)")
    pending: int = Field(description="compare requests waiting for a worker now")


class StoryArticle(Open):
    id: str
    path: str | None
    title: str | None
    source: str | None
    published: str | None
    role: str = Field(description="original | copy | rewrite | same_event")
    first_seen: str | None = None
    date_basis: str | None = None


class StoryEdge(Open):
    from_: str = Field(alias="from", description="source article id")
    to: str = Field(description="derived article id")
    relation: str = Field(description="copy | rewrite | same_event")
    credited: bool | None = Field(description="true: credited syndication; false: uncredited reuse")
    b_from_a: float | None = Field(description="share of the derived text that comes from the source")
    score: float | None = None
    date_basis: str | None = None
    uncertain: bool = False
    flags: dict[str, int] = {}
    added: int | None = None


class Story(Open):
    id: str
    size: int
    original: list[str]
    articles: list[StoryArticle]
    edges: list[StoryEdge]
    first_date: str | None = None
    last_date: str | None = None
    label: dict | None = Field(None, description="most representative report's title and id, shared names")
    time_span: dict | None = Field(None, description="first and last date, and what they rest on")
    title: str | None = Field(None, description="the original's title, else the label's")
    sites: list[str] = []
    uncredited: int = Field(0, description="members that reuse a wire-credited text without credit")
    uncredited_share: float = 0.0
    adds_claims: int = Field(0, description="members that add sentences their source does not support")
    adds_claims_share: float = 0.0
    dates_uncertain: bool = Field(False, description="some member's date is a capture time, or unknown")


class StoryDetail(Story):
    site_summary: list[dict[str, Any]] = []
    titles: dict[str, str | None] = {}


class StoryList(Open):
    total: int
    offset: int
    limit: int
    stories: list[Story]


class Block(Open):
    start: int
    end: int
    kind: str = Field(description="body | headline | boilerplate | credit")
    reason: str | None


class ArticlePair(Open):
    from_: str = Field(alias="from")
    to: str
    relation: str
    credited: bool | None
    b_from_a: float | None
    score: float | None
    flags: dict[str, int]
    added: int | None


class ArticleOut(Open):
    id: str
    path: str | None
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    first_seen: str | None
    credits: list[str]
    language: str | None
    meta: dict[str, Any]
    text: str
    story: str | None
    blocks: list[Block]
    pairs: list[ArticlePair]


class ArticleHit(Open):
    id: str
    title: str | None
    source: str | None
    published: str | None
    first_seen: str | None
    story: str | None
    snippet: str


class ArticleSearch(Open):
    total: int
    offset: int
    limit: int
    articles: list[ArticleHit]


class ArticleIn(BaseModel):
    """One article: its text (plain text, Markdown, HTML or a news-please/passim JSON record) and
    metadata that overrides what the text carries."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10 * MAX_TEXT)
    title: str | None = Field(None, max_length=1000)
    published: date | None = None
    source: str | None = Field(None, max_length=300, description="outlet or site")
    url: str | None = Field(None, max_length=2000)
    id: str | None = Field(None, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")


PlainText = Annotated[str, Field(min_length=1, max_length=10 * MAX_TEXT)]


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: ArticleIn | PlainText = Field(description="the source side: an article object or just its text")
    b: ArticleIn | PlainText = Field(description="the derived side: an article object or just its text")


class CompareOut(Open):
    """The compare JSON contract, ``wiretrace.compare/1`` (see DESIGN.md / README)."""

    schema_: Literal["wiretrace.compare/1"] = Field(alias="schema")
    relation: dict[str, Any]
    direction: dict[str, Any]
    a: dict[str, Any]
    b: dict[str, Any]
    stats: dict[str, Any]
    findings: list[dict[str, Any]]


class AddIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=100)


class Failure(Open):
    record: int = Field(description="1-based position in the request")
    reason: str


class AddOut(Open):
    indexed: int
    duplicates: int
    failed: list[Failure]
    candidates: int
    verified: int
    edges: int
    stories: int
    ids: list[str | None] = Field(description="the corpus id of each submitted article (null: not added)")


class Error(Open):
    error: str
    status: int
