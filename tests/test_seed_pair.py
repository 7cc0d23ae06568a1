"""The seed pair read as a fact-checker reads it (the compare issue's expectations), end to end."""

from __future__ import annotations

from conftest import SEED_AP, SEED_REWRITE, flags, sentence

SEED_AP_TEXT = SEED_AP.read_text()
SEED_REWRITE_TEXT = SEED_REWRITE.read_text()


def test_relation_is_rewrite(seed):
    assert seed["schema"] == "wiretrace.compare/1"
    assert seed["relation"]["type"] == "rewrite"


def test_ap_story_is_named_original_whatever_the_order(seed, seed_swapped):
    assert seed["direction"]["original"] == "a"
    assert seed_swapped["direction"]["original"] == "b"
    assert any("AP" in e for e in seed["direction"]["evidence"])


def test_invented_claims_are_added(seed):
    assert sentence(seed, "b", "civilian workers")["label"] == "added"
    assert sentence(seed, "b", "billions of dollars")["label"] == "added"


def test_page_furniture_is_boilerplate_with_a_reason(seed):
    assert sentence(seed, "b", "READ ALSO")["reason"] == "related link"
    assert sentence(seed, "b", "Advertisement")["reason"] == "ad slot"
    repeats = [s for s in seed["b"]["sentences"] if "Orders Artillery Surge" in s["text"]]
    assert [s["label"] for s in repeats] == ["headline", "boilerplate"]
    assert repeats[1]["reason"] == "repeated headline"
    assert sentence(seed, "a", "(centre)")["label"] == "boilerplate"


def test_quote_the_source_never_printed_is_fabricated(seed):
    s = sentence(seed, "b", "critical")
    flag = next(f for f in s["flags"] if f["type"] == "quote_fabricated")
    start, end = flag["b_span"]
    assert "critical" in (SEED_REWRITE_TEXT[start:end])


def test_spelled_out_technology_is_altered_with_specifics_and_hedge_removed(seed):
    s = sentence(seed, "b", "drones")
    assert s["label"] == "altered"
    assert {"specifics_added", "hedge_removed"} <= flags(s)
    hedge = next(f for f in s["flags"] if f["type"] == "hedge_removed")
    assert SEED_AP_TEXT[hedge["a_span"][0] : hedge["a_span"][1]] == "likely"


def test_a_third_of_15000_is_the_same_figure_as_5000(seed):
    s = sentence(seed, "b", "a third")
    assert s["label"] in ("paraphrase", "altered")
    assert "number_changed" not in flags(s)


def test_unused_source_sentence_is_omitted(seed):
    assert sentence(seed, "a", "Washington and Seoul")["label"] == "omitted"


def test_dropped_wire_credit_is_uncredited_reuse(seed):
    assert "AP" in seed["a"]["credits"]
    assert seed["b"]["credits"] == []
    assert [f["type"] for f in seed["findings"]] == ["uncredited_reuse"]


def test_relative_date_without_publication_date_is_unresolved_not_changed(seed):
    s = sentence(seed, "b", "In April")
    assert "date_changed" not in flags(s)
    assert any(n["type"] == "date_unresolved" for n in s.get("notes", []))


def test_every_offset_points_back_into_the_original_text(seed):
    for side, text in (("a", SEED_AP_TEXT), ("b", SEED_REWRITE_TEXT)):
        for s in seed[side]["sentences"]:
            assert text[s["start"] : s["end"]] == s["text"]


def test_links_point_both_ways(seed):
    for s in seed["b"]["sentences"]:
        for i in s["matches"]:
            if s["label"] in ("verbatim", "paraphrase", "altered"):
                assert s["i"] in seed["a"]["sentences"][i]["matches"]
