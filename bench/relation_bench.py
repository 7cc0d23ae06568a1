"""Relation benchmark: does ``decide_relation`` tell derivation from templates and independent reports?

Measures, each on real data:

- Reuters-21578 indexed whole (``Corpus``): of the copy/rewrite edges whose two titles both carry a
  company ticker (``<WANB>``), the share joining different tickers (two companies' notices of one
  template read as a rewrite), how many same-ticker derived edges remain (updates of one story), and
  the largest story. The ticker only labels the edges here; the engine never reads titles' format.
- LLM rewrites (every pair of ``llm-rewrites``) called derived, overall and per operation; ECB+
  same-event pairs of the relation benchmark called derived. The shipped model was trained on these
  sets' development pairs, so these figures come from ``scripts/train_relation.py``'s cross-validation
  (``--cv``): a pair is scored by a model that never saw its source article or ECB+ topic.

    python bench/relation_bench.py --reuters [--db PATH] [--workers 1]
    python bench/relation_bench.py --reuse
    python bench/relation_bench.py --reproduced
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import datasets as ds  # noqa: E402

TICKER = re.compile(r"<([A-Z0-9.]+)>")
DERIVATION = ("copy", "rewrite")


def reuters_path(root: Path | None = None) -> Path:
    return ds.data_root(root) / "real-news" / "reuters-21578.jsonl.gz"


def tickers(title: str | None) -> frozenset[str]:
    """The company tickers a Reuters title names (``<WANB>``, ``<XIDX.O>``): only to label edges."""
    return frozenset(t.split(".")[0] for t in TICKER.findall(title or ""))


def reuters_edges(db: Path, workers: int = 1, index: bool = True) -> dict:
    """Index Reuters-21578 into ``db`` (unless ``index`` is False and it is there) and count its edges."""
    from wiretrace.corpus import Corpus

    started = time.perf_counter()
    with Corpus(db, workers=workers) as corpus:
        if index:  # the readers take .jsonl, not .jsonl.gz: a plain copy beside the index
            plain = Path(db).with_suffix(".jsonl")
            with gzip.open(reuters_path(), "rb") as src:
                plain.write_bytes(src.read())
            corpus.add(plain)
            plain.unlink()
        seconds = time.perf_counter() - started
        store = corpus.store
        titles = dict(store.db.execute("SELECT n, title FROM articles").fetchall())
        edges = store.edges(DERIVATION)
        sizes = [s for (s,) in store.db.execute("SELECT size FROM stories ORDER BY size DESC")]
    both = different = 0
    relations: Counter[str] = Counter()
    for e in edges:
        relations[e["relation"]] += 1
        ta, tb = tickers(titles.get(e["src"])), tickers(titles.get(e["dst"]))
        if ta and tb:
            both += 1
            different += not (ta & tb)
    return {
        "articles": len(titles),
        "derived_edges": len(edges),
        "relations": dict(relations),
        "ticker_edges": both,
        "different": different,
        "same": both - different,
        "largest_story": sizes[0] if sizes else 0,
        "stories_over_100": sum(s > 100 for s in sizes),
        "stories": len(sizes),
        "seconds": round(seconds, 1),
    }


def reuters_lines(r: dict) -> list[str]:
    share = r["different"] / r["ticker_edges"] if r["ticker_edges"] else 0.0
    return [
        "| measure | value | target |",
        "|---|---|---|",
        f"| copy/rewrite edges | {r['derived_edges']} | |",
        f"| of them with a ticker in both titles | {r['ticker_edges']} | |",
        f"| ... joining different tickers | {r['different']} ({share:.1%}) | <= 5% |",
        f"| ... joining the same ticker (updates of one story) | {r['same']} | stay linked |",
        f"| largest story | {r['largest_story']} articles | <= 100 |",
        f"| stories over 100 articles | {r['stories_over_100']} of {r['stories']} | 0 |",
        "",
        f"- indexed {r['articles']} articles in {r['seconds']} s",
    ]


def reuse_figures() -> dict:
    """LLM rewrites and ECB+ same-event pairs called derived by the shipped engine (not cross-validated:
    the shipped model saw these sets; see ``scripts/train_relation.py --cv`` for the held-out figures)."""
    from wiretrace.compare import compare

    groups: dict[str, list[bool]] = {}
    for x in ds.llm_rewrites():
        rel = compare(x.source, x.rewrite).relation.type
        groups.setdefault(x.operation, []).append(rel in DERIVATION)
    same = [p for p in ds.relation_pairs(n_each=300) if p.relation == "same_event"]
    same_rel = [compare(p.a, p.b).relation.type in DERIVATION for p in same]
    every = [v for vs in groups.values() for v in vs]
    return {
        "llm": sum(every) / len(every),
        "llm_n": len(every),
        "ops": {k: (len(v), sum(v) / len(v)) for k, v in sorted(groups.items())},
        "same_event": sum(same_rel) / len(same_rel),
        "same_n": len(same_rel),
    }


def reuse_lines(r: dict) -> list[str]:
    ops = ", ".join(f"{k} {share:.3f} of {n}" for k, (n, share) in r["ops"].items())
    return [
        f"- LLM rewrites called derived: {r['llm']:.3f} of {r['llm_n']} ({ops})",
        f"- ECB+ same-event pairs called derived: {r['same_event']:.3f} of {r['same_n']}",
    ]


def model_reproduced() -> bool:
    """Whether scripts/train_relation.py, run now on the current code and data, writes the very relation
    model that ships (minutes: it featurises every training pair)."""
    from bench.run import recipe_reproduces

    return recipe_reproduces("train_relation.py", ROOT / "src" / "wiretrace" / "data" / "relation_model.json")


def relation_bench_lines(db: Path | None = None, workers: int = 1) -> list[str]:
    """The Reuters template measure as Markdown lines (indexes Reuters-21578: a few minutes)."""
    with tempfile.TemporaryDirectory() as tmp:
        r = reuters_edges(db or Path(tmp) / "reuters.wt", workers=workers)
    shipped = "yes (byte for byte, checked now)" if model_reproduced() else "**no: retrain it**"
    return [
        "## Relation: templates are not rewrites (Reuters-21578 indexed whole)",
        "",
        *reuters_lines(r),
        f"- the shipped relation classifier is what `scripts/train_relation.py` writes from the current code "
        f"and data: {shipped}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuters", action="store_true", help="index Reuters-21578 and count edges")
    parser.add_argument("--reuse", action="store_true", help="LLM rewrites and ECB+ same-event pairs")
    parser.add_argument("--db", type=Path, default=None, help="index file (kept; default a temporary one)")
    parser.add_argument("--no-index", action="store_true", help="count the edges of an existing --db")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--reproduced", action="store_true", help="rerun the recipe, compare bytes")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args()
    out: dict = {}
    if args.reuters:
        with tempfile.TemporaryDirectory() as tmp:
            db = args.db or Path(tmp) / "reuters.wt"
            out["reuters"] = reuters_edges(db, args.workers, index=not args.no_index)
        print("\n".join(reuters_lines(out["reuters"])))
    if args.reuse:
        out["reuse"] = reuse_figures()
        print("\n".join(reuse_lines(out["reuse"])))
    if args.reproduced:
        out["reproduced"] = model_reproduced()
        print(f"relation model reproduced byte for byte: {out['reproduced']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
