"""segment: sentences with exact offsets; abbreviations and quotes do not split sentences."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wiretrace.segment import split_spans


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
