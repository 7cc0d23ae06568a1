"""Static sentence embeddings (model2vec distilled from all-MiniLM-L6-v2), computed with numpy alone.

A static model embeds tens of thousands of sentences a second on two cores, which is what keeps
``compare`` under 150 ms warm; the file and its recipe ship in ``data/static_model``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

_MODEL_DIR = "data/static_model"


class StaticEmbedder:
    """Tokenise, look up one vector per token, mean-pool, L2-normalise."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        tensors = load_file(str(folder / "model.safetensors"))
        self.vectors = np.asarray(tensors["embeddings"], dtype=np.float32)
        self.weights = tensors.get("weights")
        config = json.loads((folder / "config.json").read_text())
        self.normalize = bool(config.get("normalize", True))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        # model2vec drops the unknown-token id (and the model has no [CLS]/[SEP] rows to drop).
        self.special = {self.tokenizer.token_to_id(t) for t in ("[UNK]", "[CLS]", "[SEP]", "[PAD]")} - {None}
        self.dim = self.vectors.shape[1]
        self._word_cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], max_tokens: int = 512) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        # model2vec cuts text at max_tokens x the median token length (6 characters) before tokenising.
        encodings = self.tokenizer.encode_batch(
            [t[: max_tokens * 6] for t in texts], add_special_tokens=False
        )
        for row, enc in enumerate(encodings):
            ids = [i for i in enc.ids[:max_tokens] if i not in self.special]
            if not ids:
                continue
            vecs = self.vectors[ids]
            if self.weights is not None:
                vecs = vecs * self.weights[ids, None]
            out[row] = vecs.mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def word_vectors(self, words: list[str]) -> np.ndarray:
        """Unit vectors for single words (cached: news vocabulary repeats across articles)."""
        missing = [w for w in dict.fromkeys(words) if w not in self._word_cache]
        if missing:
            if len(self._word_cache) > 200_000:
                self._word_cache.clear()
            for w, v in zip(missing, self.encode(missing), strict=True):
                self._word_cache[w] = v
        if not words:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._word_cache[w] for w in words])


def _model_folder() -> Path:
    return Path(str(resources.files("wiretrace") / _MODEL_DIR))


@lru_cache(maxsize=1)
def default_embedder() -> StaticEmbedder:
    return StaticEmbedder(_model_folder())


@lru_cache(maxsize=1)
def model_dim() -> int:
    """Width of the shipped model's vectors, from the file's header (the model itself is not loaded: the
    indexing process needs the width, its workers the model)."""
    from safetensors import safe_open

    with safe_open(str(_model_folder() / "model.safetensors"), framework="numpy") as f:
        return int(f.get_slice("embeddings").get_shape()[1])


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length vectors, one row per text."""
    return default_embedder().encode(texts)


def word_vectors(words: list[str]) -> np.ndarray:
    return default_embedder().word_vectors(words)
