"""The TF-IDF cosine baseline anyone would try first, plus the metrics used to report it.

Why: wiretrace's numbers only mean something next to the obvious lexical-overlap approach. Thresholds
are picked on the evaluation labels themselves (oracle), so the baseline is shown at its best possible
operating point; a method that beats it there beats it everywhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"'”’)])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Split after . ! or ? (optionally + closing quote/bracket) followed by whitespace, and at newlines."""
    parts = [p.strip() for p in _SENTENCE_BREAK.split(text)]
    return [p for p in parts if p] or [text]


def _pair_texts(pair: Any) -> tuple[str, str]:
    """Accept ``(a, b)`` tuples or objects with ``.a``/``.b`` (RelationPair, ParaphrasePair)."""
    if isinstance(pair, tuple):
        return pair[0], pair[1]
    return pair.a, pair.b


class TfidfBaseline:
    """Word uni+bigram TF-IDF (sublinear tf, English stop words) cosine similarity.

    Fit it on the texts of the set being scored (no labels are used), so the IDF reflects that corpus.
    """

    def __init__(self, **vectorizer_overrides: Any) -> None:
        params: dict[str, Any] = {
            "ngram_range": (1, 2),
            "sublinear_tf": True,
            "stop_words": "english",
            "lowercase": True,
        }
        params.update(vectorizer_overrides)
        self.vectorizer = TfidfVectorizer(**params)

    def fit(self, texts: Iterable[str]) -> TfidfBaseline:
        """Learn vocabulary and IDF from ``texts``; returns self."""
        self.vectorizer.fit(list(texts))
        return self

    def _vec(self, texts: Sequence[str]) -> Any:
        return self.vectorizer.transform(texts)  # rows are L2-normalised, so dot product = cosine

    def sentence_support_scores(self, items: Sequence[Any]) -> np.ndarray:
        """Per item: max cosine between ``item.sentence`` and any sentence of ``item.source``.

        Sources shared by many items (FRANK, SummEdits) are split and vectorised once.
        """
        cache: dict[str, Any] = {}
        sent_vecs = self._vec([it.sentence for it in items])
        scores = np.zeros(len(items))
        for i, it in enumerate(items):
            src = cache.get(it.source)
            if src is None:
                src = cache[it.source] = self._vec(split_sentences(it.source))
            sims = (src @ sent_vecs[i].T).toarray().ravel()
            scores[i] = float(sims.max()) if sims.size else 0.0
        return scores

    def pair_scores(self, pairs: Sequence[Any]) -> np.ndarray:
        """Whole-document cosine for each pair (``(a, b)`` tuples or objects with ``.a``/``.b``)."""
        texts = [_pair_texts(p) for p in pairs]
        a = self._vec([t[0] for t in texts])
        b = self._vec([t[1] for t in texts])
        return np.asarray(a.multiply(b).sum(axis=1)).ravel()


# ------------------------------------------------------------------------------------------ metrics


def balanced_accuracy(pred: Sequence[Hashable], labels: Sequence[Hashable]) -> float:
    """Mean per-class recall over the classes present in ``labels`` (robust to class imbalance)."""
    if len(pred) != len(labels):
        raise ValueError("pred and labels differ in length")
    recalls = []
    for cls in sorted(set(labels), key=repr):
        idx = [i for i, y in enumerate(labels) if y == cls]
        recalls.append(sum(pred[i] == cls for i in idx) / len(idx))
    return float(np.mean(recalls)) if recalls else float("nan")


def accuracy_f1(pred: Sequence[bool], labels: Sequence[bool]) -> tuple[float, float]:
    """Accuracy and F1 of the positive (``True``) class, as MSRP results are usually reported."""
    p = np.asarray(pred, dtype=bool)
    y = np.asarray(labels, dtype=bool)
    if p.shape != y.shape:
        raise ValueError("pred and labels differ in length")
    tp = int(np.sum(p & y))
    fp = int(np.sum(p & ~y))
    fn = int(np.sum(~p & y))
    acc = float(np.mean(p == y)) if y.size else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return acc, f1


def _cut_points(sorted_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions k (predict "high" for sorted index >= k) that fall between distinct values, and their
    thresholds (midpoints; -inf/inf at the ends), so ties are never split."""
    n = sorted_scores.size
    ks = [0] + [k for k in range(1, n) if sorted_scores[k - 1] < sorted_scores[k]] + [n]
    th = [-math.inf] + [(sorted_scores[k - 1] + sorted_scores[k]) / 2 for k in ks[1:-1]] + [math.inf]
    return np.asarray(ks), np.asarray(th)


def best_threshold_balanced_accuracy(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """Threshold t (predict True iff score >= t) that maximises balanced accuracy, and that accuracy.

    Oracle: t is chosen on the very labels it is scored against, which is generous to the baseline; it
    reports the best any single cut on this score could do, not what a deployed threshold would get.
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("need both classes to pick a threshold")
    order = np.argsort(s, kind="stable")
    s, y = s[order], y[order]
    ks, th = _cut_points(s)
    neg_below = np.concatenate([[0], np.cumsum(~y)])[ks]  # true negatives when cutting at k
    pos_below = np.concatenate([[0], np.cumsum(y)])[ks]
    bal = 0.5 * (neg_below / n_neg + (n_pos - pos_below) / n_pos)
    best = int(np.argmax(bal))
    return float(th[best]), float(bal[best])


def predict_threshold(scores: Sequence[float], threshold: float) -> list[bool]:
    """``score >= threshold`` for each score."""
    return [bool(x >= threshold) for x in scores]


RELATION_ORDER = ("unrelated", "same_event", "derived")


def predict_relation(scores: Sequence[float], t1: float, t2: float) -> list[str]:
    """unrelated < t1 <= same_event < t2 <= derived."""
    low, mid, high = RELATION_ORDER
    return [high if x >= t2 else mid if x >= t1 else low for x in scores]


def best_two_thresholds_accuracy(
    scores: Sequence[float], labels: Sequence[str]
) -> tuple[float, float, float]:
    """Thresholds t1 <= t2 on a document score maximising 3-way accuracy (oracle), and that accuracy.

    Exhaustive over every cut between distinct score values (O(n) after sorting), so it is the true
    optimum for this ordered rule, again generous to the baseline.
    """
    low, mid, high = RELATION_ORDER
    s = np.asarray(scores, dtype=float)
    lab = np.asarray(labels)
    if len(s) != len(lab) or not len(s):
        raise ValueError("need equally long, non-empty scores and labels")
    order = np.argsort(s, kind="stable")
    s, lab = s[order], lab[order]
    ks, th = _cut_points(s)
    cum = {c: np.concatenate([[0], np.cumsum(lab == c)])[ks] for c in RELATION_ORDER}
    n_high = cum[high][-1]
    # correct(i, j) = low_below[i] + (mid_below[j] - mid_below[i]) + (n_high - high_below[j]), i <= j
    right = cum[mid] - cum[high]  # the part depending on j
    best_j = np.empty(len(right), dtype=int)  # argmax of right[j'] over j' >= j
    arg = len(right) - 1
    for j in range(len(right) - 1, -1, -1):
        if right[j] >= right[arg]:
            arg = j
        best_j[j] = arg
    total = cum[low] - cum[mid] + right[best_j] + n_high
    i = int(np.argmax(total))
    j = int(best_j[i])
    return float(th[i]), float(th[j]), float(total[i] / len(s))
