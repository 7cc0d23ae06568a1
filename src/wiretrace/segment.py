"""Sentence splitting with character offsets into the original text.

A small rule-based splitter tuned for news: it never rewrites the text (offsets stay exact), treats line
breaks as hard boundaries (except inside a hard-wrapped paragraph, ``block_spans``), and knows the
abbreviations, initials and closing quotes that fool naive splitters ("Mr. Kim", "U.S. forces",
'said. "Next').
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


# Hard-wrapped plain text (newswire archives, e-mail, text dumps) breaks every line at a fixed margin,
# so a line is a fragment, not a paragraph. A text is read as wrapped when its lines keep a margin: the
# 90th-percentile line between ``WRAP_MIN`` and ``WRAP_MAX`` characters, no line far past it, and at
# least half the lines near it or half the line breaks inside a sentence. Extracted web text puts a
# paragraph on a line (most lines far longer) and results tables have short rows: neither is joined.
WRAP_MIN, WRAP_MAX = 50, 100
WRAP_FULL = 0.75  # a line this close to the margin is "full"
WRAP_OVER = 1.3  # no line longer than this times the margin
_ENDS_SENTENCE = re.compile(r"[.!?:…。！？][\"'”’)\]」』]*$")
_RUNS_ON = re.compile(r"\D*\b[a-z]+")  # no figure, ends on a lower-case word
_LIST_ITEM = re.compile(r"(?:[*•▪‣–—-]|\d{1,3}[.)])\s")


def wrap_width(text: str, lines: list[tuple[int, int, int]], gaps: list[bool]) -> int:
    """The margin of a hard-wrapped text (0 when it is not wrapped). ``lines``: (start, end, indent) of
    each non-blank line; ``gaps``: whether a blank line comes before it. Wrapped: lines keep a margin
    and either half of them reach it or half the line breaks fall inside a sentence (a short text)."""
    if len(lines) < 4:
        return 0
    ends = sorted(e - s + i for s, e, i in lines)
    p90 = ends[int(0.9 * (len(ends) - 1))]
    if not WRAP_MIN <= p90 <= WRAP_MAX or ends[-1] > WRAP_OVER * p90:
        return 0
    if sum(n >= WRAP_FULL * p90 for n in ends) >= len(ends) / 2:
        return p90
    breaks = [(s, e) for (s, e, _), gap in zip(lines[:-1], gaps[1:], strict=True) if not gap]
    inside = sum(not _ENDS_SENTENCE.search(text, s, e) for s, e in breaks)
    return p90 if len(breaks) >= 2 and inside >= len(breaks) / 2 else 0


def block_spans(text: str) -> Iterator[tuple[int, int]]:
    """``line_spans``, with the lines of a hard-wrapped paragraph joined where a sentence runs across the
    break (``wrap_width``). A line goes on into the next when the next starts in lower case ("the
    U.S.\nbenchmark"), or when it ends no sentence and the break was forced (the next line's first word
    would not have fitted under the margin: table rows stop short of it), or when it is a short line
    that stops on a lower-case word before a forced break (the first line after a dateline that was cut
    off: "First Union Corp said its"). Never across a blank line, into a line indented deeper (a new
    paragraph) or into a list item. Lines that end a sentence stay apart: the sentences are the same
    either way, and a furniture line after a paragraph keeps its own label."""
    lines: list[tuple[int, int, int]] = []
    blank_before: list[bool] = []
    pos, blank = 0, False
    for line in text.splitlines(keepends=True):
        stripped = list(_strip(text, pos, pos + len(line)))
        if stripped:
            s, e = stripped[0]
            lines.append((s, e, s - pos))
            blank_before.append(blank)
            blank = False
        else:
            blank = True
        pos += len(line)
    if not wrap_width(text, lines, blank_before):
        for s, e, _ in lines:
            yield s, e
        return
    margin = max(e - s + i for s, e, i in lines)

    def forced(k: int) -> bool:  # line k broke because the next line's first word did not fit
        if k + 1 >= len(lines) or blank_before[k + 1]:
            return False
        (s, e, i), (ns, ne, _) = lines[k], lines[k + 1]
        word = len(text[ns:ne].split(None, 1)[0])
        return e - s + i + 1 + word > margin

    start, end, _ = lines[0]
    for k in range(1, len(lines)):
        (ps, pe, pi), (s, e, i) = lines[k - 1], lines[k]
        open_end = not _ENDS_SENTENCE.search(text, ps, pe)
        goes_on = (
            text[s].islower()
            or (open_end and forced(k - 1))
            or (open_end and forced(k) and _RUNS_ON.fullmatch(text, ps, pe) is not None)
        )
        if goes_on and not blank_before[k] and i <= pi and not _LIST_ITEM.match(text, s):
            end = e
            continue
        yield start, end
        start, end = s, e
    yield start, end
