"""Verification: every candidate pair goes through the compare engine; unrelated pairs are dropped.

Each pair is compared once with the more likely source first (earlier claimed date, then earlier
first-seen date, then the longer text), and once more the other way round only when the engine says
the second text is the original, so the stored compare JSON always has the source as ``a``. Lines that
are boilerplate for the article's site (learned across the corpus) are marked before comparing, so a
site's standard footer never counts as copied story text.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import replace
from datetime import date

from ..compare import compare_documents
from ..model import Article, Document
from ..prepare import prepare
from ..segment import line_spans
from ..text import content_stems
from .fingerprint import line_hash

# Below this share of shared content words the compare engine calls any pair unrelated (its own cut is
# 0.22 on story sentences); checking it first on raw text saves a full comparison, with a small margin.
PREFILTER = 0.2
DERIVATION = ("copy", "rewrite")
# A same_event verdict joins two stories only when the texts name at least this many of the same specific
# entities (names of two or more words: "Brian Nichols", "Promises Treatment Center"). Topical
# neighbours ("Russia", "Ukraine", "court") share words and single names, not the people and places of
# one event; without this, a day of news collapses into a few giant "stories".
SAME_EVENT_ENTITIES = 2


def article_from_row(row: dict) -> Article:
    published = date.fromisoformat(row["published"]) if row.get("published") else None
    return Article(
        text=row["text"],
        title=row.get("title"),
        published=published,
        source=row.get("source"),
        url=row.get("url"),
        path=row.get("path"),
        language=row.get("language"),
        id=row["id"],
    )


def mark_site_boilerplate(doc: Document, boilerplate: frozenset[int]) -> Document:
    """Relabel body sentences that sit on a line the site repeats across its articles."""
    if not boilerplate:
        return doc
    text = doc.article.text
    spans = [(s, e) for s, e in line_spans(text) if line_hash(text[s:e]) in boilerplate]
    if not spans:
        return doc
    sentences = tuple(
        replace(s, kind="boilerplate", reason="site boilerplate")
        if s.kind == "body" and any(a <= s.start < b for a, b in spans)
        else s
        for s in doc.sentences
    )
    return replace(doc, sentences=sentences)


_DOCS: OrderedDict[tuple[str, frozenset[int]], Document] = OrderedDict()


def prepared(row: dict, boilerplate: frozenset[int]) -> Document:
    """``prepare`` with a small per-process cache: one article usually sits in several pairs."""
    key = (row["id"], boilerplate)
    doc = _DOCS.get(key)
    if doc is None:
        doc = mark_site_boilerplate(prepare(article_from_row(row)), boilerplate)
        _DOCS[key] = doc
        if len(_DOCS) > 256:
            _DOCS.popitem(last=False)
    else:
        _DOCS.move_to_end(key)
    return doc


def specific_entities(doc: Document) -> set[frozenset[str]]:
    """Entity keys of two or more name words in the story sentences."""
    return {
        m.value
        for i, s in enumerate(doc.sentences)
        if s.kind == "body"
        for m in doc.facts[i].entities
        if isinstance(m.value, frozenset) and sum(len(w) > 1 for w in m.value) >= 2
    }


def source_first(x: dict, y: dict) -> tuple[dict, dict]:
    def key(r: dict) -> tuple:
        return (r.get("published") or "9999", r.get("first_seen") or "9999", -len(r["text"]), r["n"])

    return (x, y) if key(x) <= key(y) else (y, x)


def vocabulary_overlap(x: dict, y: dict, bx: frozenset[int], by: frozenset[int]) -> float:
    def stems(r: dict, bp: frozenset[int]) -> set[str]:
        lines = (ln for ln in r["text"].splitlines() if not bp or line_hash(ln) not in bp)
        return set(content_stems("\n".join(lines)))

    sx, sy = stems(x, bx), stems(y, by)
    small, big = (sx, sy) if len(sx) <= len(sy) else (sy, sx)
    return len(small & big) / len(small) if small else 0.0


def verify(x: dict, y: dict, bx: frozenset[int], by: frozenset[int]) -> dict | None:
    """Compare two stored articles (rows with text); None when they are unrelated."""
    if vocabulary_overlap(x, y, bx, by) < PREFILTER:
        return None
    a, b = source_first(x, y)
    ba, bb = (bx, by) if a is x else (by, bx)
    da, db = prepared(a, ba), prepared(b, bb)
    c = compare_documents(da, db)
    if c.relation.type == "unrelated":
        return None
    shared = sorted(" ".join(sorted(k)) for k in specific_entities(da) & specific_entities(db))
    if c.relation.type == "same_event" and len(shared) < SAME_EVENT_ENTITIES:
        return None
    if c.relation.type in DERIVATION and c.direction.original == "b":
        swapped = compare_documents(db, da)
        if swapped.relation.type in DERIVATION and swapped.direction.original == "a":
            a, b, c = b, a, swapped
    known = c.relation.type in DERIVATION and c.direction.original == "a"
    types = {f["type"] for f in c.findings}
    credited = True if "credited_syndication" in types else False if "uncredited_reuse" in types else None
    return {
        "src": a["n"],
        "dst": b["n"],
        "relation": c.relation.type,
        "score": c.relation.score,
        "b_from_a": c.stats.get("b_from_a"),
        "a_from_b": c.stats.get("a_from_b"),
        "direction": "compare" if known else "unknown",
        "confidence": c.direction.confidence if known else 0.0,
        "credited": credited,
        "flags": c.stats.get("flags", {}),
        "added": int(c.stats.get("labels", {}).get("added", 0)),
        "findings": c.findings,
        "evidence": {"shared_entities": shared[:20]},
        "compare": c.to_dict(),
    }


def verify_job(
    job: tuple[int, int, dict, dict, frozenset[int], frozenset[int]],
) -> tuple[int, int, dict | None]:
    """Process-pool entry point: (lo, hi, row, row, boilerplate, boilerplate) -> (lo, hi, result)."""
    lo, hi, x, y, bx, by = job
    return lo, hi, verify(x, y, bx, by)


def warm() -> None:
    """Pool initialiser: load the embedding model once per worker, not on its first pair."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from ..embed import default_embedder

    default_embedder()
