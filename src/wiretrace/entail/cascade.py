"""Which derived sentences the entailment model reads, against which source passage: a cascade.

The model costs a few milliseconds a pair, so only sentences the cheap evidence leaves in doubt reach
it: a verbatim sentence is settled before any of this runs, and a sentence whose every content word
(or a close word vector of it) stands in its linked source sentences, in the source's order, with no
fact flag, is taken as supported (``needs_model``); of the rest, ``diff.read_meaning`` sends only those
whose label the reading can change (no fact flag, and not already settled by the support classifier or
by words of their own). They are scored in one call against their linked source sentences in document
order; a sentence the linked sentences do not entail gets a second
try against a two-sentence window around its best source (an alignment link may miss the neighbour
that holds the rest of the claim). ``diff`` acts on the reading: a sentence the classifier finds
unsupported, with no fact flag and no new words, is ``altered`` with ``meaning_changed`` when the model
does not read it in its source; a weakly linked sentence it reads as entailed is a paraphrase.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..align import Link
from ..model import Document, Flag

# Cheap evidence that settles a sentence without the model (all must hold): what the linked sources
# hold of it, word for word or by a close word vector, and in their order.
SETTLED_SOFT = 0.97  # ``support.features``' soft_containment
SETTLED_BIGRAMS = 0.6  # bigram_containment: the words mostly in the source's own sequences
RETRY_BELOW = 0.5  # entailment under this against the linked sentences: try the window too


@dataclass(frozen=True)
class Judgement:
    """The model's reading of one derived sentence against its source passage."""

    entail: float
    contradict: float
    premise: tuple[int, ...]  # the source sentences it was read against (empty: not read)

    @property
    def ran(self) -> bool:
        return bool(self.premise)


SETTLED = Judgement(1.0, 0.0, ())


def needs_model(feats: Mapping[str, float], flags: Sequence[Flag]) -> bool:
    """Whether the cheap evidence leaves the sentence in doubt (see the module docstring)."""
    return bool(
        flags
        or feats["soft_containment"] < SETTLED_SOFT
        or feats["bigram_containment"] < SETTLED_BIGRAMS
        or feats["discordant"] > 0.0
        or feats["unmatched_words"] > 0.0
    )


def _window(a: Document, best: int) -> tuple[int, ...]:
    """The best source sentence with the story sentence after it (before it, at the story's end)."""
    story = [s.i for s in a.sentences if s.kind == "body"]
    if best not in story:
        return (best,)
    k = story.index(best)
    if k + 1 < len(story):
        return (best, story[k + 1])
    return (story[k - 1], best) if k else (best,)


def _text(doc: Document, idx: Sequence[int]) -> str:
    return " ".join(doc.sentences[i].text for i in idx)


def judge(
    a: Document,
    b: Document,
    asks: Mapping[int, Link],
    score: Callable[[list[tuple[str, str]]], np.ndarray] | None = None,
) -> dict[int, Judgement]:
    """The model's judgement of each derived sentence ``j`` in ``asks`` against its link's sources.

    ``score`` maps (premise, hypothesis) pairs to (n, 3) probabilities; the shipped model by default.
    """
    if not asks:
        return {}
    if score is None:
        from . import model

        score = model().score
    order = sorted(asks)
    first = {j: tuple(sorted(asks[j].sources)) for j in order}
    probs = score([(_text(a, first[j]), b.sentences[j].text) for j in order])
    out = {j: Judgement(float(p[0]), float(p[2]), first[j]) for j, p in zip(order, probs, strict=True)}
    retry = {
        j: w
        for j in order
        if out[j].entail < RETRY_BELOW and (w := _window(a, asks[j].sources[0])) != first[j]
    }
    if retry:
        again = score([(_text(a, w), b.sentences[j].text) for j, w in retry.items()])
        for (j, w), p in zip(retry.items(), again, strict=True):
            if p[0] > out[j].entail:
                out[j] = Judgement(float(p[0]), float(p[2]), w)
    return out
