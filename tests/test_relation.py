"""relation and direction on real pairs: copies, summaries, independent same-event reports, unrelated."""

from __future__ import annotations

import wiretrace
from conftest import DATA, SEED_AP, load_json


def test_identical_texts_are_a_copy_with_every_sentence_verbatim():
    d = wiretrace.compare(SEED_AP, SEED_AP).to_dict()
    assert d["relation"]["type"] == "copy"
    body = [s for s in d["b"]["sentences"] if s["label"] != "boilerplate"]
    assert body and all(s["label"] == "verbatim" for s in body)
    assert all(s["label"] in ("kept", "boilerplate") for s in d["a"]["sentences"])


def test_summary_of_a_real_article_is_derived_from_it():
    item = load_json("frank_supported.json")
    d = wiretrace.compare(item["source"], item["sentence"]).to_dict()
    assert d["relation"]["type"] in ("rewrite", "copy")
    assert d["direction"]["original"] == "a"


def test_independent_reports_of_one_event_are_same_event():
    d = wiretrace.compare(DATA / "ecb_1_10ecb.txt", DATA / "ecb_1_1ecb.txt").to_dict()
    assert d["relation"]["type"] == "same_event"
    assert d["direction"]["original"] == "unknown"


def test_unrelated_texts_are_never_force_aligned():
    d = wiretrace.compare(SEED_AP, DATA / "ecb_3_1ecbplus.txt").to_dict()
    assert d["relation"]["type"] == "unrelated"
    assert all(not s["matches"] for s in d["b"]["sentences"])
    assert all(s["label"] in ("added", "boilerplate", "headline") for s in d["b"]["sentences"])
    assert d["findings"] == []


def test_unsupported_summary_sentence_is_flagged_not_supported():
    item = load_json("frank_unsupported.json")
    d = wiretrace.compare(item["source"], item["sentence"]).to_dict()
    labels = [s["label"] for s in d["b"]["sentences"] if s["label"] != "boilerplate"]
    assert set(labels) & {"altered", "added"}


def test_one_sentence_texts_compare():
    d = wiretrace.compare(
        "North Korea sent 15,000 troops to Russia.", "North Korea sent 50,000 troops to Russia."
    )
    s = d.to_dict()["b"]["sentences"][0]
    assert s["label"] == "altered"
    assert [f["type"] for f in s["flags"]] == ["number_changed"]


def test_non_english_text_works_lexically_and_says_its_language():
    a = "Le gouvernement a annoncé lundi une hausse de 5 % du budget de la santé pour l'année prochaine."
    b = "Le gouvernement a annoncé lundi une hausse de 5 % du budget de la santé pour l'année prochaine."
    d = wiretrace.compare(a, b).to_dict()
    assert d["a"]["language"] == "fr"
    assert d["relation"]["type"] == "copy"
