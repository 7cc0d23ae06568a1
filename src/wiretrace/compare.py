"""The compare pipeline: two articles in, a claim-level verdict out.

``compare(a, b)`` treats ``a`` as the source and ``b`` as the derived text (the JSON contract's
convention) but infers which one actually looks original from the evidence, whatever the order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import align
from .diff import diff_derived, diff_source, link_labels
from .embed import embed
from .ingest import read_article
from .model import Article, Direction, Document, Relation, SentenceResult
from .prepare import prepare
from .relation import Coverage, coverage, decide_direction, decide_relation, findings

SCHEMA = "wiretrace.compare/1"


@dataclass
class Comparison:
    """The result of comparing two articles; render it with the ``to_*`` methods."""

    a: Document
    b: Document
    a_results: list[SentenceResult]
    b_results: list[SentenceResult]
    relation: Relation
    direction: Direction
    findings: list[dict] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        from .report.json import comparison_dict

        return comparison_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_html(self) -> str:
        from .report.html import render_html

        return render_html(self)

    def to_markdown(self) -> str:
        from .report.markdown import render_markdown

        return render_markdown(self)

    def summary(self) -> str:
        from .report.terminal import render_summary

        return render_summary(self)


ArticleLike = Article | str | Path


def as_article(x: ArticleLike) -> Article:
    """Accept an Article, a path to a readable file, or the text itself."""
    if isinstance(x, Article):
        return x
    if isinstance(x, Path):
        return read_article(x)
    if "\n" not in x and len(x) < 1024 and _is_file(x):
        return read_article(Path(x))
    return Article(text=x)


def _is_file(x: str) -> bool:
    try:
        return Path(x).is_file()
    except OSError:  # a long or odd string is text, not a path
        return False


def compare(a: ArticleLike, b: ArticleLike) -> Comparison:
    """Compare ``b`` (derived) against ``a`` (source): labels, flags, relation, direction, findings."""
    da, db = prepare(as_article(a)), prepare(as_article(b))
    return compare_documents(da, db)


def compare_documents(da: Document, db: Document) -> Comparison:
    vectors = embed([s.text for s in da.sentences] + [s.text for s in db.sentences])
    va, vb = vectors[: len(da.sentences)], vectors[len(da.sentences) :]
    forward = align.build(da, db, vectors=(va, vb))
    backward = forward.transpose(da, db)
    # The relation from the links alone, exactly as corpus verification decides it (``relate_documents``):
    # what the entailment model reads into a sentence changes its label, not whether the texts are related.
    b_cov, a_cov = link_coverage(da, db, forward, backward)
    rel = decide_relation(da, db, b_cov, a_cov)
    b_res = diff_derived(da, db, forward, meaning=rel.type != "unrelated")
    # a read as if derived from b, for the direction's evidence (links and flags: no model)
    a_rev = diff_derived(db, da, backward, meaning=False)
    doc_cos = _doc_cosine(da, db, va, vb)
    if rel.type == "unrelated":
        b_res = [_unmatched(r) for r in b_res]
    a_res = diff_source(da, b_res)
    direction = decide_direction(da, db, rel, b_res, a_rev, b_cov, a_cov)
    result = Comparison(da, db, a_res, b_res, rel, direction, findings(da, db, rel, direction))
    result.stats = _stats(result, b_cov, a_cov, doc_cos)
    return result


def sentence_vectors(doc: Document) -> np.ndarray:
    """One unit vector per sentence of ``doc`` (cache them per article when comparing many pairs)."""
    return embed([s.text for s in doc.sentences])


def relate_documents(
    da: Document, db: Document, vectors: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[Relation, Coverage, Coverage]:
    """The pair's relation from the alignment alone: what corpus verification needs for every candidate.

    Gives the same relation as ``compare_documents`` (derived-or-not depends only on the links) at a
    fraction of the cost; documents may be prepared ``light``.
    """
    b_cov, a_cov = pair_coverage(da, db, vectors)
    return decide_relation(da, db, b_cov, a_cov), b_cov, a_cov


def pair_coverage(
    da: Document, db: Document, vectors: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[Coverage, Coverage]:
    """Both directions' coverage from the alignment's links (b from a, a from b), facts included: what
    the relation is decided from (``relation.relation_features``)."""
    va, vb = vectors if vectors is not None else (sentence_vectors(da), sentence_vectors(db))
    forward = align.build(da, db, vectors=(va, vb))
    return link_coverage(da, db, forward, forward.transpose(da, db))


def link_coverage(
    da: Document, db: Document, forward: align.Alignment, backward: align.Alignment
) -> tuple[Coverage, Coverage]:
    """b's coverage from a and a's from b, read from the links of both alignments."""
    return coverage(db, link_labels(da, db, forward), da), coverage(da, link_labels(db, da, backward), db)


def _unmatched(r: SentenceResult) -> SentenceResult:
    """Unrelated texts are never force-aligned: drop links, keep only the page-structure labels."""
    label = r.label if r.label in ("boilerplate", "headline") else "added"
    return SentenceResult(r.sentence, label, [], None, [], r.notes)


def _doc_cosine(da: Document, db: Document, va: np.ndarray, vb: np.ndarray) -> float:
    ia = [i for i, s in enumerate(da.sentences) if s.kind == "body"]
    ib = [i for i, s in enumerate(db.sentences) if s.kind == "body"]
    if not ia or not ib:
        return 0.0
    ma, mb = va[ia].mean(axis=0), vb[ib].mean(axis=0)
    denom = float(np.linalg.norm(ma) * np.linalg.norm(mb)) or 1.0
    return round(float(ma @ mb) / denom, 3)


def _stats(c: Comparison, b_cov, a_cov, doc_cos: float) -> dict:
    labels = {k: 0 for k in ("verbatim", "paraphrase", "altered", "added", "boilerplate", "headline")}
    for r in c.b_results:
        labels[r.label] += 1
    a_body = [r for r in c.a_results if r.sentence.kind == "body"]
    flags: dict[str, int] = {}
    for r in c.b_results:
        for f in r.flags:
            flags[f.type] = flags.get(f.type, 0) + 1
    return {
        "b_from_a": round(b_cov.derived, 3),
        "a_from_b": round(a_cov.derived, 3),
        "a_kept": round(sum(r.label == "kept" for r in a_body) / len(a_body), 3) if a_body else 0.0,
        "b_verbatim": round(b_cov.verbatim, 3),
        "document_cosine": doc_cos,
        "labels": labels,
        "a_labels": {
            k: sum(r.label == k for r in c.a_results) for k in ("kept", "omitted", "boilerplate", "headline")
        },
        "flags": flags,
    }
