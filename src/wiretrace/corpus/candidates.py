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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

KEYS = 48  # index keys per article
QUERY_KEYS = 96  # keys a new article looks up (a long text's shared story words may rank below 48)
NAME_KEYS = 24  # name keys (capitalised word pairs) indexed besides the stems ...
QUERY_NAMES = 48  # ... and looked up
NAME_TOP = 4  # also kept: the few that share the most name keys, at least NAMES_SHARED of them: two long
NAMES_SHARED = 2  # reports of one event share a small part of their vocabulary but the same names
# Candidates kept per new article, best estimate first. 16 finds on real text what 24 found (quality corpus:
# the same true pairs and stories; LLM rewrite clusters: candidate recall 0.941 against 0.942, story edges
# 0.821 against 0.820) and gives a fifth fewer pairs to verify at 100k synthetic articles (1.26M against
# 1.56M, planted recall 0.986 either way): past the 16th best are texts sharing a sentence or two.
TOP = 16
MIN_ESTIMATE = 0.15  # estimated containment of the smaller text's key weight ...
LONG_MIN_ESTIMATE = 0.22  # ... when both texts are long (KEYS stem keys each): a derived long text keeps
# most of its source's distinctive words, two unrelated long texts share some by chance
LOOKUP_BUDGET = 2048  # postings a new article reads at most, rarest keys first
# Also kept: of the articles above the estimate bar, the few whose story vector (mean sentence vector) is
# closest to the new article's, at least VECTOR_MIN cosine. In a large corpus the budget reads only the
# rarest keys, and articles that share one sentence word for word with a rewrite can outscore its source,
# which retells every sentence (synthetic 100k corpus: the source of 9% of planted rewrites fell outside
# the 24 best; by story vector it was the closest of the articles the keys found in 54 of 55 such cases).
VECTOR_TOP = 2
VECTOR_MIN = 0.85
# Also kept: of the articles above the estimate bar, the few published first (no later than the new
# article). A story copied by many sites crowds its original out of the TOP with near-identical copies,
# and the original is usually the earliest report (51 dated texts with about 63 LLM rewrites each, ECB+
# beside them: the source became a candidate of 0.51 of its rewrites without this channel, 0.94 with it,
# and the stories' source -> rewrite edges found 0.38 -> 0.82).
EARLY_TOP = 2

EMPTY = np.zeros(0, np.int64)
IDF_PRIOR = 1000  # documents assumed beside the corpus, none holding the term: a small corpus is no
# evidence that words are common (with two texts, every shared word would look common and none be a key)


def day_number(published: str | None, first_seen: str | None) -> int:
    """The day an article is known to exist by, as a date ordinal (its claimed date, else the date it was
    first seen; 0 when neither is a date): what ``EARLY_TOP`` ranks by."""
    for value in (published, first_seen):
        if value:
            try:
                return date.fromisoformat(value[:10]).toordinal()
            except ValueError:
                continue
    return 0


def idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed inverse document frequency (never below 0.1, so every shared key counts a little)."""
    return (np.log((n_docs + IDF_PRIOR + 1) / (df + 0.5)) + 0.1).astype(np.float32)


@dataclass
class Queries:
    """The lookup keys of a batch of articles, flat: row i is a key of query ``q_of[i]``; a query's rows
    are contiguous, its stems first then its names, each best first."""

    q_of: np.ndarray  # int64 query of the row
    keys: np.ndarray  # int64 term hash
    weights: np.ndarray  # float32 idf
    index: np.ndarray  # bool: the article is indexed under this key
    names: np.ndarray  # bool: the key is a name (capitalised word pair), not a stem
    count: int  # number of queries

    def rows(self, lo: int, hi: int) -> slice:
        """The rows of queries lo..hi-1 (to cut an array aligned with the rows, as ``part`` cuts these)."""
        a, b = np.searchsorted(self.q_of, [lo, hi])
        return slice(int(a), int(b))

    def part(self, lo: int, hi: int) -> Queries:
        """Queries lo..hi-1 (renumbered from 0)."""
        rows = self.rows(lo, hi)
        q_of, keys, weights, index, names = (
            a[rows] for a in (self.q_of, self.keys, self.weights, self.index, self.names)
        )
        return Queries(q_of - lo, keys, weights, index, names, hi - lo)

    def key_totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Per query: total idf of its index keys, and how many of them are stems."""
        w = np.bincount(self.q_of, weights=np.where(self.index, self.weights, 0.0), minlength=self.count)
        n = np.bincount(self.q_of, weights=self.index & ~self.names, minlength=self.count)
        return w.astype(np.float32), n.astype(np.int64)


