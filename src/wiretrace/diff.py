"""Labels and flags for every sentence of both sides (the DESIGN taxonomy).

Derived side: verbatim, paraphrase, altered (always with a flag), added, boilerplate, headline.
Source side: kept, omitted, boilerplate, headline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from .align import MATCHABLE, Alignment, Link, link
from .checks import Context, check_all, invents_items
from .entail.cascade import SETTLED, Judgement, judge, needs_model
from .lexicon import STOPWORDS
from .model import Document, Flag, SentenceResult
from .roles import check_roles
from .support import features, rescue_threshold, support_probabilities, support_threshold
from .text import WORD, content_stem, squash

LINK_MIN = 0.44  # blended similarity below which no source sentence supports a derived one: "added"
# The support probability from which a linked sentence is a paraphrase comes with the shipped model
# (chosen on out-of-fold training predictions, see scripts/train_support.py).
# Flags that contradict the source outright: a sentence carrying one is altered whatever the classifier says
# (so is one that spells out several things the source never names, see ``checks.invents_items``).
HARD_FLAGS = frozenset(
    {
        "number_changed",
        "date_changed",
        "quote_fabricated",
        "quote_altered",
        "negation_changed",
        "roles_swapped",
    }
)
DERIVED_LABELS = ("verbatim", "paraphrase", "altered")


@dataclass(frozen=True)
class Evidence:
    """What the labeller knows about one derived sentence: its link, the fact flags and the features."""

    link: Link
    flags: list[Flag]
    notes: list[dict]
    features: dict[str, float]
    judgement: Judgement = SETTLED  # the entailment model's reading (``SETTLED``: not needed or not asked)


def squashed(doc: Document) -> tuple[str, ...]:
    """Every sentence squashed (``text.squash``), once per document: a corpus compares it in many pairs."""
    return doc.memo("squashed_sentences", lambda: tuple(squash(s.text) for s in doc.sentences))


def verbatim_index(a: Document) -> dict[str, int]:
    """Squashed text -> sentence number for the sentences of ``a`` a derived sentence may repeat."""

    def index() -> dict[str, int]:
        return {q: s.i for s, q in zip(a.sentences, squashed(a), strict=True) if s.kind in MATCHABLE}

    return a.memo("verbatim_index", index)


def links_of(a: Document, b: Document, al: Alignment) -> dict[int, Link | None]:
    return {j: link(al, a, b, j) for j in range(len(b.sentences))}


def evidence(a: Document, b: Document, links: dict[int, Link | None]) -> dict[int, Evidence]:
    """Fact checks and classifier features for every linked body sentence of ``b`` (the entailment model's
    reading is added later, only where it can change a label: ``read_meaning``)."""
    groups: dict[int, list[int]] = defaultdict(list)
    users: dict[int, list[int]] = defaultdict(list)
    for j, lk in links.items():
        if lk is not None and lk.similarity >= LINK_MIN and b.sentences[j].kind == "body":
            groups[lk.sources[0]].append(j)
            for i in lk.sources:
                users[i].append(j)
    used = {i: tuple(js) for i, js in users.items()}
    out = {}
    for j, lk in links.items():
        if lk is None or b.sentences[j].kind != "body":
            continue
        group = tuple(groups.get(lk.sources[0], [j])) or (j,)
        ctx = Context(a, b, j, lk.sources, group, used)
        flags, notes = check_all(ctx)
        flags += check_roles(ctx)
        out[j] = Evidence(lk, flags, notes, features(a, b, lk, flags))
    return out


def read_meaning(a: Document, b: Document, found: dict[int, Evidence], probs: dict[int, float]) -> None:
    """Let the entailment model read the derived sentences whose label its reading can change, and
    nothing else (it costs milliseconds a pair; ``compare`` of two long articles had spent most of its time
    on readings ``_decide`` then ignored):

    - a weakly linked sentence (no source sentence says it in the same words) with no fact flag: read as
      following from its source, it is a paraphrase, else an addition;
    - a well linked one the cheap evidence leaves in doubt (``entail.cascade.needs_model``) that has no
      flag, is not taken as supported by the classifier and adds no words of its own: read as not
      following from its source, it is altered (``meaning_changed``), else a paraphrase.

    A verbatim sentence never reaches the model. Readings are stored on ``found`` in place."""
    a_squashed, b_squashed = verbatim_index(a), squashed(b)
    asks: dict[int, Link] = {}
    for j, ev in found.items():
        lk = ev.link
        if ev.flags or b_squashed[j] in a_squashed:
            continue
        if lk.similarity < LINK_MIN or (
            needs_model(ev.features, ev.flags)
            and probs[j] < support_threshold()
            and not _novel_runs(a, b, lk.b)
        ):
            asks[j] = lk
    for j, judgement in judge(a, b, asks).items():
        found[j] = replace(found[j], judgement=judgement)


def diff_derived(a: Document, b: Document, al: Alignment, meaning: bool = True) -> list[SentenceResult]:
    """Label each sentence of ``b`` against source ``a``. ``meaning``: the entailment model reads what it
    can settle (``read_meaning``); without it (the reverse reading of a pair, which only the relation and
    the direction use, and they need no more than links and flags) every sentence counts as settled."""
    links = links_of(a, b, al)
    found = evidence(a, b, links)
    probs = dict(zip(found, support_probabilities([ev.features for ev in found.values()]), strict=True))
    if meaning:
        read_meaning(a, b, found, probs)
    a_squashed, b_squashed = verbatim_index(a), squashed(b)
    results = []
    for j, sent in enumerate(b.sentences):
        if sent.kind == "boilerplate":
            results.append(
                SentenceResult(sent, "boilerplate", notes=[{"type": "reason", "detail": sent.reason}])
            )
            continue
        lk = links[j]
        exact = a_squashed.get(b_squashed[j])
        if exact is not None:
            label = "headline" if sent.kind == "headline" else "verbatim"
            results.append(SentenceResult(sent, label, [exact], 1.0, support=1.0))
        elif sent.kind == "headline":  # title case and telegraphic: link it, do not fact-check it
            linked = lk is not None and lk.similarity >= LINK_MIN
            results.append(
                SentenceResult(
                    sent,
                    "headline",
                    list(lk.sources) if linked else [],
                    _round(lk.similarity) if lk else None,
                )
            )
        elif lk is None or (lk.similarity < LINK_MIN and not supported_in_meaning(found[j])):
            results.append(SentenceResult(sent, "added", [], _round(lk.similarity) if lk else None))
        elif lk.similarity < LINK_MIN:  # new words, the same claim: the model reads it in the source
            judged = found[j].judgement
            note = {
                "type": "meaning",
                "detail": "worded unlike any source sentence, but read as following from "
                f"{'them' if len(judged.premise) > 1 else 'it'} ({judged.entail:.0%} entailment)",
            }
            results.append(
                SentenceResult(
                    sent,
                    "paraphrase",
                    list(judged.premise),
                    _round(lk.similarity),
                    [],
                    [*found[j].notes, note],
                    round(judged.entail, 3),
                )
            )
        else:
            ev = found[j]
            p = float(probs[j])
            label, flags = _decide(a, b, lk, p, ev)
            results.append(
                SentenceResult(
                    sent,
                    label,
                    list(lk.sources) if label != "added" else [],
                    _round(lk.similarity),
                    flags,
                    ev.notes,
                    round(p, 3),
                )
            )
    return results


def _decide(a: Document, b: Document, lk: Link, p: float, ev: Evidence) -> tuple[str, list[Flag]]:
    flags = ev.flags
    if p >= support_threshold() and not any(decisive(f) for f in flags):
        return "paraphrase", flags
    if flags:
        return "altered", flags
    runs = _novel_runs(a, b, lk.b)
    if not runs:
        if ev.judgement.ran and ev.judgement.entail < 0.5:
            return "altered", [meaning_flag(a, b, lk.b, ev.judgement)]
        return "paraphrase", flags
    return "altered", [
        Flag(
            "specifics_added",
            f"adds “{b.article.text[s:e]}”, which the source does not support",
            None,
            (s, e),
        )
        for s, e in runs[:3]
    ]


def supported_in_meaning(ev: Evidence) -> bool:
    """A weakly linked sentence (worded unlike any source sentence) that the entailment model reads as
    following from its source passage, with no fact flag against it: a paraphrase, not an addition
    (``support.rescue_threshold``, learned with the support classifier)."""
    return ev.judgement.ran and ev.judgement.entail >= rescue_threshold() and not ev.flags


def meaning_flag(a: Document, b: Document, j: int, judgement: Judgement) -> Flag:
    """``meaning_changed``: the model reads the sentence as not following from its source passage (no
    explicit fact check fired); strong when it reads a contradiction."""
    first, last = a.sentences[judgement.premise[0]], a.sentences[judgement.premise[-1]]
    sent = b.sentences[j]
    contradicts = judgement.contradict >= 0.5
    detail = (
        f"reads as contradicting the source ({judgement.contradict:.0%} contradiction)"
        if contradicts
        else f"does not follow from the source ({judgement.entail:.0%} entailment)"
    )
    return Flag("meaning_changed", detail, (first.start, last.end), (sent.start, sent.end), contradicts)


def decisive(flag: Flag) -> bool:
    """A flag that makes its sentence altered on its own: an outright contradiction or invented items."""
    return (flag.type in HARD_FLAGS and flag.strong) or invents_items(flag)


def _novel_runs(a: Document, b: Document, j: int) -> list[tuple[int, int]]:
    """Runs of adjacent words the source never uses (stopwords may sit inside a run), longest first.

    Words are compared as the source's tokens were made (``content_stem``): a demonym is its place, so
    "Chinese" adds nothing to a story about China."""
    doc = a.memo("vocabulary", lambda: {t for toks in a.tokens for t in toks})
    sent = b.sentences[j]
    runs: list[list[int]] = []
    last_novel = False
    for m in WORD.finditer(sent.text):
        w = m.group(0).lower()
        if w in STOPWORDS or len(w) < 2:
            continue
        novel = content_stem(w) not in doc
        if novel and last_novel and runs:
            runs[-1][1] = sent.start + m.end()
        elif novel:
            runs.append([sent.start + m.start(), sent.start + m.end()])
        last_novel = novel
    return sorted(((s, e) for s, e in runs), key=lambda r: r[0] - r[1])


def link_labels(a: Document, b: Document, al: Alignment) -> list[SentenceResult]:
    """Labels from the alignment alone (verbatim, paraphrase standing for any derived label, added).

    Whether a sentence is derived at all depends only on its link, so this is what the relation needs;
    it skips the fact checks and the classifier, which only split derived sentences into kinds.
    """
    a_squashed, b_squashed = verbatim_index(a), squashed(b)
    out = []
    for j, sent in enumerate(b.sentences):  # a link is looked for only where the label needs one
        if sent.kind != "body":
            out.append(SentenceResult(sent, sent.kind))
        elif (same := a_squashed.get(b_squashed[j])) is not None:
            out.append(SentenceResult(sent, "verbatim", [same], 1.0))
        elif (lk := link(al, a, b, j)) is not None and lk.similarity >= LINK_MIN:
            out.append(SentenceResult(sent, "paraphrase", list(lk.sources), _round(lk.similarity)))
        else:
            out.append(SentenceResult(sent, "added"))
    return out


def diff_source(a: Document, derived: list[SentenceResult]) -> list[SentenceResult]:
    """Label each sentence of source ``a`` by whether a derived sentence uses it."""
    users: dict[int, list[int]] = defaultdict(list)
    best: dict[int, float] = {}
    for r in derived:
        if r.label in DERIVED_LABELS or (r.label == "headline" and r.matches):
            for i in r.matches:
                users[i].append(r.sentence.i)
                best[i] = max(best.get(i, 0.0), r.similarity or 0.0)
    out = []
    for s in a.sentences:
        if s.kind == "boilerplate":
            out.append(SentenceResult(s, "boilerplate", notes=[{"type": "reason", "detail": s.reason}]))
        elif s.kind == "headline":
            out.append(SentenceResult(s, "headline", users.get(s.i, []), best.get(s.i)))
        elif s.i in users:
            out.append(SentenceResult(s, "kept", users[s.i], best[s.i]))
        else:
            out.append(SentenceResult(s, "omitted"))
    return out


def _round(x: float) -> float:
    return round(float(x), 3)
