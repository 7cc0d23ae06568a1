"""The tests that settle a candidate pair without aligning its sentences, on what ingest stored.

Most candidate pairs share too little to be anything, or can only be reports of one event; the sentence
alignment (and the relation classifier after it) is the costly step of verification, so it runs only for
pairs these tests leave open. Each test gives the answer the alignment would give, from the two
articles' sketches (``sketch_relate``) or their decoded records (``verify.Verifier.relate``), which call
the same functions:

- vocabulary containment below ``UNRELATED_BELOW``: unrelated;
- outside ``relation.may_derive`` the engine can only answer same_event or unrelated, and a same_event
  pair is kept only when the texts share ``SAME_EVENT_ENTITIES`` specific names;
- inside it, the *derivation gate* (``may_align``): a pair that is not a brief, shares fewer than
  ``SAME_EVENT_ENTITIES`` names (so a same_event verdict would be dropped) and whose texts hold little of
  each other's rare vocabulary (``weighted_containment`` under ``DERIVATION_GATE``, or ``RETOLD_GATE``
  where only a retelling could be derived) is dropped unaligned.

Every test reads the two texts and the fixed background idf only, never the rest of the corpus, so a
pair gets the same answer whenever and in whatever batch it is verified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..relation import DERIVED_VOCAB, UNRELATED_BELOW, is_brief, may_derive, repeated_share, set_containment
from .eventmodel import background
from .fingerprint import Sketch
from .vocabulary import in_sorted, shared_count

if TYPE_CHECKING:
    from .verify import Item

# A same_event verdict joins two stories only when the texts name at least this many of the same specific
# entities (names of two or more words: "Brian Nichols", "Promises Treatment Center"). Topical neighbours
# ("Russia", "Ukraine", "court") share words and single names, not the people and places of one event;
# reports of two events of one kind (two rehab stays at one clinic) often share two such names. Without
# this, a day of news collapses into a few giant "stories".
SAME_EVENT_ENTITIES = 3
# The derivation gate: under this ``weighted_containment`` a pair that is no brief and shares too few names
# for a kept same_event verdict is not aligned; ``RETOLD_GATE`` where it may derive only as a retelling
# (vocabulary containment under ``DERIVED_VOCAB``: LLM rewrites in new words sit there, from 0.31 up).
# Each is the largest of 0.3-0.6 (steps of 0.05) that loses at most one in 1,000 of the derived pairs of the
# development sets in its region: FRANK *test* articles and summaries, SummEdits and ECB+ topics 1-20 (a
# tuning corpus: its true pairs sharing few names stand at 0.58 or more), every llm-rewrites pair (3,204:
# 0.51 or more in the shared-vocabulary region, one of 168 retellings under 0.35) and the engine's own
# derived verdicts on the first 6,000 Reuters-21578 articles (0.478 or more). On those 6,000 articles it
# leaves 8,599 of the 18,349 aligned pairs that ended dropped unaligned.
DERIVATION_GATE = 0.45
RETOLD_GATE = 0.35


def source_first(x: dict, y: dict) -> tuple[dict, dict]:
    """The more likely source first: earlier claimed date, then earlier first-seen date, then the longer
    text, then the earlier indexed."""

    def key(r: dict) -> tuple:
        size = len(r["text"]) if "text" in r else r["text_len"]
        return (r.get("published") or "9999", r.get("first_seen") or "9999", -size, r["n"])

    return (x, y) if key(x) <= key(y) else (y, x)


def same_event_result(a: dict, b: dict, vocab: float, shared: list[str]) -> dict:
    """A kept same_event pair (rows ``a`` and ``b`` in ``source_first`` order): no alignment ran, so the
    shares stay unknown (NULL) until the full comparison runs; the score is the vocabulary containment."""
    return {
        "src": a["n"],
        "dst": b["n"],
        "relation": "same_event",
        "score": round(vocab, 3),
        "b_from_a": None,
        "a_from_b": None,
        "direction": "unknown",
        "confidence": 0.0,
        "credited": None,
        "evidence": {"shared_entities": shared[:20], "vocab": round(vocab, 3)},
    }


def weighted_containment(x: np.ndarray, y: np.ndarray) -> float:
    """The larger share of either text's distinct stems (sorted ``fingerprint.term_hash`` arrays), each
    weighted by its idf in the fixed background of real news (``eventmodel.background``), that the other
    text holds: a text derived from another keeps its rare words, two reports of one kind of news share
    the common ones. The background, not the corpus, gives the idf, so the answer depends on the two texts
    alone."""
    bg = background()

    def share(s: np.ndarray, other: np.ndarray) -> float:
        weights = np.log((bg.n_docs + 1.0) / (bg(s) + 1.0))
        total = float(weights.sum())
        return float(weights[in_sorted(s, other)].sum()) / total if total else 0.0

    return max(share(x, y), share(y, x)) if len(x) and len(y) else 0.0


def may_align(brief: bool, shared_names: int, vocab: float, x: np.ndarray, y: np.ndarray) -> bool:
    """The derivation gate (module docstring): whether a pair inside ``may_derive`` (``vocab``: its
    vocabulary containment) is worth aligning."""
    if brief or shared_names >= SAME_EVENT_ENTITIES:
        return True
    return weighted_containment(x, y) >= (DERIVATION_GATE if vocab >= DERIVED_VOCAB else RETOLD_GATE)


def repeated_of(x: Item, y: Item) -> float:
    """``relation.repeated`` of the two items' light Documents, from their records."""

    def share(item: Item, other: Item) -> float:
        hashes, other_hashes = item.rec.content_hashes, other.rec.content_hashes
        story = {h for h, k in zip(other_hashes, other.kept, strict=True) if k}
        body = [i for i, k in enumerate(item.kept) if k and item.rec.kinds[i] == "body"]
        return repeated_share([hashes[i] for i in body], [item.rec.weight(i) for i in body], story)

    return max(share(x, y), share(y, x))


