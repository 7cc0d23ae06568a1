"""Alerts in the web UI: the Alerts page, ``GET /api/alerts``, and the tracked sources, articles and
stories (``GET /api/tracks``; adding or removing one only with ``--allow-writes``).

Alerts are written by ``wiretrace watch`` into the corpus file (``wiretrace.watch.state``); the server
only reads them, through its query-only connections. A corpus that was never watched has no alert
tables, and reads as having no alerts.
"""

from __future__ import annotations

import sqlite3
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..watch.alerts import KINDS
from ..watch.state import select_alerts
from .api import error, writable
from .api import service as _service

router = APIRouter()
PAGE_SIZE = 50
KIND_NAMES = {
    "uncredited_reuse": "Uncredited reuse",
    "rewrite_with_added_claims": "Rewrite with added claims",
    "credited_syndication": "Credited syndication",
    "new_member": "New in a tracked story",
}


def _watched(db: sqlite3.Connection) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alerts'").fetchone()
        is not None
    )


def alert_count(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT count(*) FROM alerts").fetchone()[0]) if _watched(db) else 0


def read_alerts(
    db: sqlite3.Connection,
    kind: str | None = None,
    tracked: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[dict]]:
    """(how many match, one page of them, newest first); none for a corpus never watched."""
    return select_alerts(db, None, kind, tracked, limit, offset) if _watched(db) else (0, [])


def read_tracks(db: sqlite3.Connection) -> list[dict]:
    if not _watched(db):
        return []
    rows = db.execute("SELECT kind, value, added FROM watch_tracks ORDER BY kind, value")
    return [{"kind": k, "value": v, "added": a} for k, v, a in rows]


class TrackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern="^(source|article|story)$", description="source, article or story")
    value: str = Field(
        min_length=1, max_length=512, description="a site or credit name, an article id, a story id"
    )


def writes_allowed(request: Request) -> None:
    """A DELETE carries no body to type-check: a cross-site page cannot send one without a CORS preflight,
    which this server never grants, so the read-only check is all it needs."""
    from fastapi import HTTPException

    if not _service(request).allow_writes:
        raise HTTPException(403, "this server is read-only; start it with --allow-writes to change tracks")


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request) -> HTMLResponse:
    from .pages import _int, page, paging

    svc = _service(request)
    p = request.query_params
    kind = p.get("kind") if p.get("kind") in KINDS else None
    tracks = read_tracks(svc.reader.db)
    tracked = p.get("tracked") if p.get("tracked") in {t["value"] for t in tracks} else None
    number = _int(p.get("page"), 1, 1, 100_000)
    total, alerts = read_alerts(svc.reader.db, kind, tracked, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    for a in alerts:  # an article without a title is shown by its first line, as on the other pages
        for side in (a.get("source"), a.get("derived")):
            if side:
                side["display"] = side.get("title") or svc.reader.display_title(side["id"]) or side["id"]
    keep = {k: v for k, v in {"kind": kind, "tracked": tracked}.items() if v}
    return page(
        request,
        "alerts.html",
        alerts=alerts,
        total=total,
        tracks=tracks,
        kinds=KIND_NAMES,
        f={"kind": kind or "", "tracked": tracked or ""},
        filtered=bool(keep),
        **paging("/alerts", keep, number, total, PAGE_SIZE),
    )


@router.get("/api/alerts", tags=["api"], summary="Alerts raised by `wiretrace watch`, newest first")
def api_alerts(
    request: Request,
    kind: Annotated[str | None, Query(pattern="^(" + "|".join(KINDS) + ")$", description="one kind")] = None,
    tracked: Annotated[
        str | None, Query(max_length=512, description="a tracked source, article or story")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JSONResponse:
    total, alerts = read_alerts(_service(request).reader.db, kind, tracked, limit, offset)
    return JSONResponse({"total": total, "offset": offset, "limit": limit, "alerts": alerts})


@router.get("/api/tracks", tags=["api"], summary="What `wiretrace watch` follows: sources, articles, stories")
def api_tracks(request: Request) -> JSONResponse:
    return JSONResponse({"tracks": read_tracks(_service(request).reader.db)})


@router.post(
    "/api/tracks",
    tags=["api"],
    summary="Follow a source, article or story (only with --allow-writes)",
    description="The next `wiretrace watch` round raises alerts for it. A story or article must exist.",
)
async def api_track(request: Request, _: Annotated[None, Depends(writable)], body: TrackIn) -> JSONResponse:
    try:
        added = await run_in_threadpool(_service(request).track, body.kind, body.value)
    except InputError as e:
        return error(404 if body.kind != "source" else 422, f"{e.where}: {e.reason}")
    return JSONResponse({"kind": body.kind, "value": body.value.strip(), "added": added})


@router.delete(
    "/api/tracks",
    tags=["api"],
    summary="Stop following a source, article or story (only with --allow-writes)",
)
async def api_untrack(
    request: Request,
    _: Annotated[None, Depends(writes_allowed)],
    kind: Annotated[str, Query(pattern="^(source|article|story)$")],
    value: Annotated[str, Query(min_length=1, max_length=512)],
) -> JSONResponse:
    removed = await run_in_threadpool(_service(request).untrack, kind, value)
    if not removed:
        return error(404, f"not tracked: {kind} {value}")
    return JSONResponse({"kind": kind, "value": value, "removed": True})
