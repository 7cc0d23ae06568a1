"""relation and direction on real pairs: copies, summaries, independent same-event reports, unrelated."""

from __future__ import annotations

import wiretrace
from conftest import DATA, SEED_AP, load_json
from wiretrace.model import Article
from wiretrace.prepare import prepare
from wiretrace.relation import RETOLD_REPEATED, content_hash, in_order, repeated


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


def test_a_story_retold_in_order_in_new_words_is_a_rewrite():
    """GPT-4 rewrote a BBC story sentence by sentence: half the vocabulary is new, but every sentence of
    each text aligns to the other, in the same order. Independent reports do not follow one another's
    order sentence for sentence."""
    source, rewrite = DATA / "llm_source_174.txt", DATA / "llm_rewrite_174.txt"
    for a, b in ((source, rewrite), (rewrite, source)):
        d = wiretrace.compare(a, b).to_dict()
        assert d["relation"]["type"] == "rewrite", d["relation"]
        assert "retold in the same order" in d["relation"]["detail"]
        assert d["stats"]["b_from_a"] >= 0.75 and d["stats"]["a_from_b"] >= 0.75


def test_sentence_order_is_the_share_of_the_longest_run_in_order():
    assert in_order([0, 1, 2, 3]) == 1.0
    assert in_order([3, 2, 1, 0]) == 0.25
    assert in_order([0, 2, 1, 3, 4]) == 0.8
    assert in_order([5]) == 1.0


def test_repeated_sentences_are_the_same_content_words_whatever_case_stopwords_or_order():
    source = prepare(Article(text=(DATA / "llm_source_174.txt").read_text()))
    rewrite = prepare(Article(text=(DATA / "llm_rewrite_174.txt").read_text()))
    lead = "Sun offers processing by the hour sun microsystems has launched a pay-as-you-go service"
    pasted = prepare(
        Article(
            text="SUN MICROSYSTEMS has launched a pay as you go service, offering processing by the hour."
        )
    )
    assert content_hash(prepare(Article(text=lead)).tokens[0]) == content_hash(pasted.tokens[0]) != 0
    assert content_hash(["said", "he"]) == 0  # too few content words to count
    assert content_hash(["troops", "sent", "korea"]) == content_hash(["korea", "sent", "troops", "sent"])
    assert repeated(source, source) == 1.0
    assert repeated(source, rewrite) < RETOLD_REPEATED  # the LLM reworded every sentence


def test_a_rewrite_that_credits_the_wire_in_a_formula_is_credited_syndication():
    """The seed rewrite with an "-- With files from The Associated Press" line (a real credit line, from
    tests/data/page_furniture.json) credits AP: no uncredited reuse."""
    rewrite = (DATA / "seed_rewrite.txt").read_text(encoding="utf-8").rstrip() + (
        "\n-- With files from The Associated Press\n"
    )
    d = wiretrace.compare(SEED_AP, rewrite).to_dict()
    assert d["b"]["credits"] == ["AP"]
    types = [f["type"] for f in d["findings"]]
    assert "credited_syndication" in types and "uncredited_reuse" not in types


def test_a_rewrite_that_keeps_another_wire_named_in_the_story_but_drops_the_source_credit():
    """Both seed texts with the same real sentence naming dpa as its source (tests/data/inline_credits.json)
    appended to the story: both attribute a claim to dpa (attribution, not a credit), the AP story alone
    carries the AP credit. The AP credit is still direction evidence, and its loss is still uncredited
    reuse."""
    rows = load_json("inline_credits.json")
    dpa = next(r["text"] for r in rows if r["attributed"] == ["dpa"])
    ap = SEED_AP.read_text(encoding="utf-8").rstrip() + f"\n{dpa}\n"
    rewrite = (DATA / "seed_rewrite.txt").read_text(encoding="utf-8").rstrip() + f"\n{dpa}\n"
    for first, second, original in ((ap, rewrite, "a"), (rewrite, ap, "b")):
        d = wiretrace.compare(first, second).to_dict()
        assert d["direction"]["original"] == original
        assert any("carries the AP credit" in e for e in d["direction"]["evidence"])
        assert any(f["type"] == "uncredited_reuse" and "AP" in f["detail"] for f in d["findings"])


def test_a_page_that_says_it_republishes_another_outlets_article_is_the_copy():
    """A real ScienceAlert page (tests/data/news-page-en.html) ends "This article was originally published
    by Futurism."; its marked body without that line stands for Futurism's original. Whichever order they
    are given in, the page is the copy and the notice is credited syndication."""
    body = load_json("news-page-en.truth.json")["articleBody"]
    original = "\n".join(line for line in body.split("\n") if "originally published" not in line)
    page = DATA / "news-page-en.html"
    for a, b, copy_side, first in ((original, page, "b", "a"), (page, original, "a", "b")):
        d = wiretrace.compare(a, b).to_dict()
        assert d[copy_side]["republished_from"] == ["Futurism"]
        assert d[first]["republished_from"] == []
        assert d["direction"]["original"] == first
        assert any(f["type"] == "credited_syndication" and "Futurism" in f["detail"] for f in d["findings"])


def test_a_credit_to_unnamed_agencies_is_still_uncredited_reuse_of_the_wire():
    """The seed rewrite signed "(With inputs from agencies)": AP is not named, so the reuse is still
    uncredited, and the finding says the rewrite credits only unnamed agencies; AP's credit still points
    to the original."""
    rewrite = (DATA / "seed_rewrite.txt").read_text(encoding="utf-8").rstrip()
    rewrite += "\n(With inputs from agencies)\n"
    d = wiretrace.compare(SEED_AP, rewrite).to_dict()
    assert (d["b"]["credits"], d["direction"]["original"]) == (["agencies"], "a")
    [finding] = [f for f in d["findings"] if f["type"] == "uncredited_reuse"]
    assert "only unnamed agencies" in finding["detail"]
