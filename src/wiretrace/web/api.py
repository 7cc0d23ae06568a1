"""The JSON API under /api/ (documented at /openapi.json and /api/docs)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..errors import InputError
from ..report.json import SCHEMA
from . import models
from .models import MAX_TEXT
from .queries import ARTICLE_ID, STORY_ID
from .workers import Busy

router = APIRouter(prefix="/api", tags=["api"])

StoryId = Annotated[str, Path(pattern=STORY_ID.pattern, description="a story id: st- and 10 hex digits")]
ArticleId = Annotated[
    str, Path(pattern=ARTICLE_ID.pattern, max_length=512, description="an article id as the corpus has it")
]
ERRORS = {
    404: {"model": models.Error, "description": "no such story, article or pair"},
    422: {"description": "invalid id or parameter"},
}


def error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def service(request: Request):
    return request.app.state.service


@router.get("/health", summary="Server and corpus status", responses={200: {"model": models.Health}})
def health(request: Request) -> JSONResponse:
    svc = service(request)
    return JSONResponse(
        {
            "status": "ok",
            "version": __version__,
            "schema": SCHEMA,
            "corpus": svc.db.name,
            "demo": svc.demo,
            "read_only": not svc.allow_writes,
            **svc.reader.counts(),
            "workers": svc.workers.processes,
            "pending": svc.workers.pending,
        }
    )


@router.get(
    "/stories",
    summary="List stories, newest first",
    description="Stories (size >= min_size) whose latest article is newest first, with the CLI's "
    "`stories --format json` fields plus a summary: title, sites, the share of members that reuse a "
    "wire-credited text without credit (`uncredited_share`) and that add unsupported sentences "
    "(`adds_claims_share`). `q` searches titles and texts (FTS5); `since`/`until` keep stories whose "
    "dates (first to last article) overlap that range.",
    responses={200: {"model": models.StoryList}, 422: ERRORS[422]},
)
def list_stories(
    request: Request,
    q: Annotated[str | None, Query(max_length=300, description="words in a member's title or text")] = None,
    site: Annotated[
        str | None, Query(max_length=300, description="only stories with an article from this site")
    ] = None,
    since: Annotated[
        date | None, Query(description="only stories whose last article is dated on or after (YYYY-MM-DD)")
    ] = None,
    until: Annotated[
        date | None, Query(description="only stories whose first article is dated on or before")
    ] = None,
    min_size: Annotated[int, Query(ge=1, le=100_000, description="fewest articles a story has")] = 2,
    limit: Annotated[int, Query(ge=1, le=500, description="stories per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="stories to skip")] = 0,
) -> JSONResponse:
    total, stories = service(request).stories(
        q=q,
        site=site,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        min_size=min_size,
        limit=limit,
        offset=offset,
    )
    return JSONResponse({"total": total, "offset": offset, "limit": limit, "stories": stories})


@router.get(
    "/stories/{story_id}",
    summary="One story: members, original, edges, per-site summary",
    responses={200: {"model": models.StoryDetail}, **ERRORS},
)
def get_story(request: Request, story_id: StoryId) -> JSONResponse:
    story = service(request).story(story_id)
    if story is None:
        return error(404, f"no such story: {story_id}")
    return JSONResponse(story)


@router.get(
    "/articles",
    summary="Search articles (FTS5 over titles and texts)",
    description="Every word is required; the last one also matches as a prefix. Operators are not "
    "interpreted. Snippets mark hits with \\u0002 and \\u0003.",
    responses={200: {"model": models.ArticleSearch}, 422: ERRORS[422]},
)
def search_articles(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=300, description="words to find")],
    site: Annotated[str | None, Query(max_length=300, description="only articles from this site")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="hits per page")] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="hits to skip")] = 0,
) -> JSONResponse:
    total, hits = service(request).reader.search_articles(q, site=site, limit=limit, offset=offset)
    return JSONResponse({"total": total, "offset": offset, "limit": limit, "articles": hits})


@router.get(
    "/articles/{article_id:path}",
    summary="One article: metadata, text, clean labels, its story and pairs",
    responses={200: {"model": models.ArticleOut}, **ERRORS},
)
def get_article(request: Request, article_id: ArticleId) -> JSONResponse:
    found = service(request).article(article_id)
    if found is None:
        return error(404, f"no such article: {article_id}")
    return JSONResponse(found[0])


@router.get(
    "/pairs",
    summary="The compare JSON of two articles of the corpus",
    description="A verified pair comes from the store with its source as `a`, whatever the order asked "
    "(header `X-Wiretrace-Pair: stored`); any other two articles are compared now, more likely source "
    "first (`X-Wiretrace-Pair: computed`).",
    responses={200: {"model": models.CompareOut}, **ERRORS},
)
async def get_pair(
    request: Request,
    a: Annotated[str, Query(pattern=ARTICLE_ID.pattern, max_length=512, description="an article id")],
    b: Annotated[str, Query(pattern=ARTICLE_ID.pattern, max_length=512, description="another article id")],
) -> JSONResponse:
    if a == b:
        return error(422, "a and b must be two different articles")
    try:
        d, stored = await service(request).pair(a, b)
    except Busy:
        return busy()
    if d is None:
        return error(404, "no such article: " + " or ".join([a, b]))
    return JSONResponse(d, headers={"X-Wiretrace-Pair": "stored" if stored else "computed"})


def writable(request: Request) -> None:
    """Refuse writes on a read-only server (403) and anything but JSON (415), before the body is used."""
    if not service(request).allow_writes:
        raise HTTPException(403, "this server is read-only; start it with --allow-writes to add articles")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, "send the articles as application/json")


def busy() -> JSONResponse:
    return error(503, "too many compare requests waiting; retry shortly", {"Retry-After": "2"})


async def run_compare(svc, a: dict, b: dict) -> tuple[int, dict]:
    """(status, body) for two article specs: 200 and the compare JSON, 413 for a text over the limit,
    422 for an unusable input, 503 when the queue is full."""
    try:
        d = await svc.compare(a, b, MAX_TEXT)
    except Busy:
        return 503, {"error": "too many compare requests waiting; retry shortly", "status": 503}
    if "error" in d:
        return d["status"], {"error": f"{d['where']}: {d['error']}", "status": d["status"]}
    return 200, d


@router.post(
    "/compare",
    summary="Compare two texts (nothing is stored)",
    description="`a` is read as the source and `b` as the derived text; `direction.original` says which "
    "one actually looks original. Each side is an article object or just its text "
    '(`{"a": "text", "b": "text"}`). Texts may be plain text, Markdown, HTML or a JSON record. Each '
    f"article's text may be at most {MAX_TEXT:,} characters (413 beyond).",
    responses={
        200: {"model": models.CompareOut},
        413: {"model": models.Error, "description": "body or text too large"},
        422: {"description": "invalid request or unusable article"},
        503: {"model": models.Error, "description": "queue full"},
    },
)
async def compare(request: Request, body: models.CompareIn) -> JSONResponse:
    a, b = ({"text": x} if isinstance(x, str) else x.model_dump() for x in (body.a, body.b))
    a, b = {**a, "where": "a"}, {**b, "where": "b"}
    status, d = await run_compare(service(request), a, b)
    return JSONResponse(d, status_code=status)


@router.post(
    "/articles",
    summary="Add articles to the corpus (only with --allow-writes)",
    description="Each article is indexed as `wiretrace index` would (fingerprints, candidates, "
    "verification, stories). Refused with 403 unless the server runs with `--allow-writes`. Requests "
    "must be `application/json` (a cross-site form cannot send that).",
    status_code=200,
    responses={
        200: {"model": models.AddOut},
        403: {"model": models.Error, "description": "server is read-only"},
        409: {"model": models.Error, "description": "this corpus cannot be added to"},
        415: {"model": models.Error, "description": "not JSON"},
    },
)
async def add_articles(
    request: Request, _: Annotated[None, Depends(writable)], body: Annotated[models.AddIn, Body()]
) -> JSONResponse:
    svc = service(request)
    records = []
    for art in body.articles:
        if len(art.text) > MAX_TEXT:
            return error(413, f"an article's text is over {MAX_TEXT:,} characters")
        r = {"text": art.text}
        for key in ("id", "title", "source", "url"):
            if getattr(art, key):
                r[key] = getattr(art, key)
        if art.published:
            r["date"] = art.published.isoformat()
        records.append(r)
    try:
        result = await run_in_threadpool(svc.add, records)
    except InputError as e:  # e.g. a corpus indexed by an earlier wiretrace: readable, not extendable
        return error(409, f"cannot add to this corpus: {e.reason}")
    return JSONResponse(result)
