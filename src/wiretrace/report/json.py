"""The compare JSON contract (schema ``wiretrace.compare/1``, see DESIGN.md): field names are fixed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Document, Flag, SentenceResult

if TYPE_CHECKING:
    from ..compare import Comparison

SCHEMA = "wiretrace.compare/1"


def flag_dict(f: Flag) -> dict:
    return {
        "type": f.type,
        "detail": f.detail,
        "a_span": list(f.a_span) if f.a_span else None,
        "b_span": list(f.b_span) if f.b_span else None,
    }


def sentence_dict(r: SentenceResult, derived: bool) -> dict:
    s = r.sentence
    out: dict = {
        "i": s.i,
        "text": s.text,
        "start": s.start,
        "end": s.end,
        "label": r.label,
        "matches": r.matches,
    }
    if r.similarity is not None:
        out["similarity"] = r.similarity
    if derived:
        out["flags"] = [flag_dict(f) for f in r.flags]
        if r.support is not None:
            out["support"] = r.support
    if s.kind == "boilerplate" and s.reason:
        out["reason"] = s.reason
    if r.notes:
        out["notes"] = [n for n in r.notes if n.get("type") != "reason"]
        if not out["notes"]:
            del out["notes"]
    return out


def side_dict(doc: Document, results: list[SentenceResult], derived: bool) -> dict:
    art = doc.article
    return {
        "id": art.id,
        "title": art.title,
        "published": art.published.isoformat() if art.published else None,
        "source": art.source,
        "url": art.url,
        "path": art.path,
        "language": doc.language,
        "credits": list(doc.credits),
        "republished_from": list(doc.republished_from),
        "attributions": list(doc.attributions),  # wires named in story sentences: attribution, not credits
        "sentences": [sentence_dict(r, derived) for r in results],
    }


def comparison_dict(c: Comparison) -> dict:
    return {
        "schema": SCHEMA,
        "relation": {"type": c.relation.type, "score": c.relation.score, "detail": c.relation.detail},
        "direction": {
            "original": c.direction.original,
            "confidence": c.direction.confidence,
            "evidence": list(c.direction.evidence),
        },
        "a": side_dict(c.a, c.a_results, derived=False),
        "b": side_dict(c.b, c.b_results, derived=True),
        "stats": c.stats,
        "findings": c.findings,
    }
