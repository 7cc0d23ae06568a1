"""wiretrace's own entailment cross-encoder: does a source passage support a derived sentence?

A MiniLM-L6 cross-encoder fine-tuned from all-MiniLM-L6-v2 on licence-clean NLI pairs and news pairs made
from real news sentences (``scripts/train_entailment.py``; data sources and licences in ``data/entail/
NOTICE``). It reads "premise [SEP] hypothesis" and gives P(entailment), P(neutral), P(contradiction): what
word overlap and fact checks cannot see (an antonym, a negation, two roles swapped, a claim assembled from
the article's own words). Shipped as int8 ONNX and run with onnxruntime; nothing is downloaded.

Cost is kept low by the callers: verbatim and clearly supported sentences never reach the model
(``cascade.needs_model``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "data"
MODEL = DATA / "entail" / "model.int8.onnx"
RECIPE = DATA / "entail" / "recipe.json"
TOKENIZER = DATA / "minilm" / "tokenizer.json"
MAX_TOKENS = 128  # premise + hypothesis; the longer side is cut first (as in training)
ENTAIL, NEUTRAL, CONTRADICT = 0, 1, 2


class Entailment:
    """Scores (premise, hypothesis) pairs with the shipped int8 model (or another ONNX file of it)."""

    def __init__(self, model_path: Path | None = None, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = Path(model_path or MODEL)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: the entailment model is missing (reinstall wiretrace)")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # keeps no large batch's tensors after it (see corpus.semantic)
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(TOKENIZER))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="longest_first")
        self.tokenizer.no_padding()

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, 3) probabilities of entailment, neutral and contradiction for each (premise, hypothesis)."""
        if not pairs:
            return np.zeros((0, 3), np.float32)
        encs = self.tokenizer.encode_batch([(p, h) for p, h in pairs])
        return self.score_encoded([(e.ids, e.type_ids) for e in encs])

    def score_encoded(self, encoded: Sequence[tuple[Sequence[int], Sequence[int]]]) -> np.ndarray:
        """Each pair runs on its own, unpadded: int8 dynamic quantisation scales activations over the whole
        input tensor, so in a batch a pair's probabilities would depend on its neighbours (by up to 0.005)
        and the same sentence could be judged differently in two runs. Batches of 16 were only 10%
        faster on two cores."""
        out = np.zeros((len(encoded), 3), np.float32)
        for i, (ids, types) in enumerate(encoded):
            feed = {
                "input_ids": np.asarray([ids], np.int64),
                "attention_mask": np.ones((1, len(ids)), np.int64),
                "token_type_ids": np.asarray([types], np.int64),
            }
            logits = self.session.run(None, feed)[0][0]
            z = np.exp(logits - logits.max())
            out[i] = z / z.sum()
        return out


@lru_cache(maxsize=1)
def model() -> Entailment:
    """The shipped model, loaded once per process."""
    return Entailment()


def recipe() -> dict:
    """What ``scripts/train_entailment.py`` recorded when it wrote the shipped model."""
    return json.loads(RECIPE.read_text(encoding="utf-8"))


def shipped_matches_recipe() -> bool:
    """Whether the shipped model file is the one the recipe recorded (its SHA-256)."""
    return hashlib.sha256(MODEL.read_bytes()).hexdigest() == recipe()["sha256"]
