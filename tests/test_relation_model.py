"""The learned relation: templates filled in for another subject are not rewrites; updates and LLM
rewrites are. Real text from tests/data (sources in its README)."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

from conftest import DATA
from wiretrace.compare import compare, relate_documents
from wiretrace.prepare import prepare
from wiretrace.relation import CLASSES, FEATURES, relation_probabilities

DERIVED = ("copy", "rewrite")


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_two_companies_results_on_one_template_are_not_a_rewrite():
    c = compare(read("reuters_template_wang.txt"), read("reuters_template_xidex.txt"))
    assert c.relation.type not in DERIVED
    assert "figures" in c.relation.detail


def test_a_reissued_results_notice_of_one_company_is_derived():
    c = compare(read("reuters_update_1.txt"), read("reuters_update_2.txt"))
    assert c.relation.type in DERIVED


def test_an_llm_rewrite_of_a_bbc_story_is_derived():
    c = compare(read("llm_source_174.txt"), read("llm_rewrite_174.txt"))
    assert c.relation.type == "rewrite"
    assert 0.5 < c.relation.score <= 1.0  # the classifier's probability of the chosen class


def test_corpus_mode_gives_the_same_relation_on_light_documents():
    from wiretrace.compare import as_article

    for a, b in (
        ("reuters_template_wang.txt", "reuters_template_xidex.txt"),
        ("reuters_update_1.txt", "reuters_update_2.txt"),
    ):
        full = compare(read(a), read(b))
        rel, _, _ = relate_documents(
            prepare(as_article(read(a)), light=True), prepare(as_article(read(b)), light=True)
        )
        assert (rel.type, rel.score) == (full.relation.type, full.relation.score)


def test_probabilities_are_a_distribution_over_the_three_classes():
    row = dict.fromkeys(FEATURES, 0.5)
    p = relation_probabilities([row, {**row, "vocab": 0.9, "derived": 1.0, "number_carry": 1.0}])
    assert p.shape == (2, len(CLASSES))
    assert abs(p.sum(axis=1) - 1).max() < 1e-9


def test_the_shipped_model_reads_the_engines_features():
    model = json.loads((resources.files("wiretrace") / "data" / "relation_model.json").read_text())
    assert model["features"] == list(FEATURES)
    assert model["labels"] == list(CLASSES)
    assert model["recipe"] == "scripts/train_relation.py"


# scripts/train_relation.py writes these bytes from the current code and data (``bench/relation_bench.py
# --reproduced`` reruns it and compares); retrain and update the hash together.
MODEL_SHA256 = "5e7667810da438df5ac6efe1b296899154594d99db23cae70eeeaffc6dec20a0"


def test_the_shipped_model_is_the_one_the_recipe_wrote():
    data = (resources.files("wiretrace") / "data" / "relation_model.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == MODEL_SHA256
