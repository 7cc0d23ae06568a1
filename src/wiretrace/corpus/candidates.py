"""Candidate pairs, sub-quadratic: LSH buckets for copies, nearest document vectors for rewrites.

Never all pairs: each new article is looked up in the LSH buckets (an index lookup per band) and
among its ``k`` nearest document vectors (brute force over an int8 matrix in chunks: exact, simple,
fast enough to 100k articles on two cores). A pair must then pass the compare engine to become an edge,
so the thresholds here favour recall: a missed candidate is lost for good, a wrong one costs one
comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Cosines are taken after subtracting the corpus mean vector: static embeddings of news texts all lean the
# same way (raw cosines of unrelated articles are 0.7-0.9), and centring spreads them out. Measured on
# synthetic bags of real sentences (bench/corpus_bench.py): planted rewrites keep recall 0.998 with a
# 0.35 floor while unrelated neighbours mostly fall below it; the floor is low because a summary's
# centred cosine to its (much longer) source is often only 0.3-0.5.
MIN_COSINE = 0.35
NEIGHBOURS = 8
CENTRE_PRIOR = 16  # the mean is shrunk towards zero as if this many zero vectors were indexed too
BUCKET_CAP = 64  # an LSH bucket shared by more articles is site furniture, not a story
MAX_LSH = 24  # at most this many LSH partners per article, most shared buckets first
WINDOW_DAYS = 30  # both dates known and further apart than this: not a candidate
CHUNK = 32_768


@dataclass
class VectorIndex:
    """Growable in-memory int8 matrix of document vectors (256 bytes an article) plus day numbers."""

    numbers: np.ndarray
    matrix: np.ndarray
    days: np.ndarray
    size: int = 0
    total: np.ndarray | None = None  # sum of the indexed vectors (float64), for the corpus mean

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
        """The (shrunk) mean of the indexed vectors: near zero for a handful of articles, where a mean of
        two or three vectors would push them apart."""
        dim = self.matrix.shape[1] if self.matrix.size else 0
        if self.total is None or not self.size:
            return np.zeros(dim, np.float32)
        return (self.total / (self.size + CENTRE_PRIOR)).astype(np.float32)


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


def lsh_partners(bands: dict[int, np.ndarray], buckets: dict[int, list[int]]) -> dict[int, list[int]]:
    """Per article, the others sharing at least one (not oversized) bucket, most shared first."""
    out: dict[int, list[int]] = {}
    for n, keys in bands.items():
        hits: dict[int, int] = {}
        for key in keys:
            members = buckets.get(int(key), ())
            if len(members) > BUCKET_CAP:
                continue
            for other in members:
                if other != n:
                    hits[other] = hits.get(other, 0) + 1
        out[n] = [m for m, _ in sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_LSH]]
    return out


def merge(
    lsh: dict[int, list[int]], vec: dict[int, list[tuple[int, float]]]
) -> dict[tuple[int, int], set[str]]:
    """Unordered pairs (lo, hi) with the channels that proposed them."""
    pairs: dict[tuple[int, int], set[str]] = {}
    for channel, found in (
        ("lsh", {n: list(v) for n, v in lsh.items()}),
        ("vector", {n: [m for m, _ in v] for n, v in vec.items()}),
    ):
        for n, others in found.items():
            for m in others:
                if m != n:
                    pairs.setdefault((min(n, m), max(n, m)), set()).add(channel)
    return pairs
