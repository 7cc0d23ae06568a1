"""Turn (source text, derived sentence) items into the classifier's features, the way compare sees them."""

from __future__ import annotations

from dataclasses import replace

from wiretrace import align
from wiretrace.diff import LINK_MIN, Evidence, evidence, links_of
from wiretrace.embed import embed
from wiretrace.entail.cascade import judge
from wiretrace.model import Article
from wiretrace.prepare import prepare


def assess(source: str, sentence: str) -> tuple[Evidence | None, float]:
    """Evidence for the sentence's least-supported part against ``source`` (None when nothing links)."""
    a = prepare(Article(text=source))
    b = prepare(Article(text=sentence))
    vecs = embed([s.text for s in a.sentences] + [s.text for s in b.sentences])
    al = align.build(a, b, vectors=(vecs[: len(a.sentences)], vecs[len(a.sentences) :]))
    links = links_of(a, b, al)
    found = evidence(a, b, links)
    weak = {j: ev.link for j, ev in found.items() if ev.link.similarity < LINK_MIN and not ev.flags}
    for j, judgement in judge(a, b, weak).items():  # what ``diff.read_meaning`` asks of weak links
        found[j] = replace(found[j], judgement=judgement)
    best = None
    for j, ev in found.items():
        if best is None or ev.link.similarity < best[1].link.similarity:
            best = (j, ev)  # the weakest-supported sentence decides whether the item is supported
    if best is None:
        return None, 0.0
    return best[1], best[1].link.similarity


def featurize(items: list[tuple[str, str, bool]], keep_index: bool = False) -> tuple:
    """Feature rows and labels of the items compare would ask the classifier about (linked ones).

    With ``keep_index`` also the index of each such item, and the weakly linked items the entailment
    model read (index, P(entailment), whether a fact check flagged it): ``diff.supported_in_meaning``
    may still call those paraphrases."""
    rows, labels, used, weak = [], [], [], []
    for k, (source, sentence, supported) in enumerate(items):
        ev, sim = assess(source, sentence)
        if ev is None:
            continue
        if sim < LINK_MIN:  # compare labels these "added" before the classifier is asked
            if ev.judgement.ran:
                weak.append((k, ev.judgement.entail, bool(ev.flags)))
            continue
        rows.append(ev.features)
        labels.append(int(supported))
        used.append(k)
    return (rows, labels, used, weak) if keep_index else (rows, labels)


def derived_labels(source: str, derived: str) -> list[str]:
    """wiretrace's labels for the body sentences of ``derived`` read against ``source`` (one direction)."""
    from wiretrace.diff import diff_derived

    a = prepare(Article(text=source))
    b = prepare(Article(text=derived))
    vecs = embed([s.text for s in a.sentences] + [s.text for s in b.sentences])
    al = align.build(a, b, vectors=(vecs[: len(a.sentences)], vecs[len(a.sentences) :]))
    return [r.label for r in diff_derived(a, b, al) if r.sentence.kind == "body"]


def unsupported(source: str, derived: str) -> bool:
    """The benchmark question: does ``derived`` say anything its source does not support?"""
    return any(label in ("altered", "added") for label in derived_labels(source, derived))
