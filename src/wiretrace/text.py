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


_CONTENT: dict[str, str] = {}  # lower-cased word -> its content stem, or "" for a function word


def content_stem(w: str) -> str:
    """The content stem of one lower-cased word ("" for a function word), demonyms as their place."""
    cached = _CONTENT.get(w)
    return cached if cached is not None else _content_stem(w)


def _content_stem(w: str) -> str:
    function_word = w in STOPWORDS or (len(w) == 1 and not w.isdigit())
    out = "" if function_word else stem(_PLACE_OF.get(w, w))
    if len(_CONTENT) > 500_000:  # bounded: a long-running process sees unbounded vocabulary
        _CONTENT.clear()
    _CONTENT[w] = out
    return out


def content_stems(text: str) -> tuple[str, ...]:
    """Stems of the words that carry content (no stopwords), in order, numbers kept as written."""
    found = WORD.findall(text.lower())
    stems = list(map(_CONTENT.get, found))  # news vocabulary repeats: nearly every word is cached
    if None in stems:
        stems = [_content_stem(w) if s is None else s for w, s in zip(found, stems, strict=True)]
    return tuple(filter(None, stems))


def squash(text: str) -> str:
    """Lower-cased words joined by single spaces: equality up to whitespace, punctuation and case."""
    return " ".join(WORD.findall(text.lower()))
