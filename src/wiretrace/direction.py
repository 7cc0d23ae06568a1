"""Which side of a derived pair is the original: a calibrated probability that abstains.

A wrong "who copied whom" costs a newsroom more than "unknown", so an original is named only when the
evidence is strong. The evidence is a handful of antisymmetric features (positive: ``a`` looks original;
swapping the texts negates every one), weighed by a logistic model without intercept, so that
P(a) = 1 - P(b) whatever order the texts come in:

- publication dates and syndication notices ("This article was originally published by ...") are facts
  that settle the question; none of the development pairs carry them, so their weights are fixed by hand
  (``fixed`` in the model file) rather than learned;
- wire credits (credit lines, datelines, bylines; never a wire named inside a sentence, which is
  attribution), containment (the summary is inside its source, not the other way), length and
  specificity (figures and names one side has and the other lacks) are learned on development pairs
  whose direction is known (``scripts/train_direction.py``);
- page furniture and sharpened wording (fabricated quotes, intensifiers, removed hedges) are stylistic:
  an LLM polish of a clean text sharpens it, but so does an editor's own first draft. They may add to a
  decision made on other evidence and never decide alone: the other evidence by itself must reach
  ``SUBSTANTIVE_MIN``.

The model ships as plain JSON (``data/direction_model.json``) evaluated with numpy; the threshold for
naming a side was chosen on out-of-fold predictions so that at least 95% of the named originals are right.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from .clean import named_wires
from .model import Direction, Document, SentenceResult

if TYPE_CHECKING:
    from .relation import Coverage

FEATURES = (
    "date",  # +1: a was published first; -1: b was (fixed weight)
    "notice",  # +1: b says it republishes another outlet's article and a does not (fixed weight)
    "credit",  # +1: a carries every wire credit b carries, and more
    "contained",  # share of b derived from a minus share of a derived from b
    "length",  # log of a's story words over b's, clipped to +-2
    "specifics",  # figures and names only a has minus those only b has, over all they have
    "furniture",  # ads, related links, prompts, repeated headline: b's kinds minus a's, over 3
    "sharpened",  # fabricated quotes, intensifiers, removed hedges: b's minus a's, over 4
)
STYLISTIC = frozenset({"furniture", "sharpened"})
SHARPENING = ("quote_fabricated", "intensifier_added", "hedge_removed")
JUNK = ("ad slot", "related link", "prompt", "repeated headline")
# The substantive (non-stylistic) evidence alone must give the named side at least 3:1 odds.
SUBSTANTIVE_MIN = 0.75
NEGLIGIBLE = 0.1  # a contribution to the log-odds under this says nothing
CONFLICT = 0.5  # substantive evidence for each side at least this strong (log-odds): it conflicts

_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*")


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]  # learned and fixed weights by feature
    threshold: float  # P of the named side needed to name it


@lru_cache(maxsize=1)
def load_model() -> Model:
    raw = json.loads(resources.files("wiretrace").joinpath("data/direction_model.json").read_text())
    weights = {**dict(zip(raw["features"], raw["coef"], strict=True)), **raw["fixed"]}
    return Model(weights, raw["threshold"])


def _sign(x: float) -> float:
    return float(x > 0) - float(x < 0)


def _story_words(doc: Document) -> int:
    return sum(len(doc.tokens[s.i]) for s in doc.sentences if s.kind == "body")


def specifics(doc: Document) -> frozenset[str]:
    """Figures and capitalised names of the story sentences (a name opening a sentence is left out: it
    may be any word). Cheap and regex-based, so that corpus mode's light Documents have them too; once
    per Document (corpus verification compares one article with many)."""

    def found() -> frozenset[str]:
        out: set[str] = set()
        for s in doc.sentences:
            if s.kind != "body":
                continue
            out.update(m.group(0).replace(",", "") for m in _NUMBER.finditer(s.text))
            out.update(m.group(0).lower() for m in _NAME.finditer(s.text))
        return frozenset(out)

    return doc.memo("direction.specifics", found)


def _junk(doc: Document) -> int:
    return len({s.reason for s in doc.sentences if s.kind == "boilerplate" and s.reason in JUNK})


def _sharpening(results: Sequence[SentenceResult]) -> int:
    return sum(1 for r in results for f in r.flags if f.type in SHARPENING)


def features(
    a: Document,
    b: Document,
    b_res: Sequence[SentenceResult],
    a_res: Sequence[SentenceResult],
    b_cov: Coverage,
    a_cov: Coverage,
) -> dict[str, float]:
    """The evidence as numbers, positive for ``a`` being the original (``a_res``: ``a`` read as derived
    from ``b``). Only real credits count (``Document.credits``), not a wire named in a sentence."""
    pa, pb = a.article.published, b.article.published
    ca, cb = set(named_wires(a.credits)), set(named_wires(b.credits))
    sa, sb = specifics(a), specifics(b)
    union = len(sa | sb)
    wa, wb = _story_words(a), _story_words(b)
    return {
        "date": _sign((pb - pa).total_seconds()) if pa and pb else 0.0,
        "notice": float(bool(b.republished_from)) - float(bool(a.republished_from)),
        "credit": 1.0 if ca > cb else -1.0 if cb > ca else 0.0,
        "contained": round(b_cov.derived - a_cov.derived, 6),
        "length": round(max(-2.0, min(2.0, math.log((wa + 1) / (wb + 1)))), 6),
        "specifics": round((len(sa - sb) - len(sb - sa)) / union, 6) if union else 0.0,
        "furniture": max(-3, min(3, _junk(b) - _junk(a))) / 3,
        "sharpened": max(-4, min(4, _sharpening(b_res) - _sharpening(a_res))) / 4,
    }


def probability(x: dict[str, float], weights: dict[str, float], keep: frozenset[str] | None = None) -> float:
    """P(a is the original) from the features (``keep``: only these features count)."""
    z = sum(weights[k] * v for k, v in x.items() if keep is None or k in keep)
    return 1.0 / (1.0 + math.exp(-z))


def contributions(x: dict[str, float], weights: dict[str, float]) -> np.ndarray:
    return np.array([weights[k] * x[k] for k in FEATURES])


def _describe(name: str, value: float, a: Document, b: Document, b_cov: Coverage, a_cov: Coverage) -> str:
    """The evidence for the side ``value`` favours, as a journalist would read it."""
    fav, other = ("a", "b") if value > 0 else ("b", "a")
    da, db = (a, b) if fav == "a" else (b, a)
    if name == "date":
        pa, pb = a.article.published, b.article.published
        assert pa and pb
        return f"{fav} was published first ({min(pa, pb).isoformat()} vs {max(pa, pb).isoformat()})"
    if name == "notice":
        return f"{other} says it republishes an article first published by {', '.join(db.republished_from)}"
    if name == "credit":
        mine, theirs = set(named_wires(da.credits)), set(named_wires(db.credits))
        names = ", ".join(sorted(mine - theirs))
        if not theirs:
            return f"{fav} carries the {names} credit; {other} carries none"
        return f"{fav} carries the {names} credit; {other} carries only {', '.join(sorted(theirs))}"
    if name == "contained":
        hi, lo = max(b_cov.derived, a_cov.derived), min(b_cov.derived, a_cov.derived)
        return f"{other} is contained in {fav} ({hi:.0%} of it comes from {fav}, {lo:.0%} the other way)"
    if name == "length":
        return f"{fav} is the longer text ({_story_words(da)} story words vs {_story_words(db)})"
    if name == "specifics":
        mine, theirs = specifics(da), specifics(db)
        return (
            f"{fav} has {len(mine - theirs)} figures and names that {other} lacks; {other} has "
            f"{len(theirs - mine)} that {fav} lacks"
        )
    if name == "furniture":
        return f"{other} carries more page furniture (ads, related links, repeated headline)"
    return f"{other} sharpens the other's wording (fabricated quotes, intensifiers, removed hedges)"


def decide(
    a: Document,
    b: Document,
    b_res: Sequence[SentenceResult],
    a_res: Sequence[SentenceResult],
    b_cov: Coverage,
    a_cov: Coverage,
    model: Model | None = None,
) -> Direction:
    """Name the original when the calibrated probability reaches the model's threshold and the
    substantive evidence alone reaches ``SUBSTANTIVE_MIN`` for the same side; otherwise ``unknown``, with
    the reason. ``confidence``: the probability of the named side (of the leading side when unknown)."""
    model = model or load_model()
    x = features(a, b, b_res, a_res, b_cov, a_cov)
    p = probability(x, model.weights)
    substantive = frozenset(FEATURES) - STYLISTIC
    p_sub = probability(x, model.weights, substantive)
    lead = "a" if p >= 0.5 else "b"
    confidence = round(max(p, 1.0 - p), 3)
    contrib = dict(zip(FEATURES, contributions(x, model.weights).tolist(), strict=True))
    told = sorted((k for k in FEATURES if abs(contrib[k]) >= NEGLIGIBLE), key=lambda k: -abs(contrib[k]))
    evidence = [_describe(k, contrib[k], a, b, b_cov, a_cov) for k in told]
    named = confidence >= model.threshold and max(p_sub, 1.0 - p_sub) >= SUBSTANTIVE_MIN
    named = named and (p_sub >= 0.5) == (p >= 0.5)
    ca, cb = set(named_wires(a.credits)), set(named_wires(b.credits))
    if ca and ca == cb:
        evidence.append(f"both carry the {', '.join(sorted(ca))} credit")
    if named:
        return Direction(lead, confidence, tuple(evidence))
    pro = sum(contrib[k] for k in told if k not in STYLISTIC and contrib[k] > 0)
    con = -sum(contrib[k] for k in told if k not in STYLISTIC and contrib[k] < 0)
    if not told:
        why = "no evidence either way"
    elif not pro and not con:
        why = "only stylistic evidence"
    elif min(pro, con) >= CONFLICT:
        why = "evidence conflicts"
    else:
        why = "evidence too weak"
    return Direction("unknown", confidence, (why, *evidence))
