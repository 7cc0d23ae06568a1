"""Events: which independent reports make one story, by how well an article matches the story as a whole.

A story used to be a connected component of same_event links: A reports what B reports, B shares names
with C, and one link at a time every report of a busy topic joined one "story" (195 articles of different
events years apart on held-out data). Here the engine's same_event and derivation verdicts only say which
groups may meet; whether they join is decided by average linkage over *all* their member pairs
(agglomerative clustering, merging the closest pair of groups first): the mean similarity of every article
of one group to every article of the other must reach ``EventModel.threshold``. A chain A~B~C where A and C
share nothing does not hold: C must match A and B on average.

The similarity of two articles is the cosine of their idf-weighted distinct stems plus
``entity_weight`` times the cosine of their idf-weighted specific names (``Profile``): what happened and
to whom. Both are dot products of unit vectors, so the mean over all pairs of two groups is the dot product
of the groups' summed vectors divided by the pair count: exact average linkage without the pairs. Idf
(squared: a template's words weigh little, names and rare words much) counts the corpus plus a background
of real news (``Background``). Time scales it (``eventtime``): two groups whose mean dates are further
apart than a window lose weight with every further day; a group stands on its members' claimed
publication dates, on capture dates only when it has none.
Groups meet where the engine linked two of their members or where one member is among another's nearest
``neighbours``.

Derivation components (copy/rewrite edges kept by ``stories.select_sources``) enter as whole units and
are never split: a copy belongs with its source whatever its similarity to the rest (``stories`` keeps
one-line briefs out and puts them with their source afterwards).

Arrival order never matters: articles are ordered by their id, ties are broken by ids, and linkages are
compared rounded (a sum in another order differs only in the last bits). A group's clustering depends only
on the groups its links reach, so adding unrelated articles leaves a story alone (up to the corpus-wide
idf, which the background keeps steady).

The weights and the window are in ``data/events/model.json``, chosen by ``scripts/train_events.py``; what
it does not see: publication dates (ECB+ has none, so the window is a prior), events told in other
languages (stems do not cross languages), and an event whose reports share few words (a one-line
report and a long feature may stay apart).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .eventmodel import Background, EventModel, Profile, background, event_model
from .eventtime import Span, join_spans, position, span_of, time_factor

_ROUND = 9  # linkages compared to this many decimals: sums in another order differ in the last bits
# Pairs whose first linkage one sparse product computes: each takes a copy of both groups' rows (about
# 150 terms each), so all the pairs of a 100k corpus at once held gigabytes.
PAIR_BLOCK = 4096


Terms = tuple[np.ndarray, np.ndarray, np.ndarray, float]  # columns of each row's terms, counts, idf, scale


def _unit_rows(parts: list[Terms], chunk: int = 8192) -> sp.csr_matrix:
    """Rows that are each part's unit vector of idf-weighted terms times its scale, side by side, written a
    chunk of rows at a time into the one matrix (whole-corpus temporaries, and the parts' own matrices
    before they were stacked, were several copies of 12 million terms at 100k articles)."""
    n = len(parts[0][1])
    offsets = np.cumsum([0] + [len(idf) for _, _, idf, _ in parts])
    bounds = [np.concatenate([[0], np.cumsum(lengths)]) for _, lengths, _, _ in parts]
    indptr = np.concatenate([[0], np.cumsum(np.sum([lengths for _, lengths, _, _ in parts], axis=0))])
    indices = np.empty(indptr[-1], np.int32 if offsets[-1] < 2**31 else np.int64)
    data = np.empty(indptr[-1])
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        shift = indptr[start:stop].copy()  # where each row's part begins, less the part's own start
        for (cols, lengths, idf, scale), bound, offset in zip(parts, bounds, offsets[:-1], strict=True):
            lo, hi = bound[start], bound[stop]
            weights = idf[cols[lo:hi]]
            row_of = np.repeat(np.arange(stop - start), lengths[start:stop])
            norms = np.sqrt(np.bincount(row_of, weights * weights, minlength=stop - start))
            weights /= np.where(norms > 0, norms, 1.0)[row_of]
            at = np.arange(lo, hi) + (shift - bound[start:stop])[row_of]
            indices[at] = cols[lo:hi] + offset
            data[at] = weights * scale
            shift += lengths[start:stop]
    out = sp.csr_matrix((data, indices, indptr), shape=(n, offsets[-1]))
    out.sort_indices()
    return out


def _idf(df: np.ndarray, n: int, power: float) -> np.ndarray:
    return np.log((n + 1) / (np.minimum(df, n) + 0.5)) ** power


def _stem_columns(profiles: list[Profile], chunk: int = 8192) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct stems of all profiles (sorted), the column of each profile's stems in turn (int32) and
    how many each has: a chunk of profiles at a time, since one sort of every stem of a large corpus (12
    million at 100k articles) takes several copies of them."""
    lengths = np.fromiter((len(p.stems) for p in profiles), np.int64, len(profiles))
    vocab = np.zeros(0, np.int64)
    for start in range(0, len(profiles), chunk):
        part = [p.stems for p in profiles[start : start + chunk]]
        vocab = np.union1d(vocab, np.concatenate(part)) if part else vocab
    cols = np.empty(int(lengths.sum()), np.int32 if len(vocab) < 2**31 else np.int64)
    pos = 0
    for start in range(0, len(profiles), chunk):
        part = np.concatenate([p.stems for p in profiles[start : start + chunk]])
        cols[pos : pos + len(part)] = np.searchsorted(vocab, part)
        pos += len(part)
    return vocab, cols, lengths


