"""The weight of the contextual evidence for competing sources (``corpus/semantic.py``), chosen on data
the benchmark does not score.

In corpus mode a derived text keeps the source with the best support (``corpus/stories.py``); where
sources still compete, support also counts ``stories.SEMANTIC_WEIGHT`` x the MiniLM cosine of the two
whole texts. This indexes a tuning corpus (FRANK *test* split articles and summaries, SummEdits, ECB+,
no distractors) and the corpus ``corpus_bench.py --quality`` scores (FRANK validation), and replays the
story building with several weights (0: lexical support alone) and margins (only the sources whose
lexical support is within the margin of the best are embedded). The weight in ``stories.py`` is the one
with the best story-edge F1 on the tuning corpus; the margin the smallest that keeps that F1 (each text
embedded is a MiniLM run, the story phase's main cost). About five minutes:

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
from wiretrace.corpus import rebuild, stories  # noqa: E402

WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0)
MARGINS = (None, 1.0, 0.5, 0.3, 0.2, 0.1, 0.05)


def replay(corpus: Corpus, derived: dict, weight: float, margin: float | None) -> tuple[float, ...]:
    """Story-edge precision, recall, F1 with the contextual evidence at ``weight`` for the sources within
    ``margin`` of the best, and how many texts it was asked about."""
    chosen = stories.SEMANTIC_WEIGHT, stories.SEMANTIC_MARGIN
    stories.SEMANTIC_WEIGHT, stories.SEMANTIC_MARGIN = weight, margin
    asked: list[int] = []
    similarity = rebuild.similarity

    def counting(vectors_of):
        cosines = similarity(vectors_of)

        def count(pairs):
            pairs = list(pairs)
            asked.append(len({n for p in pairs for n in p}))
            return cosines(pairs)

        return count

    rebuild.similarity = counting
    try:
        corpus.rebuild_stories()
    finally:
        stories.SEMANTIC_WEIGHT, stories.SEMANTIC_MARGIN = chosen
        rebuild.similarity = similarity
    found = {
        frozenset((e["from"], e["to"]))
        for s in corpus.stories(min_size=2)
        for e in s["edges"]
        if e["relation"] in ("copy", "rewrite")
    }
    return (*pr(found, set(derived)), sum(asked))


def main() -> int:
    by_weight: dict[str, dict[float, tuple[float, ...]]] = {}
    by_margin: dict[str, dict[float | None, tuple[float, ...]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for split, distractors in (("test", 0), ("validation", 100)):
            records, derived, _ = quality_corpus(frank_split=split, distractors=distractors)
            path = Path(tmp) / f"{split}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
            corpus = Corpus(Path(tmp) / f"{split}.wt")
            corpus.add([path])
            by_weight[split] = {w: replay(corpus, derived, w, None) for w in WEIGHTS}
            best = max(WEIGHTS, key=lambda w: by_weight["test"][w][2])
            by_margin[split] = {m: replay(corpus, derived, best, m) for m in MARGINS}
            corpus.close()
    cell = lambda r: " / ".join(f"{x:.3f}" for x in r[:3])  # noqa: E731
    print(
        "| weight (every competing source asked) | tuning corpus (FRANK test) P / R / F1 "
        "| scored corpus (FRANK validation) P / R / F1 |"
    )
    print("|---|---|---|")
    for w in WEIGHTS:
        row = [cell(by_weight[s][w]) for s in ("test", "validation")]
        shipped = " (in stories.py)" if w == stories.SEMANTIC_WEIGHT else ""
        print(f"| {w:g}{' best on tuning' if w == best else ''}{shipped} | {row[0]} | {row[1]} |")
    # The margin: the smallest whose tuning F1 is that of asking about every competing source.
    full = by_margin["test"][None][2]
    chosen = min(
        (m for m in MARGINS if m is not None and by_margin["test"][m][2] >= full - 1e-9), default=None
    )
    print()
    print(
        f"| margin (weight {best:g}) | tuning P / R / F1, texts embedded "
        "| scored P / R / F1, texts embedded |"
    )
    print("|---|---|---|")
    for m in MARGINS:
        row = [f"{cell(by_margin[s][m])}, {by_margin[s][m][3]}" for s in ("test", "validation")]
        label = "every competing source" if m is None else f"{m:g}"
        shipped = " (in stories.py)" if m == stories.SEMANTIC_MARGIN else ""
        print(f"| {label}{' chosen' if m == chosen else ''}{shipped} | {row[0]} | {row[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
