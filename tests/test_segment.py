"""segment: sentences with exact offsets; abbreviations and quotes do not split sentences."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA
from wiretrace.segment import block_spans, line_spans, split_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_spans(text)]


def test_abbreviations_initials_and_decimals_stay_inside_a_sentence():
    text = (
        'Mr. Kim met U.S. officials on Jan. 5. "We will win," he said. '
        "John F. Kennedy spoke at 3.5 p.m. today."
    )
    assert sentences(text) == [
        "Mr. Kim met U.S. officials on Jan. 5.",
        '"We will win," he said.',
        "John F. Kennedy spoke at 3.5 p.m. today.",
    ]


def test_closing_quote_stays_with_its_sentence():
    assert sentences('He said: "It is over." Then he left.') == ['He said: "It is over."', "Then he left."]


@given(st.text(alphabet=st.sampled_from(list("ab. ?!\"'\nXY1,")), max_size=200))
def test_spans_are_ordered_disjoint_and_stripped(text):
    last = 0
    for s, e in split_spans(text):
        assert last <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        last = e


def test_a_hard_wrapped_paragraph_is_read_as_one_block_of_whole_sentences():
    # Reuters-21578 prose is wrapped at about 65 characters: each line is a fragment of a sentence
    text = (DATA / "reuters_crude_unocal.txt").read_text()
    blocks = [text[s:e] for s, e in block_spans(text)]
    assert blocks[0] == "UNOCAL <UCL> RAISES CRUDE OIL POSTINGS"
    # the first line is short (the dateline was cut off) but the next goes on in lower case
    assert " ".join(blocks[1].split()) == (
        "Unocal Corp said it raised the contract price it will pay for most grades of crude oil 50 cts "
        "a barrel, effective today."
    )
    # "the U.S.\nbenchmark": a full stop at the end of a line ends no sentence when the next goes on
    assert "the U.S.\nbenchmark grade West Texas" in sentences(blocks[2])[0]
    assert blocks[-1] == "Reuter"  # an indented line starts a new paragraph
    assert len(blocks) == 9


def test_results_tables_and_web_paragraphs_keep_their_lines():
    table = (DATA / "reuters_update_1.txt").read_text()  # short indented rows: not a wrapped text
    page = (DATA / "seed_ap.txt").read_text()  # a paragraph per line
    for text in (table, page):
        assert list(block_spans(text)) == list(line_spans(text))


def test_a_list_item_in_wrapped_text_is_not_joined_to_the_line_before():
    text = (
        "The committee published the list of changes it made to the draft\n"
        "text on Tuesday, after a week of talks between the two parties\n"
        "- the deadline moved from March to the end of June next year\n"
        "- a review of the budget by the auditors of the two ministries\n"
    )
    blocks = [text[s:e] for s, e in block_spans(text)]
    assert blocks == [
        "The committee published the list of changes it made to the draft\n"
        "text on Tuesday, after a week of talks between the two parties",
        "- the deadline moved from March to the end of June next year",
        "- a review of the budget by the auditors of the two ministries",
    ]
