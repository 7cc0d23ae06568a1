"""facts: numbers with arithmetic equivalence, dates resolved against publication, quotes, hedges."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from wiretrace.facts import extract
from wiretrace.figures import QuantityPool, dates_agree, quantity_supported

DATA = Path(__file__).parent / "data"


def values(text: str) -> list:
    return [m.value for m in extract(text).numbers]


def test_nearly_a_third_is_supported_by_5000_of_15000():
    src = values("North Korea has sent about 15,000 soldiers, and nearly 5,000 of them have been killed.")
    third = next(v for v in values("nearly a third of them either killed or injured") if v.kind == "fraction")
    assert quantity_supported(third, src)


def test_a_pool_of_figures_answers_as_the_list_does():
    """``QuantityPool`` (sorted by value, for texts full of figures) gives ``quantity_supported``'s answer
    for every figure of the real Reuters notices, results tables and seed texts against every other."""
    texts = [(DATA / name).read_text() for name in sorted(p.name for p in DATA.glob("*.txt"))]
    texts.append("nearly a third of them, half the 15,000 soldiers, doubled to 5,000; dozens of them")
    figures = [values(t) for t in texts]
    supported = 0
    for source in figures:
        pool = QuantityPool(source)
        for other in figures:
            for q in other:
                assert pool.supports(q) == quantity_supported(q, source), q
                supported += pool.supports(q)
    assert supported > 50  # the texts do share figures


def test_a_different_figure_is_not_supported():
    src = values("about 15,000 soldiers were sent")
    assert not quantity_supported(values("50,000 soldiers were sent")[0], src)


def test_money_percent_and_scale_words():
    got = {(v.kind, v.value) for v in values("It cost $2.5 billion, up 12% on a year earlier.")}
    assert got == {("money", 2.5e9), ("percent", 0.12)}


def test_years_are_dates_not_counts():
    f = extract("The war began in 2022.")
    assert not f.numbers and f.dates[0].value.year == 2022


def test_relative_dates_resolve_against_publication_date():
    pub = date(2025, 5, 20)
    last_month = extract("North Korea last month confirmed it.", published=pub).dates[0].value
    april = extract("In April, North Korea acknowledged it.", published=pub).dates[0].value
    assert (last_month.year, last_month.month) == (2025, 4)
    assert dates_agree(last_month, april) is True
    march = extract("In March, it said so.", published=pub).dates[0].value
    assert dates_agree(last_month, march) is False


def test_relative_date_without_publication_date_is_undecidable():
    last_month = extract("North Korea last month confirmed it.").dates[0].value
    april = extract("In April, North Korea acknowledged it.").dates[0].value
    assert dates_agree(last_month, april) is None


def test_quotes_hedges_intensifiers_negation_and_attribution():
    f = extract(
        'Analysts say it is likely aimed at a deal and "strengthening the fighting efficiency" did not '
        "dramatically change."
    )
    assert [q.text for q in f.quotes] == ["strengthening the fighting efficiency"]
    assert [h.value for h in f.hedges] == ["likely"]
    assert [i.value for i in f.intensifiers] == ["dramatically"]
    assert [n.value for n in f.negations] == ["not"]
    assert [a.detail for a in f.attributions] == ["Analysts"]


def test_growing_reports_is_a_noun_not_an_attribution():
    assert not extract("The remarks come amid growing reports of troops.").attributions


def test_spans_point_into_the_text_with_offset():
    text = "He said 15,000 troops left."
    m = extract(text, offset=100).numbers[0]
    assert (" " * 100 + text)[m.start : m.end] == "15,000"


def test_a_figure_rounded_to_fewer_digits_is_the_same_claim():
    # MSRP: "down $1.24, or 17.3 percent" elsewhere reported as "or 17 percent"; "$50.01" as "$50".
    assert quantity_supported(values("down 17 percent")[0], values("down $1.24, or 17.3 percent"))
    assert quantity_supported(values("to close at $50")[0], values("fell $1.49, to $50.01"))


def test_rounding_needs_the_digits_to_agree():
    assert not quantity_supported(values("fell $1.50")[0], values("fell $1.49"))  # same precision
    assert not quantity_supported(values("weighed 50 pounds")[0], values("weighed 47 pounds"))
    assert not quantity_supported(values("2.7 million jobs")[0], values("2.5 million jobs"))


def test_not_only_adds_a_claim_and_negates_nothing():
    assert not extract("Not only is this the oldest known planet, it's also the most distant.").negations
    assert extract("This is not the oldest known planet.").negations


def test_a_name_or_a_compound_is_no_hedge():
    """ "May" the month or the name, and a hedge word inside a hyphenated compound, hedge nothing (Falke's
    "the misty may-treanor sports center" once drew a hedge_removed)."""

    def hedges(text: str) -> list[str]:
        return [h.value for h in extract(text).hedges]

    assert hedges("Theresa May said the deal may fail.") == ["may"]
    assert hedges("A would-be attacker was arrested on May 2.") == []
    assert hedges("her office at the Misty May-Treanor sports center is empty.") == []
    assert hedges("The suspect was reportedly armed.") == ["reportedly"]


def _summedits() -> dict:
    import json
    from pathlib import Path

    return json.loads((Path(__file__).parent / "data" / "summedits_consistent.json").read_text("utf-8"))


def test_a_passive_report_names_no_source():
    """'was believed', 'have been reported', 'were told': the subject is what is reported, not who."""
    bird_flu, tate, company = _summedits()["summaries"]
    first, second = bird_flu.split(". ", 1)
    assert not extract(first).attributions  # "Bird flu was not believed to be a threat"
    assert not extract(second).attributions  # "870 infections have been reported worldwide"
    assert not extract(tate).attributions  # "Andrew Tate and his brother were told to spend"
    assert [a.detail for a in extract(company).attributions] == ["The company"]  # active: a source


def test_initialisms_are_the_same_name_with_or_without_dots():
    from wiretrace.facts import entity_key

    assert entity_key("U.K.") == entity_key("UK") == entity_key("Britain") == entity_key("British")
    assert entity_key("U.S.") == entity_key("US") == entity_key("United States")
    assert entity_key("US") != frozenset()  # the country, not the stopword "us"
    assert entity_key("South America") == frozenset({"south", "america"})


def test_uk_activists_are_supported_by_a_story_about_british_protesters():
    import wiretrace

    d = _summedits()
    result = wiretrace.compare(d["document"], d["summary"])
    details = [f.detail for r in result.b_results for f in r.flags]
    assert not any("U.K" in x for x in details), details
