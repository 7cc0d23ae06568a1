"""The shipped entailment model on its own: does the file match its recipe, its dev accuracy (fp32 as
recorded at training, int8 rescored now), load time and pairs/s on this machine.

``python bench/entail_bench.py`` prints the Markdown section that ``bench/run.py`` puts in
docs/benchmarks.md.
"""

from __future__ import annotations

import hashlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "scripts")]

from bench import datasets as ds  # noqa: E402


def model_task(seed: int | None = None) -> dict:
    """Recheck the shipped model against ``recipe.json``: SHA-256, and the int8 dev scores recomputed on
    the dev split the recipe rebuilds (same seed, same data)."""
    import entailment_data as ed
    import train_entailment as te
    from wiretrace import entail

    recipe = entail.recipe()
    digest = hashlib.sha256(entail.MODEL.read_bytes()).hexdigest()
    t = time.perf_counter()
    runtime = entail.Entailment()
    load_s = time.perf_counter() - t
    seed = recipe["arguments"]["seed"] if seed is None else seed
    pairs = ed.all_pairs(ds.data_root(), seed=seed)
    dev = list(ed.iter_split(pairs, dev=True))
    enc = te.encode(te.tokenizer(recipe["arguments"]["max_len"]), dev)
    t = time.perf_counter()
    probs = runtime.score_encoded(enc)
    secs = time.perf_counter() - t
    scores = te.scores(probs, [p.label for p in dev])
    by_kind: dict[str, list[int]] = {}
    for k, p in enumerate(dev):
        by_kind.setdefault(p.source.split(":")[0] if p.source.startswith("nli") else p.source, []).append(k)
    kinds = {
        name: (len(idx), te.scores(probs[idx], [dev[k].label for k in idx])["binary_accuracy"])
        for name, idx in sorted(by_kind.items())
    }
    # Sentence-pair speed as compare sees it: one derived sentence against one or two source sentences.
    sample = [(p.premise, p.hypothesis) for p in dev[:256]]
    rates = []
    for _ in range(3):
        t = time.perf_counter()
        runtime.score(sample)
        rates.append(len(sample) / (time.perf_counter() - t))
    tokens = statistics.median(len(e[0]) for e in enc)
    return {
        "hash_ok": digest == recipe["sha256"],
        "scores_ok": scores == recipe["dev"]["int8"],
        "recipe": recipe,
        "int8_now": scores,
        "kinds": kinds,
        "load_s": load_s,
        "dev_pairs_per_s": len(dev) / secs,
        "pairs_per_s": statistics.median(rates),
        "median_tokens": tokens,
        "mb": entail.MODEL.stat().st_size / 2**20,
    }


def markdown(r: dict) -> list[str]:
    rec = r["recipe"]
    ok = {True: "yes", False: "**no**"}
    return [
        "## The entailment model (`src/wiretrace/data/entail/`)",
        "",
        f"MiniLM-L6 cross-encoder trained by `scripts/train_entailment.py` (seed {rec['arguments']['seed']}, "
        f"{sum(rec['training_pairs'].values()):,} training pairs, {rec['arguments']['epochs']} epoch), "
        f"int8 ONNX, {r['mb']:.1f} MiB. Dev split: {rec['dev']['pairs']:,} pairs of the same sources held "
        "out by group (an article's pairs all on one side); binary = entailment vs not, three-way where the "
        "label has three classes.",
        "",
        "| check | value |",
        "|---|---|",
        f"| shipped file's SHA-256 matches `recipe.json` | {ok[r['hash_ok']]} |",
        f"| int8 dev scores recomputed now match `recipe.json` | {ok[r['scores_ok']]} |",
        "| dev binary accuracy: fp32 (at training) / int8 (now) | "
        f"{rec['dev']['fp32']['binary_accuracy']:.3f} / {r['int8_now']['binary_accuracy']:.3f} |",
        f"| dev three-way accuracy: fp32 / int8 | {rec['dev']['fp32']['three_way_accuracy']:.3f} / "
        f"{r['int8_now']['three_way_accuracy']:.3f} |",
        "| dev binary accuracy (int8) by source | "
        + ", ".join(f"{k} {v:.3f} of {n}" for k, (n, v) in r["kinds"].items())
        + " |",
        f"| model load time | {r['load_s'] * 1000:.0f} ms |",
        f"| pairs/s on this machine (2 threads, each pair on its own; median {r['median_tokens']:.0f} "
        f"tokens a pair) | {r['pairs_per_s']:.0f} |",
        "",
    ]


if __name__ == "__main__":
    print("\n".join(markdown(model_task())))
