"""Stories and provenance: connected articles, their original(s) and who derived from whom.

Pure functions over verified pairs. The engine judges each pair on its own; in a corpus a derived text
meets many texts that could be its source, so the derivation edges are first chosen per derived text
(``select_sources``). Two measures from corpus statistics weigh a source: ``explains`` (the idf^2-weighted
share of the derived text's vocabulary the source holds) and ``support`` (that plus the two texts' TF-IDF
cosine: containment alone cannot tell a summary's source, which is about what the summary says, from a
topical neighbour that mentions the same words in passing).

1. a *brief* edge (the engine's brief rule: one or two sentences against a text three times longer,
   a quarter of the vocabulary shared) is kept only when the source explains at least ``BRIEF_GATE``
   of the brief: sharing common words with a long article is not derivation;
2. A -> D is dropped when another source C of D is also a source of A and explains D about as well
   (within ``UPSTREAM_MARGIN``): siblings share wording through their common source, not each other;
3. a derived text has one source: of the remaining sources of D only the best supported is kept, and
   none when another one is supported within ``AMBIGUOUS`` of it: when two independent texts explain D
   equally well, the evidence does not say which one it came from (a text reprinted several times is
   one source: its copies derive from each other and step 2 has already left one of them). When
   sources still compete here, their support also counts the contextual similarity of the two whole
   texts (``semantic``: what the text is about, where a one-line summary that misstates its source
   shares as many words with another report), given by the caller so that this module stays pure; it is
   asked only about the sources within ``SEMANTIC_MARGIN`` of the best (``contenders``), as each text
   it reads costs a MiniLM run.

A story is then an event (``events.group``): the components of the kept derivation edges stay whole,
and independent reports join them, or each other, only when they match the group as a whole (average
linkage over every member pair, within a time window), never one same_event link at a time. Inside a
story the derivation graph is made a DAG (strongest edges first; an edge closing a cycle is dropped).
Originals are the articles with outgoing derivation edges and no incoming one. Dropped edges are listed
with the story of their derived text, with the reason. A story carries a ``label`` (its most
representative title and the names most members mention) and a ``time_span`` saying what its dates are.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

import numpy as np

from ..clean import clean
from .events import EventInput, Profile, describe, group

_NO_TERMS = np.zeros(0, np.int64)

DERIVATION = ("copy", "rewrite")
Similarity = Callable[[Iterable[tuple[int, int]]], dict[tuple[int, int], float]]
# The least ``explains`` of a brief's source (step 1). Measured by replaying the story building: a lower gate
# finds more summaries (story-edge F1 on the FRANK-test tuning corpus of bench/semantic_sources.py 0.928 at
# 0.3, 0.935 at 0.15 or less) but lets one-line reports of other events attach to an article that shares
# their common words (ECB+ all topics, bench/event_bench.py: sub-event B-cubed F1 0.866 at 0.3, 0.863 at
# 0.25, 0.859 at 0.2, 0.854 at 0.15; topic precision 1.000 -> 0.994); higher ones lose summaries (tuning
# F1 0.919 at 0.35, 0.912 at 0.4): 0.3 keeps both.
BRIEF_GATE = 0.3
# A sibling often explains D better than the long common source does (two summaries of one article pick
# the same few facts), so the margin is wide; a text copied from a derived text (a chain) shares nearly all
# of it, far more than with the original.
UPSTREAM_MARGIN = 0.4
# Support (explains + cosine, each 0..1) within which two independent sources of one text are a tie.
AMBIGUOUS = 0.03
# Weight of the contextual cosine (``semantic``) added to the support of sources that still compete:
# chosen on a tuning corpus from FRANK's test split (0.5-3 all helped; 1 had the best F1), not on the
# corpus the benchmark scores (bench/semantic_sources.py).
SEMANTIC_WEIGHT = 1.0
# Only sources whose lexical support is within this of the best are embedded (None: all competing ones):
# the smallest margin that keeps the tuning corpus's story-edge F1 (bench/semantic_sources.py; 0.3 asks
# about 813 of 1,480 texts there with the same edges, and 560 of 784 on the real-news corpus).
SEMANTIC_MARGIN: float | None = 0.3


def _strength(e: dict) -> float:
    return float(e.get("b_from_a") if e.get("b_from_a") is not None else e.get("score") or 0.0)


def explains(e: dict) -> float:
    """How well the edge's source explains its derived text (``explained`` evidence, else the derived
    share from the alignment)."""
    value = (e.get("evidence") or {}).get("explained")
    return float(value) if value is not None else _strength(e)


def support(e: dict) -> float:
    """How well the edge's source accounts for its derived text: ``explains`` plus the TF-IDF cosine of the
    two texts (``cosine`` evidence; absent in indexes made before it was recorded, then 0 for every edge)."""
    return explains(e) + float((e.get("evidence") or {}).get("cosine") or 0.0)


def _flip(e: dict) -> dict:
    """The same edge the other way round (source and derived swapped, with their shares)."""
    ev = dict(e.get("evidence") or {})
    if "explained_reverse" in ev:
        ev["explained"], ev["explained_reverse"] = ev["explained_reverse"], ev.get("explained")
    return {
        **e,
        "src": e["dst"],
        "dst": e["src"],
        "b_from_a": e.get("a_from_b"),
        "a_from_b": e.get("b_from_a"),
        "evidence": ev,
    }


def orient(e: dict, info: dict[int, dict]) -> dict:
    """Source -> derived for one derivation edge, with the evidence it rests on.

    ``basis`` is ``compare`` (the engine named the original: credits, containment, claimed dates),
    ``published`` (claimed dates differ), ``first_seen`` (capture dates only: uncertain) or ``unknown``
    (no evidence; the longer text is taken as the source: uncertain)."""
    src, dst = e["src"], e["dst"]
    if e.get("direction") == "compare":
        e["basis"], e["uncertain"] = "compare", float(e.get("confidence") or 0) < 0.5
        return e
    for field, basis in (("published", "published"), ("first_seen", "first_seen")):
        ds, dd = info[src].get(field), info[dst].get(field)
        if ds and dd and ds[:10] != dd[:10]:
            out = _flip(e) if dd < ds else e
            out["basis"], out["uncertain"] = basis, basis != "published"
            return out
    e["basis"], e["uncertain"] = "unknown", True
    return e


def select_sources(edges: list[dict], similarity: Similarity | None = None) -> tuple[list[dict], list[dict]]:
    """Choose the derivation edges to keep per derived text (module docstring, steps 1-3); returns
    (kept, dropped), each dropped edge with a ``dropped`` reason (and ``shared_upstream`` for step 2).
    ``similarity`` (``semantic.similarity``): the contextual cosine of (source, derived) pairs, asked
    once for the sources that still compete after steps 1-2 and added to their support with weight
    ``SEMANTIC_WEIGHT``."""
    kept, dropped = [], []
    live = []
    for e in edges:
        if (e.get("evidence") or {}).get("brief") and explains(e) < BRIEF_GATE:
            dropped.append({**e, "dropped": "brief"})
        else:
            live.append(e)
    parents: dict[int, dict[int, dict]] = defaultdict(dict)
    for e in live:
        old = parents[e["dst"]].get(e["src"])
        if old is None or explains(e) > explains(old):
            parents[e["dst"]][e["src"]] = e
    competing: dict[int, list[dict]] = {}
    for d in sorted(parents):
        par = parents[d]
        survivors = []
        for a in sorted(par):
            e = par[a]
            upstream = [
                c
                for c in par
                if c != a and c in parents.get(a, {}) and explains(par[c]) >= explains(e) - UPSTREAM_MARGIN
            ]
            if upstream:
                dropped.append({**e, "dropped": "shared upstream", "shared_upstream": min(upstream)})
            else:
                survivors.append(e)
        if survivors:
            competing[d] = survivors
    contested = [(e["src"], e["dst"]) for survivors in competing.values() for e in contenders(survivors)]
    semantic = similarity(contested) if similarity and contested else {}

    def rank(e: dict) -> float:
        return support(e) + SEMANTIC_WEIGHT * semantic.get((e["src"], e["dst"]), 0.0)

    for survivors in competing.values():
        survivors.sort(key=lambda e: (-rank(e), e["src"]))
        best = survivors[0]
        if len(survivors) > 1 and rank(survivors[1]) > rank(best) - AMBIGUOUS:
            dropped.extend({**e, "dropped": "ambiguous source"} for e in survivors)
            continue
        kept.append(best)
        dropped.extend({**e, "dropped": "a better source"} for e in survivors[1:])
    return kept, dropped


def contenders(survivors: list[dict]) -> list[dict]:
    """The sources of one derived text whose lexical support is within ``SEMANTIC_MARGIN`` of the best
    (none when fewer than two are): only these can change places by their contextual similarity."""
    if len(survivors) < 2:
        return []
    best = max(support(e) for e in survivors)
    close = [e for e in survivors if SEMANTIC_MARGIN is None or support(e) >= best - SEMANTIC_MARGIN]
    return close if len(close) > 1 else []


def acyclic(edges: list[dict]) -> list[dict]:
    """Keep the strongest edges that do not close a cycle (deterministic: ties by article number)."""
    kept: list[dict] = []
    out: dict[int, set[int]] = defaultdict(set)

    def reaches(a: int, b: int) -> bool:
        stack, seen = [a], {a}
        while stack:
            x = stack.pop()
            if x == b:
                return True
            for y in out[x] - seen:
                seen.add(y)
                stack.append(y)
        return False

    for e in sorted(edges, key=lambda e: (-_strength(e), e["src"], e["dst"])):
        if not reaches(e["dst"], e["src"]):
            kept.append(e)
            out[e["src"]].add(e["dst"])
    return kept


def pair_components(nodes: set[int], pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Connected components (union-find), each sorted, in order of their smallest member."""
    parent = {n: n for n in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for n in sorted(nodes):
        groups[find(n)].append(n)
    return list(groups.values())


def _date(a: dict) -> str:
    return (a.get("published") or (a.get("first_seen") or "")[:10]) or "9999"


def build_stories(
    edges: list[dict],
    info: dict[int, dict],
    similarity: Similarity | None = None,
    profiles: dict[int, Profile] | None = None,
) -> list[dict]:
    """All stories (size >= 2) from verified edges, biggest first; ``info`` maps article number -> its
    fields, ``profiles`` article number -> what event clustering reads (``events.Profile``; an article
    without one joins a story only through derivation)."""
    derivation = [e for e in edges if e["relation"] in DERIVATION]
    same = [e for e in edges if e["relation"] == "same_event"]
    by_pair = {(e["src"], e["dst"]): e for e in same}

    def same_edges_of(pairs: list[tuple[int, int]]) -> list[dict]:
        return [by_pair[p] for p in pairs]

    stories = list(
        iter_stories(
            derivation,
            [(e["src"], e["dst"]) for e in same],
            info,
            lambda ns: info,
            same_edges_of,
            similarity,
            EventInput(profiles or {}),
        )
    )
    stories.sort(key=lambda s: (-s["size"], s["id"]))
    return stories


def iter_stories(
    derivation: list[dict],
    same_pairs: list[tuple[int, int]],
    dates: dict[int, dict],
    info_of: Callable[[list[int]], dict[int, dict]],
    same_edges_of: Callable[[list[tuple[int, int]]], list[dict]],
    similarity: Similarity | None = None,
    events: EventInput | None = None,
) -> Iterator[dict]:
    """Stories one at a time, holding only the derivation edges and the same_event pairs (not their
    rows) in memory: ``dates`` gives the claimed and first-seen dates of the derivation edges' articles,
    ``info_of`` the fields of a story's members, ``same_edges_of`` the rows of a story's same_event
    pairs, ``events`` what event clustering reads of each article."""
    events = events or EventInput({})
    derivation = [orient(e, dates) for e in derivation]
    kept, dropped = select_sources(derivation, similarity)
    satellites = _satellites(kept)
    forced = [(e["src"], e["dst"]) for e in kept if e["dst"] not in satellites]
    units = pair_components({n for p in forced for n in p}, forced)
    links = [*same_pairs, *forced, *((e["src"], e["dst"]) for e in dropped if e.get("dropped") != "brief")]
    links = [(a, b) for a, b in links if a not in satellites and b not in satellites]
    profiles = {n: p for n, p in events.profiles.items() if n not in satellites}
    for n in {n for unit in units for n in unit} - set(profiles):
        profiles[n] = Profile(f"\uffff{n}", _NO_TERMS, frozenset())  # no text read: joins by derivation only
    groups = group(profiles, units, links, events.stem_df, events.n_docs)
    where = {n: i for i, (members, _) in enumerate(groups) for n in members}
    for brief, source in sorted(satellites.items()):  # a brief goes where its source went
        if source not in where:
            where[source] = len(groups)
            groups.append(([source], {"representative": source, "entities": []}))
        where[brief] = where[source]
        groups[where[source]][0].append(brief)
    by_story: dict[int, list[dict]] = defaultdict(list)
    for e in kept:
        by_story[where[e["src"]]].append(e)
    same_by: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b in same_pairs:
        if a in where and where[a] == where.get(b):  # a pair across two events joins neither
            same_by[where[a]].append((a, b))
    lost: dict[int, list[dict]] = defaultdict(list)
    for e in dropped:
        home = where.get(e["dst"], where.get(e["src"]))
        if home is not None:
            lost[home].append(e)
    for i, (members, label) in enumerate(groups):
        dag = acyclic(by_story[i])
        in_dag = {id(e) for e in dag}
        cycles = [{**e, "dropped": "cycle"} for e in by_story[i] if id(e) not in in_dag]
        same = [{**e, "basis": None, "uncertain": False} for e in same_edges_of(same_by[i])]
        dropped_here = lost[i] + cycles
        info = info_of(sorted(set(members) | {n for e in dropped_here for n in (e["src"], e["dst"])}))
        yield _story(members, dag, same, dropped_here, info, _label(label, sorted(members), info, events))


def _satellites(kept: list[dict]) -> dict[int, int]:
    """Briefs (one or two sentences against a long text, the loosest derivation rule) that derive
    nothing themselves, each with its source (a derived text keeps one source). They
    follow their source's story but take no part in clustering: on ECB+ 22 of the 23 derivation edges
    between two events were a one-sentence report read as a brief of a similar event's article, and
    as a member of the clustering such a text would pull the two events together."""
    deriving = {e["src"] for e in kept}
    return {
        e["dst"]: e["src"]
        for e in kept
        if (e.get("evidence") or {}).get("brief") and e["dst"] not in deriving
    }


def _label(found: dict, members: list[int], info: dict[int, dict], events: EventInput) -> dict:
    """The story's name: the representative member's title (else its first story line) and its most
    mentioned names as its members' texts write them (``info`` also holds the far ends of dropped
    edges, which are no members)."""
    rep = found["representative"]
    read = events.text_of or (lambda n: info[n].get("text"))
    text = read(rep)
    title = info[rep].get("title")
    if not title and text:  # its headline, else its first story line (not a timestamp or a byline)
        title = next((text[b.start : b.end].strip() for b in clean(text)[0] if b.kind != "boilerplate"), None)
    if title and len(title) > 160:
        title = title[:159].rstrip() + "…"
    others = [n for n in members if n != rep]
    texts = chain(  # read only while a name is still not found
        [info[rep].get("title"), text], (info[n].get("title") for n in others), map(read, others[:2])
    )
    return {"title": title, "article": info[rep]["id"], "entities": describe(found["entities"], texts)}


def _time_span(group: list[int], info: dict[int, dict]) -> dict:
    """First and last date of a story and what they rest on: the claimed publication dates when any
    member has one (``published``; a capture date is only an upper bound on when a text appeared, and a
    page crawled today beside 1987 newswire would stretch the span by decades), else capture times
    (``first_seen``), else ``unknown``; ``undated`` counts the members the span does not rest on."""
    for field, basis in (("published", "published"), ("first_seen", "first_seen")):
        dates = [(info[n].get(field) or "")[:10] for n in group if info[n].get(field)]
        if dates:
            return {
                "first": min(dates),
                "last": max(dates),
                "basis": basis,
                "undated": len(group) - len(dates),
            }
    return {"first": None, "last": None, "basis": "unknown", "undated": len(group)}


def _story(
    group: list[int], dag: list[dict], same: list[dict], dropped: list[dict], info: dict, label: dict
) -> dict:
    incoming: dict[int, list[dict]] = defaultdict(list)
    outgoing: dict[int, list[dict]] = defaultdict(list)
    for e in dag:
        incoming[e["dst"]].append(e)
        outgoing[e["src"]].append(e)
    roles = {}
    for n in group:
        if incoming[n]:
            roles[n] = max(incoming[n], key=_strength)["relation"]
        elif outgoing[n]:
            roles[n] = "original"
        else:
            roles[n] = "same_event"
    ordered = sorted(group, key=lambda n: (_date(info[n]), info[n]["id"]))
    originals = [info[n]["id"] for n in ordered if roles[n] == "original"]
    anchor = originals[0] if originals else min(info[n]["id"] for n in group)
    dates = [d for n in group if (d := _date(info[n])) != "9999"]
    return {
        "id": "st-" + hashlib.sha1(anchor.encode()).hexdigest()[:10],
        "size": len(group),
        "label": label,
        "original": originals,
        "articles": [
            {
                "id": info[n]["id"],
                "path": info[n].get("path"),
                "title": info[n].get("title"),
                "source": info[n].get("source"),
                "published": info[n].get("published"),
                "role": roles[n],
                "first_seen": info[n].get("first_seen"),
                "date_basis": "published"
                if info[n].get("published")
                else "first_seen"
                if info[n].get("first_seen")
                else "unknown",
            }
            for n in ordered
        ],
        "edges": [_edge(e, info) for e in sorted(dag + same, key=lambda e: (e["src"], e["dst"]))],
        "dropped_edges": [
            {
                **_edge(e, info),
                "reason": e.get("dropped"),
                "shared_upstream": info[e["shared_upstream"]]["id"] if "shared_upstream" in e else None,
            }
            for e in dropped
            if e["src"] in info and e["dst"] in info
        ],
        "first_date": min(dates) if dates else None,
        "last_date": max(dates) if dates else None,
        "time_span": _time_span(group, info),
    }


def _edge(e: dict, info: dict) -> dict:
    return {
        "from": info[e["src"]]["id"],
        "to": info[e["dst"]]["id"],
        "relation": e["relation"],
        "credited": None if e.get("credited") is None else bool(e["credited"]),
        "b_from_a": e.get("b_from_a"),
        "score": e.get("score"),
        "date_basis": e.get("basis"),
        "uncertain": e.get("uncertain", False),
        "flags": e.get("flags") or {},
        "added": e.get("added"),
        "shared_entities": (e.get("evidence") or {}).get("shared_entities", []),
        "explained": (e.get("evidence") or {}).get("explained"),
        "cosine": (e.get("evidence") or {}).get("cosine"),
        "brief": bool((e.get("evidence") or {}).get("brief")),
    }


SITE_FIELDS = (
    "site",
    "articles",
    "originals",
    "copies",
    "rewrites",
    "uncredited",
    "credited",
    "added_sentences",
    "compared",
    "copied_by_others",
)


def site_summary(stories: list[dict]) -> list[dict]:
    """Per site: articles in stories, originals, copies and rewrites it made (credited or not), and the
    unsupported ('added') sentences its derived texts carry, counted over the ``compared`` ones (those
    whose claim-level diff has run: a large index leaves diffs until a pair is first asked for)."""
    source_of = {a["id"]: a.get("source") or "(unknown)" for s in stories for a in s["articles"]}
    rows: dict[str, dict] = {}

    def row(site: str) -> dict:
        if site not in rows:
            rows[site] = {**dict.fromkeys(SITE_FIELDS, 0), "site": site}
        return rows[site]

    for s in stories:
        for a in s["articles"]:
            r = row(source_of[a["id"]])
            r["articles"] += 1
            r["originals"] += a["role"] == "original"
        for e in s["edges"]:
            if e["relation"] not in DERIVATION:
                continue
            r = row(source_of[e["to"]])
            r["copies" if e["relation"] == "copy" else "rewrites"] += 1
            r["uncredited"] += e["credited"] is False
            r["credited"] += e["credited"] is True
            r["added_sentences"] += int(e.get("added") or 0)
            r["compared"] += e.get("added") is not None
            row(source_of[e["from"]])["copied_by_others"] += 1
    return sorted(rows.values(), key=lambda r: (-(r["copies"] + r["rewrites"]), r["site"]))
