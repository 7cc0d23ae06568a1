"""The HTML pages: stories, story, pair, compare, article, API docs."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from ..errors import InputError
from ..ingest.decode import decode
from ..report.html import build_view
from . import articles as article_view
from . import lineage as pictures
from .api import run_compare
from .models import MAX_TEXT
from .queries import valid_article_id, valid_story_id
from .render import render
from .workers import Busy

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
MAX_FIELD = 2 * MAX_TEXT  # characters of a pasted text (HTML source included)


def href(kind: str, *ids: str) -> str:
    """The URL of a page; article ids are percent-encoded (any character), pair ids go in the query."""
    if kind == "article":
        return "/articles/" + quote(ids[0], safe="")
    if kind == "story":
        return f"/stories/{ids[0]}"
    if kind == "pair":
        return "/pair?" + urlencode({"a": ids[0], "b": ids[1]})
    raise ValueError(kind)


def corpus_badge(svc) -> dict:
    """What the header of every page says about the corpus: its name, mode and alert count."""
    from .alerts import alert_count

    return {
        "name": svc.db.name,
        "demo": svc.demo,
        "read_only": not svc.allow_writes,
        "alerts": alert_count(svc.reader.db),
    }


def paging(path: str, keep: dict, number: int, total: int, size: int = PAGE_SIZE) -> dict:
    """The pager's context (``_macros.html``'s ``pager``): this page's number, how many there are, and
    links to the pages either side that keep the filters in ``keep``."""
    pages = max(1, -(-total // size))

    def link(n: int) -> str:
        return f"{path}?" + urlencode({**keep, "page": n})

    return {
        "number": number,
        "pages": pages,
        "prev_url": link(number - 1) if number > 1 else None,
        "next_url": link(number + 1) if number < pages else None,
    }


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    svc = request.app.state.service
    html = render(
        name,
        corpus=corpus_badge(svc),
        href=href,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def not_found(request: Request, what: str) -> HTMLResponse:
    return page(request, "error.html", status=404, status_code=404, title="Not found", message=what)


def _date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return min(hi, max(lo, int(value or default)))
    except ValueError:
        return default


@router.get("/", response_class=HTMLResponse)
def stories_page(request: Request) -> HTMLResponse:
    svc = request.app.state.service
    p = request.query_params
    q = (p.get("q") or "").strip()[:300]
    site = (p.get("site") or "").strip()[:300] or None
    since, until = _date(p.get("since")), _date(p.get("until"))
    min_size = _int(p.get("min_size"), 2, 1, 100_000)
    number = _int(p.get("page"), 1, 1, 100_000)
    total, stories = svc.stories(
        q=q or None,
        site=site,
        since=since,
        until=until,
        min_size=min_size,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    hits_total, hits = svc.reader.search_articles(q, site=site, limit=10) if q else (0, [])
    for h in hits:
        h["display_title"] = h["title"] or svc.reader.display_title(h["id"])
    keep = {k: v for k, v in {"q": q, "site": site, "since": since, "until": until}.items() if v}
    if min_size != 2:
        keep["min_size"] = str(min_size)
    return page(
        request,
        "stories.html",
        stories=stories,
        total=total,
        hits=hits,
        hits_total=hits_total,
        sites=svc.reader.sites(),
        counts=svc.reader.counts(),
        f={"q": q, "site": site or "", "since": since or "", "until": until or "", "min_size": min_size},
        filtered=bool(keep),
        **paging("/", keep, number, total),
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    if not valid_story_id(story_id):
        return not_found(request, "A story id is st- followed by 10 hexadecimal digits.")
    story = request.app.state.service.story(story_id)
    if story is None:
        return not_found(request, f"No story {story_id} in this corpus.")
    by_id = {a["id"]: a for a in story["articles"]}
    source_edge: dict[str, dict] = {}  # each derived article's strongest incoming derivation edge
    for e in story["edges"]:
        if e["relation"] in ("copy", "rewrite"):
            best = source_edge.get(e["to"])
            if best is None or (e.get("b_from_a") or 0) > (best.get("b_from_a") or 0):
                source_edge[e["to"]] = e

    def site(article_id: str) -> str:
        return (by_id.get(article_id) or {}).get("source") or article_id

    return page(
        request,
        "story.html",
        s=story,
        by_id=by_id,
        site=site,
        dropped=[_dropped(e, site) for e in story.get("dropped_edges") or []],
        source_edge=source_edge,
        graph=pictures.lineage(story, story["titles"], href),
        timeline=pictures.timeline(story, href),
    )


def _dropped(e: dict, site) -> dict:
    """A link the lineage left out, and why, in words."""
    reason = e.get("reason")
    if e.get("shared_upstream"):
        why = f"both derive from {site(e['shared_upstream'])}: a shared upstream explains the overlap"
    elif reason:
        why = f"left out by the index ({reason})"
    else:
        why = "it would close a cycle"
    return {
        "from": site(e["from"]),
        "to": site(e["to"]),
        "href": href("pair", e["from"], e["to"]),
        "relation": e.get("relation"),
        "b_from_a": e.get("b_from_a"),
        "why": why,
    }


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    if not valid_article_id(article_id):
        return not_found(request, "That is not an article id.")
    svc = request.app.state.service
    found = svc.article(article_id)
    if found is None:
        return not_found(request, "No such article in this corpus.")
    a, pieces = found
    story = svc.story(a["story"]) if a.get("story") else None
    return page(
        request,
        "article.html",
        a=a,
        display_title=svc.reader.display_title(a["id"]),
        lines=article_view.paragraphs(pieces),
        story=story,
    )


@router.get("/pair", response_class=HTMLResponse)
async def pair_page(request: Request) -> Response:
    a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
    if not (valid_article_id(a) and valid_article_id(b)) or a == b:
        return not_found(request, "A pair needs two different article ids: /pair?a=ID&b=ID.")
    svc = request.app.state.service
    try:
        d, stored = await svc.pair(a, b)
    except Busy:
        return page(
            request,
            "error.html",
            status=503,
            status_code=503,
            title="Busy",
            message="Too many comparisons are waiting. Reload in a moment.",
        )
    if d is None:
        return not_found(request, "One of these articles is not in this corpus.")
    ids = {"a": d["a"]["id"], "b": d["b"]["id"]}
    story_a = svc.reader.story(ids["a"])
    story_b = svc.reader.story(ids["b"])
    return page(
        request,
        "pair.html",
        d=d,
        view=build_view(d),
        stored=stored,
        mode="corpus",
        hrefs={k: href("article", v) for k, v in ids.items()},
        stories=[s for s in {x["id"]: x for x in (story_a, story_b) if x}.values()],
        swapped=ids["a"] != a,
    )


@router.get("/compare", response_class=HTMLResponse)
def compare_form(request: Request) -> HTMLResponse:
    return page(request, "compare.html", form={}, error=None, max_text=MAX_TEXT)


async def _field(form, name: str) -> tuple[str, str]:
    """(text, file name) from an upload (decoded like a file on disk) or a pasted text field."""
    upload = form.get(f"{name}_file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        if data:
            text, _ = decode(data, upload.filename)
            return text, upload.filename
    text = form.get(f"{name}_text")
    return (text if isinstance(text, str) else ""), ""


@router.post("/compare", response_class=HTMLResponse)
async def compare_submit(request: Request) -> HTMLResponse:
    svc = request.app.state.service
    async with request.form(max_files=2, max_fields=20, max_part_size=request.app.state.max_body) as form:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            a_text, a_name = await _field(form, "a")
            b_text, b_name = await _field(form, "b")
        except InputError as e:
            return _form_error(request, values, f"{e.where}: {e.reason}", 422)
    if not a_text.strip() or not b_text.strip():
        return _form_error(request, values, "Paste or upload both texts: a (the source) and b (the derived).")
    if max(len(a_text), len(b_text)) > MAX_FIELD:
        return _form_error(request, values, f"Each text may be at most {MAX_FIELD:,} characters.", 413)
    specs = []
    for side, text, name in (("a", a_text, a_name), ("b", b_text, b_name)):
        spec = {"text": text, "name": name, "where": f"{side} ({name})" if name else side}
        for key in ("title", "source", "url"):
            value = (values.get(f"{side}_{key}") or "").strip()[:1000]
            if value:
                spec[key] = value
        published = _date(values.get(f"{side}_published"))
        if published:
            spec["published"] = published
        specs.append(spec)
    status, d = await run_compare(svc, *specs)
    if status != 200:
        return _form_error(request, values, d["error"], status)
    return page(
        request,
        "pair.html",
        d=d,
        view=build_view(d),
        stored=False,
        mode="compare",
        hrefs=None,
        stories=[],
        swapped=False,
    )


def _form_error(request: Request, values: dict, message: str, status: int = 422) -> HTMLResponse:
    form = {
        k: v for k, v in values.items() if k.endswith(("_text", "_title", "_source", "_url", "_published"))
    }
    return page(request, "compare.html", status=status, form=form, error=message, max_text=MAX_TEXT)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": prm["name"],
                    "where": prm["in"],
                    "required": prm.get("required", False),
                    "description": prm.get("description") or "",
                    "type": _type_name(prm.get("schema", {})),
                }
                for prm in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            responses = [
                {"status": code, "description": r.get("description", ""), "model": _ref_name(r)}
                for code, r in op.get("responses", {}).items()
            ]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "body": _type_name(body) if body else None,
                    "responses": responses,
                }
            )
    schemas = spec.get("components", {}).get("schemas", {})
    models = [
        {
            "name": name,
            "description": sch.get("description", ""),
            "fields": [
                {
                    "name": f,
                    "type": _type_name(v),
                    "description": v.get("description", ""),
                    "required": f in sch.get("required", []),
                }
                for f, v in sch.get("properties", {}).items()
            ],
        }
        for name, sch in sorted(schemas.items())
        if not name.startswith(("HTTPValidationError", "ValidationError"))
    ]
    return page(request, "api_docs.html", endpoints=endpoints, models=models, version=spec["info"]["version"])


def _ref_name(response: dict) -> str | None:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return _type_name(schema) if schema else None


def _type_name(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_name(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list[{_type_name(schema.get('items', {}))}]"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        inner = schema["additionalProperties"]
        return f"dict[str, {_type_name(inner) if isinstance(inner, dict) else 'any'}]"
    if "const" in schema:
        return repr(schema["const"])
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


@router.get("/favicon.ico")
def favicon() -> Response:
    return RedirectResponse("/static/icon.svg", status_code=308)
