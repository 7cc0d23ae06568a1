"""Geometry for the story page's two pictures, laid out here and drawn as inline SVG by the templates.

Lineage: articles in columns by derivation depth (originals and independent reports in the first
column, each derived text one column right of its deepest source), ordered inside a column by the
mean row of their sources (fewer crossings), then by date. Derivation edges run left to right and are
coloured by relation; a direction resting on weak evidence (first-seen dates, or none) is dashed;
same-event links are dotted and carry no arrow.

Timeline: one mark per article on a date axis; claimed publication dates are filled, capture
("first seen") dates are hollow, unknown dates are listed apart.

Only numbers and strings come out of here; the templates escape every string.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .queries import DERIVATION, shorten

NODE_W, NODE_H = 264, 84
COL_GAP, ROW_GAP = 170, 24
PAD_X, PAD_Y = 40, 18
TITLE_CHARS = 38  # per title line at 13px serif in a NODE_W box
ARC_BASE, ARC_STEP = 22, 26  # same-column same-event arcs: bend grows with the rows they span


def depths(ids: list[str], edges: list[dict]) -> dict[str, int]:
    """Longest derivation path from a node without sources (cycles, which stories never keep, are cut)."""
    parents: dict[str, list[str]] = {i: [] for i in ids}
    for e in edges:
        if e["to"] in parents and e["from"] in parents:
            parents[e["to"]].append(e["from"])
    depth: dict[str, int] = {}

    def visit(n: str, trail: frozenset[str]) -> int:
        if n in depth:
            return depth[n]
        ps = [p for p in parents[n] if p not in trail]
        d = 1 + max(visit(p, trail | {n}) for p in ps) if ps else 0
        depth[n] = d
        return d

    for i in ids:
        visit(i, frozenset())
    return depth


def date_of(a: dict) -> tuple[str | None, str]:
    """(ISO date or timestamp, basis): the claimed publication date, else the first-seen time."""
    if a.get("published"):
        return a["published"], "published"
    if a.get("first_seen"):
        return a["first_seen"], "first_seen"
    return None, "unknown"


def lineage(story: dict, titles: dict[str, str | None], href) -> dict:
    """Node boxes, edge paths and labels for one story; ``href(kind, *ids)`` makes the links."""
    articles = story.get("articles") or []
    ids = [a["id"] for a in articles]
    derivation = [e for e in story.get("edges") or [] if e.get("relation") in DERIVATION]
    same = [e for e in story.get("edges") or [] if e.get("relation") not in DERIVATION]
    depth = depths(ids, derivation)
    by_id = {a["id"]: a for a in articles}
    columns: dict[int, list[str]] = {}
    for i in ids:
        columns.setdefault(depth[i], []).append(i)

    def sort_key(i: str) -> tuple:
        a = by_id[i]
        when, _ = date_of(a)
        return (a.get("role") != "original", when or "9999", i)

    row: dict[str, float] = {}
    for d in sorted(columns):
        col = columns[d]
        if d == 0:
            col.sort(key=sort_key)
        else:

            def bary(i: str) -> float:
                ps = [row[e["from"]] for e in derivation if e["to"] == i and e["from"] in row]
                return sum(ps) / len(ps) if ps else 0.0

            col.sort(key=lambda i: (bary(i), *sort_key(i)))
        for k, i in enumerate(col):
            row[i] = k
    tallest = max((len(c) for c in columns.values()), default=1)
    step_y = NODE_H + ROW_GAP
    spans = [abs(row[e["from"]] - row[e["to"]]) for e in same if depth.get(e["from"]) == depth.get(e["to"])]
    pad_x = max(PAD_X, ARC_BASE + ARC_STEP * (max(spans, default=1) - 1) + 16) if spans else PAD_X
    pos: dict[str, tuple[float, float]] = {}
    for d, col in columns.items():
        top = PAD_Y + (tallest - len(col)) * step_y / 2
        for k, i in enumerate(col):
            pos[i] = (pad_x + d * (NODE_W + COL_GAP), top + k * step_y)
    width = pad_x + PAD_X + (max(columns, default=0) + 1) * (NODE_W + COL_GAP) - COL_GAP
    height = PAD_Y * 2 + tallest * step_y - ROW_GAP

    nodes = []
    for i in ids:
        a = by_id[i]
        x, y = pos[i]
        when, basis = date_of(a)
        site = a.get("source") or "(unknown site)"
        title = titles.get(i) or "(no title)"
        nodes.append(
            {
                "id": i,
                "x": x,
                "y": y,
                "w": NODE_W,
                "h": NODE_H,
                "role": a.get("role") or "same_event",
                "original": a.get("role") == "original",
                "site": shorten(site, 34),
                "title": wrap(title, TITLE_CHARS, 2),
                "date": _date_label(when, basis),
                "uncertain_date": basis != "published",
                "tooltip": f"{site}\n{title}\n{_date_label(when, basis, long=True)}\nrole: {a.get('role')}",
                "href": href("article", i),
            }
        )

    edges = []
    for e in derivation:
        if e["from"] not in pos or e["to"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
        sx, sy, tx, ty = x1 + NODE_W, y1 + NODE_H / 2, x2 - 6, y2 + NODE_H / 2
        dx = max(30.0, (tx - sx) / 2)
        share = e.get("b_from_a")
        label = e["relation"] + (f" {round(share * 100)}%" if isinstance(share, int | float) else "")
        credit = {True: "credited", False: "uncredited", None: ""}[e.get("credited")]
        edges.append(
            {
                "d": f"M{sx:.1f},{sy:.1f} C{sx + dx:.1f},{sy:.1f} {tx - dx:.1f},{ty:.1f} {tx:.1f},{ty:.1f}",
                "kind": e["relation"],
                "uncertain": bool(e.get("uncertain")),
                "label": label,
                "credit": credit,
                "lx": (sx + tx) / 2,
                "ly": (sy + ty) / 2,
                "tooltip": _edge_tip(e, credit),
                "href": href("pair", e["from"], e["to"]),
            }
        )
    # Same-column arcs leave a node at spread-out points (ordered by where the other end is), not all
    # from its middle, so each one can be followed by eye.
    ends: dict[str, list[tuple[float, int]]] = {}
    for k, e in enumerate(same):
        if e["from"] in pos and e["to"] in pos and pos[e["from"]][0] == pos[e["to"]][0]:
            ends.setdefault(e["from"], []).append((pos[e["to"]][1], k))
            ends.setdefault(e["to"], []).append((pos[e["from"]][1], k))
    attach: dict[tuple[str, int], float] = {}
    for node, items in ends.items():
        items.sort()
        span = NODE_H - 24
        for j, (_, k) in enumerate(items):
            attach[(node, k)] = pos[node][1] + 12 + (span * (j + 0.5) / len(items))
    for k, e in enumerate(same):
        if e["from"] not in pos or e["to"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
        if x1 == x2:  # same column: an arc on the left; longer spans bend further out, so arcs nest
            ya, yb = attach[(e["from"], k)], attach[(e["to"], k)]
            rows = max(1, round(abs(y2 - y1) / step_y))
            bend = (ARC_BASE + ARC_STEP * (rows - 1)) * 4 / 3
            d = f"M{x1:.1f},{ya:.1f} C{x1 - bend:.1f},{ya:.1f} {x1 - bend:.1f},{yb:.1f} {x1:.1f},{yb:.1f}"
            lx, ly = x1 - bend * 0.75, (ya + yb) / 2
        else:
            (xa, ya), (xb, yb) = sorted([(x1, y1), (x2, y2)])
            sx, sy, tx, ty = xa + NODE_W, ya + NODE_H / 2, xb, yb + NODE_H / 2
            d = f"M{sx:.1f},{sy:.1f} L{tx:.1f},{ty:.1f}"
            lx, ly = (sx + tx) / 2, (sy + ty) / 2
        edges.append(
            {
                "d": d,
                "kind": "same_event",
                "uncertain": False,
                "label": "",
                "credit": "",
                "lx": lx,
                "ly": ly,
                "tooltip": _edge_tip(e, ""),
                "href": href("pair", e["from"], e["to"]),
            }
        )
    return {"width": round(width), "height": round(height), "nodes": nodes, "edges": edges}


def wrap(text: str, width: int, lines: int) -> list[str]:
    """Words into at most ``lines`` lines of about ``width`` characters; the last one ends in … if cut."""
    words, out, line = " ".join(text.split()).split(" "), [], ""
    for k, w in enumerate(words):
        if not line or len(line) + 1 + len(w) <= width:
            line = f"{line} {w}" if line else w
            continue
        out.append(line)
        line = w
        if len(out) == lines - 1:
            rest = " ".join([line, *words[k + 1 :]])
            out.append(shorten(rest, width))
            return out
    if line:
        out.append(shorten(line, width))
    return out


def _edge_tip(e: dict, credit: str) -> str:
    parts = [f"{e['from']} → {e['to']}: {e['relation'].replace('_', ' ')}"]
    if isinstance(e.get("b_from_a"), int | float):
        parts.append(f"{round(e['b_from_a'] * 100)}% of the derived text comes from the source")
    if credit:
        parts.append(credit)
    if e.get("added"):
        parts.append(f"{e['added']} sentence(s) not in the source")
    flags = e.get("flags") or {}
    if flags:
        parts.append("flags: " + ", ".join(f"{k.replace('_', ' ')} ×{n}" for k, n in sorted(flags.items())))
    if e.get("relation") in DERIVATION:
        basis = e.get("date_basis") or "unknown"
        parts.append(f"direction from: {basis}{' (uncertain)' if e.get('uncertain') else ''}")
    return "\n".join(parts)


def _parse(when: str) -> datetime | None:
    try:
        if len(when) <= 10:
            return datetime.fromisoformat(when[:10])
        return datetime.fromisoformat(when.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def _date_label(when: str | None, basis: str, long: bool = False) -> str:
    if not when:
        return "date unknown"
    if basis == "published":
        return f"published {when[:10]}" if long else when[:10]
    stamp = when[:16].replace("T", " ")
    return f"first seen {stamp} (capture time, not a publication date)" if long else f"seen {stamp}"


TL_W, TL_ROW, TL_TOP, TL_LEFT, TL_RIGHT = 960, 24, 14, 24, 200


def timeline(story: dict, href) -> dict | None:
    """Marks on a date axis (None when no article has a date); overlapping marks stack upwards."""
    items = []
    undated = []
    for a in story.get("articles") or []:
        when, basis = date_of(a)
        t = _parse(when) if when else None
        if t is None:
            undated.append(a)
            continue
        items.append((t, basis, a))
    if not items:
        return None
    lo = min(t for t, _, _ in items)
    hi = max(t for t, _, _ in items)
    if hi - lo < timedelta(hours=12):
        lo, hi = lo - timedelta(hours=12), hi + timedelta(hours=12)
    span = (hi - lo).total_seconds()
    usable = TL_W - TL_LEFT - TL_RIGHT

    def x_of(t: datetime) -> float:
        return TL_LEFT + usable * (t - lo).total_seconds() / span

    items.sort(key=lambda it: (it[0], it[2]["id"]))
    lanes: list[float] = []  # right edge of the last label in each lane
    marks = []
    for t, basis, a in items:
        x = x_of(t)
        label = shorten(a.get("source") or a["id"], 24)
        right = x + 12 + 6.6 * len(label)
        lane = next((k for k, edge in enumerate(lanes) if edge < x - 4), None)
        if lane is None:
            lanes.append(right)
            lane = len(lanes) - 1
        else:
            lanes[lane] = right
        marks.append(
            {
                "x": x,
                "lane": lane,
                "role": a.get("role") or "same_event",
                "hollow": basis != "published",
                "label": label,
                "tooltip": f"{a.get('source') or ''} · {a['id']}\n{_date_label(t.isoformat(), basis, True)}",
                "href": href("article", a["id"]),
            }
        )
    rows = max(1, len(lanes))
    axis_y = TL_TOP + rows * TL_ROW + 6
    for m in marks:
        m["y"] = axis_y - 10 - m["lane"] * TL_ROW
    ticks = _ticks(lo, hi)
    return {
        "width": TL_W,
        "height": axis_y + 30,
        "axis_y": axis_y,
        "x0": TL_LEFT,
        "x1": TL_LEFT + usable,
        "marks": marks,
        "ticks": [{"x": x_of(t), "label": label} for t, label in ticks],
        "undated": undated,
    }


def _ticks(lo: datetime, hi: datetime) -> list[tuple[datetime, str]]:
    span = hi - lo
    if span <= timedelta(days=2):
        step, fmt = timedelta(hours=6 if span > timedelta(hours=24) else 3), "%d %b %H:%M"
        start = lo.replace(minute=0, second=0, microsecond=0)
    else:
        days = max(1, round(span.days / 6))
        step, fmt = timedelta(days=days), "%d %b %Y"
        start = lo.replace(hour=0, minute=0, second=0, microsecond=0)
    out = []
    t = start
    while t <= hi and len(out) < 12:
        if t >= lo:
            out.append((t, t.strftime(fmt)))
        t += step
    return out
