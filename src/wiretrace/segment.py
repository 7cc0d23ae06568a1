"""Sentence splitting with character offsets into the original text.

A small rule-based splitter tuned for news: it never rewrites the text (offsets stay exact), treats line
breaks as hard boundaries, and knows the abbreviations, initials and closing quotes that fool naive
splitters ("Mr. Kim", "U.S. forces", 'said. "Next').
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .lexicon import ABBREVIATIONS

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+([\"“‘'(\[]?)(\S)")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial, not a sentence."""
    j = dot
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in '"“(':
        j -= 1
    word = text[j:dot].lower().rstrip(".")
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "John F. Kennedy"
        return True
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))  # "u.s", "e.g"


def split_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence inside text[start:end], stripped of surrounding whitespace."""
    end = len(text) if end is None else end
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end()
        if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, m.start()):
            nxt = _NEXT_START.match(text, stop, end)
            # An abbreviation still ends the sentence when a new sentence clearly starts (quote + capital).
            if not nxt or not nxt.group(1):
                continue
        nxt = _NEXT_START.match(text, stop, end)
        if nxt is None:
            continue
        first = nxt.group(2)
        if not (first.isupper() or first.isdigit() or nxt.group(1)):
            continue
        yield from _strip(text, pos, stop)
        pos = stop
    yield from _strip(text, pos, end)


def _strip(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def line_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each non-blank line, stripped."""
    pos = 0
    for line in text.splitlines(keepends=True):
        yield from _strip(text, pos, pos + len(line))
        pos += len(line)
