"""Is a derived sentence supported by the source sentence(s) it is linked to?

A small model (gradient-boosted trees, or a logistic model) over alignment, lexical and fact features: how
much of the sentence the source holds, word for word and by word vectors; which words it inserts with no
counterpart, and which pairs of shared words it puts in reverse order (arguments swapped); which figures and
names it takes from elsewhere in the story rather than from the linked sentences; and the fact-check flags.
The model is trained by ``scripts/train_support.py`` on development data and shipped as a JSON file of
weights. The entailment model's probabilities are not among its features: trained with them (FRANK test,
MSRP train), the classifier scored SummEdits 0.522 against 0.579 without them (docs/benchmarks.md); the
model's reading acts after the classifier instead (``diff._decide``, ``diff.supported_in_meaning``).
"""

from __future__ import annotations

import difflib
import itertools
import math

import numpy as np

from .align import Link
from .checks import entity_supported, invents_items, known_words
from .embed import word_vectors
from .figures import quantity_supported
from .lexicon import STOPWORDS
from .model import Document, Flag
from .text import WORD, stem
from .trees import load_model, raw_scores, sigmoid

FEATURES = (
    "cosine",
    "containment",
    "doc_containment",
    "bigram_containment",
    "novel_share",
    "novel_count",
    "unsupported_numbers",
    "changed_numbers",
    "novel_entities",
    "negation_mismatch",
    "quote_flags",
    "date_conflict",
    "reverse_containment",
    "length_log",
    "length_ratio",
    "intensifiers_added",
    "hedge_flags",
    "attribution_flags",
    "list_specifics",
    "soft_containment",
    "unmatched_words",
    "unmatched_doc_words",
    "unmatched_run",
    "unmatched_share",
    "order_agreement",
    "insertions",
    "discordant",
    "local_numbers",
    "local_entities",
)
UNMATCHED_BELOW = 0.6  # a word whose nearest source word is less similar than this is new information


def content_words(text: str) -> list[str]:
    """Lower-cased content words as written (not stemmed): the units of soft matching."""
    return [w for w in (m.group(0) for m in WORD.finditer(text.lower())) if w not in STOPWORDS and len(w) > 1]


def _sentence_words(doc: Document) -> list[list[str]]:
    return doc.memo("sentence_words", lambda: [content_words(s.text) for s in doc.sentences])


def _vocabulary(doc: Document) -> tuple[dict[str, int], np.ndarray]:
    """Every content word of the document with its vector, embedded once per document."""

    def build() -> tuple[dict[str, int], np.ndarray]:
        words = sorted({w for ws in _sentence_words(doc) for w in ws})
        return {w: k for k, w in enumerate(words)}, word_vectors(words)

    return doc.memo("vocabulary_vectors", build)


def _doc_words(doc: Document) -> list[str]:
    words = _sentence_words(doc)
    return doc.memo(
        "story_words",
        lambda: sorted(
            {w for s, ws in zip(doc.sentences, words, strict=True) if s.kind != "boilerplate" for w in ws}
        ),
    )


def soft_match(b_words: list[str], b: Document, a_words: list[str], a: Document) -> np.ndarray:
    """For each derived word, its best cosine to any of the given source words (1.0 for the same word)."""
    if not b_words:
        return np.ones(0, dtype=np.float32)
    if not a_words:
        return np.zeros(len(b_words), dtype=np.float32)
    b_index, b_vectors = _vocabulary(b)
    a_index, a_vectors = _vocabulary(a)
    a_set = set(a_words)
    if a_words is _doc_words(a):  # the whole story's words: one matrix per document, built once
        a_matrix = a.memo("story_matrix", lambda: a_vectors[[a_index[w] for w in a_words]])
    else:
        a_matrix = a_vectors[[a_index[w] for w in sorted(a_set)]]
    sims = b_vectors[[b_index[w] for w in b_words]] @ a_matrix.T
    best = sims.max(axis=1)
    exact = np.array([w in a_set for w in b_words])
    return np.where(exact, 1.0, best).astype(np.float32)


def _longest_run(mask: np.ndarray) -> int:
    """Longest stretch of consecutive new words: a whole clause of new information, not a synonym."""
    best = run = 0
    for x in mask:
        run = run + 1 if x else 0
        best = max(best, run)
    return best


def order_agreement(b_tokens: tuple[str, ...], a_tokens: tuple[str, ...]) -> float:
    """Share of consecutive shared words that keep their source order ("A beat B" vs "B beat A")."""
    first = {}
    for k, t in enumerate(a_tokens):
        first.setdefault(t, k)
    pos = [first[t] for t in b_tokens if t in first]
    if len(pos) < 3:
        return 1.0
    return sum(y > x for x, y in itertools.pairwise(pos)) / (len(pos) - 1)


def _bigrams(tokens: tuple[str, ...]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(tokens))


def discordant_pairs(b_words: list[str], a_words: list[str]) -> float:
    """Share of pairs of shared words whose order the derived sentence reverses ("A sued B" -> "B sued A").

    Unlike ``order_agreement`` (neighbours only) this counts every pair, so two arguments swapped across a
    verb show however many words stand between them.
    """
    first: dict[str, int] = {}
    for k, w in enumerate(a_words):
        first.setdefault(w, k)
    pos = [first[w] for w in dict.fromkeys(b_words) if w in first]
    n = len(pos)
    if n < 3:
        return 0.0
    return sum(y < x for x, y in itertools.combinations(pos, 2)) / (n * (n - 1) / 2)


