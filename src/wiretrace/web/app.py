"""The ASGI application: pages, JSON API, static files, error pages, security middleware."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from .. import __version__
from . import alerts, api, pages
from .render import render, static_files
from .security import Guard
from .service import Service

DEFAULT_MAX_BODY = 4 * 2**20  # two HTML pages fit; anything larger gets a 413


def create_app(
    db: str | Path,
    *,
    allow_writes: bool = False,
    workers: int = 2,
    max_body: int = DEFAULT_MAX_BODY,
    max_pending: int = 256,
    allowed_hosts: frozenset[str] | None = None,
    demo: bool = False,
):
    """The web UI and API over the corpus file ``db`` (which must exist).

    ``workers``: compare processes (0 runs compares in the server's threads). ``allowed_hosts``: the
    Host names requests may use (``None``: any; ``serve`` passes the loopback names when it listens on
    a loopback address). Returns the ASGI app, wrapped in the security middleware."""
    path = Path(db)
    if not path.is_file():
        raise FileNotFoundError(f"no such corpus: {path}")
    service = Service(path, allow_writes=allow_writes, workers=workers, max_pending=max_pending, demo=demo)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        service.start()
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="wiretrace",
        version=__version__,
        description="Browse the stories of a wiretrace corpus, their lineage and claim-level diffs; compare "
        "two texts. JSON field names are the CLI's (`stories --format json`, `show`, the "
        "`wiretrace.compare/1` contract).",
        docs_url=None,  # Swagger UI and ReDoc load from CDNs; /api/docs is served from here instead
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.max_body = max_body
    app.include_router(api.router)
    app.include_router(alerts.router)
    app.include_router(pages.router)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        item = static_files().get(name)
        if item is None:
            return Response("not found", status_code=404, media_type="text/plain")
        data, kind, _ = item
        return Response(data, media_type=kind, headers={"Cache-Control": "public, max-age=86400"})

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    def error_page(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        html = render(
            "error.html",
            corpus=pages.corpus_badge(service),
            href=pages.href,
            path=request.url.path,
            status_code=status,
            title={404: "Not found", 405: "Not allowed", 413: "Too large"}.get(status, "Error"),
            message=message,
        )
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(HTTPException)  # Starlette's: FastAPI's, routing's 404/405 and TooLarge
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = "No such page."
        return error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # the submitted values are not echoed back: they may be long article texts
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        if not wants_json(request):
            return error_page(request, 422, "; ".join(d["msg"] for d in details) or "invalid request")
        return JSONResponse({"error": "invalid request", "status": 422, "detail": details}, status_code=422)

    return Guard(app, max_body=max_body, allowed_hosts=allowed_hosts)
