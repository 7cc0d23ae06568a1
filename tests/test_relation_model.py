"""The learned relation: templates filled in for another subject are not rewrites; updates and LLM
rewrites are. Real text from tests/data (sources in its README)."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

from conftest import DATA
from wiretrace.carry import subject_held, subjects_differ
from wiretrace.compare import as_article, compare, relate_documents
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
    for a, b in (
        ("reuters_template_wang.txt", "reuters_template_xidex.txt"),
        ("reuters_update_1.txt", "reuters_update_2.txt"),
        ("reuters_dividend_lawson.txt", "reuters_dividend_ohio_art.txt"),
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
MODEL_SHA256 = "2db12f8f01350c2ec1956dce173967f3d36d44a23249af6ec9b589c1d3bd064f"


def test_the_shipped_model_is_the_one_the_recipe_wrote():
    data = (resources.files("wiretrace") / "data" / "relation_model.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == MODEL_SHA256


def test_two_companies_dividend_notices_differ_in_subject_not_in_figures():
    # the bodies ("Qtly div six cts vs six cts prior / Pay ... / Record ...") name nobody and share most
    # figures; only the headlines (first lines, read as titles from the files) say whose dividend it is
    c = compare(DATA / "reuters_dividend_lawson.txt", DATA / "reuters_dividend_ohio_art.txt")
    assert c.relation.type == "same_event"
    assert "each headline names what the other text never mentions" in c.relation.detail
    assert c.direction.original == "unknown"


def test_an_update_keeps_its_subject_and_a_text_without_a_headline_tells_nothing():
    def doc(name: str):
        return prepare(as_article(DATA / name))

    update = doc("reuters_update_1.txt"), doc("reuters_update_2.txt")
    assert not subjects_differ(*update)
    assert subject_held(*update) == 1.0  # one headline twice
    # Unocal's notice names USX, whose notice it follows: related subjects, not another one
    assert not subjects_differ(doc("reuters_crude_usx.txt"), doc("reuters_crude_unocal.txt"))
    dividends = doc("reuters_dividend_lawson.txt"), doc("reuters_dividend_ohio_art.txt")
    assert subjects_differ(*dividends)
    assert subject_held(*dividends) < 1 / 3
    assert subject_held(doc("seed_ap.txt"), doc("seed_rewrite.txt")) == -1.0  # the AP text has no title
