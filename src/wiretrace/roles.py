"""Who did what to whom: a rewrite that swaps the two parties of a claim ("England beat Fiji" -> "Fiji
beat England").

Every word of such a sentence is in its source, so word overlap calls it a paraphrase, and the
entailment model, which reads sentences much as a bag of phrases, misses it too (it gives the swapped
sentence about the probability it gives the original). The check is explicit: two names that both
sentences hold, in the reverse order, with the same content word (the verb) between them in both, and
no change of voice ("Fiji were beaten by England" keeps the roles).
"""

from __future__ import annotations

import re
from itertools import combinations

from .checks import Context
from .lexicon import STOPWORDS
from .model import Document, Flag
from .text import stem

# A run of capitalised words, sentence-initial ones included ("England beat Fiji").
_NAME = re.compile(r"\b[A-Z][\w’'.-]*(?:\s+(?:of\s+)?[A-Z][\w’'.-]*)*")
_WORD = re.compile(r"[^\W\d_]+")
_PASSIVE = re.compile(r"\bby\b", re.IGNORECASE)


def _names(text: str) -> list[tuple[frozenset[str], int, int]]:
    """Names in ``text``: (their non-stopword words, start, end), capitalised function words left out."""
    out = []
    for m in _NAME.finditer(text):
        words = frozenset(w.lower().rstrip("’'s") for w in _WORD.findall(m.group(0)))
        words = frozenset(w for w in words if w and w not in STOPWORDS)
        if words:
            out.append((words, m.start(), m.end()))
    return out


def _stems(text: str) -> set[str]:
    return {stem(w) for w in (x.lower() for x in _WORD.findall(text)) if w not in STOPWORDS and len(w) > 1}


def _once(names: list[tuple[frozenset[str], int, int]], key: frozenset[str]) -> tuple[int, int] | None:
    hits = [(s, e) for words, s, e in names if words & key]
    return hits[0] if len(hits) == 1 else None


def swapped_roles(a: Document, i: int, b: Document, j: int) -> list[Flag]:
    """``roles_swapped`` flags for derived sentence ``j`` against source sentence ``i``."""
    src, der = a.sentences[i], b.sentences[j]
    src_names, der_names = _names(src.text), _names(der.text)
    flags = []
    for (kx, _, _), (ky, _, _) in combinations(src_names, 2):
        if kx & ky:
            continue
        sx, sy = _once(src_names, kx), _once(src_names, ky)
        dx, dy = _once(der_names, kx), _once(der_names, ky)
        if not (sx and sy and dx and dy) or not (sx[0] < sy[0] and dy[0] < dx[0]):
            continue
        src_between, der_between = src.text[sx[1] : sy[0]], der.text[dy[1] : dx[0]]
        if not _stems(src_between) & _stems(der_between):
            continue  # nothing relates the two names the same way in both
        if bool(_PASSIVE.search(src_between)) != bool(_PASSIVE.search(der_between)):
            continue  # a change of voice keeps the roles
        x, y = src.text[sx[0] : sx[1]], src.text[sy[0] : sy[1]]
        flags.append(
            Flag(
                "roles_swapped",
                f"source has “{x}” before “{y}”, the rewrite the other way round: who did what to whom "
                "is reversed",
                (src.start + sx[0], src.start + sy[1]),
                (der.start + dy[0], der.start + dx[1]),
            )
        )
    return flags


def check_roles(ctx: Context) -> list[Flag]:
    """``roles_swapped`` for the derived sentence against each of its linked source sentences."""
    return [f for i in ctx.sources for f in swapped_roles(ctx.a, i, ctx.b, ctx.j)]
