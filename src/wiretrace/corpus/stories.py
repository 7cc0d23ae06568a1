"""Stories and provenance: connected articles, their original(s) and who derived from whom.

Pure functions over verified pairs. A story is a connected component over copy, rewrite and same_event
edges (same_event joins a story but is no derivation). Inside a story the derivation graph is made a
DAG (strongest edges first; an edge closing a cycle is dropped), then a false A->B edge between two
texts that both derive from C is dropped when it is weaker than both C->A and C->B: siblings share
wording through their common source, not through each other. Originals are the articles with outgoing
derivation edges and no incoming one.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

DERIVATION = ("copy", "rewrite")


def _strength(e: dict) -> float:
    return float(e.get("b_from_a") if e.get("b_from_a") is not None else e.get("score") or 0.0)


def orient(e: dict, info: dict[int, dict]) -> dict:
    """Source -> derived for one derivation edge, with the evidence it rests on.

    ``basis`` is ``compare`` (the engine named the original: credits, containment, claimed dates),
    ``published`` (claimed dates differ), ``first_seen`` (capture dates only: uncertain) or ``unknown``
    (no evidence; the longer text is taken as the source: uncertain)."""
    src, dst = e["src"], e["dst"]
    if e.get("direction") == "compare":
        return {**e, "basis": "compare", "uncertain": float(e.get("confidence") or 0) < 0.5}
    for field, basis in (("published", "published"), ("first_seen", "first_seen")):
        ds, dd = info[src].get(field), info[dst].get(field)
        if ds and dd and ds[:10] != dd[:10]:
            if dd < ds:
                src, dst = dst, src
            return {**e, "src": src, "dst": dst, "basis": basis, "uncertain": basis != "published"}
    return {**e, "basis": "unknown", "uncertain": True}


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


def drop_sibling_edges(edges: list[dict]) -> tuple[list[dict], list[dict]]:
    """Remove A->B when some C has C->A and C->B, both at least as strong as A->B (a shared upstream
    explains the overlap of two siblings; on a tie the common source is the simpler explanation)."""
    weight = {(e["src"], e["dst"]): _strength(e) for e in edges}
    parents: dict[int, set[int]] = defaultdict(set)
    for s, d in weight:
        parents[d].add(s)
    kept, dropped = [], []
    for e in edges:
        a, b, w = e["src"], e["dst"], _strength(e)
        upstream = [c for c in parents[a] & parents[b] if weight[(c, a)] >= w and weight[(c, b)] >= w]
        if upstream:
            dropped.append({**e, "shared_upstream": min(upstream)})
        else:
            kept.append(e)
    return kept, dropped


def components(nodes: set[int], edges: list[dict]) -> list[list[int]]:
    parent = {n: n for n in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        ra, rb = find(e["src"]), find(e["dst"])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for n in sorted(nodes):
        groups[find(n)].append(n)
    return list(groups.values())


def _date(a: dict) -> str:
    return (a.get("published") or (a.get("first_seen") or "")[:10]) or "9999"


def build_stories(edges: list[dict], info: dict[int, dict]) -> list[dict]:
    """All stories (size >= 2) from verified edges; ``info`` maps article number -> its fields."""
    live = [e for e in edges if e["relation"] in (*DERIVATION, "same_event")]
    nodes = {e["src"] for e in live} | {e["dst"] for e in live}
    derivation = [orient(e, info) for e in live if e["relation"] in DERIVATION]
    same = [{**e, "basis": None, "uncertain": False} for e in live if e["relation"] == "same_event"]
    by_story: dict[int, list[dict]] = defaultdict(list)
    members = components(nodes, live)
    where = {n: i for i, group in enumerate(members) for n in group}
    for e in derivation:
        by_story[where[e["src"]]].append(e)
    stories = []
    for i, group in enumerate(members):
        dag, cycles = acyclic(by_story[i]), []
        cycles = [e for e in by_story[i] if e not in dag]
        dag, siblings = drop_sibling_edges(dag)
        stories.append(_story(group, dag, [e for e in same if where[e["src"]] == i], siblings + cycles, info))
    stories.sort(key=lambda s: (-s["size"], s["id"]))
    return stories


def _story(group: list[int], dag: list[dict], same: list[dict], dropped: list[dict], info: dict) -> dict:
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
                "shared_upstream": info[e["shared_upstream"]]["id"] if "shared_upstream" in e else None,
            }
            for e in dropped
        ],
        "first_date": min(dates) if dates else None,
        "last_date": max(dates) if dates else None,
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
    }


def site_summary(stories: list[dict]) -> list[dict]:
    """Per site: articles in stories, originals, copies and rewrites it made (credited or not), and the
    unsupported ('added') sentences its derived texts carry."""
    source_of = {a["id"]: a.get("source") or "(unknown)" for s in stories for a in s["articles"]}
    rows: dict[str, dict] = {}

    def row(site: str) -> dict:
        return rows.setdefault(
            site,
            {
                "site": site,
                "articles": 0,
                "originals": 0,
                "copies": 0,
                "rewrites": 0,
                "uncredited": 0,
                "credited": 0,
                "added_sentences": 0,
                "copied_by_others": 0,
            },
        )

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
            row(source_of[e["from"]])["copied_by_others"] += 1
    return sorted(rows.values(), key=lambda r: (-(r["copies"] + r["rewrites"]), r["site"]))
