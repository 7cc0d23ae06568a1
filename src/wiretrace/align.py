"""Sentence alignment between a source and a derived document.

Order-free: each derived sentence is linked to the source sentence that best supports it, plus a second
one when together they cover clearly more of it (a merge); several derived sentences may share a source
sentence (a split). Support is measured as containment (how much of the derived sentence the source holds),
not Jaccard, because a rewrite that drops half of a sentence is still derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .model import Document

MATCHABLE = ("body", "headline")
MERGE_GAIN = 0.15  # extra containment a second source sentence must bring to count as a merge


@dataclass(frozen=True)
class Link:
    b: int
    sources: tuple[int, ...]  # source sentence indices, best first
    similarity: float  # blended score used to decide whether the link is real
    cosine: float
    containment: float  # share of the derived sentence's content words found in the linked sources


@dataclass(frozen=True)
class Words:
    """The pair's vocabulary: which words each sentence holds (0/1 rows, a's and b's) and each word's
    weight. Columns follow the words' first appearance in the texts, so every sum below adds the same
    numbers in the same order whatever the process's string hash seed (a merge decided at its threshold
    must not change from run to run)."""

    a: np.ndarray  # (sentences of a, words)
    b: np.ndarray  # (sentences of b, words)
    weights: np.ndarray  # (words,)

    def swapped(self) -> Words:
        return Words(self.b, self.a, self.weights)


@dataclass(frozen=True)
class Alignment:
    """Similarities between every derived sentence (rows) and every source sentence (columns)."""

    cosine: np.ndarray
    containment: np.ndarray  # IDF-weighted share of the derived sentence's words found in the source one
    a_ok: np.ndarray  # which source sentences may be matched (not boilerplate)
    b_ok: np.ndarray
    words: Words  # which words each sentence holds and their weights (common in the pair: little)
    # what ``link`` computes once per pair, not once per derived sentence (the blended scores, kind masks)
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def covers(self, j: int, best: int, others: list[int]) -> np.ndarray:
        """Weighted share of derived sentence ``j`` that source sentence ``best`` together with each of
        ``others`` holds."""
        weighted = self.words.b[j] * self.words.weights
        total = weighted.sum()
        if not total:
            return np.zeros(len(others))
        return np.maximum(self.words.a[best], self.words.a[others]) @ weighted / total

    def transpose(self, a: Document, b: Document) -> Alignment:
        """The same pair seen the other way round (b as source): the weights are symmetric, and both
        containments come from one matrix."""
        return Alignment(self.cosine.T, self.memo["reverse"], self.b_ok, self.a_ok, self.words.swapped())


def idf_weights(a: Document, b: Document) -> dict[str, float]:
    """Inverse sentence frequency over both texts: "North Korea" in every sentence says little."""
    df: dict[str, int] = {}
    n = 0
    for doc in (a, b):
        for s, toks in zip(doc.sentences, doc.tokens, strict=True):
            if s.kind not in MATCHABLE:
                continue
            n += 1
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
    return {t: float(np.log((n + 1) / (c + 0.5))) + 0.1 for t, c in df.items()}


def pair_words(a: Document, b: Document, weights: dict[str, float]) -> Words:
    vocab: dict[str, int] = {}
    rows = [[vocab.setdefault(t, len(vocab)) for t in dict.fromkeys(toks)] for toks in (*a.tokens, *b.tokens)]
    incidence = np.zeros((len(rows), len(vocab)), dtype=np.float64)
    for r, cols in enumerate(rows):
        incidence[r, cols] = 1.0
    w = np.fromiter((weights.get(t, 1.0) for t in vocab), np.float64, len(vocab))
    return Words(incidence[: len(a.tokens)], incidence[len(a.tokens) :], w)


def containments(words: Words) -> tuple[np.ndarray, np.ndarray]:
    """Weighted containment both ways: [j, i] the share of b's sentence j found in a's sentence i, and
    [i, j] the share of a's sentence i found in b's sentence j. One shared-weight matrix serves both."""
    ia, ib, w = words.a, words.b, words.weights
    shared = (ib * w) @ ia.T  # [j, i]: weight of the words b's sentence j and a's sentence i share
    total_a, total_b = ia @ w, ib @ w
    b_in_a = np.divide(shared, total_b[:, None], out=np.zeros_like(shared), where=total_b[:, None] > 0)
    a_in_b = np.divide(shared.T, total_a[:, None], out=np.zeros_like(shared.T), where=total_a[:, None] > 0)
    return b_in_a.astype(np.float32), a_in_b.astype(np.float32)


def build(
    a: Document,
    b: Document,
    vectors: tuple[np.ndarray, np.ndarray],
) -> Alignment:
    """Compute the similarity matrices for ``b`` (derived) against ``a`` (source)."""
    va, vb = vectors
    cosine = np.clip(vb @ va.T, 0.0, 1.0) if len(va) and len(vb) else np.zeros((len(vb), len(va)))
    words = pair_words(a, b, idf_weights(a, b))
    containment, reverse = containments(words)
    a_ok = np.array([s.kind in MATCHABLE for s in a.sentences], dtype=bool)
    b_ok = np.array([s.kind in MATCHABLE for s in b.sentences], dtype=bool)
    al = Alignment(np.asarray(cosine, dtype=np.float32), containment, a_ok, b_ok, words)
    al.memo["reverse"] = reverse
    return al


def link(al: Alignment, a: Document, b: Document, j: int) -> Link | None:
    """The best source sentence(s) for derived sentence ``j`` (None when nothing can be matched)."""
    memo = al.memo
    if "score" not in memo:
        memo["score"] = np.where(al.a_ok, 0.5 * al.cosine + 0.5 * al.containment, -1.0)
        memo["any"] = bool(al.a_ok.any())
    if not al.b_ok[j] or not memo["any"]:
        return None
    # Headlines match headlines; body matches body (a headline is a summary of everything).
    kind = b.sentences[j].kind
    if ("kind", kind) not in memo:  # every row's scores, best source and runners-up at once
        same_kind = np.array([s.kind == kind for s in a.sentences])
        scores = memo["score"]
        if (al.a_ok & same_kind).any():
            scores = np.where(same_kind, scores, -1.0)
        memo["kind", kind] = (scores, np.argmax(scores, axis=1), np.argsort(-scores, axis=1)[:, :8])
    scores, bests, ranked = memo["kind", kind]
    score = scores[j]
    best = int(bests[j])
    sources = [best]
    cover = float(al.containment[j, best])
    btoks = b.tokens[j]
    if btoks and cover < 0.9:
        others = [int(i) for i in ranked[j] if i != best and score[i] > 0]
        merged = al.covers(j, best, others).tolist()
        gains = [(c - cover, i) for c, i in zip(merged, others, strict=True)]
        if gains:
            gain, second = max(gains)
            if gain >= MERGE_GAIN and score[second] >= 0.4:
                sources.append(int(second))
                cover += gain
    cos = float(max(al.cosine[j, i] for i in sources))
    return Link(j, tuple(sources), float(0.5 * cos + 0.5 * cover), cos, float(cover))
