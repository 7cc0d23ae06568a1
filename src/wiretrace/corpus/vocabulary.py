"""The lexical evidence a verified derivation pair records for the story builder: ``explained``, the
idf^2-weighted share of the derived text's story vocabulary that the source holds (rare words dominate),
and ``cosine``, the two texts' TF-IDF cosine (how central the shared words are to both: a summary reuses
what its source is about, a topical neighbour shares words it mentions in passing).
``stories.select_sources`` weighs competing sources by the two.

The idf is the corpus's own (``CorpusIdf``: its document frequencies and size), so the figures depend on
the corpus, not on the two texts alone: a pair verified when one day was indexed got other figures than
the same pair verified after a second day, and a corpus built day by day differed from one built at once
(a competing source can win or lose on that). ``refresh`` brings every derivation pair's figures to the
corpus as it is now before the stories are built, so the stored figures are those one run of all the
days gives. A fixed background idf (``eventmodel.background``, 22,872 real news articles) would make them
a function of the two texts alone, but it knows less than the corpus does: replaying the story building
over the same verified pairs, ECB+ event B-cubed F1 fell from 0.866 to 0.859-0.860 (idf, idf^1.5 or
idf^2), and on the FRANK-test tuning corpus of ``bench/semantic_sources.py`` story-edge F1 from 0.928 to
0.924-0.927; the corpus's counts plus the background did no better (0.859-0.862, 0.925-0.926).

Also here: the sorted-array set operations the verifier's cheap tests share with these figures.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .candidates import idf
from .fingerprint import Record, term_hash

if TYPE_CHECKING:
    from .verify import Verifier

REFRESH_CHUNK = 512  # pairs whose articles are loaded together: at most 1,024, within the verifier's cache


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
    """One text's story stems with their corpus weights."""

    hashes: np.ndarray  # sorted int64 term hashes of the story stems
    idf2: np.ndarray  # float64 idf^2 of each
    tfidf: np.ndarray  # float64 unit TF-IDF vector over them


class CorpusIdf:
    """The corpus's document frequencies, read from ``store`` as they are needed and kept (they do not
    change while it is used), and ``n_docs``, the corpus size the idf uses."""

    def __init__(self, store, n_docs: int) -> None:
        self.store = store
        self.n_docs = max(1, n_docs)
        self.df: dict[int, int] = {}  # term hash -> document frequency, as read

    def idf2(self, hashes: np.ndarray) -> np.ndarray:
        keys, known = hashes.tolist(), self.df
        if len(known) > 500_000:  # bounded: the counts are fixed while this is used, so any can go
            known.clear()
        missing = [h for h in keys if h not in known]
        if missing:  # one read of the terms not seen yet
            counts = self.store.terms(missing)
            known.update((h, counts.get(h, (0, 0))[0]) for h in missing)
        df = np.fromiter(map(known.__getitem__, keys), np.float32, len(keys))
        return idf(df, self.n_docs).astype(np.float64) ** 2


def vocabulary(stems: Iterable[str], rec: Record, weights: CorpusIdf) -> Vocabulary:
    """The story ``stems`` (those of the sentences that count, site boilerplate left out) as sorted
    hashes, with their idf^2 and the unit TF-IDF vector over them (log term frequency, counted over the
    record's sentences that are not boilerplate)."""
    stems = list(stems)
    hashes = np.fromiter(map(term_hash, stems), np.int64, len(stems))
    order = np.argsort(hashes, kind="stable")  # every sum below in hash order: seed-independent
    hashes, stems = hashes[order], [stems[i] for i in order.tolist()]
    idf2 = weights.idf2(hashes)
    lines = (t for t, k in zip(rec.token_lines, rec.kinds, strict=True) if k != "boilerplate")
    tf = Counter(" ".join(lines).split())
    counts = np.fromiter(map(tf.__getitem__, stems), np.float64, len(stems))
    vec = np.where(counts > 0, 1.0 + np.log(np.maximum(counts, 1.0)), 0.0) * np.sqrt(idf2)
    norm = float(np.sqrt(vec @ vec))
    return Vocabulary(hashes, idf2, vec / norm if norm else vec)


def explained(dst: Vocabulary, src: Vocabulary) -> float:
    """idf^2-weighted share of ``dst``'s vocabulary that ``src`` holds (rare words dominate)."""
    total = float(dst.idf2.sum())
    return round(float(dst.idf2[in_sorted(dst.hashes, src.hashes)].sum()) / total, 3) if total else 0.0


def cosine(x: Vocabulary, y: Vocabulary) -> float:
    """TF-IDF cosine of the two texts (log term frequency, corpus idf): ``explained`` says how much of the
    derived text the source holds; this says how central the shared words are to both texts."""
    at, both = find_sorted(x.hashes, y.hashes)
    return round(float(x.tfidf[both] @ y.tfidf[at[both]]), 3)


def figures(src: Vocabulary, dst: Vocabulary, reverse: bool) -> dict[str, float]:
    """What a derivation pair ``src`` -> ``dst`` records, with ``explained_reverse`` (how much of the source
    the derived text holds) when its direction was left open (``reverse``): the story builder may turn it."""
    out = {"explained": explained(dst, src), "cosine": cosine(src, dst)}
    if reverse:
        out["explained_reverse"] = explained(src, dst)
    return out


def refresh(store, verifier: Verifier) -> int:
    """Recompute the figures of every verified derivation pair with ``verifier``'s idf (the corpus now)
    and store those that changed, inside the caller's transaction; returns how many changed. The figures
    are those of the orientation the pair was verified in (a full comparison that re-oriented it keeps
    them, as ``verify.diff_pair`` does)."""
    rows = store.derivation_evidence()
    changed = []
    for start in range(0, len(rows), REFRESH_CHUNK):
        chunk = rows[start : start + REFRESH_CHUNK]
        verifier.load([n for row in chunk for n in row[:2]], text=False)
        for lo, hi, src, dst, blob in chunk:
            evidence = json.loads(blob or "{}")
            if "explained" not in evidence:
                continue
            if "reoriented" in evidence:
                src, dst = dst, src
            a, b = (verifier.vocabulary(verifier.items[n]) for n in (src, dst))
            now = {**evidence, **figures(a, b, reverse="explained_reverse" in evidence)}
            if now != evidence:
                changed.append((json.dumps(now), lo, hi))
    store.update_evidence(changed)
    return len(changed)
