"""Cheap per-article keys for candidate search, computed without the full ``prepare`` stage.

- MinHash (rensa R-MinHash, 128 slots) over word 5-gram shingles, cut into LSH bands: finds copies.
- A document vector (static embedding of the story lines, int8-quantised): finds rewrites, which share
  almost no 5-gram with their source (the seed pair's Jaccard is 0.011).
- Line hashes: the input to corpus-wide (per-site) boilerplate.

Only ``clean`` (a few regexes per line) runs here, so fingerprinting stays near a millisecond an
article; the expensive comparison runs later, and only on candidate pairs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from ..clean import clean
from ..embed import embed
from ..model import Article
from ..text import WORD, squash

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: pairs above ~0.42 Jaccard collide in some band with p >= 0.5
ROWS = NUM_PERM // BANDS
SEED = 1729
SHINGLE = 5
VECTOR_CHARS = 3000  # the static model reads at most 512 tokens (~3,000 characters)
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True)
class Fingerprint:
    """What the index keeps of one article (besides its text in the store)."""

    bands: np.ndarray  # (BANDS,) int64 LSH bucket keys
    vector: np.ndarray  # (dim,) int8, a unit vector x 127
    lines: tuple[tuple[int, str], ...]  # (hash, text) of the article's distinct lines, for site boilerplate


def story_lines(article: Article) -> list[str]:
    """The text's body lines (headline, ads, captions, credit lines left out)."""
    blocks, _ = clean(article.text, article.title)
    return [article.text[b.start : b.end] for b in blocks if b.kind == "body"]


def shingles(text: str, n: int = SHINGLE) -> list[str]:
    """Lower-cased word n-grams; a text shorter than n words is one shingle."""
    words = WORD.findall(text.lower())
    if len(words) < n:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def signatures(token_sets: list[list[str]]) -> np.ndarray:
    """R-MinHash signatures (rensa), one row of NUM_PERM uint32 per token set."""
    from rensa import RMinHash

    if not token_sets:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    matrix = RMinHash.digest_matrix_from_token_sets(token_sets, NUM_PERM, SEED)
    return np.asarray(matrix.to_rows(), dtype=np.uint32)


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """Hash each band (ROWS slots) with its band number into one signed 64-bit bucket key."""
    n = sigs.shape[0]
    h = np.broadcast_to(np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15), (n, BANDS)).copy()
    parts = sigs.reshape(n, BANDS, ROWS).astype(np.uint64)
    with np.errstate(over="ignore"):
        for j in range(ROWS):
            h ^= parts[:, :, j]
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(31)
    return h.view(np.int64)


def quantise(vectors: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(vectors * 127.0), -127, 127).astype(np.int8)


def line_hash(line: str) -> int | None:
    """Hash of a line up to case, punctuation and spacing; None for lines with fewer than 3 words."""
    key = squash(line)
    if key.count(" ") < 2:
        return None
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)


def fingerprint_batch(articles: list[Article]) -> list[Fingerprint]:
    """Fingerprints of many articles at once (rensa and the embedder are fastest on batches)."""
    if not articles:
        return []
    bodies, line_sets = [], []
    for a in articles:
        lines = story_lines(a) or [a.text]
        bodies.append("\n".join(lines))
        distinct: dict[int, str] = {}
        for ln in a.text.splitlines():
            h = line_hash(ln)
            if h is not None and h not in distinct:
                distinct[h] = ln.strip()[:300]
        line_sets.append(tuple(distinct.items()))
    sigs = signatures([shingles(b) for b in bodies])
    keys = band_keys(sigs)
    vecs = quantise(embed([b[:VECTOR_CHARS] for b in bodies]))
    return [Fingerprint(keys[i], vecs[i], line_sets[i]) for i in range(len(articles))]


def text_hash(article: Article) -> str:
    """The text as it appeared at one place: the same text on another site is a republication to report,
    not a duplicate, so the site and URL are part of the hash."""
    norm = " ".join(article.text.split())
    key = f"{article.source or ''}\x00{article.url or ''}\x00{norm}"
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()
