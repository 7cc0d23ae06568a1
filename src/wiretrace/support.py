"""Is a derived sentence supported by the source sentence(s) it is linked to?

A logistic model over alignment, lexical and fact features. No NLI model ships on PyPI, so the model is
small, trained by ``scripts/train_support.py`` on development data and shipped as a JSON file of weights.
"""

from __future__ import annotations

import itertools
import json
import math
from functools import lru_cache
from importlib import resources

from .align import Link
from .model import Document, Flag

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
)


def _bigrams(tokens: tuple[str, ...]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(tokens))


def features(a: Document, b: Document, link: Link, flags: list[Flag]) -> dict[str, float]:
    btoks = b.tokens[link.b]
    bset = set(btoks)
    src = set().union(*(a.tokens[i] for i in link.sources))
    doc = {t for toks in a.tokens for t in toks}
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
    n_lists = sum(1 for f in flags if f.type == "specifics_added" and f.detail.startswith("spells out"))
    src_len = sum(len(a.tokens[i]) for i in link.sources)
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
    }


@lru_cache(maxsize=1)
def _model() -> dict:
    path = resources.files("wiretrace") / "data" / "support_model.json"
    return json.loads(path.read_text())


def support_probability(feats: dict[str, float]) -> float:
    """P(the sentence is supported by its linked source), from the shipped logistic model."""
    model = _model()
    z = model["intercept"]
    for name, weight, mean, scale in zip(
        model["features"], model["coef"], model["mean"], model["scale"], strict=True
    ):
        z += weight * (feats[name] - mean) / scale
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
