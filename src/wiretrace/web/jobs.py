"""CPU-bound work of the web server, as plain functions a process pool can run.

Each job takes and returns plain data (dicts of strings and numbers) and never raises: an unusable
input comes back as ``{"error": ..., "where": ...}``, so a worker never has to send an exception
object across the process boundary.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date

from ..compare import compare_documents
from ..corpus.stories import DERIVATION
from ..errors import InputError
from ..ingest.read import parse_date, parse_text
from ..model import Article
from ..prepare import prepare


def to_article(spec: dict, where: str) -> Article:
    """One submitted article: ``text`` (plain text, Markdown, HTML or a news-please/passim JSON record,
    detected from the content and the optional file ``name``) plus optional metadata that wins over
    what the text carries (``title``, ``published``, ``source``, ``url``, ``id``)."""
    article = parse_text(spec.get("text") or "", where, (spec.get("name") or "").lower())
    published = spec.get("published")
    if isinstance(published, str):
        published = parse_date(published)
    changes: dict = {}
    if isinstance(published, date):
        changes["published"] = published
    for key in ("title", "source", "url", "id"):
        if spec.get(key):
            changes[key] = spec[key]
    return replace(article, **changes) if changes else article


def compare_job(a: dict, b: dict, max_chars: int | None = None) -> dict:
    """Two submitted articles -> the compare JSON (``wiretrace.compare/1``), ``a`` read as the source.

    An unusable input gives ``{"error", "where", "status": 422}``; an article whose text (after HTML
    extraction) is longer than ``max_chars`` gives status 413, before any comparison work."""
    try:
        articles = [to_article(spec, spec.get("where") or side) for side, spec in (("a", a), ("b", b))]
    except InputError as e:
        return {"error": e.reason, "where": e.where, "status": 422}
    for side, article in zip(("a", "b"), articles, strict=True):
        if max_chars is not None and len(article.text) > max_chars:
            return {
                "error": f"the article text is over {max_chars:,} characters",
                "where": side,
                "status": 413,
            }
    da, db = (prepare(x) for x in articles)
    return compare_documents(da, db).to_dict()


def pair_job(x: dict, y: dict, bx: frozenset[int], by: frozenset[int], oriented: bool = False) -> dict:
    """Two stored articles (rows with text, and their sites' boilerplate line hashes) compared now:
    ``x`` first when ``oriented`` (the index verified it as the source), else the more likely source
    first (the order ``Corpus`` uses); swapped when the engine names the other one the original and
    agrees when asked the other way round."""
    from ..corpus.settle import source_first
    from ..corpus.verify import article_from_row, mark_site_boilerplate

    a, b = (x, y) if oriented else source_first(x, y)
    ba, bb = (bx, by) if a is x else (by, bx)
    da = mark_site_boilerplate(prepare(article_from_row(a)), ba)
    db = mark_site_boilerplate(prepare(article_from_row(b)), bb)
    c = compare_documents(da, db)
    if c.relation.type in DERIVATION and c.direction.original == "b":
        swapped = compare_documents(db, da)
        if swapped.relation.type in DERIVATION and swapped.direction.original == "a":
            c = swapped
    return c.to_dict()


def warm() -> None:
    """Pool initialiser: load the embedding model once per worker, before the first request."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from ..embed import default_embedder

    default_embedder()
