"""Fact checks on real sentence pairs: each flag fires on the change it names, and not on rewording."""

from __future__ import annotations

import wiretrace
from conftest import load_json


def flags_of(source: str, derived: str) -> dict[str, list[dict]]:
    d = wiretrace.compare(source, derived).to_dict()
    s = next(s for s in d["b"]["sentences"] if s["label"] != "boilerplate")
    out: dict[str, list[dict]] = {}
    for f in s["flags"]:
        out.setdefault(f["type"], []).append(f)
    return {"label": s["label"], **out}


# Sentences from the MSRP corpus (news from different outlets) and the seed pair.
SOURCE = "The charges carry up to 25 years in prison and $1.25 million in fines."


def test_changed_figure_points_at_both_numbers():
    got = flags_of(SOURCE, "The charges carry up to 35 years in prison and $1.25 million in fines.")
    assert got["label"] == "altered"
    (flag,) = got["number_changed"]
    assert SOURCE[flag["a_span"][0] : flag["a_span"][1]] == "25"


def test_a_figure_cut_out_of_the_claim_is_a_number_change():
    # Falke-style error: "made up half of radio rental's income" -> "made up radio rental's income".
    src = (
        "The ABC have reported that those who receive Centrelink payments made up half of "
        "Radio Rental's income."
    )
    got = flags_of(
        src, "The ABC have reported that those who receive Centrelink payments made up Radio Rental's income."
    )
    assert "number_changed" in got


def test_negation_added_in_the_shared_clause():
    got = flags_of("The court upheld the ban on Tuesday.", "The court did not uphold the ban on Tuesday.")
    assert "negation_changed" in got and got["label"] == "altered"


def test_failing_to_and_not_are_the_same_negation():
    src = "The Pentagon singled out an officer, Dallager, for failing to address the scandal."
    got = flags_of(src, "The Pentagon singled out an officer, Dallager, for not addressing the scandal.")
    assert "negation_changed" not in got


def test_quote_reworded_inside_quotation_marks_is_altered_quote():
    src = 'Kim called it crucial to "strengthening the fighting efficiency" of his armed forces.'
    got = flags_of(src, 'Kim called it crucial to "strengthening the combat power" of his armed forces.')
    assert "quote_altered" in got


def test_reported_speech_turned_into_a_quotation_is_a_soft_fabrication():
    src = (
        "He told The Sun that the daughters had British schools and hospitals in mind "
        "when they asked for asylum."
    )
    got = flags_of(
        src,
        '"The daughters had British schools and hospitals in mind when they asked for asylum," '
        "he told The Sun.",
    )
    assert "quote_fabricated" in got
    assert (
        got["label"] == "paraphrase"
    )  # the words are the source's: a paraphrase with a flag, not a falsehood


def test_intensifier_and_attribution_added():
    src = "Such support could increase the threat posed by the country's nuclear forces."
    got = flags_of(
        src,
        "Experts say such support could dramatically increase the threat posed by the country's "
        "nuclear forces.",
    )
    assert "intensifier_added" in got and "attribution_added" in got


def test_an_ordinal_restates_the_count():
    # MixSet (BBC text rewritten by GPT-4, pair gpt4_rewrite/179).
    got = flags_of(
        "Melzer has now beaten agassi in two of their three meetings.",
        "This victory marked Melzer's second win over Agassi in their three encounters.",
    )
    assert "number_changed" not in got


def test_a_word_swapped_for_its_opposite_reverses_the_claim():
    src = (
        "Brent crude for July delivery fell 38 cents to $27.45 a barrel on London's International "
        "Petroleum Exchange."
    )
    got = flags_of(src, src.replace("fell", "rose"))
    (flag,) = got["negation_changed"]
    assert got["label"] == "altered" and "“rose”" in flag["detail"] and "“fell”" in flag["detail"]
    assert src[flag["a_span"][0] : flag["a_span"][1]] == "fell"


def test_a_figure_given_more_precisely_is_a_specific_not_a_change():
    # MSRP: the same close reported as "17 percent" by one outlet and "17.3 percent" by another.
    got = flags_of(
        "Shares of Brocade closed at $5.91, down $1.24, or 17 percent.",
        "Shares of Brocade closed at $5.91, down $1.24, or 17.3 percent, on the Nasdaq Stock Market.",
    )
    assert "number_changed" not in got


def test_leaving_out_an_age_in_commas_is_omission_not_a_number_change():
    # MSRP: "Renee Jackson, 29, said" retold as "Renee Jackson said".
    got = flags_of(
        "Their biological daughter Renee Jackson, 29, said she made huge pots of beans and rice.",
        "Daughter Renee Jackson said she often made huge pots of beans and rice for the whole family.",
    )
    assert "number_changed" not in got


def test_a_list_of_things_the_source_never_names_makes_the_sentence_altered():
    # The seed pair: the rewrite spells out what the "military technology" would be.
    got = flags_of(
        "Analysts say the acknowledgement is likely part of a strategy to solidify long-term ties with "
        "Moscow in exchange for military technology.",
        "Analysts say the acknowledgement is part of a strategy to solidify long-term ties with Moscow in "
        "exchange for military technology, potentially including drones, air defense systems, and "
        "satellite know-how.",
    )
    assert got["label"] == "altered" and "specifics_added" in got


def test_compressions_are_flagged_only_for_what_they_change_in_the_claims_they_keep():
    """Falke compressions of one article sentence: leaving out a hedged clause states nothing, so no
    hedge_removed ("... and it could prove more tense than the title race"); keeping the claim without
    its hedge does ("would be keen" -> "will be keen", "has reportedly penned" -> "has penned"). A kept
    negation ("do not go far enough") is no negation change because another one left with its clause."""
    import json

    from conftest import DATA

    for item in json.loads((DATA / "falke_compressions.json").read_text(encoding="utf-8")):
        got = flags_of(item["source"], item["derived"])
        hedges = [item["source"][f["a_span"][0] : f["a_span"][1]] for f in got.get("hedge_removed", [])]
        assert hedges == ([item["hedge_removed"]] if item["hedge_removed"] else []), item["derived"]
        assert ("negation_changed" in got) == item["negation_changed"], item["derived"]


def test_a_demonym_of_a_place_the_source_names_is_not_new_information():
    """Real SummEdits text (tests/data/summedits_demonym.json): the story says "China", the summary
    "A Chinese mining incident": whatever else the sentence adds, "Chinese" is not listed as added."""
    item = load_json("summedits_demonym.json")
    d = wiretrace.compare(item["document"], item["summary"]).to_dict()
    details = [f["detail"] for s in d["b"]["sentences"] for f in s.get("flags", [])]
    assert d["b"]["sentences"][0]["text"].startswith("A Chinese mining incident")
    assert not any("“Chinese”" in x for x in details)