def _rank_in_groups(groups: np.ndarray) -> np.ndarray:
    """Position of each row within its run of equal ``groups`` values (rows sorted by group)."""
    if not len(groups):
        return np.zeros(0, np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    return np.arange(len(groups)) - np.repeat(starts, np.diff(np.r_[starts, len(groups)]))


def select_keys(
    q_of: np.ndarray,
    terms: np.ndarray,
    counts: np.ndarray,
    names: np.ndarray,
    df: np.ndarray,
    n_docs: int,
    count: int,
) -> Queries:
    """The keys each article looks up and their idf weights, and which of them it is indexed under, for a
    batch of ``count`` articles at once (row i of ``terms`` belongs to article ``q_of[i]``, ascending).

    Stems and names are ranked apart by (1 + log tf) x idf (ties by hash: deterministic); the lookup
    keys are the best ``QUERY_KEYS`` stems and ``QUERY_NAMES`` names, the index keys the best ``KEYS``
    stems and ``NAME_KEYS`` names."""
    w = idf(df, n_docs)
    score = (1.0 + np.log(np.maximum(counts, 1).astype(np.float32))) * w
    order = np.lexsort((terms, -score, names, q_of))
    named = names[order]
    rank = _rank_in_groups(q_of[order] * 2 + named)
    keep = rank < np.where(named, QUERY_NAMES, QUERY_KEYS)
    index = rank < np.where(named, NAME_KEYS, KEYS)
    sel = order[keep]
    return Queries(q_of[sel], terms[sel], w[sel], index[keep], names[sel], count)


@dataclass
class Scored:
    """Candidate partners of one query: article numbers and estimated containment, best first."""

    numbers: np.ndarray
    estimates: np.ndarray


@dataclass
class Postings:
    """Article numbers indexed under each of some keys, as one sorted key array and one flat array."""

    keys: np.ndarray  # int64, ascending
    offsets: np.ndarray  # int64, len(keys) + 1
    articles: np.ndarray  # int32

    def gather(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each of ``keys``: how many articles it holds, and all of them, key after key."""
        if not len(self.keys):
            return np.zeros(len(keys), np.int64), np.zeros(0, np.int64)
        pos = np.searchsorted(self.keys, keys)
        pos = np.minimum(pos, max(0, len(self.keys) - 1))
        hit = self.keys[pos] == keys
        lens = np.where(hit, self.offsets[pos + 1] - self.offsets[pos], 0)
        starts = self.offsets[pos][lens > 0]
        sizes = lens[lens > 0]
        flat = np.repeat(starts - np.r_[0, np.cumsum(sizes)[:-1]], sizes) + np.arange(int(sizes.sum()))
        return lens, self.articles[flat].astype(np.int64)


def key_frequencies(
    known: dict[int, tuple[int, int]], keys: np.ndarray = EMPTY, counts: np.ndarray = EMPTY
) -> tuple[np.ndarray, np.ndarray]:
    """How many articles are indexed under each key, as sorted keys and their counts: the stored counts
    (``Store.terms``: term -> (df, kdf)) plus ``counts`` more for ``keys`` (a batch being indexed)."""
    old_k = np.fromiter((k for k, c in known.items() if c[1]), np.int64)
    old_c = np.fromiter((c[1] for c in known.values() if c[1]), np.int64)
    all_k, at = np.unique(np.r_[old_k, keys].astype(np.int64), return_inverse=True)
    return all_k, np.bincount(at, weights=np.r_[old_c, counts], minlength=len(all_k)).astype(np.int64)


def lookup_mask(queries: Queries, kdf_keys: np.ndarray, kdf_counts: np.ndarray) -> np.ndarray:
    """Which keys each query reads: the rarest first (fewest articles indexed under them, ``kdf`` as
    sorted keys and their counts), while the postings a query reads stay within ``LOOKUP_BUDGET``.
    Common keys carry little weight and most of the work, and a key no article chose has nothing to read."""
    keys = queries.keys
    pos = np.minimum(np.searchsorted(kdf_keys, keys), max(0, len(kdf_keys) - 1))
    hit = (kdf_keys[pos] == keys) if len(kdf_keys) else np.zeros(len(keys), bool)
    sizes = np.where(hit, kdf_counts[pos] if len(kdf_counts) else 0, 0).astype(np.int64)
    order = np.lexsort((keys, sizes, queries.q_of))
    spent = np.cumsum(sizes[order])
    q = queries.q_of[order]
    first = np.searchsorted(q, q, side="left")
    before = np.where(first > 0, spent[np.maximum(first - 1, 0)], 0)
    mask = np.zeros(len(keys), bool)
    mask[order[spent - before <= LOOKUP_BUDGET]] = True
    return mask & (sizes > 0)


def score_queries(
    queries: Queries,
    query_numbers: np.ndarray,
    postings: Postings,
    key_weight: callable,
    looked: np.ndarray,
    top: int = TOP,
    min_estimate: float = MIN_ESTIMATE,
    stories: tuple[Callable[[np.ndarray], np.ndarray], np.ndarray] | None = None,
    days: tuple[Callable[[np.ndarray], np.ndarray], np.ndarray] | None = None,
) -> list[Scored]:
    """For each query of a batch, the best-scoring other articles.

    ``postings`` holds the article numbers indexed under the keys read (oversized keys already left out);
    ``key_weight(numbers)`` gives those articles' total index-key weights and stem-key counts;
    ``looked`` marks the keys each query read (``lookup_mask``). The estimate divides the shared weight
    by the smaller of the other's index-key weight and the weight of the query's index keys it read;
    when both texts are long the bar is ``LONG_MIN_ESTIMATE``. ``stories``: a function giving articles'
    int8 story vectors, and the queries' own (one row each), for the ``VECTOR_TOP`` channel; ``days``: a
    function giving articles' ``day_number``, and the queries' own, for the ``EARLY_TOP`` channel."""
    nq = queries.count
    empty = Scored(np.zeros(0, np.int64), np.zeros(0, np.float32))
    if not nq:
        return []
    lens, arts = postings.gather(np.where(looked, queries.keys, -1))
    if not len(arts):
        return [empty for _ in range(nq)]
    q_rep = np.repeat(queries.q_of, lens)
    w_rep = np.repeat(queries.weights, lens)
    n_rep = np.repeat(queries.names, lens)
    keep = arts != np.asarray(query_numbers, np.int64)[q_rep]
    arts, q_rep, w_rep, n_rep = arts[keep], q_rep[keep], w_rep[keep], n_rep[keep]
    # Sum the shared weight per (query, article).
    width = int(arts.max(initial=0)) + 1
    uniq, inv = _unique_inverse(q_rep * width + arts, nq * width)
    shared = np.bincount(inv, weights=w_rep, minlength=len(uniq)).astype(np.float32)
    name_n = np.bincount(inv, weights=n_rep.astype(np.float64), minlength=len(uniq))
    name_w = np.bincount(inv, weights=np.where(n_rep, w_rep, 0.0), minlength=len(uniq))
    uq, ua = uniq // width, uniq % width
    read = queries.index & looked
    totals = np.bincount(queries.q_of, weights=np.where(read, queries.weights, 0.0), minlength=nq)
    long_q = queries.key_totals()[1] >= KEYS
    other_w, other_n = key_weight(ua)
    est = shared / np.maximum(np.minimum(totals[uq].astype(np.float32), other_w), 1e-6)
    bar = np.where(long_q[uq] & (other_n >= KEYS), max(min_estimate, LONG_MIN_ESTIMATE), min_estimate)
    above_bar = est >= bar
    picked = _top_per_query(uq, ua, est, above_bar, top) | _top_per_query(
        uq, ua, name_w, name_n >= NAMES_SHARED, NAME_TOP
    )
    if stories is not None and VECTOR_TOP:
        above = np.flatnonzero(above_bar)
        similar = np.zeros(len(uq), np.float32)
        similar[above] = story_cosines(stories[0](ua[above]), stories[1][uq[above]])
        picked |= _top_per_query(uq, ua, similar, similar >= VECTOR_MIN, VECTOR_TOP)
    if days is not None and EARLY_TOP:
        day, own = days[0](ua).astype(np.int64), np.asarray(days[1], np.int64)[uq]
        dated = above_bar & (day > 0) & ((own == 0) | (day <= own))
        picked |= _top_per_query(uq, ua, -day.astype(np.float64), dated, EARLY_TOP)
    uq, ua, est = uq[picked], ua[picked], est[picked]
    order = np.lexsort((ua, -est, uq))  # per query: best estimate first, ties by article number
    uq, ua, est = uq[order], ua[order], est[order]
    starts = np.searchsorted(uq, np.arange(nq), side="left")
    stops = np.searchsorted(uq, np.arange(nq), side="right")
    return [
        Scored(ua[a:b], est[a:b]) if b > a else empty
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True)
    ]


def _unique_inverse(codes: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_inverse=True)`` (``codes`` in [0, ``bound``)), a third faster on what
    ``score_queries`` passes: a stable sort merges the sorted runs the postings come in, and int32 codes
    halve the bytes sorted."""
    small = codes.astype(np.int32) if bound < 2**31 else codes
    order = np.argsort(small, kind="stable")
    ordered = small[order]
    first = np.ones(len(ordered), bool)
    first[1:] = ordered[1:] != ordered[:-1]
    inv = np.empty(len(codes), np.int64)
    inv[order] = np.cumsum(first) - 1
    return ordered[first].astype(np.int64), inv


def story_cosines(x: np.ndarray, y: np.ndarray, block: int = 4096) -> np.ndarray:
    """Row-wise cosine of two stacks of int8 unit vectors (zero rows: 0), a block of rows at a time."""
    out = np.zeros(len(x), np.float32)
    for i in range(0, len(x), block):
        a, b = x[i : i + block].astype(np.float32), y[i : i + block].astype(np.float32)
        norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
        dots = np.einsum("ij,ij->i", a, b)
        out[i : i + block] = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
    return out


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
