"""Self-contained HTML evidence pack for one comparison (inline CSS and JS, no external resources).

The renderer reads only ``Comparison.to_dict()`` (the ``wiretrace.compare/1`` JSON contract), so the
template depends on the contract and not on internals. Article text is untrusted: the Jinja2
environment autoescapes, and highlighted fragments are built by escaping every piece of article text
with :func:`markupsafe.escape` before joining them into :class:`markupsafe.Markup`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from ..compare import Comparison

TEMPLATE = "compare.html"

B_LABELS = ("verbatim", "paraphrase", "altered", "added", "boilerplate", "headline")
A_LABELS = ("kept", "omitted", "boilerplate", "headline")
LABEL_HELP = {
    "verbatim": "copied word for word from the source",
    "paraphrase": "reworded, same claims as the source",
    "altered": "derived from the source, but a claim was changed",
    "added": "not found in the source",
    "boilerplate": "page furniture: captions, credits, ads, related links",
    "headline": "headline",
    "kept": "source sentence reused by the derived text",
    "omitted": "source sentence the derived text leaves out",
}
# Flags that change what a sentence claims; the rest change tone or add unsupported detail.
SEVERE_FLAGS = frozenset(
    {
        "number_changed",
        "date_changed",
        "entity_changed",
        "quote_fabricated",
        "quote_altered",
        "attribution_added",
        "attribution_changed",
        "negation_changed",
        "meaning_changed",
        "roles_swapped",
    }
)
RELATION_WORDS = {"rewrite": "a REWRITE", "copy": "a COPY"}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The cached Jinja2 environment; templates are read from the package with importlib.resources."""
    root = resources.files("wiretrace.report").joinpath("templates")
    return make_environment(
        lambda name: root.joinpath(name).read_text(encoding="utf-8"), "wiretrace/report/templates/"
    )


def make_environment(read: Callable[[str], str], origin: str = "") -> Environment:
    """A Jinja2 environment over templates that ``read(name)`` returns (packaged files, never reloaded;
    ``origin`` prefixes their names in tracebacks), with autoescape on, undefined names as errors, and the
    report's filters (the web UI adds its own)."""

    def load(name: str) -> tuple[str, str, Any]:
        return read(name), origin + name, _fresh

    env = Environment(
        loader=FunctionLoader(load),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = pct
    env.filters["num"] = num
    env.filters["human"] = human
    return env


def _fresh() -> bool:
    return True


def pair_assets() -> tuple[str, str]:
    """The pair view's stylesheet and script (the ``pair_style()`` and ``pair_script()`` macros of
    ``_pair.html``), for pages that embed ``pair()`` and serve these as files (the web UI, whose CSP
    allows no inline code). The report inlines the same two macros: one source for both."""
    module = environment().get_template("_pair.html").module
    return str(module.pair_style()), str(module.pair_script())


def render_html(c: Comparison) -> str:
    """Render the comparison as one self-contained HTML document."""
    d = c.to_dict()
    return environment().get_template(TEMPLATE).render(d=d, view=build_view(d))


# --- formatting filters --------------------------------------------------------------------------


def pct(x: Any) -> str:
    return f"{round(float(x) * 100)}%" if isinstance(x, int | float) else "–"


def num(x: Any, digits: int = 2) -> str:
    return f"{float(x):.{digits}f}" if isinstance(x, int | float) else "–"


def human(name: Any) -> str:
    return str(name).replace("_", " ")


# --- view model ----------------------------------------------------------------------------------


def build_view(d: dict) -> dict:
    """Everything the template needs beyond the raw contract: highlighted sentences and cross links."""
    a, b = d.get("a") or {}, d.get("b") or {}
    a_sents, b_sents = a.get("sentences") or [], b.get("sentences") or []
    # marks[side][i] -> list of (start, end, css class, tooltip) in that side's full-text offsets
    marks: dict[str, dict[int, list[tuple[int, int, str, str]]]] = {"a": {}, "b": {}}
    incoming: dict[int, list[dict]] = {}  # a sentence index -> b flags that point into it
    outgoing: dict[tuple[int, int], list[int]] = {}  # (b sentence, flag index) -> a sentences it points at

    for s in b_sents:
        for k, f in enumerate(s.get("flags") or []):
            cls = "m-severe" if f.get("type") in SEVERE_FLAGS else "m-flag"
            tip = f"{human(f.get('type'))}: {f.get('detail', '')}"
            _place(marks["b"], [s], f.get("b_span"), cls, tip)
            hits = _place(marks["a"], a_sents, f.get("a_span"), cls, f"b{s['i']} · {tip}")
            outgoing[(s["i"], k)] = hits
            for ai in hits:
                incoming.setdefault(ai, []).append(
                    {
                        "b": s["i"],
                        "type": f.get("type"),
                        "detail": f.get("detail", ""),
                        "severe": f.get("type") in SEVERE_FLAGS,
                    }
                )
    for side, sents, other in (("a", a_sents, b_sents), ("b", b_sents, a_sents)):
        for s in sents:
            for n in s.get("notes") or []:
                tip = f"note · {human(n.get('type'))}: {n.get('detail', '')}"
                own, theirs = (
                    (n.get("a_span"), n.get("b_span")) if side == "a" else (n.get("b_span"), n.get("a_span"))
                )
                _place(marks[side], [s], own, "m-note", tip)
                _place(marks["b" if side == "a" else "a"], other, theirs, "m-note", f"{side}{s['i']} · {tip}")

    def sentence(side: str, s: dict) -> dict:
        flags = s.get("flags") or []
        label = s.get("label", "")
        return {
            "i": s.get("i"),
            "label": label,
            "html": highlight(s.get("text", ""), s.get("start", 0), marks[side].get(s.get("i"), [])),
            "matches": [m for m in s.get("matches") or [] if isinstance(m, int)],
            "similarity": s.get("similarity"),
            "support": s.get("support"),
            "reason": s.get("reason"),
            "notes": s.get("notes") or [],
            "flags": [
                dict(f, severe=f.get("type") in SEVERE_FLAGS, targets=outgoing.get((s["i"], k), []))
                for k, f in enumerate(flags)
            ],
            "incoming": incoming.get(s.get("i"), []) if side == "a" else [],
            "finding": side == "b" and (label in ("altered", "added") or bool(flags)),
        }

    rel = d.get("relation") or {}
    direction = d.get("direction") or {}
    return {
        "a": [sentence("a", s) for s in a_sents],
        "b": [sentence("b", s) for s in b_sents],
        "verdict": verdict(rel.get("type"), direction.get("original")),
        "b_labels": _ordered(B_LABELS, (d.get("stats") or {}).get("labels") or {}),
        "a_labels": _ordered(A_LABELS, (d.get("stats") or {}).get("a_labels") or {}),
        "label_help": LABEL_HELP,
        "severe": SEVERE_FLAGS,
        "n_findings": sum(1 for s in b_sents if s.get("label") in ("altered", "added") or s.get("flags")),
        "title": _page_title(a, b),
    }


def _place(marks: dict[int, list], sents: list[dict], span: Any, cls: str, tip: str) -> list[int]:
    """Attach a full-text span to every sentence it overlaps; returns those sentences' indices."""
    if not (isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(x, int) for x in span)):
        return []
    lo, hi = span
    hits = []
    for s in sents:
        start, end = s.get("start"), s.get("end")
        if isinstance(start, int) and isinstance(end, int) and lo < end and hi > start and hi > lo:
            marks.setdefault(s.get("i"), []).append((lo, hi, cls, tip))
            hits.append(s.get("i"))
    return hits


