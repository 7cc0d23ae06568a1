"""Candidate pairs, sub-quadratic: an inverted index over each article's most distinctive stems and names.

Every article is indexed under its ``KEYS`` content stems of highest tf-idf (term frequency in the
article times inverse document frequency in the corpus so far) and its ``NAME_KEYS`` best names (two
capitalised words in a row); a short text (a brief, a one-sentence summary) has fewer stems than that
and is indexed under all of them. A new article looks up its ``QUERY_KEYS`` best stems and
``QUERY_NAMES`` best names, rarest first, reading at most ``LOOKUP_BUDGET`` postings, and scores every
article it meets by the idf of the keys they share, divided by the smaller of the two articles' key
weights: an estimate of how much of the smaller text's distinctive vocabulary the other holds
(containment, not Jaccard, so a one-sentence summary of a 30-sentence article scores high). The ``TOP``
best above ``MIN_ESTIMATE`` (``LONG_MIN_ESTIMATE`` when both texts are long) become candidate pairs, and
the ``NAME_TOP`` that share the most names: independent reports of one event share names, not wording.

Why this and not MinHash or document vectors: the relation engine needs shared vocabulary (below 20% of
the smaller text's stems it calls any pair unrelated, and a derived text shares 55% or more, a brief 25%
or more), so candidate search looks for exactly that. Jaccard MinHash cannot see a summary inside a long
article and a document vector of one sentence sits far from its 30-sentence source (dev corpus:
candidate recall 0.77 with MinHash + nearest vectors, 0.99 with these keys; bench/corpus_bench.py).
Work per article is bounded (the lookup budget), whatever the corpus size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KEYS = 48  # index keys per article
QUERY_KEYS = 96  # keys a new article looks up (a long text's shared story words may rank below 48)
NAME_KEYS = 24  # name keys (capitalised word pairs) indexed besides the stems ...
QUERY_NAMES = 48  # ... and looked up
NAME_TOP = 4  # also kept: the few that share the most name keys, at least NAMES_SHARED of them: two long
NAMES_SHARED = 2  # reports of one event share a small part of their vocabulary but the same names
TOP = 24  # candidates kept per new article, best estimate first
MIN_ESTIMATE = 0.15  # estimated containment of the smaller text's key weight ...
LONG_MIN_ESTIMATE = 0.22  # ... when both texts are long (KEYS stem keys each): a derived long text keeps
# most of its source's distinctive words, two unrelated long texts share some by chance
LOOKUP_BUDGET = 2048  # postings a new article reads at most, rarest keys first

# Kept for the ``vectors`` table and ``Corpus.vectors`` (document vectors are still stored).
MIN_COSINE = 0.35
NEIGHBOURS = 8
CENTRE_PRIOR = 16
WINDOW_DAYS = 30
CHUNK = 32_768


IDF_PRIOR = 1000  # documents assumed beside the corpus, none holding the term: a small corpus is no
# evidence that words are common (with two texts, every shared word would look common and none be a key)


def idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed inverse document frequency (never below 0.1, so every shared key counts a little)."""
    return (np.log((n_docs + IDF_PRIOR + 1) / (df + 0.5)) + 0.1).astype(np.float32)