def vectors(
    profiles: list[Profile],
    model: EventModel,
    stem_df: Mapping[int, int] | None = None,
    n_docs: int | None = None,
    prior: Background | None = None,
) -> sp.csr_matrix:
    """One row per profile: unit stem vector and ``sqrt(entity_weight)`` times unit name vector, side by
    side, so a row product is the pair similarity. Stem idf from ``stem_df`` over ``n_docs`` articles (the
    corpus; else the profiles themselves) plus the ``prior`` (the shipped ``background``); name idf from
    the profiles. Columns: the stems in hash order, then the names in string order."""
    prior = prior or background()
    n_corpus = max(n_docs or 0, len(profiles))
    vocab, cols, lengths = _stem_columns(profiles)
    if stem_df is None:
        own = np.bincount(cols, minlength=len(vocab)).astype(np.float64)
        n_corpus = len(profiles)
    else:
        own = np.fromiter((stem_df.get(t, 1) for t in vocab.tolist()), np.float64, len(vocab))
    stems = (cols, lengths, _idf(own + prior(vocab), n_corpus + prior.n_docs, model.idf_power), 1.0)
    name_df = Counter(e for p in profiles for e in p.entities)
    names = sorted(name_df)
    column = {e: i for i, e in enumerate(names)}
    name_cols = np.fromiter((column[e] for p in profiles for e in sorted(p.entities)), np.int64)
    name_lengths = np.fromiter((len(p.entities) for p in profiles), np.int64, len(profiles))
    counts = np.fromiter((name_df[e] for e in names), np.float64, len(names))
    scale = math.sqrt(model.entity_weight)
    entities = (name_cols, name_lengths, _idf(counts, n_corpus, model.idf_power), scale)
    return _unit_rows([stems, entities])