def highlight(text: str, offset: int, spans: list[tuple[int, int, str, str]]) -> Markup:
    """Escape ``text`` and wrap the given spans (full-text offsets) in ``<mark>``; overlaps are merged."""
    n = len(text)
    local = []
    for lo, hi, cls, tip in spans:
        lo, hi = max(0, lo - offset), min(n, hi - offset)
        if lo < hi:
            local.append((lo, hi, cls, tip))
    if not local:
        return escape(text)
    cuts = sorted({0, n, *(x for lo, hi, _, _ in local for x in (lo, hi))})
    out: list[Markup] = []
    for lo, hi in pairwise(cuts):
        piece = escape(text[lo:hi])
        active = [m for m in local if m[0] <= lo and hi <= m[1]]
        if not active:
            out.append(piece)
            continue
        classes = {m[2] for m in active}
        cls = next(c for c in ("m-severe", "m-flag", "m-note") if c in classes)
        tips = "\n".join(dict.fromkeys(m[3] for m in active))
        out.append(Markup('<mark class="{}" title="{}">{}</mark>').format(cls, tips, piece))
    return Markup("").join(out)


def verdict(relation: Any, original: Any) -> dict:
    """The headline sentence of the report, as parts the template can style."""
    kind = str(relation or "unknown")
    if kind in RELATION_WORDS:
        derived, source = ("a", "b") if original == "b" else ("b", "a")
        return {"kind": kind, "subject": derived, "phrase": f"is {RELATION_WORDS[kind]} of", "object": source}
    if kind == "same_event":
        return {
            "kind": kind,
            "subject": "a and b",
            "phrase": "report the SAME EVENT independently",
            "object": "",
        }
    if kind == "unrelated":
        return {"kind": kind, "subject": "a and b", "phrase": "are UNRELATED", "object": ""}
    return {"kind": kind, "subject": "a and b", "phrase": f"relation: {human(kind).upper()}", "object": ""}


def _ordered(order: tuple[str, ...], counts: dict) -> list[tuple[str, int]]:
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    return [(k, counts[k]) for k in keys]


def _page_title(a: dict, b: dict) -> str:
    def name(side: dict, letter: str) -> str:
        return side.get("title") or side.get("source") or side.get("path") or letter

    return f"wiretrace · {name(b, 'b')} vs {name(a, 'a')}"