def select_keys(
    terms: np.ndarray, counts: np.ndarray, names: np.ndarray, df: np.ndarray, n_docs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The keys an article looks up and their idf weights, and which of them it is indexed under.

    Stems and names are ranked apart by (1 + log tf) x idf (ties by hash: deterministic); the lookup
    keys are the best ``QUERY_KEYS`` stems and ``QUERY_NAMES`` names, the index keys the best ``KEYS``
    stems and ``NAME_KEYS`` names."""
    w = idf(df, n_docs)
    score = (1.0 + np.log(np.maximum(counts, 1).astype(np.float32))) * w
    order = np.lexsort((terms, -score))
    stems = order[~names[order]][:QUERY_KEYS]
    named = order[names[order]][:QUERY_NAMES]
    pick = np.concatenate([stems, named])
    index = np.zeros(len(pick), bool)
    index[: min(KEYS, len(stems))] = True
    index[len(stems) : len(stems) + NAME_KEYS] = True
    return terms[pick], w[pick], index, names[pick]


@dataclass
class Scored:
    """Candidate partners of one query: article numbers and estimated containment, best first."""

    numbers: np.ndarray
    estimates: np.ndarray


def lookup_mask(keys: np.ndarray, kdf: dict[int, int]) -> np.ndarray:
    """Which keys a query reads: the rarest first (fewest articles indexed under them), while the postings
    read stay within ``LOOKUP_BUDGET``. Common keys carry little weight and most of the work, and a key
    no article chose has nothing to read."""
    sizes = np.fromiter((kdf.get(k, 0) for k in keys.tolist()), np.int64, len(keys))
    order = np.lexsort((keys, sizes))
    within = np.cumsum(sizes[order]) <= LOOKUP_BUDGET
    mask = np.zeros(len(keys), bool)
    mask[order[within]] = True
    return mask & (sizes > 0)


def score_queries(
    query_keys: list[np.ndarray],
    query_weights: list[np.ndarray],
    query_index: list[np.ndarray],
    query_names: list[np.ndarray],
    query_numbers: list[int],
    postings: dict[int, np.ndarray],
    key_weight: callable,
    looked: list[np.ndarray] | None = None,
    top: int = TOP,
    min_estimate: float = MIN_ESTIMATE,
) -> list[Scored]:
    """For each query (its ranked keys, their weights, which are index keys and which are names), the
    best-scoring other articles, all queries of a batch at once.

    ``postings`` maps a key to the article numbers indexed under it (oversized keys already left out);
    ``key_weight(numbers)`` gives those articles' total index-key weights and stem-key counts;
    ``looked`` marks the keys each query read (``lookup_mask``). The estimate divides the shared weight
    by the smaller of the other's index-key weight and the weight of the query's index keys it read;
    when both texts are long the bar is ``LONG_MIN_ESTIMATE``."""
    nq = len(query_keys)
    empty = Scored(np.zeros(0, np.int64), np.zeros(0, np.float32))
    if not nq:
        return []
    # Flatten (query, key, weight) and expand every key into its posting list.
    q_of = np.repeat(np.arange(nq), [len(k) for k in query_keys])
    keys = np.concatenate(query_keys) if nq else np.zeros(0, np.int64)
    weights = np.concatenate(query_weights).astype(np.float32)
    is_name = np.concatenate(query_names)
    used = np.concatenate(looked) if looked is not None else np.ones(len(keys), bool)
    lists = [postings.get(k) if u else None for k, u in zip(keys.tolist(), used.tolist(), strict=True)]
    lens = np.fromiter((0 if p is None else len(p) for p in lists), np.int64, len(lists))
    if not lens.sum():
        return [empty for _ in range(nq)]
    arts = np.concatenate([p for p, n in zip(lists, lens.tolist(), strict=True) if n]).astype(np.int64)
    q_rep = np.repeat(q_of, lens)
    w_rep = np.repeat(weights, lens)
    n_rep = np.repeat(is_name, lens)
    self_n = np.asarray(query_numbers, np.int64)
    keep = arts != self_n[q_rep]
    arts, q_rep, w_rep, n_rep = arts[keep], q_rep[keep], w_rep[keep], n_rep[keep]
    # Sum the shared weight per (query, article).
    code = q_rep * (int(arts.max(initial=0)) + 1) + arts
    uniq, inv = np.unique(code, return_inverse=True)
    shared = np.bincount(inv, weights=w_rep, minlength=len(uniq)).astype(np.float32)
    name_n = np.bincount(inv, weights=n_rep.astype(np.float64), minlength=len(uniq))
    name_w = np.bincount(inv, weights=np.where(n_rep, w_rep, 0.0), minlength=len(uniq))
    width = int(arts.max(initial=0)) + 1
    uq, ua = uniq // width, uniq % width
    looked = looked if looked is not None else [np.ones(len(k), bool) for k in query_keys]
    totals = np.asarray(
        [float(w[i & u].sum()) for w, i, u in zip(query_weights, query_index, looked, strict=True)],
        np.float32,
    )
    long_q = np.asarray([int((i & ~m).sum()) >= KEYS for i, m in zip(query_index, query_names, strict=True)])
    other_w, other_n = key_weight(ua)
    est = shared / np.maximum(np.minimum(totals[uq], other_w), 1e-6)
    bar = np.where(long_q[uq] & (other_n >= KEYS), max(min_estimate, LONG_MIN_ESTIMATE), min_estimate)
    picked = _top_per_query(uq, ua, est, est >= bar, top) | _top_per_query(
        uq, ua, name_w, name_n >= NAMES_SHARED, NAME_TOP
    )
    uq, ua, est = uq[picked], ua[picked], est[picked]
    order = np.lexsort((ua, -est, uq))  # per query: best estimate first, ties by article number
    uq, ua, est = uq[order], ua[order], est[order]
    starts = np.searchsorted(uq, np.arange(nq), side="left")
    stops = np.searchsorted(uq, np.arange(nq), side="right")
    return [
        Scored(ua[a:b], est[a:b]) if b > a else empty
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True)
    ]


def _top_per_query(uq: np.ndarray, ua: np.ndarray, score: np.ndarray, ok: np.ndarray, k: int) -> np.ndarray:
    """Mask of the ``k`` best-scoring eligible rows of each query (ties by article number)."""
    mask = np.zeros(len(uq), bool)
    if not k or not ok.any():
        return mask
    rows = np.nonzero(ok)[0]
    rows = rows[np.lexsort((ua[rows], -score[rows], uq[rows]))]
    q = uq[rows]
    first = np.searchsorted(q, q, side="left")
    rank = np.arange(len(rows)) - first
    mask[rows[rank < k]] = True
    return mask


def pairs_of(numbers: list[int], scored: list[Scored]) -> dict[tuple[int, int], set[str]]:
    """Unordered pairs (lo, hi) with the channel that proposed them (``keys``)."""
    pairs: dict[tuple[int, int], set[str]] = {}
    for n, s in zip(numbers, scored, strict=True):
        for m in s.numbers.tolist():
            if m != n:
                pairs.setdefault((min(n, m), max(n, m)), set()).add("keys")
    return pairs


# --- document vectors (kept for ``Corpus.vectors``; no longer a candidate channel) ---------------


@dataclass
class VectorIndex:
    """Growable in-memory int8 matrix of document vectors (256 bytes an article) plus day numbers."""

    numbers: np.ndarray
    matrix: np.ndarray
    days: np.ndarray
    size: int = 0
    total: np.ndarray | None = None

    @classmethod
    def from_arrays(cls, numbers: np.ndarray, matrix: np.ndarray, days: np.ndarray) -> VectorIndex:
        index = cls(numbers.copy(), matrix.copy() if matrix.size else np.zeros((0, 0), np.int8), days.copy())
        index.size = len(numbers)
        index.total = matrix.astype(np.float64).sum(axis=0) / 127.0 if matrix.size else None
        return index

    def add(self, numbers: np.ndarray, vectors: np.ndarray, days: np.ndarray) -> None:
        if not len(numbers):
            return
        need = self.size + len(numbers)
        if self.matrix.shape[0] < need or self.matrix.shape[1] != vectors.shape[1]:
            cap = max(need, 2 * self.matrix.shape[0], 1024)
            grown = np.zeros((cap, vectors.shape[1]), np.int8)
            if self.size:
                grown[: self.size] = self.matrix[: self.size]
            self.matrix = grown
            self.numbers = np.resize(self.numbers, cap)
            self.days = np.resize(self.days, cap)
        self.matrix[self.size : need] = vectors
        added = vectors.astype(np.float64).sum(axis=0) / 127.0
        self.total = added if self.total is None else self.total + added
        self.numbers[self.size : need] = numbers
        self.days[self.size : need] = days
        self.size = need

    def nearest(
        self,
        queries: np.ndarray,
        query_days: np.ndarray,
        k: int = NEIGHBOURS,
        min_cosine: float = MIN_COSINE,
        window_days: int | None = WINDOW_DAYS,
        exclude: np.ndarray | None = None,
    ) -> list[list[tuple[int, float]]]:
        """For each query vector (int8), up to ``k`` (article number, centred cosine >= min_cosine)."""
        centre = self.centre()
        q = _unit(queries.astype(np.float32) / 127.0 - centre)
        best_s = np.full((len(q), 0), -1.0, np.float32)
        best_i = np.zeros((len(q), 0), np.int64)
        for start in range(0, self.size, CHUNK):
            stop = min(self.size, start + CHUNK)
            block = _unit(self.matrix[start:stop].astype(np.float32) / 127.0 - centre)
            scores = q @ block.T
            if window_days is not None:
                d = self.days[start:stop]
                far = (np.abs(query_days[:, None] - d[None, :]) > window_days) & (query_days[:, None] >= 0)
                scores[far & (d[None, :] >= 0)] = -1.0
            if exclude is not None:
                scores[exclude[:, None] == self.numbers[None, start:stop]] = -1.0
            take = min(k, stop - start)
            part = np.argpartition(-scores, take - 1, axis=1)[:, :take]
            best_s = np.concatenate([best_s, np.take_along_axis(scores, part, axis=1)], axis=1)
            best_i = np.concatenate([best_i, part + start], axis=1)
            if best_s.shape[1] > k:
                keep = np.argpartition(-best_s, k - 1, axis=1)[:, :k]
                best_s = np.take_along_axis(best_s, keep, axis=1)
                best_i = np.take_along_axis(best_i, keep, axis=1)
        out = []
        for row_s, row_i in zip(best_s, best_i, strict=True):
            order = np.argsort(-row_s)
            out.append(
                [
                    (int(self.numbers[row_i[j]]), round(float(row_s[j]), 4))
                    for j in order
                    if row_s[j] >= min_cosine
                ]
            )
        return out

    def centre(self) -> np.ndarray:
        dim = self.matrix.shape[1] if self.matrix.size else 0
        if self.total is None or not self.size:
            return np.zeros(dim, np.float32)
        return (self.total / (self.size + CENTRE_PRIOR)).astype(np.float32)


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)
