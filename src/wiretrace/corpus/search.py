"""Search an index for one article (``wiretrace search``): the articles it may copy, rewrite or share an
event with, found by the candidate search's keys and decided by the same verification as indexing,
without adding the article."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..compare import ArticleLike, as_article
from . import candidates as cand
from .fingerprint import analyse_batch, decode_record, text_hash
from .stories import BRIEF_GATE
from .verify import DERIVATION, Item, diff_pair

if TYPE_CHECKING:
    from .corpus import Corpus


def search(corpus: Corpus, article: ArticleLike, limit: int = 10) -> list[dict]:
    """Indexed articles that are copies, rewrites, sources or same-event reports of ``article``, best
    first. The article is not added to the index."""
    query = as_article(article)
    thash = text_hash(query)
    an = analyse_batch([query])[0]
    own = {
        r[0]
        for r in corpus.store.db.execute(
            "SELECT n FROM articles WHERE text_hash = ? OR id = ?", (thash, query.id)
        ).fetchall()
    }
    n_docs = corpus.store.count() + 1
    known = corpus.store.terms(an.terms.tolist())
    dfs = np.fromiter((known.get(t, (0,))[0] + 1 for t in an.terms.tolist()), np.float32, len(an.terms))
    lookup = cand.select_keys(
        np.zeros(len(an.terms), np.int64), an.terms, an.counts, an.names, dfs, n_docs, 1
    )
    looked = cand.lookup_mask(lookup, *cand.key_frequencies(known))
    postings = corpus.store.postings(lookup.keys[looked].tolist())
    kw, kn, kv, kd = corpus._key_stats()

    def at(values: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """Rows of ``values`` for article numbers, zeros for any indexed since they were loaded."""

        def rows(ns: np.ndarray) -> np.ndarray:
            out = np.zeros((len(ns), *values.shape[1:]), values.dtype)
            inside = ns < len(values)
            out[inside] = values[ns[inside]]
            return out

        return rows

    weight, count = at(kw), at(kn)
    top = max(cand.TOP, 3 * limit)
    published = query.published.isoformat() if query.published else None
    scored = cand.score_queries(
        lookup,
        np.asarray([-1]),
        postings,
        lambda ns: (weight(ns), count(ns)),
        looked,
        top,
        stories=(at(kv), an.story[None]),
        days=(at(kd), np.asarray([cand.day_number(published, None)])),
    )[0]
    found = [n for n in scored.numbers.tolist() if n not in own]
    verifier = corpus._verifier(n_docs)
    q_row = {
        "n": -1,
        "id": query.id,
        "text": query.text,
        "title": query.title,
        "source": query.source,
        "url": query.url,
        "path": query.path,
        "language": query.language,
        "published": published,
        "first_seen": None,
        "credits": json.dumps(list(an.credits)),
    }
    q_item = Item(q_row, decode_record(an.record), verifier.site_lines(query.source))
    verifier.load(found)
    docs: dict = {}
    hits = []
    for n in found:
        item = verifier.items.get(n)
        if item is None:
            continue
        result = verifier.relate(q_item, item)
        if result is None:
            continue
        ev = result["evidence"]
        if result["relation"] in DERIVATION and ev.get("brief") and ev.get("explained", 1.0) < BRIEF_GATE:
            continue
        hit_is_dst = result["dst"] == n
        stored = _stored_diff(corpus, own, n)
        if stored is not None:
            compare, hit_is_dst = stored
        else:
            src_row, dst_row = (q_row, item.row) if hit_is_dst else (item.row, q_row)
            diff = diff_pair(
                src_row,
                dst_row,
                verifier.site_lines(src_row.get("source")),
                verifier.site_lines(dst_row.get("source")),
                result,
                docs,
            )
            compare = diff["compare"]
            hit_is_dst = diff["dst"] == n
        flags: dict[str, int] = {}
        for s in compare["b"]["sentences"]:
            for f in s.get("flags", []):
                flags[f["type"]] = flags.get(f["type"], 0) + 1
        known = compare.get("direction", {}).get("original") == "a" or result["direction"] == "compare"
        hits.append(
            {
                "id": item.row["id"],
                "path": item.row["path"],
                "relation": result["relation"],
                "b_from_a": result["b_from_a"],
                "flags": flags,
                "role": ("derived" if hit_is_dst else "source") if known else "unknown",
                "title": item.row["title"],
                "source": item.row["source"],
                "published": item.row["published"],
                "score": result["score"],
            }
        )
    order = {"copy": 0, "rewrite": 1, "same_event": 2}
    hits.sort(key=lambda h: (order.get(h["relation"], 3), -(h["b_from_a"] or 0), h["id"]))
    return hits[:limit]


def _stored_diff(corpus: Corpus, own: set[int], n: int) -> tuple[dict, bool] | None:
    """When the query is itself indexed: the stored compare JSON of (its copy, n) and whether ``n`` is
    the derived side of it."""
    for m in sorted(own):
        row = corpus.store.pair_row(m, n)
        if row is not None and row.get("compare_json"):
            return corpus.store.compare_json(m, n), row["dst"] == n
    return None
