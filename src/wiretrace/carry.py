"""What one text carries of another: its figures and names (``fact_carry``) and its subject
(``subjects_differ``). Two instances of one template (two companies' dividend notices, results tables,
rate moves) align sentence by sentence; what tells them apart is that the figures, names and headline
subject of one are not the other's, which a rewrite keeps. ``relation`` reads these as evidence.
"""

from __future__ import annotations

import re

from .checks import _expand, entity_supported
from .diff import DERIVED_LABELS
from .facts import _entities
from .figures import Quantity, QuantityPool, _numbers
from .model import Document, SentenceResult
from .text import content_stems

_WORD_RE = re.compile(r"[^\W_]+")
# Words of a company's legal form: "Brunswick Corp" and "Commercial Credit Corp" share no name.
DESIGNATORS = frozenset("corp corporation inc incorporated co company ltd plc llc lp ag sa nv".split())
# Another subject under one template (``subjects_differ``): each headline's subject (the names among its
# own words, or at least two own words) of which at most a third turn up in the other text.
SUBJECT_WORDS = 2
SUBJECT_HELD = 1 / 3


def sentence_numbers(doc: Document) -> list[list[Quantity]]:
    """The figures of each sentence (none for boilerplate), found in its text: a light Document (corpus
    verification) carries no number facts, and both modes must see the same figures."""
    return doc.memo(
        "relation_numbers",
        lambda: [
            [] if s.kind == "boilerplate" else [m.value for m in _numbers(s.text, 0)] for s in doc.sentences
        ],
    )


def sentence_names(doc: Document) -> list[list[frozenset[str]]]:
    """The names (entity keys) of each body sentence, found in its text (as ``sentence_numbers``)."""
    return doc.memo(
        "relation_names",
        lambda: [
            [m.value for m in _entities(s.text, 0) if m.value] if s.kind == "body" else []
            for s in doc.sentences
        ],
    )


def _name_words(doc: Document) -> set[str]:
    """Every word of the story and headline sentences, with the places the names stand for."""

    def build() -> set[str]:
        words = {
            w for s in doc.sentences if s.kind != "boilerplate" for w in _WORD_RE.findall(s.text.lower())
        }
        for keys in sentence_names(doc):
            for key in keys:
                words |= _expand(key)
        return words

    return doc.memo("relation_name_words", build)


def fact_carry(
    doc: Document, results: list[SentenceResult], other: Document
) -> tuple[int, int, int, int, int]:
    """(figures, held, changed, names, held) of ``doc``'s body sentences against ``other``: see
    ``Coverage``. A changed figure is the mark of a template (a notice, a results table) filled in for
    another subject: the sentence aligns, its figure does not."""
    mine, theirs = sentence_numbers(doc), sentence_numbers(other)
    pool = other.memo("relation_number_pool", lambda: QuantityPool([q for qs in theirs for q in qs]))
    numbers = held = changed = 0
    for r in results:
        if r.sentence.kind != "body":
            continue
        linked = r.label in DERIVED_LABELS
        for q in mine[r.sentence.i]:
            numbers += 1
            if pool.supports(q):
                held += 1
            elif linked and any(_same_slot(q, x) for i in r.matches for x in theirs[i]):
                changed += 1
    known = _name_words(other)
    names = [
        key - DESIGNATORS
        for r in results
        if r.sentence.kind == "body"
        for key in sentence_names(doc)[r.sentence.i]
        if key - DESIGNATORS
    ]
    return numbers, held, changed, len(names), sum(entity_supported(k, known) for k in names)


def _same_slot(q: Quantity, x: Quantity) -> bool:
    return q.kind == x.kind or {q.kind, x.kind} <= {"count", "money"}


def subjects_differ(a: Document, b: Document) -> bool:
    """Each headline names what the other text never mentions. A headline's subject is its own words
    (those the other headline lacks) that its story names ("Sheldahl" of "SHELDAHL <SHEL> VOTES
    THREE-FOR-TWO STOCK SPLIT"), or all its own words when the story names no one (a dividend notice:
    "LAWSON PRODUCTS INC" against "OHIO ART CO" over a shared "QUARTERLY", then at least
    ``SUBJECT_WORDS``). Each side's subject must be at most ``SUBJECT_HELD`` found anywhere in the other
    text. A rewrite retells its source's subject, so the source headline's subject turns up in the
    rewrite however its headline was reworded. A text without a headline never differs."""
    own = _subjects(a, b)
    return own is not None and all(
        len(words) >= need and _held(words, other) <= SUBJECT_HELD for words, need, other in own
    )


def subject_held(a: Document, b: Document) -> float:
    """The larger share of either headline's subject (``subjects_differ``) that the other text holds
    anywhere; 1.0 for one headline twice, -1.0 when a text has no headline."""
    own = _subjects(a, b)
    return -1.0 if own is None else max(_held(words, other) for words, _, other in own)


def _subjects(a: Document, b: Document) -> tuple[tuple[set[str], int, Document], ...] | None:
    """(subject words, how many it needs, the other text) of each side; None without two headlines."""
    ha, hb = _headline_stems(a), _headline_stems(b)
    if not ha or not hb:
        return None
    out = []
    for own, doc, other in ((ha - hb, a, b), (hb - ha, b, a)):
        named = own & _story_name_stems(doc)
        out.append((named, 1, other) if named else (own, SUBJECT_WORDS, other))
    return tuple(out)


def _story_name_stems(doc: Document) -> set[str]:
    """Stems of the words of the names in the story's sentences (legal forms left out)."""

    def build() -> set[str]:
        words = {w for keys in sentence_names(doc) for key in keys for w in key - DESIGNATORS}
        return set(content_stems(" ".join(sorted(words))))

    return doc.memo("relation_story_name_stems", build)


def _held(words: set[str], other: Document) -> float:
    return len(words & _all_stems(other)) / len(words) if words else 1.0


def _headline_stems(doc: Document) -> set[str]:
    return {t for s, ts in zip(doc.sentences, doc.tokens, strict=True) if s.kind == "headline" for t in ts}


def _all_stems(doc: Document) -> set[str]:
    return doc.memo("relation_all_stems", lambda: {t for ts in doc.tokens for t in ts})
