"""Tokens with offsets, content-word stems, and light text normalisation shared by all stages."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from .lexicon import DEMONYMS, STOPWORDS

# "Russian" and "Russia" make one content word, so "Russian forces" supports "forces of Russia".
_PLACE_OF = {d: p.split()[-1] for d, p in DEMONYMS.items() if " " not in d}

WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def words(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """Every word as (start, end, text) with offsets shifted by ``offset``."""
    return [(m.start() + offset, m.end() + offset, m.group(0)) for m in WORD.finditer(text)]


def content_stems(text: str) -> tuple[str, ...]:
    """Stems of the words that carry content (no stopwords), in order, numbers kept as written."""
    out = []
    for m in WORD.finditer(text.lower()):
        w = m.group(0)
        if w in STOPWORDS or (len(w) == 1 and not w.isdigit()):
            continue
        out.append(stem(_PLACE_OF.get(w, w)))
    return tuple(out)


def squash(text: str) -> str:
    """Lower-cased words joined by single spaces: equality up to whitespace, punctuation and case."""
    return " ".join(m.group(0) for m in WORD.finditer(text.lower()))