def _top(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, k: int) -> np.ndarray:
    """Which entries are among the ``k`` largest of their row, ties by column (``rows`` ascending). Only
    the entries not below the least of the maxima of ``k`` disjoint pieces of their row (at most the
    row's k-th largest) are sorted: a row of a thousand products keeps a few dozen."""
    if not len(rows):
        return np.zeros(0, bool)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    sizes = np.diff(np.r_[starts, len(rows)])
    cuts = (starts[:, None] + sizes[:, None] * np.arange(k) // k).ravel()
    floor = np.maximum.reduceat(vals, cuts).reshape(-1, k).min(axis=1)
    floor[sizes <= k] = -np.inf
    keep = np.flatnonzero(vals >= np.repeat(floor, sizes))
    order = keep[np.lexsort((cols[keep], -vals[keep], rows[keep]))]
    ranked = rows[order]
    top = np.zeros(len(rows), bool)
    top[order[np.arange(len(order)) - np.searchsorted(ranked, ranked, side="left") < k]] = True
    return top


def neighbours(
    rows: sp.csr_matrix, k: int = 5, keep: int = 32, common: float = 0.02, most: int = 250, block: int = 1024
) -> np.ndarray:
    """The ``k`` most similar other rows of each row, as an (m, 2) array of sorted pairs. The candidate
    search looks for derived texts and the engine judges only those, so two reports of one event in other
    words are often never compared; these pairs let their groups meet. Rows are compared by their
    ``keep`` heaviest terms (the rare words and names an event is told by) without the terms that more
    than ``common`` of all rows, or more than ``most`` rows, keep (they say little about which event,
    and would make the product dense: the work per row is bounded by ``keep * most``); ties by row
    (rows are in id order). A ``block`` of rows at a time: memory holds one block's products."""
    n = rows.shape[0]
    if n < 2:
        return np.zeros((0, 2), np.int64)
    rows = rows.tocsr()
    kept = []
    for start in range(0, n, 8 * block):
        part = rows[start : start + 8 * block]
        r = np.repeat(np.arange(start, start + part.shape[0]), np.diff(part.indptr))
        top = _top(r, part.indices, part.data, keep)
        kept.append((r[top], part.indices[top], part.data[top]))
    r, c, v = (np.concatenate(x) for x in zip(*kept, strict=True))
    del kept
    rare = np.bincount(c, minlength=rows.shape[1])[c] <= max(2, min(common * n, most))
    pruned = sp.csr_matrix((v[rare], (r[rare], c[rare])), shape=rows.shape)
    del r, c, v, rare
    pruned_t = pruned.T.tocsr()
    found = []
    for start in range(0, n, block):
        prod = (pruned[start : start + block] @ pruned_t).tocsr()
        me = np.repeat(np.arange(start, start + prod.shape[0]), np.diff(prod.indptr))
        other = prod.indices != me
        me, cols = me[other], prod.indices[other]
        near = _top(me, cols, np.round(prod.data[other], _ROUND), k)
        me, cols = me[near], cols[near]
        found.append(np.minimum(me, cols) * n + np.maximum(me, cols))
    pairs = np.unique(np.concatenate(found))
    return np.stack([pairs // n, pairs % n], axis=1)


def cluster(
    profiles: list[Profile],
    units: Iterable[Iterable[int]],
    links: Iterable[tuple[int, int]],
    model: EventModel,
    rows: sp.csr_matrix | None = None,
) -> list[list[int]]:
    """Events over ``profiles`` (by position): ``units`` are groups that stay whole (derivation components;
    a profile in none is a unit of its own), ``links`` the pairs whose groups may meet (the engine's
    same_event and derivation verdicts). Groups merge, closest first, while their average linkage times
    ``time_factor`` reaches ``model.threshold``. Returns the groups, each sorted, ordered by first member;
    ``rows``: ``vectors(profiles, model)`` when the caller has them."""
    if rows is None:
        rows = vectors(profiles, model)
    order = sorted(range(len(profiles)), key=lambda i: profiles[i].key)
    rank = [0] * len(profiles)
    for r, i in enumerate(order):
        rank[i] = r
    group_of = np.full(len(profiles), -1, np.int64)
    members: dict[int, list[int]] = {}
    for unit in units:
        unit = sorted(set(unit), key=rank.__getitem__)
        head = rank[unit[0]]
        if (group_of[unit] >= 0).any():
            raise ValueError("a profile is in two units")
        members[head] = unit
        group_of[unit] = head
    for i in order:
        if group_of[i] < 0:
            members[rank[i]] = [i]
            group_of[i] = rank[i]
    rows = rows.tocsr()
    # a group's summed vector: its one member's row, else its unit's row (``unit_rows``), and once it has
    # grown its own sorted columns and values
    alone = np.zeros(len(profiles), bool)  # by head: a group of one
    source = np.zeros(len(profiles), np.int64)  # by head: its row in rows or unit_rows
    for g, m in members.items():
        alone[g], source[g] = len(m) == 1, m[0]
    whole = [g for g in sorted(members) if len(members[g]) > 1]
    unit_rows = _summed_rows([members[g] for g in whole], rows)
    source[whole] = np.arange(len(whole))
    size = np.zeros(len(profiles))  # by head: how many members
    size[list(members)] = [len(m) for m in members.values()]
    merged: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def summed(g: int) -> tuple[np.ndarray, np.ndarray]:
        """A group's summed vector: its columns (sorted) and values."""
        if g in merged:
            return merged[g]
        part = rows if alone[g] else unit_rows
        lo, hi = part.indptr[source[g]], part.indptr[source[g] + 1]
        return part.indices[lo:hi], part.data[lo:hi]

    spans: dict[int, Span | None] = {}
    for g, m in members.items():
        span = None
        for i in m:
            span = join_spans(span, span_of(profiles[i]))
        spans[g] = span
    pairs = np.asarray(links if isinstance(links, np.ndarray) else list(links), np.int64).reshape(-1, 2)
    pairs = np.sort(group_of[pairs], axis=1)
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)  # the neighbouring groups, in order
    neighbours: dict[int, set[int]] = {g: set() for g in members}
    del group_of
    version = dict.fromkeys(members, 0)
    heap: list[tuple[float, int, int, int, int]] = []
    hopeless = model.threshold - 1e-6  # a mean linkage below it stays below the threshold, rounded and timed

    def push(x: int, y: int, total: float) -> None:
        """Queue the merge of ``x`` and ``y`` (``total``: the sum of their member pairs' similarities)."""
        x, y = min(x, y), max(x, y)
        mean = total / (len(members[x]) * len(members[y]))
        value = round(mean * time_factor(position(spans[x]), position(spans[y]), model), _ROUND)
        if value >= model.threshold:
            heapq.heappush(heap, (-value, x, y, version[x], version[y]))

    for start in range(0, len(pairs), PAIR_BLOCK):  # the first linkages, a block of pairs per product
        xs, ys = pairs[start : start + PAIR_BLOCK].T
        for a, b in zip(xs.tolist(), ys.tolist(), strict=True):
            neighbours[a].add(b)
            neighbours[b].add(a)
        totals = np.empty(len(xs))
        for x_alone, y_alone in ((True, True), (True, False), (False, True), (False, False)):
            pick = np.flatnonzero((alone[xs] == x_alone) & (alone[ys] == y_alone))
            if len(pick):
                mine = (rows if x_alone else unit_rows)[source[xs[pick]]]
                theirs = (rows if y_alone else unit_rows)[source[ys[pick]]]
                totals[pick] = np.asarray(mine.multiply(theirs).sum(axis=1)).ravel()
        for j in np.flatnonzero(totals / (size[xs] * size[ys]) >= hopeless).tolist():
            push(int(xs[j]), int(ys[j]), float(totals[j]))
    del pairs
    dense = np.zeros(rows.shape[1])  # the merged group's summed vector, spread out while it is read
    while heap:
        _, x, y, vx, vy = heapq.heappop(heap)
        if x not in members or y not in members or version[x] != vx or version[y] != vy:
            continue
        near = sorted((neighbours[x] | neighbours.pop(y)) - {x, y})
        (cx, ux), (cy, uy) = summed(x), summed(y)
        dense[cx] = ux
        dense[cy] += uy
        cols = np.sort(np.concatenate((cx, cy)))
        fresh = np.ones(len(cols), bool)
        fresh[1:] = cols[1:] != cols[:-1]
        cols = cols[fresh]
        merged[x] = cols, dense[cols]
        merged.pop(y, None)
        totals = _linkages(dense, [summed(h) for h in near])
        dense[cols] = 0.0
        members[x] = sorted(members[x] + members.pop(y), key=rank.__getitem__)
        size[x] = len(members[x])
        spans[x] = join_spans(spans[x], spans.pop(y))
        version[x] += 1
        del version[y]
        neighbours[x] = set(near)
        for h in near:
            neighbours[h].discard(y)
            neighbours[h].add(x)
        hopeful = totals / (size[x] * size[near]) >= hopeless
        for j in np.flatnonzero(hopeful).tolist():
            push(x, near[j], float(totals[j]))
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def _linkages(dense: np.ndarray, others: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """The dot product of a group's summed vector (``dense``, spread out) with each of ``others`` (columns,
    values): the sum of the similarities of every member pair, in one product over all the neighbours of
    a merged group (reading one pair at a time was most of the clustering's time)."""
    if not others:
        return np.zeros(0)
    sizes = np.fromiter((len(c) for c, _ in others), np.int64, len(others))
    products = dense[np.concatenate([c for c, _ in others])] * np.concatenate([u for _, u in others])
    return np.bincount(np.repeat(np.arange(len(others)), sizes), products, minlength=len(others))


def _summed_rows(groups: list[list[int]], rows: sp.csr_matrix) -> sp.csr_matrix:
    """One row per group: the sum of its members' rows (sorted indices)."""
    owner = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    flat = [i for g in groups for i in g]
    pick = sp.csr_matrix((np.ones(len(flat)), (owner, flat)), shape=(len(groups), rows.shape[0]))
    out = (pick @ rows).tocsr()
    out.sort_indices()
    return out


def _centre_scores(groups: list[list[int]], rows: sp.csr_matrix) -> np.ndarray:
    """Each member's product with its group's summed row, the groups' members in turn. Each member's terms
    are looked up in its own group's sum: a copy of the sum for every member held a big group's whole
    vocabulary once per member (gigabytes at 100k articles)."""
    flat = np.asarray([i for g in groups for i in g], np.int64)
    owner = np.repeat(np.arange(len(groups), dtype=np.int64), [len(g) for g in groups])
    centres = _summed_rows(groups, rows)
    mine = rows[flat]
    mine.sort_indices()
    width = np.int64(rows.shape[1])
    at = np.searchsorted(
        np.repeat(np.arange(len(groups), dtype=np.int64), np.diff(centres.indptr)) * width + centres.indices,
        np.repeat(owner, np.diff(mine.indptr)) * width + mine.indices,
    )
    mine.data *= centres.data[at]
    return np.asarray(mine.sum(axis=1)).ravel()


def labels(
    profiles: list[Profile], groups: list[list[int]], rows: sp.csr_matrix, top: int = 5, chunk: int = 8192
) -> list[dict]:
    """What names each group: the member closest to its centre (the most representative report; ties by
    id) and the specific names (as ``Sketch.entities`` keys) most of its members mention, at least two.
    The scores are read a batch of groups of about ``chunk`` members at a time."""
    out: list[dict] = []
    ends = np.cumsum([len(g) for g in groups])
    start = 0
    while start < len(groups):
        stop = max(start + 1, int(np.searchsorted(ends, ends[start] + chunk)))
        scores = _centre_scores(groups[start:stop], rows).tolist()
        pos = 0
        for g in groups[start:stop]:
            mine = scores[pos : pos + len(g)]
            pos += len(g)
            best = min((-round(v, _ROUND), profiles[i].key, i) for v, i in zip(mine, g, strict=True))[2]
            counts = Counter(e for i in g for e in profiles[i].entities)
            names = [e for e, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 2][:top]
            out.append({"representative": best, "entities": names})
        start = stop
    return out


_CONNECTORS = frozenset("of de del la le the and von van al bin".split())
_CAPITALISED = re.compile(
    r"[A-Z][\w'’.&-]*(?:\s+(?:(?:" + "|".join(sorted(_CONNECTORS)) + r")\s+)?[A-Z][\w'’.&-]*)*"
)


def _surface(words: list[str], key: list[str]) -> bool:
    """Whether capitalised ``words`` write the name ``key`` (its words in any order; "Indian" writes
    "india": names are keyed by place, not demonym)."""
    if len(words) != len(key):
        return False
    left = list(key)
    for w in words:
        w = w.lower()
        hit = next((k for k in left if w == k or (len(k) >= 4 and w.startswith(k))), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def describe(keys: list[str], texts: Iterable[str | None]) -> list[str]:
    """The names as the texts write them ("Gulf of Aden" for the key "aden gulf"): the first capitalised
    run of a text (connectors such as "of" inside it) whose other words are the key's; a key no text
    writes that way is shown by its words, capitalised."""
    found: dict[str, str] = {}
    sizes = {len(k.split()) for k in keys}
    prefixes = {w[:4] for k in keys for w in k.split()}  # a run with none of them names none of the keys
    for text in texts:
        for m in _CAPITALISED.finditer(text or ""):
            words = m.group(0).split()
            if not any(w.lower().strip(".,;:'’")[:4] in prefixes for w in words):
                continue
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    span = [w.rstrip(".,;:") for w in words[i:j]]
                    if span[0].lower() in _CONNECTORS or span[-1].lower() in _CONNECTORS:
                        continue
                    plain = [w.strip("'’") for w in span if w.lower() not in _CONNECTORS]
                    if len(plain) not in sizes:
                        continue
                    for k in keys:
                        if k not in found and _surface(plain, k.split()):
                            found[k] = " ".join(span)
        if len(found) == len(keys):
            break
    return [found.get(k) or " ".join(w.capitalize() for w in k.split()) for k in keys]


@dataclass(frozen=True)
class EventInput:
    """What ``stories.iter_stories`` reads to group articles into events: a ``Profile`` per article
    number, the corpus's stem document frequencies (None: from the profiles) and a way to read one
    article's text (for the label's names; None: titles only)."""

    profiles: Mapping[int, Profile]
    stem_df: Mapping[int, int] | None = None
    n_docs: int | None = None
    text_of: Callable[[int], str | None] | None = None


def group(
    profiles: Mapping[int, Profile],
    units: Iterable[Iterable[int]],
    links: Iterable[tuple[int, int]],
    stem_df: Mapping[int, int] | None = None,
    n_docs: int | None = None,
    model: EventModel | None = None,
    prior: Background | None = None,
) -> list[tuple[list[int], dict]]:
    """Events over articles (by number): ``cluster`` with the engine's ``links`` and each article's
    nearest ``neighbours``; returns each group of two or more articles (numbers sorted) with its
    ``labels``, ordered by their first member's id."""
    model = model or event_model()
    numbers = sorted(profiles, key=lambda n: profiles[n].key)
    at = {n: i for i, n in enumerate(numbers)}
    plist = [profiles[n] for n in numbers]
    rows = vectors(plist, model, stem_df, n_docs, prior)
    known = [(at[a], at[b]) for a, b in links if a in at and b in at and a != b]
    pairs = np.concatenate([np.asarray(known, np.int64).reshape(-1, 2), neighbours(rows)])
    unit_list = [[at[n] for n in unit if n in at] for unit in units]
    groups = cluster(plist, [u for u in unit_list if u], pairs, model, rows)
    stories = [g for g in groups if len(g) > 1]
    out = []
    for g, found in zip(stories, labels(plist, stories, rows), strict=True):
        found["representative"] = numbers[found["representative"]]
        out.append(([numbers[i] for i in g], found))
    return out
