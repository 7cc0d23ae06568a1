"""The lexical evidence a verified derivation pair records for the story builder: ``explained``, the
idf-weighted share of the derived text's story vocabulary that the source holds (rare words count most),
and ``cosine``, the two texts' TF-IDF cosine (how central the shared words are to both: a summary reuses
what its source is about, a topical neighbour shares words it mentions in passing).
``stories.select_sources`` weighs competing sources by the two.

The idf is that of the shipped background of real news (``eventmodel.background``:
``data/events/background.bin``, the document frequencies of 22,872 Reuters, BBC and BuzzFeed-Webis
articles' stems, hashed with ``fingerprint.term_hash`` as the stems here are), not the corpus's own
counts: the figures are then a function of the two texts alone. With the corpus's counts a pair verified
when one day was indexed got other figures than the same pair verified after a second day, so a corpus
built day by day differed from one built at once (and a competing source could win or lose on that).
``explained`` weighed words by idf^2 of the corpus's counts; over the background, whose idf spreads wider
(22,872 documents), idf itself did better on the tuning corpus of ``bench/semantic_sources.py`` (FRANK
test split: story edges P/R 0.920/0.934, against 0.920/0.927 with idf^2 and 0.920/0.935 with the corpus's
idf^2; idf^1.5 0.919/0.934, idf^3 0.904/0.907).

Also here: the sorted-array set operations the verifier's cheap tests share with these figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from .candidates import idf
from .eventmodel import background
from .fingerprint import Record, term_hash


def find_sorted(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each value of ``x`` would sit in the sorted array ``y``, and whether ``y`` holds it there
    (the position is valid only where it does)."""
    if not len(y):
        return np.zeros(len(x), dtype=np.int64), np.zeros(len(x), dtype=bool)
    at = y.searchsorted(x)
    return at, y.take(at, mode="clip") == x


def in_sorted(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which values of ``x`` the sorted array ``y`` holds (a boolean mask over ``x``)."""
    return find_sorted(x, y)[1]


def shared_count(x: np.ndarray, y: np.ndarray) -> int:
    """How many values two sorted arrays of distinct values have in common."""
    if len(x) > len(y):
        x, y = y, x
    if not len(x):
        return 0
    return int(np.count_nonzero(in_sorted(x, y)))


class Vocabulary(NamedTuple):
    """One text's story stems with their background weights."""

    hashes: np.ndarray  # sorted int64 term hashes of the story stems
    idf: np.ndarray  # float64 background idf of each
    tfidf: np.ndarray  # float64 unit TF-IDF vector over them


def vocabulary(stems: Iterable[str], rec: Record) -> Vocabulary:
    """The story ``stems`` (those of the sentences that count, site boilerplate left out) as sorted
    hashes, with their background idf and the unit TF-IDF vector over them (log term frequency, counted
    over the record's sentences that are not boilerplate)."""
    stems = list(stems)
    hashes = np.fromiter(map(term_hash, stems), np.int64, len(stems))
    order = np.argsort(hashes, kind="stable")  # every sum below in hash order: seed-independent
    hashes, stems = hashes[order], [stems[i] for i in order.tolist()]
    prior = background()
    weights = idf(prior(hashes), prior.n_docs).astype(np.float64)
    lines = (t for t, k in zip(rec.token_lines, rec.kinds, strict=True) if k != "boilerplate")
    tf = Counter(" ".join(lines).split())
    counts = np.fromiter(map(tf.__getitem__, stems), np.float64, len(stems))
    vec = np.where(counts > 0, 1.0 + np.log(np.maximum(counts, 1.0)), 0.0) * weights
    norm = float(np.sqrt(vec @ vec))
    return Vocabulary(hashes, weights, vec / norm if norm else vec)


def explained(dst: Vocabulary, src: Vocabulary) -> float:
    """idf-weighted share of ``dst``'s vocabulary that ``src`` holds (rare words count most)."""
    total = float(dst.idf.sum())
    return round(float(dst.idf[in_sorted(dst.hashes, src.hashes)].sum()) / total, 3) if total else 0.0


def cosine(x: Vocabulary, y: Vocabulary) -> float:
    """TF-IDF cosine of the two texts (log term frequency, background idf): ``explained`` says how much of
    the derived text the source holds; this says how central the shared words are to both texts."""
    at, both = find_sorted(x.hashes, y.hashes)
    return round(float(x.tfidf[both] @ y.tfidf[at[both]]), 3)