def inserted_words(b_words: list[str], a_words: list[str]) -> int:
    """Content words the derived sentence puts in where its source has nothing to replace them with.

    A word standing in the place of a source word is a rewording (or a substitution, judged by the fact
    checks); a word inserted with no counterpart is a new detail ("a British man" for "a man").
    """
    a_set = set(a_words)
    out = 0
    ops = difflib.SequenceMatcher(None, a_words, b_words, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "insert" or (tag == "replace" and all(w in b_words for w in a_words[i1:i2])):
            out += sum(1 for w in b_words[j1:j2] if w not in a_set)
    return out


def features(a: Document, b: Document, link: Link, flags: list[Flag]) -> dict[str, float]:
    btoks = b.tokens[link.b]
    bset = set(btoks)
    src = set().union(*(a.tokens[i] for i in link.sources))
    doc = a.memo("vocabulary", lambda: {t for toks in a.tokens for t in toks})
    novel = bset - doc
    b_bi = _bigrams(btoks)
    src_bi = set().union(*(_bigrams(a.tokens[i]) for i in link.sources))
    count = {
        t: 0
        for t in (
            "number_changed",
            "specifics_added",
            "entity_changed",
            "negation_changed",
            "date_changed",
            "intensifier_added",
            "hedge_removed",
            "hedge_added",
            "attribution_added",
            "attribution_changed",
            "quote_fabricated",
            "quote_altered",
        )
    }
    for f in flags:
        if f.type in count:
            count[f.type] += 1
    n_numbers = sum(1 for f in flags if f.type == "specifics_added" and "figure" in f.detail)
    n_entities = sum(1 for f in flags if f.type == "specifics_added" and f.detail.startswith("names"))
    n_lists = sum(1 for f in flags if invents_items(f))
    src_len = sum(len(a.tokens[i]) for i in link.sources)
    b_words = _sentence_words(b)[link.b]
    src_words = [w for i in link.sources for w in _sentence_words(a)[i]]
    soft = soft_match(b_words, b, src_words, a)
    unmatched = [w for w, v in zip(b_words, soft, strict=True) if v < UNMATCHED_BELOW]
    doc_soft = soft_match(unmatched, b, _doc_words(a), a) if unmatched else np.ones(0)
    best_tokens = a.tokens[link.sources[0]]
    sources = sorted(link.sources)
    b_stems = [stem(w) for w in b_words]
    a_stems = [stem(w) for i in sources for w in _sentence_words(a)[i]]
    known = known_words(a, sources)  # local facts: what the linked sentences (not the whole story) hold
    src_numbers = [m.value for i in sources for m in a.facts[i].numbers]
    return {
        "cosine": link.cosine,
        "containment": link.containment,
        "doc_containment": len(bset & doc) / len(bset) if bset else 1.0,
        "bigram_containment": len(b_bi & src_bi) / len(b_bi) if b_bi else 1.0,
        "novel_share": len(novel) / len(bset) if bset else 0.0,
        "novel_count": min(len(novel), 8) / 8,
        "unsupported_numbers": min(n_numbers, 3),
        "changed_numbers": min(count["number_changed"], 3),
        "novel_entities": min(n_entities + count["entity_changed"], 3),
        "negation_mismatch": float(count["negation_changed"] > 0),
        "quote_flags": min(count["quote_fabricated"] + count["quote_altered"], 2),
        "date_conflict": float(count["date_changed"] > 0),
        "reverse_containment": len(bset & src) / len(src) if src else 0.0,
        "length_log": math.log1p(len(btoks)),
        "length_ratio": min(len(btoks) / max(src_len, 1), 3.0),
        "intensifiers_added": min(count["intensifier_added"], 3),
        "hedge_flags": min(count["hedge_removed"] + count["hedge_added"], 3),
        "attribution_flags": min(count["attribution_added"] + count["attribution_changed"], 2),
        "list_specifics": min(n_lists, 2),
        "soft_containment": float(soft.mean()) if len(soft) else 1.0,
        "unmatched_words": min(len(unmatched), 6) / 6,
        "unmatched_doc_words": min(int((doc_soft < UNMATCHED_BELOW).sum()), 6) / 6,
        "unmatched_run": min(_longest_run(soft < UNMATCHED_BELOW), 4) / 4,
        "unmatched_share": float((soft < UNMATCHED_BELOW).mean()) if len(soft) else 0.0,
        "order_agreement": order_agreement(btoks, best_tokens),
        "insertions": min(inserted_words(b_stems, a_stems), 6),
        "discordant": discordant_pairs(b_stems, a_stems),
        "local_numbers": min(
            sum(not quantity_supported(m.value, src_numbers) for m in b.facts[link.b].numbers), 3
        ),
        "local_entities": min(sum(not entity_supported(m.value, known) for m in b.facts[link.b].entities), 3),
    }


def _model() -> dict:
    return load_model("support_model.json")


def support_probabilities(rows: list[dict[str, float]]) -> np.ndarray:
    """P(supported by the linked source) for each feature row, from the shipped model.

    The model is gradient-boosted shallow trees (or a logistic model), exported from scikit-learn to
    plain arrays so that nothing but numpy is needed to run it (``trees``).
    """
    if not rows:
        return np.zeros(0)
    model = _model()
    X = np.array([[r[f] for f in model["features"]] for r in rows], dtype=np.float64)
    if model["type"] == "logistic":
        z = model["intercept"] + ((X - model["mean"]) / model["scale"]) @ np.asarray(model["coef"])
    else:
        z = raw_scores(model, X)
    return sigmoid(z)


def support_threshold() -> float:
    return float(_model().get("threshold", 0.5))


def rescue_threshold() -> float:
    """The entailment probability from which a sentence worded unlike any source sentence is still a
    paraphrase (``diff.supported_in_meaning``); chosen with the classifier by scripts/train_support.py
    (above 1: never)."""
    return float(_model().get("rescue_threshold", 1.01))


def support_probability(feats: dict[str, float]) -> float:
    return float(support_probabilities([feats])[0])