def containment(a: Item, b: Item) -> float:
    """``relation.vocabulary_containment`` of the two light Documents, from the cached stem sets: the
    share of the smaller vocabulary found in the other."""
    return set_containment(a.stems, b.stems)


def brief_pair(a: Item, b: Item, vocab: float) -> bool:
    """The engine's brief test (``relation.is_brief``) on the two items' story-sentence counts."""
    return is_brief(a.body, b.body, vocab)


def sketch_repeated(x: Sketch, y: Sketch) -> float:
    """``verify.repeated_of`` from two sketches (1.0, so that the alignment decides, when one is older than
    the repeated-sentence hashes)."""

    def share(s: Sketch, other: Sketch) -> float:
        total = float(s.weights.sum())
        if not total:
            return 0.0
        hit = in_sorted(s.repeated, other.story)
        return float(s.weights[hit].sum()) / total if hit.any() else 0.0

    if x.repeated is None or y.repeated is None:
        return 1.0
    return max(share(x, y), share(y, x))


def sketch_relate(x: tuple[dict, Sketch], y: tuple[dict, Sketch]) -> tuple[bool, dict | None]:
    """``Verifier.relate`` of two (article row, sketch), when the sketches settle it: (True, None) for a
    dropped pair, (True, the same_event result) when no alignment is needed; (False, None) when the
    alignment must run."""
    (rx, sx), (ry, sy) = x, y
    small = min(len(sx.stems), len(sy.stems))
    vocab = shared_count(sx.stems, sy.stems) / small if small else 0.0
    if vocab < UNRELATED_BELOW:
        return True, None
    shared = sorted(sx.entities & sy.entities) if shared_count(sx.names, sy.names) else []
    if may_derive(sx.body, sy.body, vocab, lambda: sketch_repeated(sx, sy)):
        if may_align(is_brief(sx.body, sy.body, vocab), len(shared), vocab, sx.stems, sy.stems):
            return False, None
        return True, None
    if len(shared) < SAME_EVENT_ENTITIES:
        return True, None
    return True, same_event_result(*source_first(rx, ry), vocab, shared)
