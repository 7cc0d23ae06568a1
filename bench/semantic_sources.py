"""The weight of the contextual evidence for competing sources (``corpus/semantic.py``), chosen on data
the benchmark does not score.

In corpus mode a derived text keeps the source with the best support (``corpus/stories.py``); where
sources still compete, support also counts ``stories.SEMANTIC_WEIGHT`` x the MiniLM cosine of the two
whole texts. This indexes a tuning corpus (FRANK *test* split articles and summaries, SummEdits, ECB+,
no distractors) and the corpus ``corpus_bench.py --quality`` scores (FRANK validation), and replays the
story building with several weights (0: lexical support alone). The weight in ``stories.py`` is the one
with the best story-edge F1 on the tuning corpus. About two minutes:

    .venv/bin/python bench/semantic_sources.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from bench.corpus_bench import pr, quality_corpus  # noqa: E402
from wiretrace import Corpus  # noqa: E402
from wiretrace.corpus import stories  # noqa: E402

WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0)


def replay(corpus: Corpus, derived: dict, weight: float) -> tuple[float, float, float]:
    """Story-edge precision, recall, F1 with the contextual evidence at ``weight``."""
    chosen = stories.SEMANTIC_WEIGHT
    stories.SEMANTIC_WEIGHT = weight
    try:
        corpus.rebuild_stories()
    finally:
        stories.SEMANTIC_WEIGHT = chosen
    found = {
        frozenset((e["from"], e["to"]))
        for s in corpus.stories(min_size=2)
        for e in s["edges"]
        if e["relation"] in ("copy", "rewrite")
    }
    return pr(found, set(derived))


def main() -> int:
    results: dict[str, dict[float, tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for split, distractors in (("test", 0), ("validation", 100)):
            records, derived, _ = quality_corpus(frank_split=split, distractors=distractors)
            path = Path(tmp) / f"{split}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            corpus = Corpus(Path(tmp) / f"{split}.wt")
            corpus.add([path])
            results[split] = {w: replay(corpus, derived, w) for w in WEIGHTS}
            corpus.close()
    best = max(WEIGHTS, key=lambda w: results["test"][w][2])
    print("| weight | tuning corpus (FRANK test) P / R / F1 | scored corpus (FRANK validation) P / R / F1 |")
    print("|---|---|---|")
    for w in WEIGHTS:
        row = [" / ".join(f"{x:.3f}" for x in results[s][w]) for s in ("test", "validation")]
        shipped = " (in stories.py)" if w == stories.SEMANTIC_WEIGHT else ""
        print(f"| {w:g}{' best on tuning' if w == best else ''}{shipped} | {row[0]} | {row[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
