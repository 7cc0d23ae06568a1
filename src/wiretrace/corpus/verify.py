"""Verification in two stages: the relation of every candidate pair, the claim-level diff on demand.

Stage 1 (``Verifier.relate_pairs``, every candidate, at index time): most pairs are settled without an
alignment by the tests of ``settle`` (vocabulary containment, the same-event test on shared names, the
derivation gate), from the two articles' sketches when the site's boilerplate does not touch them, else
from their decoded records. For the others both articles' light Documents are rebuilt from their stored
records (no text is re-prepared, no sentence re-embedded), site boilerplate is marked, and the pair's
relation is decided exactly as the compare engine decides it (``relate``: the calls
``compare.relate_documents`` makes, plus the link labels it drops, which the direction evidence needs);
its fact features (figures and names) are read from the sentence texts, so the light Documents rebuilt
from records give the same features as the full ones.

Direction and credit come from cheap evidence: the engine's ``decide_direction`` over the link labels
(claimed dates, wire credits, containment, length, figures and names, page furniture; the fact flags of
the full diff are not there yet, so "sharpened wording" never counts here), which names an original only
when its calibrated model is confident and otherwise leaves the edge for the story builder to orient by
dates, and its ``findings`` (credited syndication / uncredited reuse). Each kept derivation pair also
records ``explained`` and ``cosine`` (``vocabulary``: how much of the derived text's vocabulary the source
holds, and how central the shared words are to both, under the corpus's idf); the story builder weighs
the two to choose between competing sources. What else a pair stores depends on its two texts and their
sites' boilerplate only. Two things move as the corpus grows, and a pair verified on an earlier day is
brought up to date with them, so that it ends as it would have in one run of all the days: the idf of
the two figures (``vocabulary.refresh``, before every story build) and a site's boilerplate (when it
changes, ``Corpus.verify_pending`` sends the pairs it concerns back here; ``sitelines``).

Stage 2 (``diff_pair``, lazily: ``Corpus.pair``, ``show``, ``search``, ``index --diffs``): the full
``compare_documents`` with the source as ``a``, swapped when the engine names the other side the
original; it stores the compare JSON, flags, added sentences and findings, and refines direction and
credit.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import numpy as np

from .. import align
from ..compare import compare_documents
from ..diff import link_labels
from ..model import Article, Document
from ..prepare import prepare
from ..relation import (
    UNRELATED_BELOW,
    coverage,
    decide_direction,
    decide_relation,
    findings,
    may_derive,
)
from ..segment import line_spans
from .fingerprint import (
    Record,
    Sketch,
    decode_record,
    decode_sketch,
    dequantise,
    line_hash,
    record_document,
    sentence_entities,
    term_hash,
)
from .settle import (
    SAME_EVENT_ENTITIES,
    brief_pair,
    containment,
    may_align,
    repeated_of,
    same_event_result,
    sketch_relate,
    source_first,
)
from .stories import DERIVATION
from .vocabulary import CorpusIdf, Vocabulary, figures, vocabulary

PREFILTER = UNRELATED_BELOW
CACHE = 2048  # articles kept decoded per process (only pairs that need the alignment load them)
SKETCHES = 32768  # sketches kept per process (about 2 KB each, decoded)


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
    return replace(doc, sentences=sentences, _memo={})  # the memos may depend on the sentence kinds


def specific_entities_of(doc: Document) -> set[str]:
    """Names of two or more words in the story sentences (as the full facts stage finds them), each as
    its sorted key words joined by spaces."""
    return {k for s in doc.sentences if s.kind == "body" for k in sentence_entities(s.text)}


def relate(da: Document, db: Document, va: np.ndarray, vb: np.ndarray):
    """What ``compare.relate_documents`` computes, plus both sides' link labels (for the direction).

    Returns (relation, b coverage, a coverage, b labels, a labels)."""
    forward = align.build(da, db, vectors=(va, vb))
    b_lab = link_labels(da, db, forward)
    a_lab = link_labels(db, da, forward.transpose(da, db))
    b_cov, a_cov = coverage(db, b_lab, da), coverage(da, a_lab, db)
    return decide_relation(da, db, b_cov, a_cov), b_cov, a_cov, b_lab, a_lab


class Item:
    """One article as verification sees it: what the cheap tests need up front (stems, story-sentence
    count, name pairs), the light Document and its sentence vectors only when the alignment runs."""

    __slots__ = (
        "_doc",
        "_hashes",
        "_vectors",
        "_vocab",
        "body",
        "boilerplate",
        "entities",
        "kept",
        "names",
        "rec",
        "row",
        "stems",
    )

    def __init__(self, row: dict, rec: Record, boilerplate: frozenset[int]) -> None:
        self.row, self.rec, self.boilerplate = row, rec, boilerplate
        kept = [  # sentences of the story: not boilerplate, not on a line the site repeats
            kind == "headline" or (kind == "body" and not (boilerplate and line in boilerplate))
            for kind, line in zip(rec.kinds, rec.lines, strict=True)
        ]
        self.kept = kept
        self.stems = frozenset(" ".join(t for t, k in zip(rec.token_lines, kept, strict=True) if k).split())
        self.body = sum(k and kind == "body" for kind, k in zip(rec.kinds, kept, strict=True))
        self.names = rec.names
        self.entities: set[str] | None = None
        self._vocab: Vocabulary | None = None  # its stems' corpus weights (``Verifier.vocabulary``)
        self._doc: Document | None = None
        self._vectors: np.ndarray | None = None
        self._hashes: np.ndarray | None = None

    @property
    def doc(self) -> Document:
        """The light Document, site boilerplate marked."""
        if self._doc is None:
            self._doc = record_document(self.rec, article_from_row(self.row), self.boilerplate)
        return self._doc

    def specific_entities(self) -> set[str]:
        """``specific_entities_of(self.doc)``, from the record when ingest stored them (site boilerplate
        left out), else extracted from the text."""
        if self.entities is None:
            if self.rec.entities is None:
                self.entities = specific_entities_of(self.doc)
            else:
                rec, site = self.rec, self.boilerplate
                self.entities = {
                    k
                    for i, keys in rec.entities.items()
                    if rec.kinds[i] == "body" and not (site and rec.lines[i] in site)
                    for k in keys
                }
        return self.entities

    @property
    def hashes(self) -> np.ndarray:
        """The story stems as sorted ``term_hash`` values (as a sketch's ``stems``, site lines left out)."""
        if self._hashes is None:
            self._hashes = np.array(sorted({term_hash(t) for t in self.stems}), np.int64)
        return self._hashes

    @property
    def vectors(self) -> np.ndarray:
        if self._vectors is None:
            self._vectors = dequantise(self.rec.vectors)
        return self._vectors


def _refresh(cache: OrderedDict, numbers: list[int], limit: int, fill: Callable[[list[int]], None]) -> None:
    """Upkeep of a per-article LRU cache: ``fill`` it with the numbers it lacks (one read), mark every
    number as just used, and keep at most ``limit`` entries."""
    missing = [n for n in dict.fromkeys(numbers) if n not in cache]
    if missing:
        fill(missing)
    for n in numbers:
        if n in cache:
            cache.move_to_end(n)
    while len(cache) > limit:
        cache.popitem(last=False)


class Verifier:
    """Relates stored articles, with small per-process caches (an article sits in several pairs).

    ``store`` is the ``Store`` to read from; ``n_docs`` the corpus size the idf weights use; a line on at
    least ``min_articles`` of a site's articles and ``min_share`` of them is that site's boilerplate."""

    def __init__(self, store, n_docs: int, min_articles: int, min_share: float) -> None:
        self.store = store
        self.idf = CorpusIdf(store, n_docs)
        self.min_articles, self.min_share = min_articles, min_share
        self.items: OrderedDict[int, Item] = OrderedDict()
        # article number -> (row, sketch); None when site boilerplate changes its story sentences
        self.sketches: OrderedDict[int, tuple[dict, Sketch] | None] = OrderedDict()
        self.boilerplate: dict[str, frozenset[int]] = {}

    def site_lines(self, site: str | None) -> frozenset[int]:
        if not site:
            return frozenset()
        if site not in self.boilerplate:
            self.boilerplate[site] = frozenset(
                self.store.site_boilerplate(site, self.min_articles, self.min_share)
            )
        return self.boilerplate[site]

    def load(self, numbers: list[int], text: bool = True) -> None:
        """Decode the records of ``numbers`` not in the cache; ``text=False`` leaves the texts in the file
        until an alignment needs them (``with_text``): most pairs are settled from the records alone."""

        def fill(missing: list[int]) -> None:
            for n, (row, blob) in self.store.records(missing, text=text).items():
                self.items[n] = Item(row, decode_record(blob), self.site_lines(row.get("source")))

        _refresh(self.items, numbers, CACHE, fill)

    def vocabulary(self, item: Item) -> Vocabulary:
        """The item's story stems with their corpus weights (``vocabulary.vocabulary``), computed once."""
        if item._vocab is None:
            item._vocab = vocabulary(item.stems, item.rec, self.idf)
        return item._vocab

    def with_text(self, *items: Item) -> None:
        """Read the texts of items loaded without them (their Documents need them)."""
        need = [it for it in items if "text" not in it.row]
        if need:
            rows = self.store.articles([it.row["n"] for it in need], with_text=True, fields=("n",))
            for it in need:
                it.row["text"] = rows[it.row["n"]]["text"]

    def load_sketches(self, numbers: list[int]) -> None:
        """Read the sketches of ``numbers`` not in the cache."""

        def fill(missing: list[int]) -> None:
            for n, (row, blob) in self.store.sketches(missing).items():
                sketch = decode_sketch(blob)
                lines = self.site_lines(row["source"])
                if lines and any(h in lines for h in sketch.body_lines.tolist()):
                    self.sketches[n] = None
                else:
                    self.sketches[n] = ({**row, "text_len": sketch.size}, sketch)

        _refresh(self.sketches, numbers, SKETCHES, fill)

    def relate_pairs(self, pairs: list[tuple[int, int]]) -> list[tuple[int, int, dict | None]]:
        """Many pairs: most are settled from their sketches; the others' articles are loaded in one read."""
        self.load_sketches([n for pair in pairs for n in pair])
        settled: dict[tuple[int, int], dict | None] = {}
        for lo, hi in pairs:
            x, y = self.sketches.get(lo), self.sketches.get(hi)
            if x is not None and y is not None:
                done, result = sketch_relate(x, y)
                if done:
                    settled[lo, hi] = result
        self.load([n for pair in pairs if pair not in settled for n in pair], text=False)
        return [
            (lo, hi, settled[lo, hi] if (lo, hi) in settled else self.relate_pair(lo, hi)) for lo, hi in pairs
        ]

    def relate_pair(self, lo: int, hi: int) -> dict | None:
        self.load([lo, hi])
        x, y = self.items.get(lo), self.items.get(hi)
        if x is None or y is None:
            return None
        return self.relate(x, y)

    def relate(self, x: Item, y: Item) -> dict | None:
        """The verified pair (source first when the evidence says so), or None when it is unrelated or a
        same_event pair without the shared names a story needs."""
        rx, _ = source_first(x.row, y.row)
        a, b = (x, y) if rx is x.row else (y, x)
        vocab = containment(a, b)
        if vocab < UNRELATED_BELOW:
            return None
        shared = self._shared_names(a, b)
        if not may_derive(a.body, b.body, vocab, lambda: repeated_of(a, b)):
            # The engine can only say same_event here, whatever the alignment: no alignment is run.
            return (
                same_event_result(a.row, b.row, vocab, shared) if len(shared) >= SAME_EVENT_ENTITIES else None
            )
        brief = brief_pair(a, b, vocab)
        if not may_align(brief, len(shared), vocab, a.hashes, b.hashes):
            return None
        self.with_text(a, b)
        rel, b_cov, a_cov, b_lab, a_lab = relate(a.doc, b.doc, a.vectors, b.vectors)
        if rel.type == "unrelated":
            return None
        if rel.type == "same_event":
            if len(shared) < SAME_EVENT_ENTITIES:
                return None
            return self._result(
                a, b, rel, b_cov, a_cov, None, {"shared_entities": shared[:20], "vocab": round(vocab, 3)}
            )
        direction = decide_direction(a.doc, b.doc, rel, b_lab, a_lab, b_cov, a_cov)
        if direction.original == "b":
            a, b, b_cov, a_cov = b, a, a_cov, b_cov
            direction = replace(direction, original="a")
        lexical = figures(self.vocabulary(a), self.vocabulary(b), reverse=direction.original != "a")
        evidence = {
            "brief": brief,
            "explained": lexical.pop("explained"),
            "cosine": lexical.pop("cosine"),
            "vocab": round(vocab, 3),
            **lexical,  # explained_reverse, when the story builder may orient the pair by dates
        }
        return self._result(a, b, rel, b_cov, a_cov, direction, evidence)

    def _shared_names(self, a: Item, b: Item) -> list[str]:
        if not a.names & b.names:  # a shared name of two words is a shared capitalised pair, nearly always
            return []
        if a.rec.entities is None or b.rec.entities is None:  # records of an older index: from the text
            self.with_text(a, b)
        return sorted(a.specific_entities() & b.specific_entities())

    def _result(self, a: Item, b: Item, rel, b_cov, a_cov, direction, evidence: dict) -> dict:
        known = direction is not None and direction.original == "a"
        credited = None
        if rel.type in DERIVATION:
            types = {f["type"] for f in findings(a.doc, b.doc, rel, direction)}
            credited = (
                True if "credited_syndication" in types else False if "uncredited_reuse" in types else None
            )
        return {
            "src": a.row["n"],
            "dst": b.row["n"],
            "relation": rel.type,
            "score": rel.score,
            "b_from_a": round(b_cov.derived, 3) if b_cov is not None else None,
            "a_from_b": round(a_cov.derived, 3) if a_cov is not None else None,
            "direction": "compare" if known else "unknown",
            "confidence": direction.confidence if known else 0.0,
            "credited": credited,
            "evidence": evidence,
        }


# --- stage 2: the full comparison ------------------------------------------------------------------


def full_document(row: dict, boilerplate: frozenset[int]) -> Document:
    return mark_site_boilerplate(prepare(article_from_row(row)), boilerplate)


def diff_pair(
    src: dict, dst: dict, bs: frozenset[int], bd: frozenset[int], stored: dict, docs: dict | None = None
) -> dict:
    """The full comparison of a verified pair, source as ``a``; swapped when the engine's full evidence
    (fact flags included) names the other side the original and agrees when asked the other way.
    ``docs`` caches fully prepared Documents by article id (a search compares one text with many)."""
    docs = {} if docs is None else docs
    if src["id"] not in docs:
        docs[src["id"]] = full_document(src, bs)
    if dst["id"] not in docs:
        docs[dst["id"]] = full_document(dst, bd)
    ds, dd = docs[src["id"]], docs[dst["id"]]
    c = compare_documents(ds, dd)
    swapped = False
    if c.relation.type in DERIVATION and c.direction.original == "b":
        other = compare_documents(dd, ds)
        if other.relation.type in DERIVATION and other.direction.original == "a":
            c, src, dst, swapped = other, dst, src, True
    known = c.relation.type in DERIVATION and c.direction.original == "a"
    types = {f["type"] for f in c.findings}
    credited = True if "credited_syndication" in types else False if "uncredited_reuse" in types else None
    evidence = dict(stored.get("evidence") or {})
    if c.relation.type != stored.get("relation"):
        evidence["compare_relation"] = c.relation.type
    if swapped:
        evidence["reoriented"] = "the full comparison names the other text the original"
    derived = stored.get("relation") in DERIVATION
    return {
        "src": src["n"],
        "dst": dst["n"],
        "score": stored.get("score") if c.relation.type != stored.get("relation") else c.relation.score,
        "b_from_a": c.stats.get("b_from_a"),
        "a_from_b": c.stats.get("a_from_b"),
        "direction": "compare" if known else ("unknown" if derived else stored.get("direction") or "unknown"),
        "confidence": c.direction.confidence if known else 0.0,
        "credited": credited if derived else None,
        "flags": c.stats.get("flags", {}),
        "added": int(c.stats.get("labels", {}).get("added", 0)),
        "findings": c.findings,
        "evidence": evidence,
        "compare": c.to_dict(),
    }


# --- process-pool entry points ---------------------------------------------------------------------

_WORKER: Verifier | None = None


def init_worker(db_path: str, n_docs: int, min_articles: int, min_share: float) -> None:
    """Pool initialiser: a read-only connection of its own and the embedding model, loaded once."""
    global _WORKER
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from .store import Store

    _WORKER = Verifier(Store(db_path, readonly=True), n_docs, min_articles, min_share)
    warm()


def relate_chunk(pairs: list[tuple[int, int]]) -> list[tuple[int, int, dict | None]]:
    assert _WORKER is not None
    return _WORKER.relate_pairs(pairs)


def diff_chunk(pairs: list[tuple[int, int]]) -> list[tuple[int, int, dict | None]]:
    assert _WORKER is not None
    return [(lo, hi, diff_stored(_WORKER, lo, hi)) for lo, hi in pairs]


def diff_stored(verifier: Verifier, lo: int, hi: int) -> dict | None:
    """The full comparison of a stored verified pair, or None when the pair is not (or no longer) there."""
    stored = verifier.store.pair_row(lo, hi)
    if stored is None or stored["status"] != "done":
        return None
    rows = verifier.store.articles([lo, hi], with_text=True)
    src, dst = rows[stored["src"]], rows[stored["dst"]]
    return diff_pair(
        src, dst, verifier.site_lines(src.get("source")), verifier.site_lines(dst.get("source")), stored
    )


def ingest_chunk(articles: list[Article]):
    """Pool entry point of ingest: the per-article analysis."""
    from .fingerprint import analyse_batch

    return analyse_batch(articles)


def warm() -> None:
    """Pool initialiser: load the embedding model once per worker, not on its first pair; exit when the
    indexer is gone (a worker of a killed indexer must not linger)."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from ..embed import default_embedder

    _watch_parent()
    default_embedder()


def _watch_parent() -> None:
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="wiretrace-parent-watch").start()
