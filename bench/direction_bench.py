"""Direction: among the pairs where an original is named, the share named right, and the share named.

Usage: python bench/direction_bench.py [--data ../shared/data] [--features bench/direction_features.json.gz]
(without ``--features`` the training pairs are compared again, about 15 minutes, and the result checked
against the committed table)

Sets (the derived side is known in each): LLM rewrites of BBC texts (every pair of llm-rewrites, no dates),
FRANK *validation* article -> summary (a benchmark: never trained on), Clough and Stevenson original ->
answer (cut / light / heavy), and the seed pair (AP story and content-farm rewrite) both ways. The model
is trained on FRANK *test*, llm-rewrites and Clough-Stevenson, so for the last two the "after" figures are
out-of-fold (5 folds grouped by source text, ``scripts/train_direction.py``). "Before" is the hand-set
score that shipped until the calibrated model (``legacy_score``: the same weights, with a wire named
inside a sentence read as a credit, as ``clean`` then did). Every pair is scored in both orders.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib
import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import datasets as ds  # noqa: E402
from wiretrace.clean import named_wires  # noqa: E402
from wiretrace.direction import FEATURES, JUNK, SHARPENING, STYLISTIC, SUBSTANTIVE_MIN, load_model  # noqa: E402
from wiretrace.model import Article, Direction  # noqa: E402

compare_module = importlib.import_module("wiretrace.compare")  # the module, not the function it exports
DERIVED = ("copy", "rewrite")
TABLE = ROOT / "bench" / "direction_features.json.gz"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@dataclass(frozen=True)
class Pair:
    set: str  # frank-test | frank-validation | llm | clough | seed
    group: str  # the source text: pairs of one group stay in one fold
    original: str
    derived: str
    note: str


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def frank_pairs(split: str, root: Path | None = None) -> list[Pair]:
    """Every annotated FRANK summary of the split, after its article."""
    base = ds.data_root(root)
    hashes = ds._frank_split_hashes(base, split)
    arts = ds._frank_articles(base)
    anns = json.loads((base / "frank" / "human_annotations.json").read_text(encoding="utf-8"))
    out = []
    for ann in sorted(anns, key=lambda a: (a["dataset"], a["hash"], a["model_name"])):
        if ann["hash"] not in hashes:
            continue
        doc = arts[ann["hash"]]
        text = " ".join(ds.frank_summary_lines(doc, ann["model_name"]))
        if text:
            out.append(Pair(f"frank-{split}", ann["hash"], ds._frank_source(doc), text, ann["model_name"]))
    return out


def llm_pairs(root: Path | None = None) -> list[Pair]:
    return [
        Pair("llm", _digest(r.source), r.source, r.rewrite, f"{r.generator}/{r.operation}")
        for r in ds.llm_rewrites(root)
    ]


def clough_pairs(root: Path | None = None) -> list[Pair]:
    return [
        Pair("clough", f"task{r.task}", r.source, r.answer, r.category)
        for r in ds.clough_stevenson(root)
        if r.category != "non"
    ]


def training_pairs(root: Path | None = None) -> list[Pair]:
    """The development pairs the direction model is trained on (never FRANK validation)."""
    return frank_pairs("test", root) + llm_pairs(root) + clough_pairs(root)


@contextmanager
def _captured() -> Iterator[list[tuple]]:
    """The arguments compare passes to ``decide_direction`` (so the features are exactly compare's)."""
    seen: list[tuple] = []
    real = compare_module.decide_direction

    def spy(*args):
        seen.append(args)
        return Direction("unknown", 0.5)  # the shipped model is not read: the features may train it

    compare_module.decide_direction = spy
    try:
        yield seen
    finally:
        compare_module.decide_direction = real


def evidence(original: str | Path, derived: str | Path, prepared: dict | None = None) -> dict:
    """The pair compared with the original as ``a``: its relation, the model's features and the legacy
    score (positive: ``a`` is the original). ``prepared``: Documents by text, reused (a source has many
    derived texts; corpus mode reuses Documents the same way)."""
    from wiretrace.direction import features
    from wiretrace.prepare import prepare

    def doc(x: str | Path, cache: dict | None):
        if cache is None or isinstance(x, Path):
            return prepare(compare_module.as_article(x))
        if x not in cache:
            cache[x] = prepare(Article(text=x))
        return cache[x]

    with _captured() as seen:
        compare_module.compare_documents(doc(original, prepared), doc(derived, None))
    da, db, rel, b_res, a_res, b_cov, a_cov = seen[-1]
    x = features(da, db, b_res, a_res, b_cov, a_cov)
    return {
        "relation": rel.type,
        "features": [x[k] for k in FEATURES],
        "legacy": round(legacy_score(da, db, b_res, a_res, b_cov, a_cov), 6),
    }


def legacy_score(a, b, b_res, a_res, b_cov, a_cov) -> float:
    """The hand-set score that ``decide_direction`` used until the calibrated model (names a side at
    |score| > 0.5), with credits as ``clean`` read them then: credit lines plus wires named in sentences."""
    score = 0.0
    pa, pb = a.article.published, b.article.published
    if pa and pb and pa != pb:
        score += 3.0 if pa < pb else -3.0
    ca = set(named_wires(a.credits)) | set(a.attributions)
    cb = set(named_wires(b.credits)) | set(b.attributions)
    score += 2.0 if ca > cb else -2.0 if cb > ca else 0.0
    if bool(a.republished_from) != bool(b.republished_from):
        score += 2.5 if b.republished_from else -2.5

    def junk(d) -> int:
        return len({s.reason for s in d.sentences if s.kind == "boilerplate" and s.reason in JUNK})

    def sharp(res) -> int:
        return sum(1 for r in res for f in r.flags if f.type in SHARPENING)

    if junk(a) != junk(b):
        score += 0.4 * max(-3, min(3, junk(b) - junk(a)))
    if sharp(a_res) != sharp(b_res):
        score += 0.3 * max(-4, min(4, sharp(b_res) - sharp(a_res)))
    contained = b_cov.derived - a_cov.derived
    if abs(contained) >= 0.15:
        score += 1.5 * contained
    return score


def featurize(pairs: list[Pair], progress: Callable[[int], None] | None = None) -> list[dict]:
    rows, prepared = [], {}
    for k, p in enumerate(pairs):
        rows.append(
            {"set": p.set, "group": p.group, "note": p.note, **evidence(p.original, p.derived, prepared)}
        )
        if progress and k % 200 == 0:
            progress(k)
    return rows


def write_table(path: Path, rows: list[dict]) -> None:
    """The feature table, gzipped JSON (no time stamp in the header: the same rows, the same bytes)."""
    data = json.dumps({"features": list(FEATURES), "rows": rows}, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(data, mtime=0))


def read_table(path: Path) -> list[dict]:
    return json.loads(gzip.decompress(path.read_bytes()))["rows"]


# ------------------------------------------------------------------------------------------ scoring


def new_decision(x: list[float], weights: dict[str, float], threshold: float) -> str:
    """``direction.decide``'s naming rule on a feature row (``a``, ``b`` or ``unknown``)."""
    z = sum(weights[k] * v for k, v in zip(FEATURES, x, strict=True))
    z_sub = sum(weights[k] * v for k, v in zip(FEATURES, x, strict=True) if k not in STYLISTIC)
    p, p_sub = 1 / (1 + math.exp(-z)), 1 / (1 + math.exp(-z_sub))
    if max(p, 1 - p) < threshold or max(p_sub, 1 - p_sub) < SUBSTANTIVE_MIN or (p >= 0.5) != (p_sub >= 0.5):
        return "unknown"
    return "a" if p >= 0.5 else "b"


def legacy_decision(score: float) -> str:
    return "a" if score > 0.5 else "b" if score < -0.5 else "unknown"


def tally(decisions: list[tuple[str, str]]) -> tuple[int, int, int]:
    """(pairs, named, named right) over (decision, truth) items."""
    named = [(d, t) for d, t in decisions if d != "unknown"]
    return len(decisions), len(named), sum(d == t for d, t in named)


def both_orders(row: dict, decide: Callable[[list[float], float], str]) -> list[tuple[str, str]]:
    """The pair's decisions as given (original first: truth ``a``) and swapped (truth ``b``); a pair
    that is not a copy or rewrite gets no direction."""
    if row["relation"] not in DERIVED:
        return [("unknown", "a"), ("unknown", "b")]
    x, s = row["features"], row["legacy"]
    return [(decide(x, s), "a"), (decide([-v for v in x], -s), "b")]


def cell(t: tuple[int, int, int]) -> str:
    n, named, right = t
    if not named:
        return f"- (0 of {n} named)"
    return f"**{right / named:.3f}** ({right}/{named}); named {named / n:.0%}"


def bench_lines(root: Path | None = None, features: Path | None = None) -> list[str]:
    """Markdown lines: before and after, per set."""
    model = load_model()
    w, t = model.weights, model.threshold
    raw = json.loads((ROOT / "src/wiretrace/data/direction_model.json").read_text())
    oof = raw.get("out_of_fold", {})
    committed = read_table(TABLE)
    dev = read_table(features) if features else featurize(training_pairs(root))
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_direction import train

    reproduced = train(dev) == raw
    val = featurize(frank_pairs("validation", root))
    seed = [
        {"set": "seed", **evidence(SEEDS / "000_6f3207d6989ef1b3.txt", SEEDS / "002_791b321b639fb794.txt")}
    ]
    lines = [
        "## Direction: which side is the original",
        "",
        "Among the pairs where an original is named, the share named right (**bold**), and the share of "
        "pairs named (each pair scored in both orders; pairs the relation does not call a copy or rewrite "
        "count as not named). Before: the hand-set score (a wire named in a sentence read as a credit); "
        f"after: the calibrated model (threshold {model.threshold}, chosen on out-of-fold predictions; "
        f"stylistic evidence never decides alone). Target: >= 0.95 wherever an original is named.",
        "",
        "- the shipped model is what `scripts/train_direction.py` writes: "
        + ("yes" if reproduced else "**no**")
        + (
            " (from the feature table given)"
            if features
            else "; the development pairs' features recomputed now "
            + ("equal" if dev == committed else "**differ from**")
            + " bench/direction_features.json.gz"
        ),
        "",
        "| set | pairs | before | after | after, out-of-fold |",
        "|---|---|---|---|---|",
    ]
    for name, rows in (
        ("LLM rewrites (llm-rewrites, no dates)", [r for r in dev if r["set"] == "llm"]),
        ("FRANK validation article / summary", val),
        ("Clough-Stevenson original / answer (cut, light, heavy)", [r for r in dev if r["set"] == "clough"]),
        ("FRANK test article / summary (training set)", [r for r in dev if r["set"] == "frank-test"]),
        ("seed pair (AP story / content-farm rewrite)", seed),
    ):
        before = tally([d for r in rows for d in both_orders(r, lambda x, s: legacy_decision(s))])
        after = tally([d for r in rows for d in both_orders(r, lambda x, s: new_decision(x, w, t))])
        key = rows[0]["set"] if rows else ""
        cv = cell(tuple(oof[key])) if key in oof else "-"
        lines.append(f"| {name} | {len(rows)} | {cell(before)} | {cell(after)} | {cv} |")
    lines += [
        "",
        "LLM rewrites and Clough-Stevenson are training sets: read their out-of-fold column. FRANK "
        "validation and the seed pair are held out.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--features", type=Path, default=None, help="the training pairs' feature table")
    args = parser.parse_args()
    print("\n".join(bench_lines(args.data, args.features)))


if __name__ == "__main__":
    main()
